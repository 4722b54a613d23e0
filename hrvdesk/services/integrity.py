"""The full page check in the background: every page's authentication is verified at most
once a day, after an unlock, while the app is in use (unlocking itself no longer reads every
page, see :meth:`Database._inspect_readonly`). The outcome is audited, and the last one is
what the overview shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hrvdesk.store import audit
from hrvdesk.store.database import Database

INTERVAL = dt.timedelta(days=1)


@dataclass(frozen=True)
class ScanResult:
    at: dt.datetime
    damaged_pages: int


def last(db: Database) -> ScanResult | None:
    entries = audit.entries(db.conn, action="page_scan", limit=1)
    if not entries:
        return None
    return ScanResult(entries[0].when, int(entries[0].detail.get("damaged_pages", 0)))


def due(db: Database, now: dt.datetime | None = None) -> bool:
    previous = last(db)
    now = now or dt.datetime.now().astimezone()
    return previous is None or now - previous.at >= INTERVAL


def record(db: Database, damaged_pages: int) -> None:
    db.audited("page_scan", detail={"damaged_pages": damaged_pages})
