"""Database-wide settings (declared in :mod:`hrvdesk.domain.settings`), stored as JSON."""

from __future__ import annotations

import json

from hrvdesk.domain.roles import Permission
from hrvdesk.domain.settings import DATABASE, Key
from hrvdesk.i18n import _
from hrvdesk.store.database import Database


def get(db: Database, key: Key):
    setting = DATABASE[key]
    row = db.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return setting.default if row is None else setting.type(json.loads(row[0]))


def get_all(db: Database) -> dict:
    return {key: get(db, key) for key in DATABASE}


def _write(db: Database, key: Key, value) -> None:
    """Store one validated value and audit it; inside the caller's transaction."""
    db.conn.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, json.dumps(value)))
    db.audit("settings", target=key, fields=(key,))


def put(db: Database, key: Key, value) -> None:
    db.require(Permission.CHANGE_SETTINGS, what=_("change settings"))
    value = DATABASE[key].validate(value)
    with db.transaction():
        _write(db, key, value)


def put_all(db: Database, values: dict) -> list[str]:
    """Validate every value first (ValidationError: nothing stored), then store those that
    differ from the current ones in one transaction, each audited. The keys changed."""
    db.require(Permission.CHANGE_SETTINGS, what=_("change settings"))
    checked = {key: DATABASE[key].validate(value) for key, value in values.items()}
    current = get_all(db)
    changed = [key for key, value in checked.items() if value != current[key]]
    if changed:
        with db.transaction():
            for key in changed:
                _write(db, key, checked[key])
    return changed
