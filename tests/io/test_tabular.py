"""Reading CSV and XLSX files as Excel and source systems really write them."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from hrvdesk.domain.errors import UsageError, ValidationError
from hrvdesk.io.tabular import detect_delimiter, read_table


def test_cp1252_semicolon_file_as_swedish_excel_saves_it(tmp_path):
    text = ("kön;födelseår;åtgärder;anteckningar\r\n"
            "flicka;2010;orosanmälan|utredning;Åter i skolan\r\n"
            "pojke;;;\r\n")
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the fixture really is not UTF-8
    path = tmp_path / "export.csv"
    path.write_bytes(data)

    table = read_table(path)

    assert table.header == ("kön", "födelseår", "åtgärder", "anteckningar")
    assert [row.line for row in table.rows] == [2, 3]
    assert table.rows[0].cells == ("flicka", "2010", "orosanmälan|utredning", "Åter i skolan")
    assert table.rows[1].cells == ("pojke", "", "", "")


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b""], ids=["bom", "no-bom"])
def test_utf8_comma_file_with_and_without_bom(tmp_path, bom):
    path = tmp_path / "lms.csv"
    path.write_bytes(bom + "person_id,training,topics\nanna@x.se,Heder och våld,hrv|dv\n".encode())

    table = read_table(path)

    assert table.header == ("person_id", "training", "topics")  # no BOM left on the first name
    assert table.rows[0].cells == ("anna@x.se", "Heder och våld", "hrv|dv")


def test_quoted_field_with_delimiter_and_line_break_keeps_physical_line_numbers(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_bytes(('status;notes\r\n'
                      'risk;"Resa planerad; enligt skolan\r\nföre sommarlovet"\r\n'
                      'utomlands;"Sade ""hej"""\r\n').encode("cp1252"))

    table = read_table(path)

    assert [row.line for row in table.rows] == [2, 4]
    assert table.rows[0].cells[1] == "Resa planerad; enligt skolan\r\nföre sommarlovet"
    assert table.rows[1].cells[1] == 'Sade "hej"'


def test_empty_rows_are_skipped_and_leading_blank_lines_move_the_header(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("\n;;\nyear;headcount\n2024;10\n;\n\n2025;12\n;;\n\n", encoding="utf-8")

    table = read_table(path)

    assert table.header_line == 3
    assert table.header == ("year", "headcount")
    assert [(row.line, row.cells) for row in table.rows] == [
        (4, ("2024", "10")), (7, ("2025", "12"))]


@pytest.mark.parametrize("first_line, expected", [
    ("a;b;c", ";"),
    ("a,b,c", ","),
    ('"x, y, z";b', ";"),         # commas inside quotes do not count
    ('"a;b",c,d', ","),
    ("single", ";"),
])
def test_delimiter_is_counted_outside_quotes_in_the_first_record(first_line, expected):
    assert detect_delimiter(first_line + "\r\n1,2;3,4;5,6\r\n") == expected


def test_broken_quotes_reject_the_file_naming_the_line(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text('a;b\n1;2\n3;"unterminated\n4;5\n', encoding="utf-8")

    with pytest.raises(ValidationError) as caught:
        read_table(path)

    assert "broken.csv" in caught.value.message
    assert "3" in caught.value.message


def test_xlsx_first_sheet_with_date_cells_text_dates_and_empty_rows(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["känt_datum", "avresedatum", "födelseår", "uppges_gift"])
    sheet.append([dt.datetime(2025, 3, 4), "2025-02", 2011, True])
    sheet.append([None, None, None, None])
    sheet.append(["2025-03-05", dt.date(2025, 1, 31), "2012", "nej"])
    sheet.cell(row=6, column=1).number_format = "yyyy-mm-dd"  # formatted but empty
    workbook.create_sheet("Other").append(["not", "read"])
    path = tmp_path / "cases.xlsx"
    workbook.save(path)

    table = read_table(path)

    assert table.header == ("känt_datum", "avresedatum", "födelseår", "uppges_gift")
    assert [row.line for row in table.rows] == [2, 4]
    first, second = (row.cells for row in table.rows)
    assert first[:3] == (dt.date(2025, 3, 4), "2025-02", 2011) and first[3] is True
    assert type(first[0]) is dt.date  # a date, not a datetime
    assert second == ("2025-03-05", dt.date(2025, 1, 31), "2012", "nej")


def test_unsupported_and_missing_files(tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "notes.txt").write_text("a;b\n")
    (tmp_path / "fake.xlsx").write_text("a;b\n1;2\n")
    for name in ("old.xls", "notes.txt", "fake.xlsx"):
        with pytest.raises(ValidationError, match=name.replace(".", r"\.")):
            read_table(tmp_path / name)
    with pytest.raises(UsageError, match="missing.csv"):
        read_table(tmp_path / "missing.csv")


def test_undecodable_csv_is_rejected(tmp_path):
    undecodable = tmp_path / "binary.csv"
    undecodable.write_bytes(b"a;b\r\n\x8d\x9d;2\r\n")  # invalid UTF-8 and undefined in cp1252
    with pytest.raises(ValidationError, match="binary\\.csv"):
        read_table(undecodable)
