"""What a user does with her own account."""

from __future__ import annotations

from hrvdesk.store import fileset
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import wipe
from hrvdesk.store.users import change_passphrase


def change_own_passphrase(db: Database, current: str, new: str) -> None:
    """Change the unlocked user's passphrase after checking the current one (a failure
    counts towards the lock-out like a failed unlock)."""
    wipe(fileset.unlock(db.path, db.user, current, reset=False).key)
    change_passphrase(db, new)
