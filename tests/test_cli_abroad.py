"""``hrvdesk import abroad``, ``stats abroad``, ``export national`` and ``report annual``
(``cli.md``): exit codes, messages, JSON shapes and files, run in-process."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import Workbook
from pypdf import PdfReader

from hrvdesk.domain.disclosure import ProtectedPackage, apply_suppression, primary_cells
from hrvdesk.domain.roles import Role
from hrvdesk.io import export_national
from hrvdesk.store import abroad_repo, audit
from hrvdesk.store.database import Database
from hrvdesk.store.users import add_user
from tests.conftest import ADMIN, PASSPHRASE
from tests.store.abroad_helpers import PERSONAL_NUMBER

EN_HEADER = ("case_ref;reported_by;known_date;departure_date;gender;birth_year;purposes;"
             "honour_link;destination;status;reported_married;actions;notes")
EN_ROWS = ("SOC-1;SOC;2025-02-01;2025-01;girl;2011;forced_marriage|fgm;suspected;SO;abroad;no;"
           "concern_report|travel_ban;Uppgifter från skolan",
           ";UBF;2025-04-15;;boy;;upbringing_trip;confirmed;;at_risk;;;",
           ";SOC;2025-06-30;;girl;2008;child_marriage;suspected;IQ;returned;yes;investigation;",
           ";SOC;2025-07-01;;girl;2009;forced_marriage;suspected;TR;returned;no;;")
# Swedish Excel's "CSV (semikolonavgränsad)": Windows-1252, Swedish headers and codes
SV_HEADER = ("Ärendereferens;Rapporterad_av;Känt_datum;Avresedatum;Kön;Födelseår;Syften;"
             "Hederskoppling;Destination;Status;Uppges_gift;Åtgärder;Anteckningar")
SV_ROWS = ("Ä-12;soc;2024-11-03;2024-10-28;Flicka;2012;Barnäktenskap|Könsstympning;Misstänkt;so;"
           "Återkommit;ja;Orosanmälan|UD_kontakt;Förälder hörd, åtgärd pågår",
           ";UBF;2024-12-01;;pojke;2010;uppfostringsresa;bekräftad;;utomlands;nej;skoluppföljning;")


@pytest.fixture
def db_file(db_path):
    with Database.create(db_path, ADMIN, PASSPHRASE) as db:
        add_user(db, "vera", Role.VIEWER, PASSPHRASE)
        add_user(db, "sam", Role.EDITOR, PASSPHRASE, "SOC")
    return db_path


def csv_file(tmp_path, lines, name="abroad.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def stored_cases(db_path):
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        return [abroad_repo.get_case(db, s.case.id).case for s in abroad_repo.list_cases(db)]


def imported(cli, db_file, tmp_path):
    code, _out, err = cli("import", "abroad", csv_file(tmp_path, [EN_HEADER, *EN_ROWS]), "--db", db_file)
    assert (code, err) == (0, "")


# --- import ---------------------------------------------------------------------------------


def test_import_and_a_second_import_finds_every_row_present(cli, db_file, tmp_path):
    path = csv_file(tmp_path, [EN_HEADER, *EN_ROWS])
    code, out, err = cli("import", "abroad", path, "--db", db_file)
    assert (code, err) == (0, "")
    assert "abroad.csv: 4 rows read, 4 accepted, 0 rejected." in out and "New records: 4" in out
    code, out, _err = cli("import", "abroad", path, "--db", db_file)
    assert code == 0 and "New records: 0" in out and "Already present: 4" in out
    cases = stored_cases(db_file)
    assert len(cases) == 4
    first = cases[0]
    assert (first.case_ref, first.departure_date, first.purposes, first.actions, first.notes) == (
        "SOC-1", "2025-01", ("forced_marriage", "fgm"), ("concern_report", "travel_ban"),
        "Uppgifter från skolan")


def test_windows_1252_with_swedish_headers_and_codes(cli, db_file, tmp_path):
    path = csv_file(tmp_path, [SV_HEADER, *SV_ROWS], name="utrest.csv", encoding="cp1252")
    code, out, err = cli("import", "abroad", path, "--db", db_file, lang="sv")
    assert (code, err) == (0, ""), err
    first, second = stored_cases(db_file)
    assert (first.case_ref, first.reported_by, first.gender, first.purposes, first.status,
            first.reported_married, first.actions, first.destination, first.notes) == (
        "Ä-12", "SOC", "girl", ("child_marriage", "fgm"), "returned", True,
        ("concern_report", "consular_contact"), "SO", "Förälder hörd, åtgärd pågår")
    assert (second.gender, second.status, second.actions) == ("boy", "abroad", ("school_followup",))


def test_xlsx(cli, db_file, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(EN_HEADER.split(";"))
    sheet.append(["", "UBF", dt.datetime(2025, 5, 5), None, "girl", 2012, "fgm", "suspected", "ET",
                  "at_risk", None, None, None])
    path = tmp_path / "abroad.xlsx"
    book.save(path)
    code, _out, err = cli("import", "abroad", path, "--db", db_file)
    assert (code, err) == (0, "")
    [stored] = stored_cases(db_file)
    assert (stored.known_date, stored.birth_year, stored.destination) == (dt.date(2025, 5, 5), 2012, "ET")


REJECTIONS = {
    "personal number in notes": (EN_ROWS[1] + f"Barnets personnummer {PERSONAL_NUMBER}",
                                 "Line 3, column notes: This looks like a personal identity number"),
    "unknown code": (EN_ROWS[1].replace("upbringing_trip", "holiday"),
                     'Line 3, column purposes: Unknown code "holiday"'),
    "unknown administration": (EN_ROWS[1].replace("UBF", "XYZ"),
                               'Line 3, column reported_by: Unknown administration "XYZ"'),
    "future date": (EN_ROWS[1].replace("2025-04-15", f"{dt.date.today().year + 1}-01-01"),
                    "Line 3, column known_date: The date"),
    "birth year after the known date": (EN_ROWS[1].replace(";boy;;", ";boy;2026;"),
                                        "Line 3, column birth_year: The birth year 2026 is after"),
    "unknown country": (EN_ROWS[1].replace(";confirmed;;", ";confirmed;Sverige;"),
                        "Line 3, column destination:"),
}


@pytest.mark.parametrize("name", REJECTIONS)
def test_every_rejection_names_line_column_and_reason_and_nothing_is_written(cli, db_file, tmp_path, name):
    row, message = REJECTIONS[name]
    path = csv_file(tmp_path, [EN_HEADER, EN_ROWS[0], row])
    code, out, err = cli("import", "abroad", path, "--db", db_file)
    assert code == 5
    assert "2 rows read, 1 accepted, 1 rejected." in out
    assert message in err and "Nothing was imported" in err
    assert PERSONAL_NUMBER not in out + err
    assert stored_cases(db_file) == []


def test_a_missing_required_column_rejects_the_file(cli, db_file, tmp_path):
    header = EN_HEADER.replace(";honour_link", "")
    rows = [r.replace(";suspected;", ";").replace(";confirmed;", ";") for r in EN_ROWS]
    code, _out, err = cli("import", "abroad", csv_file(tmp_path, [header, *rows]), "--db", db_file)
    assert code == 5 and "honour_link (hederskoppling)" in err and "missing" in err
    assert stored_cases(db_file) == []


def test_a_name_column_rejects_the_file(cli, db_file, tmp_path):
    lines = [EN_HEADER + ";namn", *(row + ";" for row in EN_ROWS)]
    code, _out, err = cli("import", "abroad", csv_file(tmp_path, lines), "--db", db_file)
    assert code == 5 and "namn" in err
    assert stored_cases(db_file) == []


def test_dry_run_and_an_editor_of_another_administration(cli, db_file, tmp_path):
    path = csv_file(tmp_path, [EN_HEADER, *EN_ROWS])
    code, out, _err = cli("import", "abroad", path, "--db", db_file, "--dry-run")
    assert code == 0 and "New records: 4" in out and "Dry run: nothing was changed." in out
    code, _out, err = cli("import", "abroad", path, "--db", db_file, user="sam")
    assert code == 6 and "own administration (SOC)" in err and "(column reported_by, line 3)" in err
    code, _out, _err = cli("import", "abroad", path, "--db", db_file, user="vera")
    assert code == 6
    assert stored_cases(db_file) == []


# --- stats --------------------------------------------------------------------------------


def test_stats_json_has_every_category_and_the_margins(cli, db_file, tmp_path):
    imported(cli, db_file, tmp_path)
    code, out, err = cli("stats", "abroad", "--year", "2025", "--db", db_file, "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    # the contract's keys, then the case rows beside the persons and the scope
    assert list(document) == ["year", "total", "tables", "cases", "scope"]
    assert document["scope"] == "exact" and document["cases"] == 4
    assert (document["year"], document["total"]) == (2025, 4)
    for table in document["tables"]:  # no child has two cases here: persons = cases
        for cell in table["cells"]:
            assert cell.pop("cases") == cell["count"]
    tables = {t["id"]: t for t in document["tables"]}
    assert tables["by_status"] == {"id": "by_status", "dimensions": ["status"], "cells": [
        {"status": "at_risk", "count": 1}, {"status": "abroad", "count": 1},
        {"status": "returned", "count": 2}, {"status": "unknown", "count": 0},
        {"status": "total", "count": 4}]}
    grid = tables["by_gender_age"]["cells"]
    assert {"gender": "girl", "age_band": "13-17", "count": 3} in grid   # aged 14, 17 and 16
    assert {"gender": "girl", "age_band": "total", "count": 3} in grid
    assert {"gender": "total", "age_band": "unknown", "count": 1} in grid
    assert grid[-1] == {"gender": "total", "age_band": "total", "count": 4} and len(grid) == 25
    assert [c["action"] for c in tables["by_action"]["cells"]] == [
        "concern_report", "investigation", "police_report", "travel_ban", "lvu",
        "school_followup", "consular_contact", "placement", "protected_housing", "no_action"]
    assert tables["reported_married"]["cells"] == [{"count": 1}]


def test_stats_as_text_and_for_a_period_ending_in_the_year(cli, db_file, tmp_path):
    imported(cli, db_file, tmp_path)
    code, out, _err = cli("stats", "abroad", "--year", "2025", "--db", db_file)
    assert code == 0 and "exact figures for internal use" in out
    assert "Returned" in out and "Total" in out
    code, out, _err = cli("stats", "abroad", "--year", "25", "--db", db_file)
    assert code == 2


# --- export and report -------------------------------------------------------------------


def test_export_national_writes_json_and_csv(cli, db_file, tmp_path):
    imported(cli, db_file, tmp_path)
    out, out_csv = tmp_path / "nationellt.json", tmp_path / "nationellt.csv"
    code, stdout, err = cli("export", "national", "--year", "2025", "--db", db_file, "--out", out,
                            "--csv", out_csv)
    assert (code, err) == (0, "")
    assert "4 persons; threshold 3;" in stdout and "attacker audit passed" in stdout
    document = json.loads(out.read_text("utf-8"))
    assert document["tables"][0] == {"id": "total", "dimensions": [], "cells": [{"count": 4}]}
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbftable;dimension_1;")
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        assert audit.entries(db.conn, action="export")[0].detail["year"] == 2025


def test_export_refuses_a_weak_package(cli, db_file, tmp_path, monkeypatch):
    imported(cli, db_file, tmp_path)

    def primary_only(stats, k, **_context):
        suppressed = primary_cells(stats.tables, k)
        return ProtectedPackage(stats.period, k, apply_suppression(stats.tables, suppressed),
                                len(suppressed), True)

    monkeypatch.setattr(export_national, "protect", primary_only)
    out = tmp_path / "p.json"
    code, _stdout, err = cli("export", "national", "--year", "2025", "--db", db_file, "--out", out)
    assert code == 5 and "The package was not written" in err and not out.exists()


def test_export_needs_an_administrator(cli, db_file, tmp_path):
    out = tmp_path / "p.json"
    for user in ("vera", "sam"):
        code, _stdout, _err = cli("export", "national", "--year", "2025", "--db", db_file, "--out", out,
                                  user=user)
        assert code == 6 and not out.exists()


def test_report_annual(cli, db_file, tmp_path):
    imported(cli, db_file, tmp_path)
    out = tmp_path / "arsrapport.pdf"
    code, _stdout, err = cli("report", "annual", "--year", "2025", "--db", db_file, "--out", out,
                             user="vera", lang="sv")
    assert (code, err) == (0, "")
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Barn som förts utomlands: årsstatistik 2025" in text and "Framtagen av vera" in text


def test_stats_abroad_by_role_exact_own_and_protected(cli, db_file, tmp_path):
    """cli.md: exact for an admin, exact over her own administration's cases for an editor,
    protected for a viewer (issue 12.7); seeing exact figures is audited."""
    imported(cli, db_file, tmp_path)
    viewer = json.loads(cli("stats", "abroad", "--year", "2025", "--db", db_file, "--json", user="vera")[1])
    assert viewer["scope"] == "protected" and viewer["total"] == 4
    counts = [c["count"] for t in viewer["tables"] if t["id"] != "total" for c in t["cells"]]
    assert not [c for c in counts if isinstance(c, int) and 0 < c < 3]
    editor = json.loads(cli("stats", "abroad", "--year", "2025", "--db", db_file, "--json", user="sam")[1])
    assert editor["scope"] == "exact_own" and editor["administration"] == "SOC"
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        soc = sum(1 for _ in db.conn.execute(
            "SELECT 1 FROM abroad_cases WHERE reported_by = 'SOC' AND known_date LIKE '2025-%'"))
        seen = [(e.user, e.detail["scope"]) for e in audit.entries(db.conn, action="view")
                if e.target == "statistics:abroad:2025"]
    assert editor["total"] == soc
    assert ("sam", "exact_own") in seen and not [u for u, _s in seen if u == "vera"]
