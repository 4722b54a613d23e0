"""The release register: every national package written, byte for byte (``national-export.md``).

A release is recorded in the same transaction as its ``export`` audit entry, before the
files are written; a failed write rolls both back. Releases are never changed or deleted
(triggers), so the trend in later reports comes from what was actually sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass

from hrvdesk.domain.abroad_stats import Period, PersonRecord, Table, tables_from_json
from hrvdesk.domain.disclosure import EarlierRelease, ProtectedPackage, fingerprints
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import _
from hrvdesk.store import pseudonym_keys
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


def seed_for(db: Database, release_id: int, start: dt.date, end: dt.date) -> str:
    """The secret seed of a release's pattern (hex), derived from the database's own key: the
    same for the preview and the package written under that release number."""
    key = pseudonym_keys.load(db.conn, pseudonym_keys.RELEASE_SEEDS)
    text = f"{release_id}:{start.isoformat()}:{end.isoformat()}"
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:32]


def next_id(db: Database) -> int:
    return db.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM releases").fetchone()[0]


def overlapped_by_start_month(db: Database, start_month: int) -> list[Release]:
    """The releases whose period is not one of the periods that start in ``start_month``:
    every package made after changing the setting to it overlaps them (and is audited jointly
    with them, so it may show less)."""
    return [_release(r) for r in db.conn.execute(
        f"SELECT {_COLUMNS} FROM releases WHERE CAST(substr(period_from, 6, 2) AS INTEGER) <> ?"
        " ORDER BY id", (start_month,))]


def record(db: Database, *, release_id: int, start: dt.date, end: dt.date, format_version: int,
           method: str, threshold: int, seed: bytes, supersedes: int | None, total: int,
           suppressed: int, json_bytes: bytes, csv_bytes: bytes, exact: Sequence[Table],
           persons: Sequence[PersonRecord]) -> None:
    """Store a release (call inside the transaction that audits the export), with its basis:
    the ``exact`` tables and the fingerprint of each of the ``persons`` it counted, which a
    later overlapping package audits itself against (never exported)."""
    basis = json.dumps({"exact": [t.to_json_dict() for t in exact],
                        "fingerprints": fingerprints(persons)}, separators=(",", ":"))
    db.conn.execute(
        "INSERT INTO releases(id, period_from, period_to, format_version, method, threshold, seed,"
        " supersedes, total, suppressed, json, csv, created_at, created_by, basis)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (release_id, start.isoformat(), end.isoformat(), format_version, method, threshold, seed,
         supersedes, total, suppressed, json_bytes, csv_bytes, now_iso(), db.user,
         basis.encode("utf-8")))


def earlier_releases(db: Database, start: dt.date, end: dt.date) -> list[EarlierRelease]:
    """The releases overlapping ``start``–``end`` as the joint audit sees them, oldest first.
    A release recorded without a basis (before schema version 6) has no exact tables: the
    new package then keeps every cell it suppressed (:func:`~hrvdesk.domain.disclosure.protect`)."""
    found = []
    for rid, supersedes, json_data, basis in db.conn.execute(
            "SELECT id, supersedes, json, basis FROM releases WHERE period_from <= ? AND period_to >= ?"
            " ORDER BY id", (end.isoformat(), start.isoformat())):
        published = tables_from_json(json.loads(bytes(json_data))["tables"])
        stored = json.loads(bytes(basis)) if basis is not None else None
        exact = tables_from_json(stored["exact"]) if stored else ()
        found.append(EarlierRelease(rid, published, exact,
                                    stored["fingerprints"] if stored else {}, supersedes))
    return found


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


def latest_for(db: Database, start: dt.date, end: dt.date) -> ProtectedPackage | None:
    """The latest release for exactly ``start``–``end`` as it was published, if any."""
    row = db.conn.execute("SELECT json, threshold, suppressed, seed FROM releases"
                          " WHERE period_from = ? AND period_to = ? ORDER BY id DESC LIMIT 1",
                          (start.isoformat(), end.isoformat())).fetchone()
    if row is None:
        return None
    data, threshold, suppressed, seed = row
    return ProtectedPackage(Period(start, end), threshold,
                            tables_from_json(json.loads(bytes(data))["tables"]), suppressed,
                            True, bytes(seed).hex())


def published_totals(db: Database) -> dict[int, int]:
    """The grand total of each reporting year as last released (for a report's trend)."""
    totals: dict[int, int] = {}
    for end, total in db.conn.execute("SELECT period_to, total FROM releases ORDER BY id"):
        totals[dt.date.fromisoformat(end).year] = total
    return totals
