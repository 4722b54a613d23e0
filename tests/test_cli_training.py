"""``hrvdesk import training|headcount`` and ``hrvdesk stats training`` (``cli.md``)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hrvdesk.domain.roles import Role
from hrvdesk.store import settings, training_repo as tr
from hrvdesk.store.database import Database
from hrvdesk.store.users import add_user
from tests.conftest import ADMIN, PASSPHRASE

YEAR = dt.date.today().year
HEADER = "anställningsnummer;förvaltning;enhet;utbildning;ämnen;form;datum;timmar"
ROWS = [f"70001;UBF;Skola 1;Grundkurs heder;heder;webb;{YEAR - 1}-01-15;1,5",
        f"70002;UBF;Skola 2;Grundkurs heder;heder;webb;{YEAR - 1}-01-16;1,5",
        f"anna.berg@example.se;SOC;;Könsstympning;könsstympning;fysisk;{YEAR - 1}-01-20;3"]


@pytest.fixture
def db_file(db_path):
    with Database.create(db_path, ADMIN, PASSPHRASE) as db:
        add_user(db, "viewer", Role.VIEWER, PASSPHRASE)
    return db_path


def csv_file(tmp_path, name, lines, encoding="cp1252"):
    path = tmp_path / name
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def completions(db_path):
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        return db.conn.execute("SELECT count(*) FROM completions").fetchone()[0]


def test_import_prints_counts_and_a_second_import_finds_everything_present(cli, db_file, tmp_path):
    path = csv_file(tmp_path, "utbildning.csv", [HEADER, *ROWS])
    code, out, err = cli("import", "training", path, "--db", db_file)
    assert (code, err) == (0, "")
    assert "utbildning.csv: 3 rows read, 3 accepted, 0 rejected." in out
    assert "New records: 3" in out and "Imported." in out
    code, out, _err = cli("import", "training", path, "--db", db_file)
    assert code == 0 and "New records: 0" in out and "Already present: 3" in out
    assert completions(db_file) == 3


def test_rejected_rows_are_listed_with_line_column_and_reason_and_nothing_is_written(cli, db_file, tmp_path):
    bad = [HEADER, ROWS[0], ROWS[1].replace("UBF", "XYZ"), ROWS[2].replace(f"{YEAR - 1}-01-20", "20/1")]
    code, out, err = cli("import", "training", csv_file(tmp_path, "t.csv", bad), "--db", db_file)
    assert code == 5
    assert "3 rows read, 1 accepted, 2 rejected." in out
    assert "Line 3, column förvaltning: Unknown administration" in err
    assert "Line 4, column datum:" in err
    assert "Nothing was imported" in err
    assert completions(db_file) == 0


def test_dry_run_changes_nothing(cli, db_file, tmp_path):
    code, out, _err = cli("import", "training", csv_file(tmp_path, "t.csv", [HEADER, *ROWS]), "--db", db_file,
                          "--dry-run")
    assert code == 0 and "New records: 3" in out and "Dry run: nothing was changed." in out
    assert completions(db_file) == 0


def test_headcount_import_in_swedish_and_a_missing_column(cli, db_file, tmp_path):
    path = csv_file(tmp_path, "hr.csv", ["year,administration,headcount,target_group", f"{YEAR},UBF,4,3"], "utf-8")
    code, out, _err = cli("import", "headcount", path, "--db", db_file, lang="sv")
    assert code == 0 and "1 rader lästa, 1 godkända, 0 avvisade." in out
    code, _out, err = cli("import", "headcount", csv_file(tmp_path, "hr2.csv", ["year;headcount", f"{YEAR};4"]),
                          "--db", db_file)
    assert code == 5 and "administration (förvaltning)" in err


def test_a_viewer_may_not_import(cli, db_file, tmp_path):
    code, _out, err = cli("import", "training", csv_file(tmp_path, "t.csv", [HEADER, *ROWS]), "--db", db_file,
                          user="viewer")
    assert code == 6 and err.strip()


def test_stats_training_json_has_the_contract_shape(cli, db_file, tmp_path):
    cli("import", "training", csv_file(tmp_path, "t.csv", [HEADER, *ROWS]), "--db", db_file)
    cli("import", "headcount", csv_file(tmp_path, "h.csv", ["år;förvaltning;antal_anställda",
                                                             f"{YEAR};UBF;4", f"{YEAR};SOC;0"]), "--db", db_file)
    code, out, err = cli("stats", "training", "--year", YEAR, "--db", db_file, "--json", user="viewer")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data)[:5] == ["year", "topic", "validity_years", "administrations", "total"]
    assert (data["year"], data["topic"], data["validity_years"]) == (YEAR, "hrv", 3)
    for adm in data["administrations"]:
        assert list(adm)[:5] == ["code", "name", "trained", "headcount", "coverage"]
    by_code = {a["code"]: a for a in data["administrations"]}
    assert (by_code["UBF"]["trained"], by_code["UBF"]["headcount"], by_code["UBF"]["coverage"]) == (2, 4, 0.5)
    assert (by_code["SOC"]["trained"], by_code["SOC"]["headcount"], by_code["SOC"]["coverage"]) == (0, 0, None)
    assert by_code["KLF"]["headcount"] is None
    assert list(data["total"])[:3] == ["trained", "headcount", "coverage"]
    assert (data["total"]["trained"], data["total"]["headcount"], data["total"]["coverage"]) == (2, 4, 0.5)
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        assert data == json.loads(json.dumps(tr.coverage_for(db, YEAR).to_json_dict()))
    code, out, _err = cli("stats", "training", "--year", YEAR, "--topic", "fgm", "--db", db_file, "--json")
    assert json.loads(out)["topic"] == "fgm" and json.loads(out)["total"]["trained"] == 1


def test_stats_training_of_the_required_topics_and_per_unit(cli, db_file, tmp_path):
    both = [*ROWS, f"70001;UBF;Skola 1;Könsstympning;könsstympning;fysisk;{YEAR - 1}-02-01;3"]
    cli("import", "training", csv_file(tmp_path, "t.csv", [HEADER, *both]), "--db", db_file)
    cli("import", "headcount", csv_file(tmp_path, "h.csv", [
        "år;förvaltning;enhet;antal_anställda;målgrupp", f"{YEAR};UBF;;4;2",
        f"{YEAR};UBF;Skola 1;2;1"]), "--db", db_file)
    code, out, _err = cli("stats", "training", "--year", YEAR, "--topic", "required", "--db", db_file,
                          "--json")
    data = json.loads(out)
    assert code == 0 and data["topic"] == "hrv+fgm+dv" and data["total"]["trained"] == 0  # no DV
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        settings.put(db, "required_topics", "hrv+fgm")
    code, out, _err = cli("stats", "training", "--year", YEAR, "--topic", "required", "--db", db_file,
                          "--json")
    ubf = next(a for a in json.loads(out)["administrations"] if a["code"] == "UBF")
    assert (ubf["trained"], ubf["target_coverage"], ubf["target_ensured"]) == (1, 0.5, False)
    assert ubf["units"] == [{"unit": "Skola 1", "trained": 1, "headcount": 2, "coverage": 0.5,
                             "target_group": 1, "target_coverage": 1.0}]
    code, out, _err = cli("stats", "training", "--year", YEAR, "--db", db_file)
    assert "UBF / Skola 1: 1 trained, headcount 2, coverage 50.0%" in out
    assert "UBF / Skola 2: 1 trained, headcount –, coverage –" in out
    assert "staff who work with children have ensured knowledge: 100.0% (1 of 1)" in out


def test_stats_training_as_text_and_usage_errors(cli, db_file):
    code, out, _err = cli("stats", "training", "--year", YEAR, "--db", db_file)
    assert code == 0 and "Utbildningsförvaltningen" in out and "Whole municipality" in out
    assert f"No headcount for {YEAR}" in out
    assert "Coverage of target group" in out and f"No target-group figure for {YEAR}" in out
    assert cli("stats", "training", "--year", YEAR, "--topic", "cooking", "--db", db_file)[0] == 2
    assert cli("stats", "training", "--year", "25", "--db", db_file)[0] == 2
    assert cli("import", "nonsense", "f.csv", "--db", db_file)[0] == 2


def test_report_as_word_for_committee_papers(cli, db_file, tmp_path):
    import docx

    cli("import", "training", csv_file(tmp_path, "t.csv", [HEADER, *ROWS]), "--db", db_file)
    out = tmp_path / "utbildning.docx"
    code, out_text, _err = cli("report", "training", "--year", YEAR, "--db", db_file, "--out", out)
    assert code == 0 and out.name in out_text
    document = docx.Document(str(out))
    assert document.core_properties.title == f"Training coverage {YEAR}"
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Utbildningsförvaltningen" in cells
