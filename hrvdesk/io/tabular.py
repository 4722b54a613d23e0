"""Reading a ``.csv`` or ``.xlsx`` file into a header and rows of raw cells.

Files come as Excel and source systems really write them (``import-formats.md``):

* CSV in UTF-8 (with or without BOM) or Windows-1252, delimited by ``;`` or ``,``, with
  quoted fields that may hold delimiters and line breaks;
* XLSX: the first worksheet, with date cells returned as :class:`datetime.date`.

Each row keeps the line (CSV: the physical line where the record starts) or sheet row
number (XLSX) it came from, so that problems can be reported where the user sees them.
Rows without any value are skipped. Nothing is written to disk, and no cell content
appears in error messages.

**Character encodings (CSV).** The encoding is decided from the bytes before any text is
read, never guessed cell by cell:

* a UTF-16 byte-order mark, or (without one) the NUL bytes that UTF-16 puts beside every
  Latin letter (one byte of each pair, in the first :data:`SNIFF_BYTES`), means UTF-16 (LE
  or BE); such files are *decoded*, as some source systems and PowerShell write them;
* valid UTF-8 (BOM optional) is UTF-8;
* anything else is Windows-1252, **unless** it holds more of the bytes that Mac Roman uses
  for å ä ö Å Ä Ö é (``8C 8A 9A 81 80 85 8E``: Œ Š š, €, … in Windows-1252) than of the
  bytes Windows-1252 uses for them: such a file is *rejected* with a sentence asking for
  "CSV UTF-8", never stored as mojibake. Rejecting (not decoding as Mac Roman) is deliberate:
  a misjudged file is then refused, not silently changed. Bytes that Windows-1252 leaves
  undefined reject the file as well.

NUL characters in a cell (after decoding) reject the file naming line and column.

**Limits.** Files are streamed, and the limits below are checked while reading, so that a
hostile or broken file (a "zip bomb" that unpacks to millions of rows, a CSV of gigabytes)
is refused within seconds and in bounded memory, with a sentence naming the limit:

* :data:`MAX_CSV_BYTES`: the size of a CSV file, checked before reading it;
* :data:`MAX_XLSX_BYTES`: the sum of the uncompressed sizes of the workbook's parts, and
  :data:`MAX_XLSX_ROWS` / :data:`MAX_CELLS`: the row and cell elements in its XML parts,
  counted on the raw bytes (fast) before openpyxl opens the workbook (openpyxl reads a whole
  sheet at opening when it lacks a stored size);
* :data:`MAX_LINES`: lines (CSV) or sheet rows (XLSX) read, empty ones included;
* :data:`MAX_ROWS`: data rows (non-empty rows after the header);
* :data:`MAX_COLUMNS`: columns with a value in one row (trailing empty cells do not count);
* :data:`MAX_CELL_CHARS`: characters in one cell (128 Ki).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from hrvdesk.domain.errors import Problem, UsageError, ValidationError
from hrvdesk.domain.table import Cell, Table, TableRow, is_empty
from hrvdesk.i18n import _, format_number

#: A raw cell: text from a CSV file; text, number, boolean, date or time from XLSX.

CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (";", ",")

#: Data rows (non-empty rows after the header) in one file.
MAX_ROWS = 100_000
#: Lines (CSV) or sheet rows (XLSX) read, empty ones included: an Excel sheet's maximum.
MAX_LINES = 1_048_576
#: Columns with a value in one row.
MAX_COLUMNS = 200
#: Characters in one cell (128 Ki).
MAX_CELL_CHARS = 128 * 1024
#: Size of a CSV file in bytes.
MAX_CSV_BYTES = 64 * 1024 * 1024
#: Sum of the uncompressed sizes of an XLSX file's parts, in bytes.
MAX_XLSX_BYTES = 200 * 1024 * 1024
#: Row elements in all XML parts of a workbook (every sheet, as openpyxl looks at each):
#: room for MAX_ROWS data rows and as many formatted empty ones. It also bounds the time
#: openpyxl takes to read a sheet without stored size when it opens the workbook.
MAX_XLSX_ROWS = 2 * MAX_ROWS
#: Cell elements in all XML parts of a workbook, and entries of its shared-string table.
MAX_CELLS = 2_000_000
#: Delimiters in one CSV record (quoted ones included) before it is parsed: bounds the
#: memory a single record can take; a record within :data:`MAX_COLUMNS` has far fewer.
MAX_RECORD_DELIMITERS = 10 * MAX_COLUMNS
#: Bytes looked at for a UTF-16 file without byte-order mark.
SNIFF_BYTES = 4096
_CHUNK = 1024 * 1024

# Mac Roman's bytes for å ä ö Å Ä Ö é, and Windows-1252's.
_MAC_ROMAN_LETTERS = b"\x8c\x8a\x9a\x81\x80\x85\x8e"
_CP1252_LETTERS = b"\xe5\xe4\xf6\xc5\xc4\xd6\xe9"
_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"


def read_table(path: str | Path) -> Table:
    """Read ``path`` (``.csv``, or the first sheet of ``.xlsx``); the first non-empty row is
    the header.

    Raises :class:`UsageError` when the file cannot be opened and
    :class:`ValidationError` when it is not a readable CSV/XLSX file, exceeds a limit (see
    the module documentation) or holds a NUL character.
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
    try:
        return _to_table(rows, path.name, all_text=suffix in CSV_SUFFIXES)
    finally:
        rows.close()  # closes the file (or workbook) at once, also when a limit was hit


def _refused(file_name: str, reason: str, line: int | None = None,
             field: str | None = None) -> ValidationError:
    """The whole file is refused for one reason, at ``line``/``field`` if given."""
    problem = Problem(reason, line, field)
    return ValidationError(_("{file}: {problems}").format(file=file_name, problems=problem),
                           [problem])


def _width(cells: tuple[Cell, ...]) -> int:
    """The number of cells up to the last one with a value (0: an empty row)."""
    if cells and not is_empty(cells[-1]):  # the common row: filled to its end
        return len(cells)
    for index in range(len(cells) - 1, -1, -1):
        if not is_empty(cells[index]):
            return index + 1
    return 0


def _column_label(header: tuple[str, ...] | None, index: int) -> str:
    if header and index < len(header) and header[index]:
        return header[index]
    return _("column {number}").format(number=index + 1)


def _check_cells(row: TableRow, width: int, header: tuple[str, ...] | None,
                 file_name: str, all_text: bool = False) -> None:
    """The row's limits; ``all_text``: every cell is text (CSV)."""
    if width > MAX_COLUMNS:
        raise _refused(file_name, _(
            "The row has values in {count} columns; at most {max} columns can be imported."
        ).format(count=format_number(width), max=format_number(MAX_COLUMNS)), row.line)
    texts = row.cells[:width] if all_text else [cell for cell in row.cells[:width] if isinstance(cell, str)]
    joined = "".join(texts)  # no cell is longer than all of them together
    if "\x00" not in joined and (len(joined) <= MAX_CELL_CHARS
                                 or max(map(len, texts)) <= MAX_CELL_CHARS):
        return  # the common row; else find the cell to name
    for index, cell in enumerate(row.cells[:width]):
        if not isinstance(cell, str):
            continue
        if len(cell) > MAX_CELL_CHARS:
            raise _refused(file_name, _(
                "The cell holds {length} characters; at most {max} (128 KiB) are allowed."
            ).format(length=format_number(len(cell)), max=format_number(MAX_CELL_CHARS)),
                row.line, _column_label(header, index))
        if "\x00" in cell:
            raise _refused(file_name, _(
                "The cell contains a NUL character (a zero byte), which no text holds; the "
                "file is damaged or not a text export."), row.line, _column_label(header, index))


def _to_table(rows: Iterator[TableRow], file_name: str, all_text: bool = False) -> Table:
    """Skip empty rows, take the header, check every limit while the rows stream in.

    ``all_text``: every cell is text (CSV), so that a row's cells are checked as one string
    without sorting out other values first (see :func:`_check_cells`)."""
    header: tuple[str, ...] | None = None
    header_line = 1
    kept: list[TableRow] = []
    for row in rows:
        if row.line > MAX_LINES:
            raise _refused(file_name, _(
                "The file has more than {max} rows (empty ones included), more than an Excel "
                "sheet can hold; split it into smaller files.").format(
                max=format_number(MAX_LINES)), row.line)
        width = _width(row.cells)
        if not width:
            continue
        _check_cells(row, width, header, file_name, all_text)
        if header is None:
            names = [_header_text(c) for c in row.cells[:width]]
            header, header_line = tuple(names), row.line
            continue
        if len(kept) == MAX_ROWS:
            raise _refused(file_name, _(
                "The file has more than {max} data rows; at most {max} can be imported at "
                "once. Split it into smaller files.").format(max=format_number(MAX_ROWS)),
                row.line)
        # cells after the header's last column are kept only up to the last value
        keep = max(width, len(header))
        kept.append(row if keep >= len(row.cells) else TableRow(row.line, row.cells[:keep]))
    if header is None:
        return Table(header=(), rows=())
    return Table(header=header, rows=tuple(kept), header_line=header_line)


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


def _utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le``/``-be`` when most byte pairs of ``sample`` have a NUL on one side only."""
    pairs = len(sample) // 2
    if not pairs:
        return None
    even, odd = sample[0:2 * pairs:2].count(0), sample[1:2 * pairs:2].count(0)
    if odd * 2 > pairs and even * 10 < odd:
        return "utf-16-le"
    if even * 2 > pairs and odd * 10 < even:
        return "utf-16-be"
    return None


def _encoding_refused(file_name: str) -> ValidationError:
    return ValidationError(_(
        "{file}: the character encoding is not recognised; save the file as \"CSV UTF-8\"."
    ).format(file=file_name))


def csv_encoding(chunks: Iterator[bytes], file_name: str) -> str:
    """The codec to read a CSV file with, from its bytes (see the module documentation).

    ``chunks`` yields the file's bytes in order; raises :class:`ValidationError` for Mac
    Roman and unrecognised files.
    """
    first = next(chunks, b"")
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if not first.startswith(codecs.BOM_UTF8) and (utf16 := _utf16_without_bom(first[:SNIFF_BYTES])):
        return utf16
    utf8: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder("utf-8")()
    mac = cp1252 = undefined = 0
    for chunk in itertools.chain((first,), chunks):
        if utf8 is not None:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                utf8 = None
        mac += sum(chunk.count(b) for b in _MAC_ROMAN_LETTERS)
        cp1252 += sum(chunk.count(b) for b in _CP1252_LETTERS)
        undefined += sum(chunk.count(b) for b in _CP1252_UNDEFINED)
    if utf8 is not None:
        try:
            utf8.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    if mac > cp1252:
        raise ValidationError(_(
            "{file}: the text seems to be saved in the old Mac Roman character set (Swedish "
            "letters would come out wrong); save the file as \"CSV UTF-8\" and import it again."
        ).format(file=file_name))
    if undefined:
        raise _encoding_refused(file_name)
    return "cp1252"


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


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            yield chunk


class _RecordGuard:
    """Passes physical lines on to :mod:`csv`, refusing a record with too many delimiters
    before the csv module builds it (the delimiters since :meth:`next_record`)."""

    def __init__(self, lines: Iterator[str], delimiter: str, file_name: str):
        self.lines, self.delimiter, self.file_name = lines, delimiter, file_name
        self.start, self.delimiters = 1, 0

    def next_record(self, line: int) -> None:
        self.start, self.delimiters = line, 0

    def __iter__(self) -> Iterator[str]:
        delimiter = self.delimiter
        for line in self.lines:
            self.delimiters += line.count(delimiter)
            if self.delimiters > MAX_RECORD_DELIMITERS:
                raise _refused(self.file_name, _(
                    "The row holds more than {count} delimiters ({delimiter}); a row may have "
                    "at most {max} columns.").format(
                    count=format_number(MAX_RECORD_DELIMITERS), delimiter=self.delimiter,
                    max=format_number(MAX_COLUMNS)), self.start)
            yield line


def _csv_rows(path: Path) -> Iterator[TableRow]:
    try:
        size = path.stat().st_size
    except OSError as error:
        raise _unreadable(path, error) from None
    if size > MAX_CSV_BYTES:
        raise ValidationError(_(
            "{file}: the file is {size} MB; at most {max} MB can be imported at once. Split it "
            "into smaller files.").format(file=path.name, size=format_number(size // 2**20),
                                          max=format_number(MAX_CSV_BYTES // 2**20)))
    # never more than the file: a cell is checked against MAX_CELL_CHARS with its column
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_BYTES))
    return _csv_records(path)


def _csv_records(path: Path) -> Iterator[TableRow]:
    previous_end = 0
    try:
        encoding = csv_encoding(_file_chunks(path), path.name)
        with path.open("r", encoding=encoding, newline="") as stream:
            head = stream.read(SNIFF_BYTES)
            head += stream.readline()  # the sample ends at a line end
            delimiter = detect_delimiter(head)
            guard = _RecordGuard(itertools.chain(io.StringIO(head, newline=""), stream),
                                 delimiter, path.name)
            reader = csv.reader(iter(guard), delimiter=delimiter, quotechar='"',
                                doublequote=True, strict=True)
            for cells in reader:
                yield TableRow(previous_end + 1, tuple(cells))
                previous_end = reader.line_num
                guard.next_record(previous_end + 1)
    except OSError as error:
        raise _unreadable(path, error) from None
    except UnicodeDecodeError:
        raise _encoding_refused(path.name) from None
    except csv.Error:
        raise ValidationError(_(
            "{file}, line {line}: the file is not valid CSV (check the quotation marks)."
        ).format(file=path.name, line=previous_end + 1)) from None


# --- XLSX ----------------------------------------------------------------------------------


def _xlsx_cell(value: object) -> Cell:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (str, int, float, bool, dt.date, dt.time)) or value is None:
        return value
    return str(value)  # e.g. a duration: leave it to the column parser to reject


def _not_a_workbook(path: Path) -> ValidationError:
    return ValidationError(_(
        "{file}: the file is not a readable Excel workbook (.xlsx)."
    ).format(file=path.name))


def _count_tags(stream, names: tuple[bytes, ...]) -> dict[bytes, int]:
    """Start tags ``<name`` / ``<prefix:name`` per name in an XML stream, on the raw bytes
    (an upper bound: ``:name`` in text counts too, never ``<name`` as text escapes ``<``)."""
    patterns = {name: [open_ + name + end for open_ in (b"<", b":") for end in (b" ", b">", b"/")]
                for name in names}
    keep = max(len(p) for ps in patterns.values() for p in ps) - 1
    counts = dict.fromkeys(names, 0)
    tail = b""
    while chunk := stream.read(_CHUNK):
        data = tail + chunk
        for name, ps in patterns.items():
            counts[name] += sum(data.count(p) for p in ps)
        tail = data[-keep:]  # shorter than any pattern: no match is counted twice
    return counts


def _check_workbook_size(path: Path) -> None:
    """Refuse a workbook whose parts unpack too large or hold too many rows or cells,
    before openpyxl reads any of it (zipfile stops reading a part at its stated size)."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        if sum(part.file_size for part in parts) > MAX_XLSX_BYTES:
            raise ValidationError(_(
                "{file}: the workbook unpacks to more than {max} MB; at most {max} MB can be "
                "imported at once. Split it into smaller files.").format(
                file=path.name, max=format_number(MAX_XLSX_BYTES // 2**20)))
        totals = dict.fromkeys((b"row", b"c", b"si"), 0)
        for part in parts:
            if part.filename.lower().endswith(".xml"):
                with archive.open(part) as stream:
                    for name, count in _count_tags(stream, tuple(totals)).items():
                        totals[name] += count
    if totals[b"row"] > MAX_XLSX_ROWS:
        raise ValidationError(_(
            "{file}: the workbook has more than {max} rows (empty ones included); at most {rows} "
            "data rows can be imported at once. Split it into smaller files.").format(
            file=path.name, max=format_number(MAX_XLSX_ROWS), rows=format_number(MAX_ROWS)))
    if max(totals[b"c"], totals[b"si"]) > MAX_CELLS:
        raise ValidationError(_(
            "{file}: the workbook has more than {max} cells; at most {max} can be imported at "
            "once. Split it into smaller files.").format(file=path.name,
                                                         max=format_number(MAX_CELLS)))


#: What a damaged or hostile workbook raises inside zipfile, zlib and openpyxl.
_BROKEN_XLSX = (zipfile.BadZipFile, zlib.error, ParseError, KeyError, ValueError, TypeError,
                EOFError, NotImplementedError, RuntimeError)


def _xlsx_rows(path: Path) -> Iterator[TableRow]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        _check_workbook_size(path)
        workbook = load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        raise _unreadable(path, error) from None
    except (InvalidFileException, *_BROKEN_XLSX):
        raise _not_a_workbook(path) from None
    return _sheet_rows(path, workbook)


def _sheet_rows(path: Path, workbook) -> Iterator[TableRow]:
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # do not trust the stored sheet size; read every row
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield TableRow(line=number, cells=tuple(_xlsx_cell(v) for v in values))
    except _BROKEN_XLSX:
        raise _not_a_workbook(path) from None
    finally:
        workbook.close()
