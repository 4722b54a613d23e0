"""Checking import files against the formats of ``import-formats.md``."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.pii import find_personal_number
from hrvdesk.domain.import_formats import ABROAD, HEADCOUNT, SCHEMAS, TRAINING
from hrvdesk.io.import_files import read_import

TODAY = dt.date(2025, 6, 30)
ADMINISTRATIONS = ("KLF", "UBF", "SOC", "AVUX", "KOF", "SBF", "VOF")
# Shaped like a personnummer with a valid check digit (a test number, no real person).
PERSONAL_NUMBER = "20120304-1239"

ABROAD_SV = ["ärendereferens", "rapporterad_av", "känt_datum", "avresedatum", "kön", "födelseår",
             "syften", "hederskoppling", "destination", "status", "uppges_gift", "åtgärder",
             "anteckningar"]
ABROAD_VALID = {
    "ärendereferens": "SOC-2025/118", "rapporterad_av": "soc", "känt_datum": "2025-03-04",
    "avresedatum": "2025-02", "kön": "Flicka", "födelseår": "2011",
    "syften": "barnäktenskap|könsstympning", "hederskoppling": "misstänkt",
    "destination": "so", "status": "utomlands", "uppges_gift": "ja",
    "åtgärder": "utredning|orosanmälan", "anteckningar": "Skolan larmade före sommarlovet",
}


@pytest.fixture(autouse=True)
def english():
    i18n.set_language("en")  # conftest restores Swedish afterwards


def write_csv(path, header, rows, encoding="cp1252", delimiter=";"):
    """As Excel saves it: CRLF, quoting only where needed."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def abroad_file(tmp_path, *overrides, header=ABROAD_SV):
    """One row per override dict (changes to the valid row), from line 2 on."""
    rows = [[{**ABROAD_VALID, **o}.get(h, "") for h in header] for o in overrides or ({},)]
    return write_csv(tmp_path / "abroad.csv", header, rows)


def check_abroad(path):
    return read_import(path, ABROAD, TODAY, administrations=ADMINISTRATIONS)


def test_swedish_excel_abroad_file_is_parsed_to_canonical_values(tmp_path):
    result = check_abroad(abroad_file(tmp_path, {}, {
        "födelseår": "", "uppges_gift": "", "åtgärder": "", "avresedatum": "2025-01-15",
        "destination": "", "anteckningar": "", "ärendereferens": ""}))

    assert result.problems == [] and result.warnings == []
    assert result.line_numbers == [2, 3]
    assert result.rows[0] == {
        "person": None, "case_ref": "SOC-2025/118", "reported_by": "SOC", "known_date": dt.date(2025, 3, 4),
        "departure_date": "2025-02", "gender": "girl", "birth_year": 2011,
        "purposes": ("child_marriage", "fgm"), "honour_link": "suspected", "destination": "SO",
        "status": "abroad", "reported_married": True,
        "actions": ("concern_report", "investigation"), "follow_up_date": None,
        "no_school_since": None, "notes": "Skolan larmade före sommarlovet",
    }
    empty = result.rows[1]
    assert (empty["birth_year"], empty["reported_married"], empty["actions"]) == (None, False, ())
    assert empty["destination"] is empty["notes"] is empty["case_ref"] is None
    assert empty["departure_date"] == "2025-01-15"
    assert result.columns["gender"] == "kön"


def test_optional_columns_may_be_absent_and_headers_match_loosely(tmp_path):
    header = ["  Reported_By ", "KNOWN_DATE", "Kön", "födelseår", "purposes", "honour_link", "Status"]
    path = write_csv(tmp_path / "min.csv", header,
                     [["UBF", "2025-01-02", "boy", "2009", "FGM | other", "Confirmed", "at_risk"]])

    result = check_abroad(path)

    assert result.problems == []
    row = result.rows[0]
    assert (row["reported_by"], row["gender"], row["purposes"], row["status"]) == (
        "UBF", "boy", ("fgm", "other"), "at_risk")
    assert (row["actions"], row["reported_married"], row["notes"]) == ((), False, None)


@pytest.mark.parametrize("column, value, fragment", [
    ("rapporterad_av", "XYZ", "registered: AVUX, KLF, KOF, SBF, SOC, UBF, VOF"),
    ("känt_datum", "4/3/2025", "YYYY-MM-DD"),
    ("känt_datum", "2025-02-30", "YYYY-MM-DD"),
    ("känt_datum", "2025-07-01", "future"),
    ("känt_datum", "", "required"),
    ("avresedatum", "2025-13", "YYYY-MM-DD or YYYY-MM"),
    ("kön", "tjej", '"tjej"; allowed: girl, boy, other, unknown (or flicka, pojke, annat, okänt)'),
    ("födelseår", "11", "four digits"),
    ("födelseår", "2026", "after the year"),
    ("syften", "", "required"),
    ("syften", "fgm|semester", '"semester"; allowed: child_marriage'),
    ("syften", " | ", '"|"; allowed: child_marriage'),
    ("hederskoppling", "kanske", "suspected, confirmed (or misstänkt, bekräftad)"),
    ("destination", "Somalia", "ISO 3166-1"),
    ("status", "borta", "at_risk, abroad, returned, unknown"),
    ("uppges_gift", "kanske", "yes, no (or ja, nej)"),
    ("åtgärder", "samtal", "concern_report, investigation"),
    ("ärendereferens", "R" * 41, "at most 40"),
    ("anteckningar", "Pnr " + PERSONAL_NUMBER, "personal identity number"),
    ("ärendereferens", PERSONAL_NUMBER, "personal identity number"),
])
def test_each_rejected_value_names_line_column_and_reason(tmp_path, column, value, fragment):
    result = check_abroad(abroad_file(tmp_path, {}, {column: value}))

    assert [(p.line, p.field) for p in result.problems] == [(3, column)]
    assert fragment in result.problems[0].reason
    assert result.line_numbers == [2]  # the valid row is checked, but the file is all-or-nothing
    with pytest.raises(ValidationError) as caught:
        result.raise_if_rejected()
    assert caught.value.problems == result.problems


def test_every_row_is_checked_and_all_problems_are_listed(tmp_path):
    result = check_abroad(abroad_file(
        tmp_path, {"kön": "x"}, {}, {"känt_datum": "igår", "status": "?"}, {"födelseår": "2030"}))

    assert [(p.line, p.field) for p in result.problems] == [
        (2, "kön"), (4, "känt_datum"), (4, "status"), (5, "födelseår")]
    assert result.rejected_lines == [2, 4, 5]
    assert result.line_numbers == [3] and result.row_count == 4


def test_known_date_today_is_accepted_and_birth_year_equal_to_its_year(tmp_path):
    result = check_abroad(abroad_file(tmp_path, {"känt_datum": "2025-06-30", "födelseår": "2025"}))
    assert result.problems == []


def test_missing_required_column_rejects_the_file_naming_it(tmp_path):
    header = [h for h in ABROAD_SV if h not in ("kön", "hederskoppling")]
    with pytest.raises(ValidationError) as caught:
        check_abroad(abroad_file(tmp_path, header=header))

    assert {p.field for p in caught.value.problems} == {
        "gender (kön)", "honour_link (hederskoppling)"}
    assert "abroad.csv" in caught.value.message and "gender (kön)" in caught.value.message


def test_the_same_column_twice_rejects_the_file(tmp_path):
    path = abroad_file(tmp_path, {"gender": "girl"}, header=ABROAD_SV + ["gender"])
    with pytest.raises(ValidationError, match="more than once"):
        check_abroad(path)


def test_unknown_column_is_reported_and_ignored(tmp_path):
    result = check_abroad(abroad_file(tmp_path, {"skola": "Tumba gymnasium"},
                                      header=ABROAD_SV + ["skola"]))

    assert result.problems == []
    assert len(result.warnings) == 1 and '"skola"' in result.warnings[0]
    assert "skola" not in result.rows[0] and set(result.rows[0]) == {c.name for c in ABROAD.columns}


@pytest.mark.parametrize("column", ["Namn", "Personal number", "name"])
def test_a_name_or_personal_number_column_rejects_the_abroad_file(tmp_path, column):
    with pytest.raises(ValidationError) as caught:
        check_abroad(abroad_file(tmp_path, header=ABROAD_SV + [column]))
    assert [p.field for p in caught.value.problems] == [column.strip()]


def test_personal_numbers_are_rejected_in_ignored_columns_and_never_repeated(tmp_path):
    assert all(map(find_personal_number, (PERSONAL_NUMBER, "200101011237", "201203041239")))
    result = check_abroad(abroad_file(tmp_path, {"id": "200101011237", "kön": "201203041239"},
                                      header=ABROAD_SV + ["id"]))

    assert [(p.line, p.field) for p in result.problems] == [(2, "kön"), (2, "id")]
    with pytest.raises(ValidationError) as caught:
        result.raise_if_rejected()
    shown = " ".join([caught.value.message] + [str(p) for p in caught.value.problems])
    assert "200101011237" not in shown and "201203041239" not in shown


def test_a_value_beyond_the_header_is_rejected(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("year;administration;headcount\n2024;SOC;12;99\n2024;UBF;40;\n", encoding="utf-8")

    result = read_import(path, HEADCOUNT, TODAY)

    assert [(p.line, p.field) for p in result.problems] == [(2, "column 4")]
    assert result.line_numbers == [3]


def test_training_from_xlsx_with_date_cells_text_dates_and_decimal_hours(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Anställningsnummer", "Förvaltning", "Enhet", "Utbildning", "Ämnen", "Form",
                  "Datum", "Timmar"])
    sheet.append([10234, "ubf", "Tumba skola", "Grundkurs heder", "heder|våld_i_nära_relationer",
                  "webb", dt.datetime(2025, 2, 3), 1.5])
    sheet.append([None] * 8)
    sheet.append([" Anna.Svensson@Botkyrka.se ", "SOC", None, "Könsstympning – fördjupning",
                  "könsstympning", "fysisk", "2025-04-01", "2,5"])
    sheet.append(["x1", "SOC", None, "Kurs", "hrv", "konferens", dt.datetime(2025, 7, 1), "-1"])
    path = tmp_path / "lms.xlsx"
    workbook.save(path)

    result = read_import(path, TRAINING, TODAY, administrations=ADMINISTRATIONS)

    assert result.line_numbers == [2, 4]
    first, second = result.rows
    assert first == {"person_id": "10234", "administration": "UBF", "unit": "Tumba skola",
                     "training": "Grundkurs heder", "topics": ("hrv", "dv"), "format": "web",
                     "completed_date": dt.date(2025, 2, 3), "hours": Decimal("1.5")}
    assert (second["person_id"], second["topics"], second["format"], second["hours"]) == (
        "anna.svensson@botkyrka.se", ("fgm",), "classroom", Decimal("2.5"))
    assert (second["completed_date"], second["unit"]) == (dt.date(2025, 4, 1), None)
    assert [(p.line, p.field) for p in result.problems] == [(5, "Timmar"), (5, "Datum")]


@pytest.mark.parametrize("row, problems", [
    (["2024", "SOC", "1 250", "300"], []),
    (["2024", "SOC", "120", "121"], [("målgrupp", "larger than the headcount")]),
    (["24", "SOC", "120", ""], [("år", "four digits")]),
    (["2024", "SOC", "-3", ""], [("antal_anställda", "negative")]),
    (["2024", "SOC", "12,5", ""], [("antal_anställda", "whole number")]),
    (["2024", "XYZ", "12", ""], [("förvaltning", "Unknown administration")]),
])
def test_headcount_rows(tmp_path, row, problems):
    path = write_csv(tmp_path / "hr.csv", ["år", "förvaltning", "antal_anställda", "målgrupp"], [row])

    result = read_import(path, HEADCOUNT, TODAY, administrations=ADMINISTRATIONS)

    assert [(p.line, p.field) for p in result.problems] == [(2, c) for c, _ in problems]
    for problem, (_, fragment) in zip(result.problems, problems):
        assert fragment in problem.reason
    if not problems:
        assert result.rows == [{"year": 2024, "administration": "SOC", "headcount": 1250,
                                "target_group": 300, "unit": None}]


def test_administration_codes_are_only_shape_checked_without_a_register(tmp_path):
    path = write_csv(tmp_path / "hr.csv", ["year", "administration", "headcount"],
                     [["2024", "nyf", "5"], ["2024", "Social förv.", "5"]])

    result = read_import(path, HEADCOUNT, TODAY)

    assert result.rows[0]["administration"] == "NYF"
    assert [(p.line, p.field) for p in result.problems] == [(3, "administration")]


def test_empty_file_and_header_only(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\xef\xbb\xbf\r\n")
    with pytest.raises(ValidationError, match="empty"):
        read_import(empty, HEADCOUNT, TODAY)
    header_only = write_csv(tmp_path / "header.csv", ["year", "administration", "headcount"], [])
    result = read_import(header_only, HEADCOUNT, TODAY)
    assert result.rows == [] and result.problems == [] and len(result.warnings) == 1


def test_reasons_are_translated_into_swedish(tmp_path):
    i18n.set_language("sv")
    result = check_abroad(abroad_file(tmp_path, {"kön": "tjej", "känt_datum": "2025-07-01"}))

    reasons = [p.reason for p in result.problems]
    assert len(reasons) == 2
    assert "okänt" in reasons[0] and "Unknown code" not in reasons[0]
    assert "framtiden" in reasons[1]


def test_schemas_follow_the_contract_tables():
    # column order, Swedish names and required flags as in import-formats.md
    assert SCHEMAS == {"abroad": ABROAD, "training": TRAINING, "headcount": HEADCOUNT}
    assert [(c.name, c.sv_name, c.required) for c in HEADCOUNT.columns] == [
        ("year", "år", True), ("administration", "förvaltning", True),
        ("headcount", "antal_anställda", True), ("target_group", "målgrupp", False),
        ("unit", "enhet", False)]  # the unit: a compatible extension (README)
    assert [c.sv_name for c in ABROAD.columns] == [
        "personnummer", *ABROAD_SV[:-1], "uppföljningsdatum", "utan_skolplacering_sedan",
        "anteckningar"]
    assert [c.name for c in ABROAD.columns if c.required] == [
        "reported_by", "known_date", "gender", "birth_year", "purposes", "honour_link", "status"]
    assert [(c.name, c.sv_name) for c in TRAINING.columns if c.required] == [
        ("person_id", "anställningsnummer"), ("administration", "förvaltning"),
        ("training", "utbildning"), ("topics", "ämnen"), ("format", "form"),
        ("completed_date", "datum")]
