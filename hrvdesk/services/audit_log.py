"""The audit log as the people allowed to read it see it: filtered entries, the users in it,
the verified chain, and when the last backup was made. Each checks the permission first."""

from __future__ import annotations

import datetime as dt

from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import _
from hrvdesk.store import audit, signing
from hrvdesk.store.database import Database


def _may_read(db: Database) -> None:
    db.require(Permission.VIEW_AUDIT, what=_("read the audit log"))


def entries(db: Database, user: str | None = None, action: str | None = None,
            since: dt.date | None = None, until: dt.date | None = None,
            limit: int | None = None) -> list[audit.AuditEntry]:
    """Entries, newest first, filtered (see :func:`hrvdesk.store.audit.entries`)."""
    _may_read(db)
    return audit.entries(db.conn, user=user, action=action, since=since, until=until, limit=limit)


def users(db: Database) -> list[str]:
    """Every user name that occurs in the audit log (removed users too), sorted."""
    _may_read(db)
    return audit.users(db.conn)


def count(db: Database, since: dt.date | None = None, until: dt.date | None = None) -> int:
    """How many entries fall between the dates (inclusive, local date of the entry)."""
    _may_read(db)
    return audit.count(db.conn, since=since, until=until)


def verify(db: Database) -> audit.ChainReport:
    """The hash chain, and the signed checkpoints over it (see :mod:`signing`)."""
    _may_read(db)
    chain = audit.verify(db.conn)
    if not chain.ok:
        return chain
    _problems, checkpoints = signing.verify_signatures(db.conn, db.header)
    return chain if checkpoints.ok else audit.ChainReport(False, chain.entries, checkpoints.problem)


def last_backup(db: Database) -> dt.datetime | None:
    """When the last backup of this database was made (from the audit log), or None."""
    db.require(Permission.BACKUP, what=_("make a backup"))
    return audit.last_at(db.conn, "backup")
