"""Every file hrvdesk writes for a user (a report, a national package, a copy of a routine's
document, a cross-table) is written one way, whichever face asked for it: built in memory,
written atomically (:mod:`hrvdesk.safewrite`: temp file, fsync, rename, mode 0600), and an
operating-system error becomes one sentence naming the file. What is audited is recorded by
what builds the contents (the report, the export) before the file is written, so that no file
leaves hrvdesk without its audit entry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from hrvdesk.domain.errors import HrvError
from hrvdesk.i18n import _
from hrvdesk.safewrite import write_bytes

T = TypeVar("T")


def written(path: Path, write: Callable[[], T]) -> T:
    """Run ``write`` (which writes ``path``); an OS error becomes an HrvError for the user
    instead of being reported as a bug."""
    try:
        return write()
    except OSError as exc:
        raise HrvError(_("{file} could not be written: {reason}").format(
            file=Path(path).name, reason=exc.strerror or type(exc).__name__)) from None


def save(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`written`)."""
    written(path, lambda: write_bytes(Path(path), data))
