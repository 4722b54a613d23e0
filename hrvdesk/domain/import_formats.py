"""Checking an import file against its declared columns (``import-formats.md``).

A :class:`Schema` lists its :class:`Column` objects (English and Swedish header, whether the
column is required, and the parser of its values) and row rules that relate several
columns. :func:`read_import` reads a file, matches the header and checks **every** row; the
caller imports nothing unless :attr:`ImportResult.problems` is empty (all or nothing).

Nothing here touches the database: de-duplication and storing are the store's job.
Reasons never repeat free text or anything shaped like a personal identity number.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Collection, Iterable, Mapping, Protocol

from hrvdesk.domain import m49, personnummer
from hrvdesk.domain.codes import (
    ACTIONS, CASE_STATUSES, GENDERS, HONOUR_LINKS, PURPOSES, TRAINING_FORMATS,
    TRAINING_TOPICS, YES_NO, CodeList,
)
from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.domain.pii import (
    find_personal_number, forbidden_column_problems, normalise_digits, personal_number_reason,
)
from hrvdesk.domain.training import normalise_identifier
from hrvdesk.i18n import N_, _, format_date, format_number
from hrvdesk.domain.table import Cell, Table, is_empty

SHOWN_VALUE_LENGTH = 30


class CellError(Exception):
    """A cell value was rejected; ``reason`` (translated) says what is wrong and what is allowed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ImportContext:
    """What checking needs beyond the file: today's date and, if known, the registered
    administration codes (without them, codes are only checked for their form)."""

    today: dt.date
    administrations: frozenset[str] | None = None


def _shown(cell: Cell) -> str:
    """A rejected value as it may be repeated in a reason: short, never free text."""
    text = cell.isoformat() if isinstance(cell, (dt.date, dt.time)) else str(cell).strip()
    if len(text) > SHOWN_VALUE_LENGTH:
        return text[:SHOWN_VALUE_LENGTH] + "…"
    return text


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _whole_number(cell: Cell) -> int | None:
    """An integer from a number cell (``12`` or ``12.0``), else None."""
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return None


def _text(cell: Cell) -> str:
    """A cell as text: whole numbers without ``.0``, dates as ``YYYY-MM-DD``."""
    if type(cell) is str:  # the common cell (every cell of a CSV file)
        return unicodedata.normalize("NFC", cell).strip()
    number = _whole_number(cell)
    if number is not None:
        return str(number)
    if isinstance(cell, (dt.date, dt.time)):
        return cell.isoformat()
    return unicodedata.normalize("NFC", str(cell)).strip()


# --- value parsers (see Parser below) ------------------------------------------------------

_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
_YEAR = re.compile(r"[0-9]{4}")
_COUNT = re.compile(r"[0-9]{1,3}(?:[ \u00a0\u202f][0-9]{3})+|[0-9]+")
_NEGATIVE = re.compile(r"-\s*[0-9]+(?:[.,][0-9]+)?")
_DECIMAL = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_ADMINISTRATION = re.compile(r"[A-ZÅÄÖ0-9_-]{1,20}")


def _date_from_text(text: str) -> dt.date | None:
    match = _DATE.fullmatch(text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


@dataclass(frozen=True)
class DateValue:
    """``YYYY-MM-DD`` as text (a time after it is ignored) or a date cell -> ``date``."""

    empty = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> dt.date:
        if isinstance(cell, dt.date):
            return cell
        parsed = _date_from_text(_text(cell)) if isinstance(cell, str) else None
        if parsed is None:
            raise CellError(_('"{value}" is not a valid date; write it as YYYY-MM-DD.').format(
                value=_shown(cell)))
        return parsed


@dataclass(frozen=True)
class MonthOrDateValue:
    """``YYYY-MM`` or ``YYYY-MM-DD`` (text or date cell) -> the same ISO text."""

    empty = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> str:
        if isinstance(cell, dt.date):
            return cell.isoformat()
        text = _text(cell) if isinstance(cell, str) else ""
        month = _MONTH.fullmatch(text)
        if month and 1 <= int(month.group(2)) <= 12:
            return text
        parsed = _date_from_text(text)
        if parsed is None:
            raise CellError(_(
                '"{value}" is not a valid date; write it as YYYY-MM-DD or YYYY-MM.').format(
                value=_shown(cell)))
        return parsed.isoformat()


def _code_or_none(codes: CodeList, text: str) -> str | None:
    """A code or Swedish alias, any case; spaces may stand for underscores."""
    return codes.parse(text) or codes.parse(re.sub(r"\s+", "_", text.strip()))


def _unknown_code(codes: CodeList, value: str) -> str:
    allowed = ", ".join(codes.values)
    aliases = [c.alias_sv for c in codes if c.alias_sv != c.code]
    if aliases:
        return _('Unknown code "{value}"; allowed: {codes} (or {aliases}).').format(
            value=_shown(value), codes=allowed, aliases=", ".join(aliases))
    return _('Unknown code "{value}"; allowed: {codes}.').format(
        value=_shown(value), codes=allowed)


@dataclass(frozen=True)
class CodeValue:
    """One code of ``codes`` (code or Swedish alias, any case) -> the canonical code."""

    codes: CodeList
    empty = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> str:
        text = _text(cell)
        code = _code_or_none(self.codes, text)
        if code is None:
            raise CellError(_unknown_code(self.codes, text))
        return code


@dataclass(frozen=True)
class CodeListValue:
    """Codes separated by ``|`` -> a tuple of distinct canonical codes in the list's order."""

    codes: CodeList
    empty = ()

    def __call__(self, cell: Cell, ctx: ImportContext) -> tuple[str, ...]:
        text = _text(cell)
        parts = [part.strip() for part in text.split("|") if part.strip()] or [text]
        found = set()
        for part in parts:
            code = _code_or_none(self.codes, part)
            if code is None:
                raise CellError(_unknown_code(self.codes, part) + " " + _(
                    'Separate several codes with "|".'))
            found.add(code)
        return tuple(code for code in self.codes.values if code in found)


@dataclass(frozen=True)
class YearValue:
    """A four-digit year (text or number cell) -> ``int``."""

    earliest: int = 1900
    empty = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> int:
        number = _whole_number(cell)
        if number is None and isinstance(cell, str) and _YEAR.fullmatch(cell.strip()):
            number = int(cell.strip())
        if number is None or not 1000 <= number <= 9999:
            raise CellError(_('"{value}" is not a year; write four digits, e.g. 2012.').format(
                value=_shown(cell)))
        if number < self.earliest:
            raise CellError(_(
                "The year {value} is too early; the earliest allowed is {year}.").format(
                value=number, year=self.earliest))
        return number


def _negative(cell: Cell) -> bool:
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return cell < 0
    return isinstance(cell, str) and bool(_NEGATIVE.fullmatch(cell.strip()))


@dataclass(frozen=True)
class CountValue:
    """A whole number ≥ 0 (digit groups may be separated by spaces) -> ``int``."""

    empty = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> int:
        if _negative(cell):
            raise CellError(_(
                "{value} is negative; a whole number of 0 or more is required.").format(
                value=_shown(cell)))
        number = _whole_number(cell)
        if number is None and isinstance(cell, str) and _COUNT.fullmatch(cell.strip()):
            number = int(re.sub(r"[^0-9]", "", cell))
        if number is None:
            raise CellError(_(
                '"{value}" is not a whole number; write digits only, e.g. 120.').format(
                value=_shown(cell)))
        return number


@dataclass(frozen=True)
class DecimalValue:
    """A number ≥ 0 with ``,`` or ``.`` as decimal separator -> ``Decimal``."""

    empty = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> Decimal:
        if _negative(cell):
            raise CellError(_("{value} is negative; a number of 0 or more is required.").format(
                value=_shown(cell)))
        if isinstance(cell, (int, float)) and not isinstance(cell, bool):
            number = Decimal(str(cell))
            if number.is_finite():
                return number
        if isinstance(cell, str) and _DECIMAL.fullmatch(cell.strip()):
            return Decimal(cell.strip().replace(",", "."))
        raise CellError(_('"{value}" is not a number; write digits with "," or "." as decimal '
                          'separator, e.g. 1,5.').format(value=_shown(cell)))


@dataclass(frozen=True)
class TextValue:
    """Free text, surrounding spaces removed, at most ``max_length`` characters -> ``str``.

    Its content is never repeated in a reason."""

    max_length: int | None = None
    empty = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> str:
        text = _text(cell)
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(_(
                "The text is {length} characters long; at most {max} are allowed.").format(
                length=len(text), max=self.max_length))
        return text


@dataclass(frozen=True)
class FreeTextValue(TextValue):
    """Free text that must never hold a personal identity number (:mod:`hrvdesk.domain.pii`);
    neither is repeated in a reason."""

    def __call__(self, cell: Cell, ctx: ImportContext) -> str:
        text = super().__call__(cell, ctx)
        if find_personal_number(text):
            raise CellError(personal_number_reason())
        return text


@dataclass(frozen=True)
class PersonIdValue(TextValue):
    """An employee number or work e-mail, normalised for pseudonymisation
    (:func:`hrvdesk.domain.training.normalise_identifier`); the store hashes it."""

    def __call__(self, cell: Cell, ctx: ImportContext) -> str:
        return normalise_identifier(super().__call__(cell, ctx))


@dataclass(frozen=True)
class PersonNumberValue:
    """A personal identity or coordination number (:mod:`hrvdesk.domain.personnummer`),
    normalised to twelve digits for the store to pseudonymise at once. The century of a
    ten-digit number is taken from the day of the import (a date of birth is never after
    it); the reason for a refused number never repeats it."""

    empty: Any = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> str:
        try:
            return personnummer.normalise(normalise_digits(_text(cell)), ctx.today)
        except personnummer.PersonnummerError as error:
            raise CellError(error.reason) from None


@dataclass(frozen=True)
class YesNoValue:
    """``yes``/``no`` (or ``ja``/``nej``, or a TRUE/FALSE cell) -> ``bool``; empty = no."""

    empty = False

    def __call__(self, cell: Cell, ctx: ImportContext) -> bool:
        if isinstance(cell, bool):
            return cell
        return CodeValue(YES_NO)(cell, ctx) == "yes"


@dataclass(frozen=True)
class AdministrationValue:
    """The code of a registered administration (any case) -> the code in upper case."""

    empty = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> str:
        code = _text(cell).upper()
        if ctx.administrations is not None:
            if code not in ctx.administrations:
                raise CellError(_('Unknown administration "{value}"; registered: {codes}.').format(
                    value=_shown(cell), codes=", ".join(sorted(ctx.administrations))))
        elif not _ADMINISTRATION.fullmatch(code):
            raise CellError(_('"{value}" is not an administration code, e.g. SOC or UBF.').format(
                value=_shown(cell)))
        return code


@dataclass(frozen=True)
class CountryValue:
    """An ISO 3166-1 alpha-2 country code (any case) -> upper case; empty = unknown."""

    empty = None

    def __call__(self, cell: Cell, ctx: ImportContext) -> str:
        code = m49.parse_country(_text(cell))
        if code is None:
            raise CellError(_('"{value}" is not a country code; write the two-letter ISO 3166-1 '
                              'code, e.g. SE, IQ or SO.').format(value=_shown(cell)))
        return code


class Parser(Protocol):
    """Turns a non-empty cell into a value or raises :class:`CellError`; ``empty`` is the
    value of an empty cell (and of an optional column the file does not have)."""

    empty: Any

    def __call__(self, cell: Cell, ctx: ImportContext) -> Any: ...


# --- columns, rules, schemas ---------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column: canonical English name, Swedish name, whether it must be present, parser.

    A value is required in every row of a required column unless ``allow_empty`` is set;
    optional columns always allow empty cells. Empty cells get ``parser.empty``.
    """

    name: str
    sv_name: str
    required: bool
    parser: Parser
    allow_empty: bool | None = None

    @property
    def holds_person_number(self) -> bool:
        """The one column where a personal identity number belongs (it is pseudonymised)."""
        return isinstance(self.parser, PersonNumberValue)

    @property
    def accepts_empty(self) -> bool:
        return (not self.required) if self.allow_empty is None else self.allow_empty

    @property
    def empty_value(self) -> Any:
        return self.parser.empty

    def describe(self) -> str:
        return f"{self.name} ({self.sv_name})"


#: A row rule gets the parsed values of one row (columns that failed are absent) and
#: yields (canonical column name, translated reason) for each problem.
RowRule = Callable[[Mapping[str, Any], ImportContext], Iterable[tuple[str, str]]]


def not_in_future(column: str) -> RowRule:
    """The date in ``column`` must not be after today."""

    def rule(row: Mapping[str, Any], ctx: ImportContext) -> Iterable[tuple[str, str]]:
        value = row.get(column)
        if value is not None and value > ctx.today:
            yield column, _("The date {date} is in the future (today is {today}).").format(
                date=format_date(value), today=format_date(ctx.today))

    return rule


def year_not_after(year_column: str, date_column: str, message: str) -> RowRule:
    """The year in ``year_column`` must not be after the year of ``date_column``.

    ``message`` (marked with ``N_``) has the placeholders ``{year}`` and ``{date_year}``."""

    def rule(row: Mapping[str, Any], ctx: ImportContext) -> Iterable[tuple[str, str]]:
        year, date = row.get(year_column), row.get(date_column)
        if year is not None and date is not None and year > date.year:
            yield year_column, _(message).format(year=year, date_year=date.year)

    return rule


def not_greater_than(column: str, limit_column: str, message: str) -> RowRule:
    """The number in ``column`` must not exceed the number in ``limit_column``.

    ``message`` (marked with ``N_``) has the placeholders ``{value}`` and ``{limit}``."""

    def rule(row: Mapping[str, Any], ctx: ImportContext) -> Iterable[tuple[str, str]]:
        value, limit = row.get(column), row.get(limit_column)
        if value is not None and limit is not None and value > limit:
            yield column, _(message).format(value=format_number(value), limit=format_number(limit))

    return rule


@dataclass(frozen=True)
class Schema:
    """The columns of one import format and the rules that relate them.

    ``reject_personal_data``: a column named like names or personal identity numbers
    rejects the whole file, and any cell shaped like a Swedish personal identity number, in
    any column (also ignored ones), is a problem (:mod:`hrvdesk.domain.pii`).
    """

    name: str
    columns: tuple[Column, ...]
    rules: tuple[RowRule, ...] = ()
    reject_personal_data: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def lookup(self, header: str) -> Column | None:
        """The column whose English or Swedish name is ``header`` (any case, spaces around)."""
        wanted = _norm(header)
        return next((c for c in self.columns if wanted in (_norm(c.name), _norm(c.sv_name))), None)


@dataclass
class ImportResult:
    """The outcome of checking a file. Import ``rows`` only when ``problems`` is empty.

    ``rows`` holds the rows without problems (canonical name -> parsed value, every column
    of the schema present) and ``line_numbers`` their lines; ``columns`` maps canonical
    names to the headers as written in the file.
    """

    rows: list[dict[str, Any]]
    problems: list[Problem]
    warnings: list[str]
    line_numbers: list[int]
    columns: dict[str, str] = field(default_factory=dict)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rejected_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems if p.line is not None})

    def raise_if_rejected(self) -> None:
        """Raise :class:`ValidationError` listing every problem unless the file is clean."""
        if self.problems:
            rejected = len(self.rejected_lines)
            raise ValidationError(_(
                "The file was not imported: {rejected} of {total} rows have errors."
            ).format(rejected=format_number(rejected), total=format_number(self.row_count)),
                self.problems)


@dataclass(frozen=True)
class _Layout:
    """Which file column holds which schema column."""

    positions: dict[str, int]          # canonical name -> index in the row
    headers: tuple[str, ...]           # as written in the file
    person_columns: frozenset[int] = frozenset()  # where a personal identity number belongs

    def label(self, index: int) -> str:
        if index < len(self.headers) and self.headers[index]:
            return self.headers[index]
        return _("column {number}").format(number=index + 1)


def _rejected_file(file_name: str, problems: list[Problem]) -> ValidationError:
    """The whole file is rejected: one sentence naming the file and every problem."""
    listed = "; ".join(str(p) for p in problems)
    return ValidationError(_("{file}: {problems}").format(file=file_name, problems=listed)
                           if file_name else listed, problems)


def _match_header(schema: Schema, header: tuple[str, ...], line: int, file_name: str,
                  warnings: list[str]) -> _Layout:
    if not header:
        raise _rejected_file(file_name, [Problem(_("The file is empty."))])
    positions: dict[str, int] = {}
    if schema.reject_personal_data and (forbidden := forbidden_column_problems(header, line)):
        raise _rejected_file(file_name, forbidden)
    for index, title in enumerate(header):
        column = schema.lookup(title) if title else None
        if not title:
            warnings.append(_("Column {number} has no header and was ignored.").format(
                number=index + 1))
        elif column is None:
            warnings.append(_(
                'Column "{column}" is not part of the format and was ignored.').format(
                column=title))
        elif column.name in positions:
            raise _rejected_file(file_name, [Problem(_(
                "The column {column} appears more than once.").format(column=column.describe()),
                line, title)])
        else:
            positions[column.name] = index
    missing = [c for c in schema.columns if c.required and c.name not in positions]
    if missing:
        raise _rejected_file(file_name, [Problem(_("The required column is missing."), line,
                                                 c.describe()) for c in missing])
    return _Layout(positions=positions, headers=header, person_columns=frozenset(
        positions[c.name] for c in schema.columns if c.holds_person_number and c.name in positions))


def _looks_personal(cell: Cell) -> bool:
    if is_empty(cell) or isinstance(cell, (bool, dt.date, dt.time)):
        return False
    return find_personal_number(_text(cell))


_MEMO_LIMIT = 4096
"""Distinct texts remembered per column (administration codes, titles, dates repeat in a
file of many rows; a column of distinct values, such as employee numbers, stops remembering
once it has seen this many)."""


class _Memo:
    """What checking a cell's text gave in one column, for texts seen before in the same
    file: the parsed value or the reason it was rejected (or, for the personal-number scan,
    whether it looks like one). Parsers are pure for one file (``today`` and the register
    fixed), so a repeated text gives the same answer."""

    def __init__(self, compute) -> None:
        self.seen: dict[str, tuple[bool, Any]] = {}
        self._compute = compute

    def answer(self, cell: Cell) -> tuple[bool, Any]:
        """(True, value) or (False, reason); ``compute`` raises :class:`CellError` to reject."""
        if type(cell) is str and (found := self.seen.get(cell)) is not None:
            return found
        try:
            found = True, self._compute(cell)
        except CellError as error:
            found = False, error.reason
        if type(cell) is str and len(self.seen) < _MEMO_LIMIT:
            self.seen[cell] = found
        return found


class _RowChecker:
    """Checks the rows of one file: per column, where its cell is, what an empty cell means,
    and a memo of the texts seen (worked out once per file, not once per row)."""

    def __init__(self, schema: Schema, layout: _Layout, ctx: ImportContext):
        self.schema, self.layout, self.ctx = schema, layout, ctx
        memos = [_Memo(functools.partial(c.parser, ctx=ctx)) for c in schema.columns]
        # with each memo's texts (looked up first: most cells repeat) and its answer
        self.columns = [(c.name, layout.positions.get(c.name), c.accepts_empty, c.empty_value,
                         memo.seen, memo.answer) for c, memo in zip(schema.columns, memos)]
        self.personal = ({i: _Memo(_looks_personal) for i in range(len(layout.headers))}
                         if schema.reject_personal_data else None)
        self.width = len(layout.headers)

    def check(self, cells: tuple[Cell, ...], line: int) -> tuple[dict[str, Any], list[Problem]]:
        layout, problems = self.layout, []
        personal: set[int] = set()
        if self.personal is not None:
            personal = {i for i, cell in enumerate(cells) if i not in layout.person_columns
                        and (self.personal.get(i) or _Memo(_looks_personal)).answer(cell)[1]}
            problems += [Problem(personal_number_reason(), line, layout.label(i))
                         for i in sorted(personal)]
        values: dict[str, Any] = {}
        size = len(cells)
        for name, index, accepts_empty, empty_value, seen, answer in self.columns:
            if index is None:  # an optional column the file does not have
                values[name] = empty_value
                continue
            if index in personal:
                continue
            cell = cells[index] if index < size else None
            # a text seen before in the column (never an empty one: those are not kept)
            found = seen.get(cell) if type(cell) is str else None
            if found is None:
                if cell is None or (isinstance(cell, str) and not cell.strip()):
                    if not accepts_empty:
                        problems.append(Problem(_("A value is required."), line, layout.label(index)))
                    else:
                        values[name] = empty_value
                    continue
                found = answer(cell)
            if found[0]:
                values[name] = found[1]
            else:
                problems.append(Problem(found[1], line, layout.label(index)))
        if size > self.width:
            problems += [Problem(_("There is a value in a column that has no header."), line,
                                 layout.label(i))
                         for i in range(self.width, size) if not is_empty(cells[i]) and i not in personal]
        for rule in self.schema.rules:
            for name, reason in rule(values, self.ctx):
                index = layout.positions.get(name)
                problems.append(Problem(reason, line, layout.label(index) if index is not None else name))
        return values, problems


class _CollectorPause:
    """``with collector_paused:`` keeps Python's cycle collector from running while a
    file's rows are read, checked and written. Those are hundreds of thousands of small
    objects without cycles (reference counting frees them), and a collector passing over
    them again and again as they pile up costs a tenth of a large import. The collector runs
    again when the last of the threads that paused it is done (if it ran before)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._was_enabled = False

    def __enter__(self) -> None:
        with self._lock:
            if not self._depth:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._depth += 1

    def __exit__(self, *exc_info) -> None:
        with self._lock:
            self._depth -= 1
            if not self._depth and self._was_enabled:
                gc.enable()


collector_paused = _CollectorPause()


def check_table(table: Table, schema: Schema, today: dt.date, *,
                administrations: Collection[str] | None = None,
                file_name: str = "") -> ImportResult:
    """Check every row of ``table`` against ``schema`` (see :func:`read_import`)."""
    ctx = ImportContext(today=today, administrations=(
        None if administrations is None else frozenset(a.upper() for a in administrations)))
    warnings: list[str] = []
    layout = _match_header(schema, table.header, table.header_line, file_name, warnings)
    result = ImportResult(rows=[], problems=[], warnings=warnings, line_numbers=[],
                          columns={name: table.header[i] for name, i in layout.positions.items()},
                          row_count=len(table.rows))
    checker = _RowChecker(schema, layout, ctx)
    for row in table.rows:
        values, problems = checker.check(row.cells, row.line)
        if problems:
            result.problems += problems
        else:
            result.rows.append(values)
            result.line_numbers.append(row.line)
    if not table.rows:
        warnings.append(_("The file has a header but no rows."))
    return result


# --- the three formats ---------------------------------------------------------------------

ABROAD = Schema(
    name="abroad",
    columns=(
        Column("person", "personnummer", False, PersonNumberValue()),
        Column("case_ref", "ärendereferens", False, TextValue(max_length=40)),
        Column("reported_by", "rapporterad_av", True, AdministrationValue()),
        Column("known_date", "känt_datum", True, DateValue()),
        Column("departure_date", "avresedatum", False, MonthOrDateValue()),
        Column("gender", "kön", True, CodeValue(GENDERS)),
        Column("birth_year", "födelseår", True, YearValue(), allow_empty=True),
        Column("purposes", "syften", True, CodeListValue(PURPOSES)),
        Column("honour_link", "hederskoppling", True, CodeValue(HONOUR_LINKS)),
        Column("destination", "destination", False, CountryValue()),
        Column("status", "status", True, CodeValue(CASE_STATUSES)),
        Column("reported_married", "uppges_gift", False, YesNoValue()),
        Column("actions", "åtgärder", False, CodeListValue(ACTIONS)),
        Column("follow_up_date", "uppföljningsdatum", False, DateValue()),
        Column("no_school_since", "utan_skolplacering_sedan", False, DateValue()),
        Column("notes", "anteckningar", False, TextValue()),
    ),
    rules=(
        not_in_future("known_date"),
        not_in_future("no_school_since"),
        year_not_after("birth_year", "known_date", N_(
            "The birth year {year} is after the year the municipality learned of the case "
            "({date_year}).")),
    ),
    reject_personal_data=True,
)

TRAINING = Schema(
    name="training",
    columns=(
        Column("person_id", "anställningsnummer", True, PersonIdValue()),
        Column("administration", "förvaltning", True, AdministrationValue()),
        Column("unit", "enhet", False, FreeTextValue()),
        Column("training", "utbildning", True, FreeTextValue()),
        Column("topics", "ämnen", True, CodeListValue(TRAINING_TOPICS)),
        Column("format", "form", True, CodeValue(TRAINING_FORMATS)),
        Column("completed_date", "datum", True, DateValue()),
        Column("hours", "timmar", False, DecimalValue()),
    ),
    rules=(not_in_future("completed_date"),),
)

HEADCOUNT = Schema(
    name="headcount",
    columns=(
        Column("year", "år", True, YearValue()),
        Column("administration", "förvaltning", True, AdministrationValue()),
        Column("headcount", "antal_anställda", True, CountValue()),
        Column("target_group", "målgrupp", False, CountValue()),
        Column("unit", "enhet", False, FreeTextValue()),
    ),
    rules=(not_greater_than("target_group", "headcount", N_(
        "The target group ({value}) is larger than the headcount ({limit}).")),),
)

SCHEMAS: dict[str, Schema] = {s.name: s for s in (ABROAD, TRAINING, HEADCOUNT)}
