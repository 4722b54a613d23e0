"""Writing values to CSV and XLSX so that spreadsheets never evaluate them.

Text that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return could be run as
a formula by Excel (CSV/formula injection); :func:`neutralise` prefixes such text with ``'``.
Numbers stay numbers. :func:`csv_bytes` builds the CSV in memory (UTF-8 with BOM, ``;``,
as Swedish Excel opens it); writing it to disk is the caller's job (atomically).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any, Iterable, Sequence

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
CSV_ENCODING = "utf-8-sig"


def neutralise(value: Any) -> Any:
    """``value`` safe for a spreadsheet cell: text starting like a formula gets a leading
    ``'``; anything else (numbers, dates, None, other text) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_text(value: Any, decimal_separator: str = ",") -> str:
    """One CSV field: None -> empty, dates ISO, numbers with ``decimal_separator``, text
    neutralised."""
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (float, Decimal)):
        return str(value).replace(".", decimal_separator)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *,
              decimal_separator: str = ",") -> bytes:
    """The CSV file as bytes: UTF-8 with BOM, ``;``-delimited, CRLF line ends, fields
    quoted when needed; header and cells pass through :func:`csv_text`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([csv_text(h, decimal_separator) for h in header])
    for row in rows:
        writer.writerow([csv_text(v, decimal_separator) for v in row])
    return buffer.getvalue().encode(CSV_ENCODING)
