"""The database's own secret keys, kept in ``meta`` inside the encrypted database: one random
key per purpose, created by the migration that introduced the purpose and never changed
afterwards (a new pseudonymisation key would split every person in two).

| purpose | ``meta`` key | created by |
| --- | --- | --- |
| employees in the training log | ``training_pseudonym_key`` | migration 2 |
| children in the register of children taken abroad | ``abroad_person_key`` | migration 6 |
| the seeds of the national packages' suppression patterns | ``release_seed_key`` | migration 6 |
"""

from __future__ import annotations

from hrvdesk.domain.errors import DamagedDatabaseError
from hrvdesk.i18n import N_, _

TRAINING = "training_pseudonym_key"
ABROAD_PERSONS = "abroad_person_key"
RELEASE_SEEDS = "release_seed_key"

_MISSING = {
    TRAINING: N_("The database lacks the key that pseudonymises training participants. "
                 "Restore it from a backup."),
    ABROAD_PERSONS: N_("The database lacks the key that pseudonymises personal identity numbers. "
                       "Restore it from a backup."),
    RELEASE_SEEDS: N_("The database lacks the key of the national packages. Restore it from a "
                      "backup."),
}


def load(conn, purpose: str) -> bytes:
    """The key of ``purpose`` (one of the names above); a database without it is damaged."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (purpose,)).fetchone()
    if row is None:
        raise DamagedDatabaseError(_(_MISSING[purpose]))
    return bytes.fromhex(row[0])
