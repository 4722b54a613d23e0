"""Importing training and headcount files into the database (``import-formats.md``)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.roles import Role
from hrvdesk.domain.training import Headcount, Training
from hrvdesk.services.importing import check_file
from hrvdesk.store import audit, importing, training_repo as tr
from hrvdesk.store.database import Database
from hrvdesk.store.users import add_user
from tests.conftest import PASSPHRASE

TODAY = dt.date(2025, 6, 30)
SV = ["anställningsnummer", "förvaltning", "enhet", "utbildning", "ämnen", "form", "datum", "timmar"]
EN = ["person_id", "administration", "unit", "training", "topics", "format", "completed_date", "hours"]
# As a learning platform and an attendance list export them: e-mails, employee numbers,
# Swedish codes, a title with a comma and one with a line break.
ROWS = [
    ["åsa.öberg@example.se", "UBF", "Skola 12", "Grundkurs om heder, skam och skuld", "heder", "webb", "2025-02-03", "1,5"],
    ["77881201", "ubf", "Förskola 3", "Grundkurs om heder, skam och skuld", "HEDER", "webb", "2025-03-10", "1,5"],
    ["77881302", "SOC", "Barn och unga", "Könsstympning\ni praktiken", "könsstympning|heder", "fysisk", "2025-04-22", ""],
    ["Pelle.Nord@Example.se", "SOC", "", "Konferens om våld", "våld_i_nära_relationer|heder", "konferens", "2024-11-05", "6"],
]
RAW_IDS = ["åsa.öberg@example.se", "77881201", "77881302", "Pelle.Nord@Example.se", "pelle.nord@example.se"]


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")


def csv_bytes(header, rows, encoding="cp1252", delimiter=";", bom=False):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def write(folder, name, data):
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def xlsx(folder, name, header, rows):
    """Real date cells, and an employee number typed as a number, as Excel keeps them."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        cells = list(r)
        cells[6] = dt.date.fromisoformat(cells[6])
        cells[0] = int(cells[0]) if cells[0].isdigit() else cells[0]
        sheet.append(cells)
    folder.mkdir(exist_ok=True)
    book.save(folder / name)
    return folder / name


def run_import(db, kind, path, dry_run=False, progress=None):
    result = check_file(db, kind, path, today=TODAY)
    return importing.apply_import(db, kind, result, dry_run=dry_run, progress=progress)


def count(db, table):
    return db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def imports(db):
    return audit.entries(db.conn, action="import")


FILES = {
    "excel-sv-cp1252-semicolon": lambda d: write(d, "utbildning.csv", csv_bytes(SV, ROWS)),
    "utf8-bom-comma-english": lambda d: write(d, "training.csv", csv_bytes(EN, ROWS, "utf-8", ",", bom=True)),
    "utf8-semicolon": lambda d: write(d, "training.csv", csv_bytes(SV, ROWS, "utf-8")),
    "xlsx": lambda d: xlsx(d, "training.xlsx", EN, ROWS),
}


@pytest.mark.parametrize("variant", FILES)
def test_every_accepted_encoding_and_delimiter_gives_the_same_records(admin_db, tmp_path, variant):
    path = FILES[variant](tmp_path / "in")
    report = run_import(admin_db, "training", path)
    assert (report.ok, report.written, report.rows, report.added, report.already_present) == \
        (True, True, 4, 4, 0)
    trainings = {t.title: t for t in tr.trainings(admin_db)}
    # a line break typed in a cell becomes a space in the title
    assert set(trainings) == {"Grundkurs om heder, skam och skuld", "Könsstympning i praktiken",
                              "Konferens om våld"}
    web = trainings["Grundkurs om heder, skam och skuld"]
    assert (web.format, web.topics, web.start_date, web.end_date, str(web.hours), web.administrations) == \
        ("web", frozenset({"hrv"}), dt.date(2025, 2, 3), dt.date(2025, 3, 10), "1.5", ("UBF",))
    assert trainings["Konferens om våld"].topics == frozenset({"dv", "hrv"})
    result = tr.coverage_for(admin_db, 2025, "hrv")
    assert {a.code: a.trained for a in result.administrations if a.trained} == {"UBF": 2, "SOC": 2}
    assert tr.coverage_for(admin_db, 2025, "fgm").total.trained == 1
    [entry] = imports(admin_db)
    assert (entry.target, entry.detail["rows"], entry.detail["added"], entry.detail["trainings_created"]) == \
        ("training", 4, 4, 3)


def test_the_same_rows_in_another_file_type_are_already_present(admin_db, tmp_path):
    run_import(admin_db, "training", FILES["excel-sv-cp1252-semicolon"](tmp_path / "in"))
    for variant in ("xlsx", "utf8-bom-comma-english", "excel-sv-cp1252-semicolon"):
        report = run_import(admin_db, "training", FILES[variant](tmp_path / "in"))
        assert (report.written, report.added, report.already_present) == (True, 0, 4)
    assert (count(admin_db, "completions"), count(admin_db, "trainings"), count(admin_db, "training_persons")) == \
        (4, 3, 4)


def test_a_later_web_course_export_extends_the_course_and_adds_only_new_rows(admin_db, tmp_path):
    run_import(admin_db, "training", write(tmp_path / "in", "jan.csv", csv_bytes(SV, ROWS[:1])))
    later = [ROWS[0], ["900001", "KOF", "Fritidsgård 2", *ROWS[0][3:6], "2025-05-20", "1,5"]]
    report = run_import(admin_db, "training", write(tmp_path / "in", "may.csv", csv_bytes(SV, later)))
    assert (report.added, report.already_present) == (1, 1)
    [course] = tr.trainings(admin_db)
    assert (course.start_date, course.end_date, course.administrations) == \
        (dt.date(2025, 2, 3), dt.date(2025, 5, 20), ("KOF", "UBF"))
    assert imports(admin_db)[0].detail["trainings_changed"] == 1


def test_a_row_that_contradicts_a_stored_completion_rejects_the_file(admin_db, tmp_path):
    run_import(admin_db, "training", write(tmp_path / "in", "a.csv", csv_bytes(SV, ROWS)))
    moved = [ROWS[1][:2] + ["Skola 99"] + ROWS[1][3:], ["555001", *ROWS[0][1:]]]
    report = run_import(admin_db, "training", write(tmp_path / "in", "b.csv", csv_bytes(SV, moved)))
    assert (report.ok, report.written, report.rejected, report.accepted) == (False, False, 1, 1)
    assert (report.problems[0].line, report.problems[0].field) == (2, "förvaltning")
    assert count(admin_db, "completions") == 4 and len(imports(admin_db)) == 1


def test_two_different_rows_for_one_completion_in_a_file_are_rejected(admin_db, tmp_path):
    twice = [ROWS[0], ROWS[0][:2] + ["Skola 13"] + ROWS[0][3:]]
    report = run_import(admin_db, "training", write(tmp_path / "in", "t.csv", csv_bytes(SV, twice)))
    assert [p.line for p in report.problems] == [3]
    assert count(admin_db, "completions") == 0


def test_dry_run_reports_what_an_import_would_do_and_changes_nothing(admin_db, tmp_path):
    path = write(tmp_path / "in", "t.csv", csv_bytes(SV, ROWS))
    audit_before = len(audit.entries(admin_db.conn))
    dry = run_import(admin_db, "training", path, dry_run=True)
    assert (dry.ok, dry.written, dry.added, dry.dry_run) == (True, False, 4, True)
    assert [count(admin_db, t) for t in ("completions", "trainings", "training_persons",
                                         "training_person_years")] == [0, 0, 0, 0]
    assert len(audit.entries(admin_db.conn)) == audit_before
    real = run_import(admin_db, "training", path)
    assert (real.added, real.already_present) == (dry.added, dry.already_present)
    assert run_import(admin_db, "training", path, dry_run=True).already_present == 4


BROKEN = [  # (kind, header, row, column, words in the reason)
    ("training", SV, ["1", "UBF", "", "Kurs", "heder", "webb", "2025-02-30", ""], "datum", "not a valid date"),
    ("training", SV, ["1", "UBF", "", "Kurs", "heder", "webb", "2025-07-01", ""], "datum", "future"),
    ("training", SV, ["1", "XYZ", "", "Kurs", "heder", "webb", "2025-02-03", ""], "förvaltning", "Unknown administration"),
    ("training", SV, ["1", "UBF", "", "Kurs", "matlagning", "webb", "2025-02-03", ""], "ämnen", "Unknown code"),
    ("training", SV, ["", "UBF", "", "Kurs", "heder", "webb", "2025-02-03", ""], "anställningsnummer", "required"),
    ("headcount", ["år", "förvaltning", "antal_anställda", "målgrupp"], ["2025", "UBF", "-5", ""],
     "antal_anställda", "negative"),
    ("headcount", ["år", "förvaltning", "antal_anställda", "målgrupp"], ["2025", "UBF", "100", "120"],
     "målgrupp", "larger than the headcount"),
]


@pytest.mark.parametrize("kind, header, bad, column, reason", BROKEN)
def test_a_broken_row_rejects_the_whole_file_naming_line_column_and_reason(admin_db, tmp_path, kind, header,
                                                                          bad, column, reason):
    good = ROWS[0] if kind == "training" else ["2025", "SOC", "800", "300"]
    path = write(tmp_path / "in", "f.csv", csv_bytes(header, [good, bad, good]))
    report = run_import(admin_db, kind, path)
    assert (report.ok, report.written, report.rows, report.rejected) == (False, False, 3, 1)
    [problem] = report.problems
    assert (problem.line, problem.field) == (3, column)
    assert reason in problem.reason
    assert [count(admin_db, t) for t in ("completions", "trainings", "headcounts")] == [0, 0, 0]
    assert imports(admin_db) == []


def test_a_missing_column_rejects_the_file(admin_db, tmp_path):
    path = write(tmp_path / "in", "f.csv", csv_bytes(SV[:6] + SV[7:], [r[:6] + r[7:] for r in ROWS]))
    with pytest.raises(ValidationError) as caught:
        check_file(admin_db, "training", path, today=TODAY)
    assert caught.value.problems[0].field == "completed_date (datum)"


def test_a_formula_looking_title_is_stored_as_text(admin_db, tmp_path):
    title = '=HYPERLINK("http://example.invalid","Klicka")'
    rows = [["1", "UBF", "@SUM(A1)", title, "heder", "webb", "2025-02-03", ""]]
    assert run_import(admin_db, "training", write(tmp_path / "in", "f.csv", csv_bytes(SV, rows, "utf-8"))).written
    [stored] = tr.trainings(admin_db)
    assert stored.title == title
    assert tr.coverage_for(admin_db, 2025).administrations[-2].units[0].unit == "@SUM(A1)"


def test_headcount_import_replaces_a_figure_and_the_audit_log_records_it(admin_db, tmp_path):
    header = ["year", "administration", "headcount", "target_group"]
    first = write(tmp_path / "in", "hr1.csv", csv_bytes(header, [["2025", "UBF", "3 050", "2 600"],
                                                                 ["2025", "SOC", "800", ""]], "utf-8", ","))
    assert run_import(admin_db, "headcount", first).added == 2
    second = write(tmp_path / "in", "hr2.xlsx", b"")
    second.unlink()
    xbook = openpyxl.Workbook()
    xbook.active.append(["år", "förvaltning", "antal_anställda", "målgrupp"])
    xbook.active.append([2025, "UBF", 3100, 2650])
    xbook.active.append([2025, "SOC", 800, None])
    xbook.save(second)
    report = run_import(admin_db, "headcount", second)
    assert (report.added, report.replaced, report.already_present) == (0, 1, 1)
    assert tr.headcounts(admin_db, 2025) == [Headcount(2025, "SOC", 800, None), Headcount(2025, "UBF", 3100, 2650)]
    update = audit.entries(admin_db.conn, action="update")[0]
    assert (update.target, update.fields) == ("headcount:2025:UBF", ("headcount", "target_group"))
    assert "3100" not in str(update.detail)
    assert imports(admin_db)[0].detail["replaced"] == 1
    conflicting = write(tmp_path / "in", "hr3.csv", csv_bytes(header, [["2026", "UBF", "10", ""],
                                                                       ["2026", "UBF", "11", ""]], "utf-8", ","))
    assert [p.line for p in run_import(admin_db, "headcount", conflicting).problems] == [3]


def test_headcount_per_unit_from_the_optional_unit_column(admin_db, tmp_path):
    header = ["år", "förvaltning", "enhet", "antal_anställda", "målgrupp"]
    rows = [["2025", "UBF", "", "3050", "2600"], ["2025", "UBF", "Skola 03", "40", "35"],
            ["2025", "UBF", "Förskola 01", "12", ""]]
    path = write(tmp_path / "in", "hr.csv", csv_bytes(header, rows, "utf-8"))
    assert run_import(admin_db, "headcount", path).added == 3
    assert tr.headcounts(admin_db, 2025) == [
        Headcount(2025, "UBF", 3050, 2600), Headcount(2025, "UBF", 12, None, "Förskola 01"),
        Headcount(2025, "UBF", 40, 35, "Skola 03")]
    training = tr.save_training(admin_db, Training(0, "Grundkurs", frozenset({"hrv"}), "web",
                                                   dt.date(2025, 1, 1), administrations=("UBF",)))
    for person in range(7):
        tr.add_completion(admin_db, training, f"E{person}", "UBF", dt.date(2025, 2, 1), "skola 03")
    units = {u.unit: (u.trained, u.headcount, u.target_coverage)
             for u in tr.coverage_for(admin_db, 2025).administrations[-2].units}
    assert units == {"Skola 03": (7, 40, 0.2), "Förskola 01": (0, 12, None)}
    again = write(tmp_path / "in", "hr2.csv", csv_bytes(header, [
        ["2025", "UBF", "SKOLA 03", "41", "35"], ["2025", "UBF", "skola  03", "42", "35"]], "utf-8"))
    report = run_import(admin_db, "headcount", again)
    assert [(p.line, p.field) for p in report.problems] == [(3, "antal_anställda")]
    assert not report.written
    once = write(tmp_path / "in", "hr3.csv", csv_bytes(header, rows[1:2], "utf-8"))
    assert run_import(admin_db, "headcount", once).already_present == 1


def test_an_editor_imports_only_rows_of_their_own_administration(admin_db, tmp_path):
    add_user(admin_db, "editor-ubf", Role.EDITOR, PASSPHRASE, "UBF")
    path = write(tmp_path / "in", "t.csv", csv_bytes(SV, ROWS))
    with Database.open(admin_db.path, "editor-ubf", PASSPHRASE) as editor:
        with pytest.raises(PermissionDenied, match=r"\(UBF\).*förvaltning, line 4, 6\)"):
            run_import(editor, "training", path)
        own = write(tmp_path / "in", "own.csv", csv_bytes(SV, ROWS[:2]))
        assert run_import(editor, "training", own).added == 2


def test_progress_is_reported_for_large_files(admin_db, tmp_path):
    rows = [[f"{100000 + i}", "UBF", "", "Grundkurs", "heder", "webb", "2025-01-02", ""] for i in range(2500)]
    calls = []
    report = run_import(admin_db, "training", write(tmp_path / "in", "big.csv", csv_bytes(SV, rows)),
                        progress=lambda done, total: calls.append((done, total)))
    assert report.added == 2500
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_no_raw_person_identifier_reaches_any_file(tmp_path):
    """The database, its WAL, key file and everything else in the test's folders (the import
    file itself aside) are scanned while the database is open and after it is closed; and
    no table of the decrypted database holds one."""
    db = Database.create(tmp_path / "hrv.db", "anna", PASSPHRASE)
    run_import(db, "training", FILES["excel-sv-cp1252-semicolon"](tmp_path / "in"))
    run_import(db, "training", FILES["xlsx"](tmp_path / "in"))
    tr.completions(db, tr.trainings(db)[0].id)

    def scan():
        for path in tmp_path.rglob("*"):
            if path.is_file() and path.parent.name != "in":
                data = path.read_bytes()
                for raw in RAW_IDS:
                    for encoding in ("utf-8", "utf-16-le", "cp1252"):
                        assert raw.encode(encoding) not in data, (raw, path.name)

    scan()
    tables = [t for (t,) in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    dump = repr([db.conn.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables]).casefold()
    assert not [raw for raw in RAW_IDS if raw.casefold() in dump]
    assert "grundkurs om heder" in dump
    db.close()
    scan()
