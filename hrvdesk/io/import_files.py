"""Reading an import file and checking it against its format (``import-formats.md``):
:func:`read_import` reads CSV or XLSX (:mod:`hrvdesk.io.tabular`, with its limits against
huge or hostile files) and checks every row (:func:`hrvdesk.domain.import_formats.check_table`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from pathlib import Path

from hrvdesk.domain.import_formats import ImportResult, Schema, check_table, collector_paused
from hrvdesk.io.tabular import read_table


def read_import(path: str | Path, schema: Schema, today: dt.date, *,
                administrations: Collection[str] | None = None) -> ImportResult:
    """Read ``path`` (CSV or XLSX) and check every row against ``schema``.

    ``today`` bounds the dates that must not be in the future; ``administrations`` (the
    registered codes, if given) is what administration columns are checked against.
    Raises :class:`ValidationError` when the file as a whole is rejected (unreadable,
    empty, a required column missing, a forbidden column) and
    :class:`~hrvdesk.domain.errors.UsageError` when it cannot be opened; row problems are
    returned in :attr:`ImportResult.problems`.
    """
    path = Path(path)
    with collector_paused:
        return check_table(read_table(path), schema, today, administrations=administrations,
                           file_name=path.name)
