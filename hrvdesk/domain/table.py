"""A table read from an import file, as the import formats check it: the header, and each
non-empty row with the line where it starts. :mod:`hrvdesk.io.tabular` reads CSV and XLSX
files into it; :mod:`hrvdesk.domain.import_formats` checks it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

Cell = str | int | float | bool | dt.date | dt.time | None
"""A cell's value: text from CSV; from XLSX also numbers, booleans, dates and times."""


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
