"""Read-only queries the desktop app needs, each checking the session's permission first.

The UI never touches ``db.conn``; what it shows comes from here or from the other store
modules.
"""

from __future__ import annotations

import datetime as dt

from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import _
from hrvdesk.store import audit, fileset, signing
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import wipe
from hrvdesk.store.users import change_passphrase


def count_users(db: Database) -> int:
    db.require(Permission.MANAGE_USERS, what=_("list users"))
    return db.conn.execute("SELECT count(*) FROM users").fetchone()[0]


def audit_entries(db: Database, user: str | None = None, action: str | None = None,
                  since: dt.date | None = None, until: dt.date | None = None,
                  limit: int | None = None) -> list[audit.AuditEntry]:
    """Audit entries, newest first, filtered (see :func:`hrvdesk.store.audit.entries`)."""
    db.require(Permission.VIEW_AUDIT, what=_("read the audit log"))
    return audit.entries(db.conn, user=user, action=action, since=since, until=until, limit=limit)


def audit_users(db: Database) -> list[str]:
    """Every user name that occurs in the audit log (removed users too), sorted."""
    db.require(Permission.VIEW_AUDIT, what=_("read the audit log"))
    return [u for (u,) in db.conn.execute("SELECT DISTINCT user FROM audit_log ORDER BY user")]


def count_audit_entries(db: Database, since: dt.date | None = None, until: dt.date | None = None) -> int:
    """How many entries fall between the dates (inclusive, local date of the entry)."""
    db.require(Permission.VIEW_AUDIT, what=_("read the audit log"))
    return audit.count(db.conn, since=since, until=until)


def verify_audit(db: Database) -> audit.ChainReport:
    """The hash chain, and the signed checkpoints over it (see :mod:`signing`)."""
    db.require(Permission.VIEW_AUDIT, what=_("read the audit log"))
    chain = audit.verify(db.conn)
    if not chain.ok:
        return chain
    _problems, checkpoints = signing.verify_signatures(db.conn, db.header)
    return chain if checkpoints.ok else audit.ChainReport(False, chain.entries, checkpoints.problem)


def last_backup(db: Database) -> dt.datetime | None:
    """When the last backup of this database was made (from the audit log), or None."""
    db.require(Permission.BACKUP, what=_("make a backup"))
    row = db.conn.execute("SELECT at FROM audit_log WHERE action = 'backup' ORDER BY seq DESC LIMIT 1").fetchone()
    return dt.datetime.fromisoformat(row[0]) if row else None


def change_own_passphrase(db: Database, current: str, new: str) -> None:
    """Change the unlocked user's passphrase after checking the current one (a failure
    counts towards the lock-out like a failed unlock)."""
    wipe(fileset.unlock(db.path, db.user, current, reset=False).key)
    change_passphrase(db, new)
