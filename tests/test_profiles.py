"""Municipality profiles (issue 15): Botkyrka's profile gives exactly what the old migration
seeds give, another municipality's profile drives the whole product, a malformed profile is
refused with its key named and leaves no file, and export → init is a round trip."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tomllib

import pytest
from pypdf import PdfReader

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.plan_seed import BOTKYRKA_PLAN, COMMITTEE_ADMINISTRATION, COMMITTEES
from hrvdesk.domain.profile import dump_profile, parse_profile
from hrvdesk.io.profile_files import load_profile
from hrvdesk.domain.school_holidays import default_school_year
from hrvdesk.store import audit, connection, holidays_repo, organisation, settings
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import header_path
from hrvdesk.store.migrations import m001_core
from hrvdesk.store.organisation import Partner
from tests.conftest import ADMIN, PASSPHRASE

YEAR = dt.date.today().year

#: The tables a profile fills, each with the columns compared (no timestamps) and an order.
PROFILE_TABLES = {
    "administrations": ("code, name, committee, kind, active", "code"),
    "partners": ("code, name, kind, active", "code"),
    "committees": ("code, title, administration, position", "position"),
    "plans": ("id, plan_key, version, name, owner_committee, adopted_year, valid_from, valid_to, created_by",
              "id"),
    "plan_goals": ("id, plan, number, title", "id"),
    "plan_measures": ("id, plan, goal, code, title, source, unit, position", "id"),
    "plan_activities": ("id, plan, goal, code, title, lead, timeframe, first_year, last_year, position", "id"),
    "plan_activity_committees": ("activity, committee, position", "activity, position"),
    "plan_activity_partners": ("activity, partner, position", "activity, position"),
    "survey_pilot": ("id, first_year, length", "id"),
    "school_holidays": ("start_year, kind, first_day, last_day", "start_year, kind"),
}


def dump(conn) -> dict[str, list[tuple]]:
    return {table: conn.execute(f"SELECT {columns} FROM {table} ORDER BY {order}").fetchall()
            for table, (columns, order) in PROFILE_TABLES.items()}


# --- Botkyrka: the profile is the old seed data -------------------------------------------


def test_the_botkyrka_profile_holds_the_seed_data():
    profile = load_profile("botkyrka")
    assert (profile.code, profile.name, profile.plan_owner) == ("0127", "Botkyrka", "KS")
    assert [(a.code, a.name, a.committee, a.kind) for a in profile.administrations] == m001_core.ADMINISTRATIONS
    assert [(p.code, p.name, p.kind) for p in profile.partners] == m001_core.PARTNERS
    assert [(c.code, c.title, c.administration) for c in profile.committees] == [
        (c.code, c.label, COMMITTEE_ADMINISTRATION[c.code]) for c in COMMITTEES]
    assert profile.plan == BOTKYRKA_PLAN
    assert (profile.pilot_first_year, profile.pilot_years, profile.period_start_month) == (2022, 4, 1)


def test_a_new_database_has_exactly_the_rows_of_one_set_up_by_the_old_migration_seeds(admin_db, tmp_path):
    """A new database (Botkyrka's profile) and an upgraded one (the migrations' frozen
    seeds, as every database before profiles got them) agree row for row."""
    key = bytes(32)
    seeded = connection.connect(tmp_path / "seeded.db", key, create=True)
    try:
        connection.configure(seeded, tmp_path / "seeded.db")
        Database._migrate(seeded)  # municipality seeds included: the upgrade path
        old = dump(seeded)
    finally:
        seeded.close()
    new = dump(admin_db.conn)
    assert new == old
    assert len(new["plan_activities"]) == 18 and new["plan_activity_partners"]
    assert settings.get(admin_db, "municipality_code") == "0127"
    assert settings.get(admin_db, "municipality_name") == "Botkyrka"


# --- another municipality -----------------------------------------------------------------

EXEMPELBY = f"""
# A made-up municipality with its own organisation and a three-goal plan.
[municipality]
code = "9999"
name = "Exempelby"

[settings]
period_start_month = 1

[survey]
pilot_years = 3

[[administrations]]
code = "KSF"
name = "Kommunstyrelseförvaltningen"
committee = "Kommunstyrelsen"
kind = "other"

[[administrations]]
code = "BUF"
name = "Barn- och utbildningsförvaltningen"
committee = "Barn- och utbildningsnämnden"
kind = "education"

[[administrations]]
code = "IFO"
name = "Individ- och familjeomsorgen"
committee = "Socialnämnden"
kind = "social_services"

[[partners]]
code = "POLIS"
name = "Polisen i Exempelby"
kind = "police"

[[committees]]
code = "KS"
title = "Kommunstyrelsen"
administration = "KSF"

[[committees]]
code = "BUN"
title = "Barn- och utbildningsnämnden"
administration = "BUF"

[[committees]]
code = "SOCN"
title = "Socialnämnden"
administration = "IFO"

[plan]
name = "Exempelbys plan mot hedersförtryck"
version = "2024"
owner = "KS"
adopted_year = {YEAR - 1}

[[plan.goals]]
title = "Tidig upptäckt i skolan"

[[plan.goals.measures]]
code = "U1"
title = "Andel skolor med rutin för att upptäcka heder"

[[plan.goals.activities]]
code = "S1"
title = "Skolkuratorer frågar om hedersnormer"
responsible = ["BUN", "SOCN"]
partners = ["POLIS"]

[[plan.goals]]
title = "Kunnig personal"

[[plan.goals.measures]]
code = "U2"
title = "Utbildad personal"
source = "training_coverage"

[[plan.goals.activities]]
code = "S2"
title = "Grundutbildning för all personal"
responsible = ["KS", "BUN", "SOCN"]
timeframe = "Varje år"

[[plan.goals]]
title = "Samverkan med polisen"

[[plan.goals.activities]]
code = "S3"
title = "Gemensamma ärendegenomgångar med polisen"
responsible = ["SOCN"]
partners = ["POLIS"]
first_year = {YEAR - 1}
last_year = {YEAR + 2}
"""

TRAINING = ["anställningsnummer;förvaltning;enhet;utbildning;ämnen;form;datum;timmar",
            f"1001;BUF;Skola A;Grundkurs heder;heder;webb;{YEAR - 1}-03-01;2",
            f"1002;BUF;Skola B;Grundkurs heder;heder;webb;{YEAR - 1}-03-02;2",
            f"1003;IFO;;Grundkurs heder;heder;fysisk;{YEAR - 1}-03-03;2"]


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_another_municipality_through_init_import_statistics_and_the_plan_report(cli, db_path, tmp_path):
    profile = write(tmp_path, "exempelby.toml", EXEMPELBY)
    code, out, err = cli("init", "--db", db_path, "--profile", profile, new_passphrase=PASSPHRASE)
    assert (code, err) == (0, "") and "Created" in out

    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        assert [a.code for a in organisation.administrations(db)] == ["BUF", "IFO", "KSF"]
        assert settings.get(db, "municipality_name") == "Exempelby"
        assert [(len(g.measures), len(g.activities)) for g in load_profile(profile).plan.goals] == [
            (1, 1), (1, 1), (0, 1)]
        created = audit.entries(db.conn, action="create_database")[0]
        assert created.detail["municipality"] == "9999"

    training = write(tmp_path, "utbildning.csv", "\r\n".join(TRAINING) + "\r\n")
    code, out, err = cli("import", "training", training, "--db", db_path)
    assert (code, err) == (0, "") and "3 accepted, 0 rejected" in out
    code, _out, err = cli("import", "training", write(tmp_path, "fel.csv", "\r\n".join(
        [TRAINING[0], TRAINING[1].replace("BUF", "UBF")]) + "\r\n"), "--db", db_path)
    assert code == 5 and "Unknown administration" in err  # Botkyrka's code is unknown here

    code, out, err = cli("stats", "training", "--year", YEAR, "--db", db_path, "--json")
    assert (code, err) == (0, "")
    by_code = {a["code"]: a for a in json.loads(out)["administrations"]}
    assert set(by_code) == {"BUF", "IFO", "KSF"}
    assert (by_code["BUF"]["trained"], by_code["IFO"]["trained"], by_code["KSF"]["trained"]) == (2, 1, 0)

    report = tmp_path / "plan.pdf"
    code, _out, err = cli("report", "plan", "--year", YEAR, "--db", db_path, "--out", report, lang="sv")
    assert (code, err) == (0, "")
    text = pdf_text(report.read_bytes())
    for expected in ("Exempelby kommun", "Exempelbys plan mot hedersförtryck", "Tidig upptäckt i skolan",
                     "Samverkan med polisen", "Gemensamma ärendegenomgångar med polisen", "Socialnämnden"):
        assert expected in text, expected
    assert "Botkyrka" not in text


def test_a_profile_may_be_json_and_gives_the_same_profile(tmp_path):
    toml_profile = load_profile(write(tmp_path, "exempelby.toml", EXEMPELBY))
    json_file = write(tmp_path, "exempelby.json", dump_profile(toml_profile, "json"))
    assert load_profile(json_file) == toml_profile


# --- malformed profiles -------------------------------------------------------------------


@pytest.mark.parametrize("change, named", [
    (('responsible = ["SOCN"]', 'responsible = ["SOCN", "UN"]'), "plan.goals[2].activities[0].responsible"),
    (('administration = "BUF"', 'administration = "UBF"'), "committees[1].administration"),
    (('kind = "police"', 'kind = "polis"'), "partners[0].kind"),
    (('code = "9999"', 'code = "99"'), "municipality.code"),
    (('partners = ["POLIS"]\n\n', 'partners = ["POLIS"]\nboss = "BUN"\n\n'), "plan.goals[0].activities[0].boss"),
    (('last_year = ', 'last_year = 1 + '), None),  # a TOML syntax error: its line and column
])
def test_a_malformed_profile_is_refused_with_the_key_named_and_no_file_left(cli, db_path, tmp_path, change, named):
    old, new = change
    assert old in EXEMPELBY
    if named is None:
        named = f"Line {EXEMPELBY[:EXEMPELBY.index(old)].count(chr(10)) + 1}, column 15: This is not valid TOML"
    profile = write(tmp_path, "fel.toml", EXEMPELBY.replace(old, new, 1))
    code, out, err = cli("init", "--db", db_path, "--profile", profile, new_passphrase=PASSPHRASE)
    assert code == 5 and out == ""
    assert "fel.toml is not a valid municipality profile." in err and named in err, err
    assert "Traceback" not in err
    assert not db_path.exists() and not header_path(db_path).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fel.toml", "home"]


def test_validation_names_every_problem_and_an_unknown_shipped_profile(tmp_path):
    text = EXEMPELBY.replace('lead = ', 'x = ').replace('responsible = ["KS", "BUN", "SOCN"]',
                                                          'responsible = ["KS", "KS"]\nlead = "BUN"')
    with pytest.raises(ValidationError) as raised:
        parse_profile(text, "fel.toml")
    fields = [p.field for p in raised.value.problems]
    assert fields == ["plan.goals[1].activities[0].responsible", "plan.goals[1].activities[0].lead"]
    with pytest.raises(ValidationError, match="nosuch"):
        load_profile("nosuch")


def test_init_with_an_unknown_shipped_profile_is_a_rejected_input(cli, db_path):
    code, _out, err = cli("init", "--db", db_path, "--profile", "nosuch", new_passphrase=PASSPHRASE)
    assert code == 5 and "botkyrka" in err and not db_path.exists()


# --- export and set up again -----------------------------------------------------------------


def test_export_then_init_from_the_export_gives_the_same_rows(cli, db_path, tmp_path):
    with Database.create(db_path, ADMIN, PASSPHRASE) as db:
        organisation.save_partner(db, Partner("SKOLA", "Friskolan i Botkyrka", "other"))
        settings.put(db, "period_start_month", 7)
        holidays_repo.set_school_year(db, default_school_year(YEAR))
    out = tmp_path / "grannkommun.toml"
    code, stdout, err = cli("profile", "export", "--db", db_path, "--out", out)
    assert (code, err) == (0, "") and str(out) in stdout
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# ") and tomllib.loads(text)["municipality"] == {"code": "0127", "name": "Botkyrka"}

    copy = tmp_path / "copy.db"
    code, _out, err = cli("init", "--db", copy, "--profile", out, new_passphrase=PASSPHRASE)
    assert (code, err) == (0, "")
    with Database.open(db_path, ADMIN, PASSPHRASE) as first, Database.open(copy, ADMIN, PASSPHRASE) as second:
        assert dump(second.conn) == dump(first.conn)
        assert settings.get(second, "period_start_month") == 7
        exported = audit.entries(first.conn, action="export")[0]
        assert exported.target == "profile" and len(exported.detail["sha256"]) == 64


def test_only_an_administrator_exports_a_profile(cli, db_path, tmp_path):
    from hrvdesk.domain.roles import Role
    from hrvdesk.store.users import add_user

    with Database.create(db_path, ADMIN, PASSPHRASE) as db:
        add_user(db, "vera", Role.VIEWER, PASSPHRASE)
    out = tmp_path / "p.toml"
    code, _out, err = cli("profile", "export", "--db", db_path, "--out", out, user="vera")
    assert code == 6 and err and not out.exists()
