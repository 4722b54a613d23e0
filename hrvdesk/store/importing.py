"""Importing checked files into the database: all rows or none (``import-formats.md``).

:func:`hrvdesk.services.importing.check_file` reads and checks a file against its format
(:mod:`hrvdesk.domain.import_formats`); this module takes its
:class:`~hrvdesk.domain.import_formats.ImportResult`
and writes it. Each kind of import registers an :class:`ImportKind`: its schema, the column
that says which administration a row belongs to (an editor may import only their own), and
a *writer* that stores the rows inside the import's transaction and tells which rows were
new, which were already present and which conflict with stored records.

An editor's file with rows of another administration is refused as a whole with
:class:`~hrvdesk.domain.errors.PermissionDenied` (exit 6), dry run included: it is a matter
of her role, not of the rows' content (the refusal names the column and lines).

:func:`apply_import` runs the writer in one transaction and commits only when no row was
rejected and it is not a dry run, so a dry run reports exactly what a real import would do
and changes nothing. A committed import is audited as one ``import`` entry with counts
(never values). Writers must not log or return row contents.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from hrvdesk.domain.errors import Problem
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import _, format_number
from hrvdesk.domain.import_formats import ImportResult, Schema, collector_paused
from hrvdesk.store import connection
from hrvdesk.store.database import Database

#: ``progress(done, total)``: called now and then while a writer works through the rows.
Progress = Callable[[int, int], None]

#: Modules that register import kinds when imported (a capability adds its own here).
PROVIDERS: list[str] = ["hrvdesk.store.training_repo", "hrvdesk.store.abroad_repo"]


@dataclass
class WriteOutcome:
    """What a writer did with the rows it was given (inside the import's transaction).

    ``added``: new records; ``already_present``: rows identical to stored records (or to an
    earlier row of the file); ``replaced``: stored records the rows replaced; ``problems``:
    rows that conflict with what is stored; ``detail``: extra counts for the audit entry.
    """

    added: int = 0
    already_present: int = 0
    replaced: int = 0
    problems: list[Problem] = field(default_factory=list)
    detail: dict[str, int] = field(default_factory=dict)


#: ``writer(db, rows, progress) -> WriteOutcome``; ``rows`` are the checked rows with
#: their line numbers and the file's column headers (:class:`ImportRows`).
Writer = Callable[["Database", "ImportRows", Progress | None], WriteOutcome]


@dataclass(frozen=True)
class ImportRows:
    """The rows a writer gets: ``(line, values)`` pairs, and ``label(column)``, the
    column's header as written in the file (for problems)."""

    rows: list[tuple[int, dict]]
    columns: dict[str, str]

    def label(self, column: str) -> str:
        return self.columns.get(column, column)


@dataclass(frozen=True)
class ImportKind:
    """A kind of import: its name (``hrvdesk import NAME``), format, writer, and the column
    naming the administration a row belongs to (None: no editor scope)."""

    name: str
    schema: Schema
    writer: Writer
    scope_column: str | None = "administration"


@dataclass(frozen=True)
class ImportReport:
    """The outcome of an import or a dry run.

    ``rows``: data rows in the file; ``added``: new records (written, or that would be in a
    dry run); ``already_present``: rows identical to stored records; ``replaced``: stored
    figures replaced; ``problems``: every rejected value with line, column and reason.
    ``written`` is True only when the import was committed.
    """

    kind: str
    rows: int
    added: int
    already_present: int
    replaced: int
    problems: tuple[Problem, ...]
    warnings: tuple[str, ...]
    dry_run: bool
    written: bool

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def rejected(self) -> int:
        """The number of rows with at least one problem."""
        return len({p.line for p in self.problems})

    @property
    def accepted(self) -> int:
        """The rows without a problem (imported only when no row was rejected)."""
        return self.rows - self.rejected


_KINDS: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> None:
    _KINDS[kind.name] = kind


def kinds() -> dict[str, ImportKind]:
    """The registered kinds of import, by name (importing :data:`PROVIDERS` first)."""
    for module in PROVIDERS:
        importlib.import_module(module)
    return dict(sorted(_KINDS.items()))


def kind(name: str) -> ImportKind:
    return kinds()[name]


def registered_administrations(db: Database) -> list[str]:
    """The administration codes an import's rows are checked against."""
    return [code for (code,) in db.conn.execute("SELECT code FROM administrations")]


#: Lines named in the refusal of an editor's import of other administrations' rows.
LISTED_LINES = 10


def _require_own_rows(db: Database, chosen: ImportKind, result: ImportResult) -> None:
    """Raise :class:`~hrvdesk.domain.errors.PermissionDenied` (exit 6) when the file has rows
    of other administrations than an editor's own, naming their column and lines."""
    if chosen.scope_column is None:
        return
    allowed: dict[object, bool] = {}  # code -> may import it (asked once per code)
    foreign = []
    for line, row in zip(result.line_numbers, result.rows):
        code = row.get(chosen.scope_column)
        may = allowed.get(code)
        if may is None:
            may = allowed[code] = db.session.can(Permission.IMPORT, code)
        if not may:
            foreign.append((line, code))
    if not foreign:
        return
    lines = ", ".join(format_number(line) for line, _code in foreign[:LISTED_LINES])
    if len(foreign) > LISTED_LINES:
        lines = _("{lines} and {count} more").format(
            lines=lines, count=format_number(len(foreign) - LISTED_LINES))
    db.require(Permission.IMPORT, foreign[0][1], what=_(
        "import rows of other administrations (column {column}, line {lines}); nothing was "
        "imported").format(column=result.columns.get(chosen.scope_column, chosen.scope_column),
                           lines=lines))


class _Rollback(Exception):
    """Leaves the import's transaction without committing."""


def apply_import(db: Database, kind_name: str, result: ImportResult, dry_run: bool = False,
                 progress: Progress | None = None) -> ImportReport:
    """Write a checked file's rows, all or none; see the module documentation."""
    chosen = kind(kind_name)
    db.require(Permission.IMPORT, what=_("import data"))
    _require_own_rows(db, chosen, result)
    problems = list(result.problems)
    outcome = WriteOutcome()
    written = False
    try:
        with connection.bulk_cache(db.conn), db.transaction():
            with collector_paused:
                rows = ImportRows(list(zip(result.line_numbers, result.rows)), dict(result.columns))
                outcome = chosen.writer(db, rows, progress)
            problems += outcome.problems
            if problems or dry_run:
                raise _Rollback
            db.audit("import", target=chosen.name, detail={
                "rows": result.row_count, "added": outcome.added,
                "already_present": outcome.already_present, "replaced": outcome.replaced,
                **outcome.detail})
            written = True
    except _Rollback:
        pass
    problems.sort(key=lambda p: (p.line is not None, p.line or 0))
    return ImportReport(kind=chosen.name, rows=result.row_count, added=outcome.added,
                        already_present=outcome.already_present, replaced=outcome.replaced,
                        problems=tuple(problems), warnings=tuple(result.warnings),
                        dry_run=dry_run, written=written)
