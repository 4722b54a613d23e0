"""Persons in the register of children taken abroad (issue 10): the personal identity number
is validated, pseudonymised at once and never kept; every table counts children, not rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hrvdesk.domain import personnummer
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.pii import luhn_valid
from hrvdesk.domain.roles import Role
from hrvdesk.store import abroad_repo, audit
from hrvdesk.store.database import Database
from hrvdesk.store.users import add_user
from tests.conftest import ADMIN, PASSPHRASE
from tests.store.abroad_helpers import case

TODAY = dt.date(2026, 1, 15)


def with_check_digit(nine: str) -> str:
    """The ten digits of ``nine`` and the one check digit that makes them Luhn-valid."""
    return next(nine + d for d in "0123456789" if luhn_valid(nine + d))


CHILD = with_check_digit("120315123")           # born 15 March 2012
COORDINATION = with_check_digit("100575456")    # samordningsnummer, born 15 May 2010
WRITINGS = [f"{CHILD[:6]}-{CHILD[6:]}", f"20{CHILD}", f"20{CHILD[:6]}-{CHILD[6:]}",
            f"{CHILD[:6]} {CHILD[6:]}", CHILD]


class TestNumbers:
    @pytest.mark.parametrize("written", WRITINGS)
    def test_every_way_of_writing_a_number_gives_one_normal_form(self, written):
        assert personnummer.normalise(written, TODAY) == "20" + CHILD

    def test_a_coordination_number_has_its_day_plus_sixty(self):
        twelve = personnummer.normalise(COORDINATION, TODAY)
        assert twelve == "20" + COORDINATION and personnummer.is_coordination_number(twelve)

    def test_a_plus_means_a_hundred_years_or_more(self):
        assert personnummer.normalise(f"{CHILD[:6]}+{CHILD[6:]}", TODAY) == "19" + CHILD

    @pytest.mark.parametrize("written, why", [
        (CHILD[:-1] + str((int(CHILD[-1]) + 1) % 10), "check digit"),
        (with_check_digit("121315123"), "date of birth"),     # month 13
        ("20" + with_check_digit("260301123"), "after"),       # born after the reference day
        ("12031512", "10 or 12 digits"),
        ("１２０３１５-" + CHILD[6:], "digits 0–9"),            # full-width digits
    ])
    def test_a_wrong_number_is_refused_without_repeating_it(self, written, why, english):
        with pytest.raises(personnummer.PersonnummerError) as caught:
            personnummer.normalise(written, TODAY)
        assert why in caught.value.reason and written not in caught.value.reason

    def test_the_pseudonym_depends_on_the_databases_key(self):
        twelve = personnummer.normalise(CHILD, TODAY)
        one, other = bytes(32), bytes(range(32))
        assert personnummer.pseudonym(twelve, one) == personnummer.pseudonym(twelve, one)
        assert personnummer.pseudonym(twelve, one) != personnummer.pseudonym(twelve, other)
        assert twelve not in personnummer.pseudonym(twelve, one)


@pytest.fixture
def english():
    from hrvdesk import i18n
    i18n.set_language("en")
    yield
    i18n.set_language("sv")


# --- import and counting ---------------------------------------------------------------------

HEADER = ("person;reported_by;known_date;departure_date;gender;birth_year;purposes;"
          "honour_link;destination;status;reported_married;actions;notes")
ROWS = (f"{CHILD[:6]}-{CHILD[6:]};SOC;2025-02-01;;girl;2012;forced_marriage;suspected;SO;at_risk;no;;",
        f"20{CHILD};UBF;2025-05-01;2025-07-01;girl;2012;fgm;confirmed;SO;abroad;yes;travel_ban;",
        ";SOC;2025-06-30;;boy;2010;other;suspected;IQ;returned;no;;")


@pytest.fixture
def db_file(db_path):
    with Database.create(db_path, ADMIN, PASSPHRASE) as db:
        add_user(db, "sam", Role.EDITOR, PASSPHRASE, "SOC")
    return db_path


def csv_file(tmp_path, lines):
    path = tmp_path / "abroad.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


def test_one_child_reported_by_two_administrations_is_one_person(cli, db_file, tmp_path):
    code, _out, err = cli("import", "abroad", csv_file(tmp_path, [HEADER, *ROWS]), "--db", db_file)
    assert (code, err) == (0, "")
    code, out, _err = cli("stats", "abroad", "--year", "2025", "--db", db_file, "--json")
    document = json.loads(out)
    assert (document["total"], document["cases"]) == (2, 3)
    tables = {t["id"]: t["cells"] for t in document["tables"]}
    # the child's most recent case decides the partitioning tables; every case the others
    assert {c["status"]: c["count"] for c in tables["by_status"]} == {
        "at_risk": 0, "abroad": 1, "returned": 1, "unknown": 0, "total": 2}
    assert {c["agency_kind"]: (c["count"], c["cases"]) for c in tables["known_to"]} == {
        "social_services": (2, 2), "education": (1, 1), "other": (0, 0)}
    assert {c["purpose"]: c["count"] for c in tables["by_purpose"]
            if c["count"]} == {"forced_marriage": 1, "fgm": 1, "other": 1}
    assert tables["reported_married"] == [{"count": 1, "cases": 1}]
    assert {c["timing"]: c["count"] for c in tables["by_departure_timing"]}["summer_holiday"] == 1
    code, out, _err = cli("stats", "abroad", "--year", "2025", "--db", db_file)
    assert "Persons" in out and "Cases" in out


def test_a_wrong_number_rejects_the_file_naming_row_and_column(cli, db_file, tmp_path):
    wrong = CHILD[:-1] + str((int(CHILD[-1]) + 1) % 10)
    rows = [ROWS[0], ROWS[1].replace(f"20{CHILD}", wrong)]
    code, _out, err = cli("import", "abroad", csv_file(tmp_path, [HEADER, *rows]), "--db", db_file)
    assert code == 5 and "Line 3, column person" in err and wrong not in err
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        assert abroad_repo.list_cases(db) == []


def test_the_raw_number_is_nowhere_on_disk_nor_in_the_database(cli, db_file, tmp_path):
    cli("import", "abroad", csv_file(tmp_path, [HEADER, *ROWS]), "--db", db_file)
    (tmp_path / "abroad.csv").unlink()
    forms = {CHILD, "20" + CHILD, CHILD[:6] + "-" + CHILD[6:]}
    for path in db_file.parent.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for form in forms:
                for encoding in ("utf-8", "utf-16-le"):
                    assert form.encode(encoding) not in data, path.name
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:  # every decrypted value of every table
        tables = [name for (name,) in db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        text = " ".join(str(value) for table in tables
                        for row in db.conn.execute(f'SELECT * FROM "{table}"') for value in row)
        assert not any(form in text for form in forms)
        keys = {c.case.person_key for c in abroad_repo.list_cases(db)}
        assert len(keys - {None}) == 1


def test_the_form_lookup_tells_which_cases_hold_the_child_and_is_audited(admin_db):
    key = abroad_repo.person_pseudonym(admin_db, CHILD, dt.date(2025, 2, 1))
    first = abroad_repo.create_case(admin_db, case(person_key=key, reported_by="SOC"))
    second = abroad_repo.create_case(admin_db, case(person_key=key, reported_by="UBF"))
    assert abroad_repo.cases_of_person(admin_db, key).visible == (first, second)
    assert abroad_repo.cases_of_person(admin_db, key, excluding=second).visible == (first,)
    assert sorted(e.detail["found"] for e in audit.entries(admin_db.conn, action="lookup")) == [1, 2]
    with pytest.raises(ValidationError) as caught:
        abroad_repo.person_pseudonym(admin_db, CHILD[:-1], dt.date(2025, 2, 1))
    assert caught.value.problems[0].field == "person_key"


def test_an_editor_learns_only_that_other_administrations_know_the_child(admin_db, tmp_path):
    from tests.store.plan_helpers import add_users, opened_as

    add_users(admin_db)
    key = abroad_repo.person_pseudonym(admin_db, CHILD, dt.date(2025, 2, 1))
    own = abroad_repo.create_case(admin_db, case(person_key=key, reported_by="SOC"))
    abroad_repo.create_case(admin_db, case(person_key=key, reported_by="UBF"))
    with opened_as(admin_db, "SOC") as editor:
        found = abroad_repo.cases_of_person(editor, key)
    assert (found.visible, found.elsewhere) == ((own,), 1)


def test_two_cases_in_two_calendar_years_of_one_period_are_one_person():
    from hrvdesk.domain.abroad_stats import Period, build_tables

    key = "b" * 64
    cases = [case(id=1, person_key=key, known_date=dt.date(2024, 11, 3), status="at_risk"),
             case(id=2, person_key=key, known_date=dt.date(2025, 3, 9), status="abroad",
                  reported_by="UBF")]
    kinds = {"SOC": "social_services", "UBF": "education"}
    july = build_tables(cases, Period.for_year(2025, 7), kinds, cases_too=True)
    assert (july.total, july.cases) == (1, 2)
    assert july.table("by_status").count("abroad") == 1  # the most recent case decides
    assert [build_tables(cases, Period.for_year(y), kinds).total for y in (2024, 2025)] == [1, 1]
