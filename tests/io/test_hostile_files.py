"""Hostile and malformed import files: refused with a sentence (exit 5), fast and in bounded
memory, never stored as mojibake (issue 12).

Every file is real and written to tmp_path; the large ones are built so that they are small
on disk (compressed XLSX parts, a sparse CSV) and quick to create.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Role
from hrvdesk.io import tabular
from hrvdesk.io.tabular import read_table
from hrvdesk.store.database import Database
from hrvdesk.store.users import add_user
from tests.conftest import ADMIN, PASSPHRASE

TRAINING_HEADER = "anställningsnummer;förvaltning;enhet;utbildning;ämnen;form;datum;timmar"
TRAINING_ROW = "70001;UBF;Skola 1;Grundkurs heder;heder;webb;2024-01-15;1,5"
SHEET_NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


@pytest.fixture(autouse=True)
def _english():
    i18n.set_language("en")  # the CLI fixture runs with --lang en too; conftest resets it


@pytest.fixture
def db_file(db_path):
    with Database.create(db_path, ADMIN, PASSPHRASE) as db:
        add_user(db, "sam", Role.EDITOR, PASSPHRASE, "SOC")
    return db_path


def completions(db_path):
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        return db.conn.execute("SELECT count(*) FROM completions").fetchone()[0]


def refused(path) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        read_table(path)
    assert caught.value.exit_code == 5 and path.name in caught.value.message
    return caught.value


def inline_row(*texts: str) -> bytes:
    cells = b"".join(b'<c t="inlineStr"><is><t>' + t.encode() + b"</t></is></c>" for t in texts)
    return b"<row>" + cells + b"</row>"


def workbook_with_sheet(path, chunks, extra: tuple[str, int] | None = None):
    """A real .xlsx whose first sheet's XML is ``chunks`` (streamed into a deflated part);
    ``extra``: (name, size) of a further part of zero bytes."""
    template = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["x"])
    book.save(template)
    with zipfile.ZipFile(template) as source, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info, source.read(info))
                continue
            with out.open(info.filename, "w") as part:
                for chunk in chunks:
                    part.write(chunk)
        if extra:
            name, size = extra
            with out.open(name, "w") as part:
                block = bytes(2**20)
                for _ in range(size // len(block)):
                    part.write(block)
    return path


def sheet(rows_xml, dimension=b"A1"):
    yield SHEET_NS + b'<dimension ref="' + dimension + b'"/><sheetData>'
    yield from rows_xml
    yield b"</sheetData></worksheet>"


# --- 1. zip bombs and huge files -------------------------------------------------------------


def test_a_small_xlsx_with_three_million_rows_is_refused_before_it_is_parsed(tmp_path, cli, db_file):
    body = inline_row("x") * 10_000
    path = workbook_with_sheet(tmp_path / "bomb.xlsx", sheet(body for _ in range(300)))
    assert path.stat().st_size < 1_000_000  # 3 million rows in well under a megabyte

    tracemalloc.start()
    try:
        error = refused(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20
    assert "200 000" in error.message.replace("\u00a0", " ").replace(",", " ")
    code, _out, err = cli("import", "training", path, "--db", db_file)
    assert code == 5 and "bomb.xlsx" in err and "rows" in err and "Traceback" not in err


def test_a_sheet_without_stored_size_and_too_many_rows_is_refused_before_opening(tmp_path):
    # openpyxl reads such a sheet whole when it opens the workbook: the row count comes first
    body = inline_row("1") * 10_000
    path = workbook_with_sheet(tmp_path / "nodim.xlsx", (
        SHEET_NS + b"<sheetData>", *(body for _ in range(21)), b"</sheetData></worksheet>"))
    assert "rows" in refused(path).message


def test_xlsx_rows_over_the_limit_are_refused_while_streaming_naming_the_line(tmp_path):
    rows = tabular.MAX_ROWS + 1 + 5  # header + MAX_ROWS data rows fit; the next one does not
    body = [inline_row("a", "b")] + [inline_row("1", "2")] * (rows - 1)
    path = workbook_with_sheet(tmp_path / "long.xlsx", sheet(iter(body)))

    error = refused(path)

    assert [p.line for p in error.problems] == [tabular.MAX_ROWS + 2]
    assert "100" in error.problems[0].reason and "data rows" in error.problems[0].reason


def test_the_uncompressed_size_is_checked_before_the_workbook_is_opened(tmp_path):
    limit = tabular.MAX_XLSX_BYTES
    path = workbook_with_sheet(tmp_path / "big.xlsx", sheet([inline_row("a"), inline_row("1")]),
                               extra=("xl/media/image1.png", limit + 2**20))
    assert path.stat().st_size < 2_000_000
    error = refused(path)
    assert "200 MB" in error.message.replace("\u00a0", " ")


def test_a_sheet_with_too_many_cells_or_shared_strings_is_refused(tmp_path):
    many = inline_row(*["1"] * 1000) * 100  # 100 000 cells per chunk
    path = workbook_with_sheet(tmp_path / "wide.xlsx", sheet(many for _ in range(21)))
    assert "cells" in refused(path).message


def test_xlsx_columns_cells_and_row_numbers_beyond_the_limits(tmp_path):
    wide = workbook_with_sheet(tmp_path / "wide.xlsx", sheet(
        [inline_row("a", "b"), inline_row("1", "2"), inline_row(*["v"] * 201)]))
    assert [(p.line, p.field) for p in refused(wide).problems] == [(3, None)]
    long_cell = workbook_with_sheet(tmp_path / "cell.xlsx", sheet(
        [inline_row("a", "notes"), inline_row("1", "x" * (tabular.MAX_CELL_CHARS + 1))]))
    error = refused(long_cell)
    assert [(p.line, p.field) for p in error.problems] == [(2, "notes")]
    assert "131" in error.problems[0].reason and "xxxx" not in error.message
    far = workbook_with_sheet(tmp_path / "far.xlsx", sheet(
        [inline_row("a"), inline_row("1"),
         b'<row r="999999999"><c t="inlineStr"><is><t>2</t></is></c></row>']))
    assert "Excel" in refused(far).message


def test_a_huge_csv_is_refused_before_it_is_read(tmp_path, cli, db_file):
    path = tmp_path / "huge.csv"
    with path.open("wb") as stream:
        stream.write((TRAINING_HEADER + "\r\n").encode("utf-8"))
        stream.truncate(tabular.MAX_CSV_BYTES + 1)  # sparse: nothing is really written
    assert "64 MB" in refused(path).message.replace("\u00a0", " ")
    code, _out, err = cli("import", "training", path, "--db", db_file)
    assert code == 5 and "huge.csv" in err


def test_csv_rows_over_the_limit_are_counted_while_streaming(tmp_path, cli, db_file):
    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        stream.write(TRAINING_HEADER + "\r\n")
        for _ in range(tabular.MAX_ROWS + 1):
            stream.write(TRAINING_ROW + "\r\n")
    error = refused(path)
    assert [p.line for p in error.problems] == [tabular.MAX_ROWS + 2]
    code, _out, err = cli("import", "training", path, "--db", db_file)
    assert code == 5 and "data rows" in err and completions(db_file) == 0


def test_millions_of_empty_csv_lines_stop_at_the_line_limit(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b"a;b\n1;2\n" + b"\n" * (tabular.MAX_LINES + 10))
    error = refused(path)
    assert [p.line for p in error.problems] == [tabular.MAX_LINES + 1]


def test_csv_columns_delimiters_and_cell_length(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text("a;b\n1;2\n" + ";".join(["v"] * 201) + "\n", encoding="utf-8")
    error = refused(wide)
    assert [p.line for p in error.problems] == [3] and "201" in error.problems[0].reason
    trailing = tmp_path / "trailing.csv"  # empty cells at the end of a row do not count
    trailing.write_text("a;b\n1;2" + ";" * 500 + "\n", encoding="utf-8")
    assert read_table(trailing).rows[0].cells == ("1", "2")
    delimiters = tmp_path / "delimiters.csv"  # refused before the csv module builds the row
    delimiters.write_text("a;b\n1;2\n" + ";" * 10_000_000 + "x\n", encoding="utf-8")
    assert [p.line for p in refused(delimiters).problems] == [3]
    long_cell = tmp_path / "cell.csv"
    long_cell.write_text('a;notes\n1;"' + "y" * tabular.MAX_CELL_CHARS + '"\n'
                         '2;"' + "z\n" * (tabular.MAX_CELL_CHARS // 2 + 1) + '"\n',
                         encoding="utf-8")
    error = refused(long_cell)
    assert [(p.line, p.field) for p in error.problems] == [(3, "notes")]
    assert "131" in error.problems[0].reason and "zzz" not in error.message
    assert "valid CSV" not in error.message  # the true reason, not "check the quotation marks"


def test_limit_messages_are_translated(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("a;b\n" + ";".join(["v"] * 201) + "\n", encoding="utf-8")
    i18n.set_language("sv")
    assert "kolumner" in refused(path).message


# --- 2. encodings ----------------------------------------------------------------------------


SWEDISH = "förvaltning;utbildning\r\nUBF;Våld i nära relationer – Öppen\r\n"


@pytest.mark.parametrize("codec, bom", [
    ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b""), ("utf-16-be", b""),
], ids=["le-bom", "be-bom", "le", "be"])
def test_utf16_with_or_without_bom_is_decoded(tmp_path, codec, bom):
    path = tmp_path / "unicode.csv"
    path.write_bytes(bom + SWEDISH.encode(codec))
    table = read_table(path)
    assert table.header == ("förvaltning", "utbildning")
    assert table.rows[0].cells == ("UBF", "Våld i nära relationer – Öppen")


def test_utf16_training_file_imports_through_the_cli(tmp_path, cli, db_file):
    path = tmp_path / "lms.csv"
    path.write_bytes(f"{TRAINING_HEADER}\r\n{TRAINING_ROW}\r\n".encode("utf-16-le"))
    code, out, err = cli("import", "training", path, "--db", db_file)
    assert (code, err) == (0, "") and "New records: 1" in out


def test_a_mac_roman_csv_is_rejected_never_stored_as_mojibake(tmp_path, cli, db_file):
    path = tmp_path / "mac.csv"
    path.write_bytes(f"{TRAINING_HEADER}\r\n{TRAINING_ROW}\r\n".encode("mac_roman"))
    assert "Mac Roman" in refused(path).message
    code, _out, err = cli("import", "training", path, "--db", db_file)
    assert code == 5 and "CSV UTF-8" in err and completions(db_file) == 0


def test_windows_1252_with_a_euro_sign_and_dashes_is_still_windows_1252(tmp_path):
    path = tmp_path / "cp.csv"
    path.write_bytes("kurs;pris\r\nHeder – grund;500 € för två\r\n".encode("cp1252"))
    assert read_table(path).rows[0].cells == ("Heder – grund", "500 € för två")


# --- 3. NUL bytes ----------------------------------------------------------------------------


def test_a_nul_byte_in_a_csv_cell_names_line_and_column(tmp_path, cli, db_file):
    path = tmp_path / "nul.csv"
    path.write_bytes(f"{TRAINING_HEADER}\r\n{TRAINING_ROW}\r\n".encode()
                     + TRAINING_ROW.replace("Skola 1", "Skola\x001").encode() + b"\r\n")
    error = refused(path)
    assert [(p.line, p.field) for p in error.problems] == [(3, "enhet")]
    code, _out, err = cli("import", "training", path, "--db", db_file)
    assert code == 5 and "Line 3, column enhet" in err and "NUL" in err
    assert completions(db_file) == 0


def test_a_nul_in_an_xlsx_cell_and_in_a_csv_header_is_rejected(tmp_path, cli, db_file):
    # XML cannot hold a NUL: a sheet with one is a damaged workbook (exit 5, no traceback)
    path = workbook_with_sheet(tmp_path / "nul.xlsx", sheet(
        [inline_row("a", "b"), inline_row("1", "x\x00y")]))
    assert "not a readable Excel workbook" in refused(path).message
    code, _out, err = cli("import", "training", path, "--db", db_file)
    assert code == 5 and "nul.xlsx" in err and "Traceback" not in err
    header = tmp_path / "header.csv"
    header.write_bytes(b"a;b\x00c\n1;2\n")
    assert [(p.line, p.field) for p in refused(header).problems] == [(1, "column 2")]


# --- 4. a header without data rows -----------------------------------------------------------


def test_a_header_only_csv_or_xlsx_is_refused(tmp_path, cli, db_file):
    csv_path = tmp_path / "header.csv"
    csv_path.write_bytes(f"\ufeff{TRAINING_HEADER}\r\n;;;;;;;\r\n\r\n".encode("utf-8"))
    book = openpyxl.Workbook()
    book.active.append(TRAINING_HEADER.split(";"))
    book.active.append([None] * 8)
    xlsx_path = tmp_path / "header.xlsx"
    book.save(xlsx_path)
    for path in (csv_path, xlsx_path):
        for dry_run in ((), ("--dry-run",)):
            code, out, err = cli("import", "training", path, "--db", db_file, *dry_run)
            assert (code, out) == (5, "")
            assert f"{path.name}: the file has a header but no data rows" in err
    code, _out, err = cli("import", "training", csv_path, "--db", db_file, lang="sv")
    assert code == 5 and "inga datarader" in err


# --- 6. an editor and another administration's rows ------------------------------------------


def test_an_editor_importing_rows_of_another_administration_is_not_allowed(tmp_path, cli, db_file):
    own = TRAINING_ROW.replace("UBF", "SOC")
    others = [TRAINING_ROW.replace("70001", f"8{i:04d}") for i in range(13)]
    lines = [TRAINING_HEADER, own, *others]
    path = tmp_path / "mixed.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    for dry_run in ((), ("--dry-run",)):
        code, out, err = cli("import", "training", path, "--db", db_file, *dry_run, user="sam")
        assert (code, out) == (6, "")
        assert "own administration (SOC)" in err and "column förvaltning" in err
        assert "line 3, 4, 5" in err and "and 3 more" in err  # 13 foreign rows, 10 listed
    assert completions(db_file) == 0
    code, _out, err = cli("import", "training", path, "--db", db_file, user="sam", lang="sv")
    assert code == 6 and "egen förvaltning" in err
    path.write_text(f"{TRAINING_HEADER}\r\n{own}\r\n", encoding="utf-8")
    code, out, err = cli("import", "training", path, "--db", db_file, user="sam")
    assert (code, err) == (0, "") and "New records: 1" in out
    path.write_text("\r\n".join([TRAINING_HEADER, *lines[2:]]) + "\r\n", encoding="utf-8")
    code, out, err = cli("import", "training", path, "--db", db_file)  # the admin may
    assert (code, err) == (0, "") and completions(db_file) == 1 + 13


# --- 5. personal identity numbers in the training unit and title -----------------------------


@pytest.mark.parametrize("column, number", [
    ("enhet", "811218 9876"), ("utbildning", "Grundkurs för ８１１２１８-９８７６"),
])
def test_a_personal_number_in_the_training_unit_or_title_is_rejected(tmp_path, cli, db_file,
                                                                     column, number):
    header = TRAINING_HEADER.split(";")
    cells = TRAINING_ROW.split(";")
    cells[header.index(column)] = number
    path = tmp_path / "pnr.csv"
    path.write_text(f"{TRAINING_HEADER}\r\n{';'.join(cells)}\r\n", encoding="utf-8")
    code, out, err = cli("import", "training", path, "--db", db_file)
    assert code == 5 and f"Line 2, column {column}: This looks like a personal identity number" in err
    assert "9876" not in out + err and completions(db_file) == 0
