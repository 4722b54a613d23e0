"""The register of children taken abroad, as the people who work with it see it: every
listing shown to a user is audited (who, which filters, how many rows; never the rows)."""

from __future__ import annotations

from hrvdesk.store import abroad_repo
from hrvdesk.store.abroad_repo import StoredCase
from hrvdesk.store.database import Database


def list_cases(db: Database, **filters) -> list[StoredCase]:
    """:func:`abroad_repo.list_cases` for display, audited as ``view`` of ``abroad:list``."""
    rows = abroad_repo.list_cases(db, **filters)
    used = sorted(name for name, value in filters.items() if value is not None)
    db.audited("view", target="abroad:list", fields=used, detail={"rows": len(rows)})
    return rows
