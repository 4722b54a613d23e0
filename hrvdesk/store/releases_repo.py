"""The release register: every national package written, byte for byte (``national-export.md``).

A release is recorded in the same transaction as its ``export`` audit entry, before the
files are written; a failed write rolls both back. Releases are never changed or deleted
(triggers), so the trend in later reports comes from what was actually sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import _
from hrvdesk.store.audit import now_iso
from hrvdesk.store.database import Database

_COLUMNS = ("id, period_from, period_to, format_version, method, threshold, supersedes, total, "
            "suppressed, created_at, created_by")


@dataclass(frozen=True)
class Release:
    id: int
    period_from: dt.date
    period_to: dt.date
    format_version: int
    method: str
    threshold: int
    supersedes: int | None
    total: int
    suppressed: int
    created_at: str
    created_by: str

    def to_json(self) -> dict:
        return {"id": self.id, "period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
                "format_version": self.format_version, "method": self.method, "threshold": self.threshold,
                "supersedes": self.supersedes, "total": self.total, "suppressed_cells": self.suppressed,
                "created_at": self.created_at, "created_by": self.created_by}


def _release(row) -> Release:
    rid, start, end, version, method, k, supersedes, total, suppressed, at, by = row
    return Release(rid, dt.date.fromisoformat(start), dt.date.fromisoformat(end), version, method, k,
                   supersedes, total, suppressed, at, by)


def next_id(db: Database) -> int:
    return db.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM releases").fetchone()[0]


def overlapping(db: Database, start: dt.date, end: dt.date) -> list[Release]:
    """Earlier releases whose period overlaps ``start``–``end``, newest first."""
    return [_release(r) for r in db.conn.execute(
        f"SELECT {_COLUMNS} FROM releases WHERE period_from <= ? AND period_to >= ? ORDER BY id DESC",
        (end.isoformat(), start.isoformat()))]


def record(db: Database, *, release_id: int, start: dt.date, end: dt.date, format_version: int,
           method: str, threshold: int, seed: bytes, supersedes: int | None, total: int,
           suppressed: int, json_bytes: bytes, csv_bytes: bytes) -> None:
    """Store a release (call inside the transaction that audits the export)."""
    db.conn.execute(
        "INSERT INTO releases(id, period_from, period_to, format_version, method, threshold, seed,"
        " supersedes, total, suppressed, json, csv, created_at, created_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (release_id, start.isoformat(), end.isoformat(), format_version, method, threshold, seed,
         supersedes, total, suppressed, json_bytes, csv_bytes, now_iso(), db.user))


def list_releases(db: Database) -> list[Release]:
    db.require(Permission.EXPORT_NATIONAL, what=_("see the packages sent to the national team"))
    return [_release(r) for r in db.conn.execute(f"SELECT {_COLUMNS} FROM releases ORDER BY id")]


def release_bytes(db: Database, release_id: int) -> tuple[Release, bytes, bytes]:
    """A release and its JSON and CSV exactly as they were written."""
    db.require(Permission.EXPORT_NATIONAL, what=_("see the packages sent to the national team"))
    row = db.conn.execute(f"SELECT {_COLUMNS}, json, csv FROM releases WHERE id = ?", (release_id,)).fetchone()
    if row is None:
        raise ValidationError.single(_("There is no release {id}.").format(id=release_id), field="ID")
    return _release(row[:-2]), bytes(row[-2]), bytes(row[-1])


def published_totals(db: Database) -> dict[int, int]:
    """The grand total of each reporting year as last released (for a report's trend)."""
    totals: dict[int, int] = {}
    for end, total in db.conn.execute("SELECT period_to, total FROM releases ORDER BY id"):
        totals[dt.date.fromisoformat(end).year] = total
    return totals
