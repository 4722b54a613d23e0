"""Reading a ``.csv`` or ``.xlsx`` file into a header and rows of raw cells.

Files come as Excel and source systems really write them (``import-formats.md``):

* CSV in UTF-8 (with or without BOM) or Windows-1252, delimited by ``;`` or ``,``, with
  quoted fields that may hold delimiters and line breaks;
* XLSX: the first worksheet, with date cells returned as :class:`datetime.date`.

Each row keeps the line (CSV: the physical line where the record starts) or sheet row
number (XLSX) it came from, so that problems can be reported where the user sees them.
Rows without any value are skipped. Nothing is written to disk, and no cell content
appears in error messages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from hrvdesk.domain.errors import UsageError, ValidationError
from hrvdesk.i18n import _

#: A raw cell: text from a CSV file; text, number, boolean, date or time from XLSX.
Cell = str | int | float | bool | dt.date | dt.time | None

CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (";", ",")


@dataclass(frozen=True)
class TableRow:
    """One non-empty data row and where it starts in the file (1-based)."""

    line: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """The header (as written, trailing empty names dropped), its line, and the data rows."""

    header: tuple[str, ...]
    rows: tuple[TableRow, ...]
    header_line: int = 1


def is_empty(cell: Cell) -> bool:
    """True for a missing cell or text that is only white space."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_table(path: str | Path) -> Table:
    """Read ``path`` (``.csv``, or the first sheet of ``.xlsx``); the first non-empty row is
    the header.

    Raises :class:`UsageError` when the file cannot be opened and
    :class:`ValidationError` when it is not a readable CSV/XLSX file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        rows = _csv_rows(path)
    elif suffix in XLSX_SUFFIXES:
        rows = _xlsx_rows(path)
    elif suffix == ".xls":
        raise ValidationError(_(
            "{file}: the old Excel format (.xls) cannot be read; save the file as .xlsx or .csv."
        ).format(file=path.name))
    else:
        raise ValidationError(_(
            "{file}: unsupported file type; use a .csv or .xlsx file."
        ).format(file=path.name))
    return _to_table(rows)


def _to_table(rows: Iterable[TableRow]) -> Table:
    kept = [row for row in rows if not all(is_empty(c) for c in row.cells)]
    if not kept:
        return Table(header=(), rows=())
    header = [_header_text(c) for c in kept[0].cells]
    while header and not header[-1]:
        header.pop()
    return Table(header=tuple(header), rows=tuple(kept[1:]), header_line=kept[0].line)


def _header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def _unreadable(path: Path, error: OSError) -> UsageError:
    if isinstance(error, FileNotFoundError):
        return UsageError(_("{file}: the file does not exist.").format(file=path.name))
    return UsageError(_("{file}: the file cannot be opened.").format(file=path.name))


# --- CSV -----------------------------------------------------------------------------------


def decode_csv(data: bytes, file_name: str) -> str:
    """Text of a CSV file: UTF-8 (BOM optional) if it is valid UTF-8, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(_(
            "{file}: the file is saved as UTF-16 text; save it as \"CSV UTF-8\" or "
            "\"CSV (semicolon delimited)\" instead."
        ).format(file=file_name))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError(_(
            "{file}: the character encoding is not recognised; save the file as \"CSV UTF-8\"."
        ).format(file=file_name)) from None


def detect_delimiter(text: str) -> str:
    """``;`` or ``,``: whichever occurs more often outside quotes in the first record."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    return max(DELIMITERS, key=lambda d: counts[d])  # ties (e.g. one column) -> ";"


def _csv_rows(path: Path) -> list[TableRow]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise _unreadable(path, error) from None
    text = decode_csv(data, path.name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(text),
                        quotechar='"', doublequote=True, strict=True)
    rows = []
    previous_end = 0
    try:
        for cells in reader:
            rows.append(TableRow(line=previous_end + 1, cells=tuple(cells)))
            previous_end = reader.line_num
    except csv.Error:
        raise ValidationError(_(
            "{file}, line {line}: the file is not valid CSV (check the quotation marks)."
        ).format(file=path.name, line=previous_end + 1)) from None
    return rows


# --- XLSX ----------------------------------------------------------------------------------


def _xlsx_cell(value: object) -> Cell:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (str, int, float, bool, dt.date, dt.time)) or value is None:
        return value
    return str(value)  # e.g. a duration: leave it to the column parser to reject


def _xlsx_rows(path: Path) -> list[TableRow]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        raise _unreadable(path, error) from None
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError):
        raise ValidationError(_(
            "{file}: the file is not a readable Excel workbook (.xlsx)."
        ).format(file=path.name)) from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # do not trust the stored sheet size; read every row
        rows = [TableRow(line=number, cells=tuple(_xlsx_cell(v) for v in values))
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        workbook.close()
    return rows
