"""Optional "remember on this workstation": the user's private keys in the OS key store.

An administrator can switch the option off for a database (setting ``allow_remember``):
then nothing is remembered at the next unlock, and a key remembered earlier is forgotten
and no longer opens it (:func:`open_remembered`).

Uses :mod:`keyring`. Where no usable backend exists (headless Linux without a secret
service) :func:`available` is False and the option is not offered; everything works with
passphrases. :class:`MemoryKeyring` is a real in-process backend (nothing persisted) that
the tests set explicitly.
"""

from __future__ import annotations

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError

from hrvdesk.domain.settings import Key

SERVICE = "hrvdesk"


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in this process only, used where it is set explicitly (tests,
    the demo). keyring considers every backend class defined as a candidate: a priority
    below its "fail" backend's (0) keeps this one from being chosen on a workstation without
    a key store, where "remember" would then be offered and forgotten at exit."""

    priority = -1

    def __init__(self):
        super().__init__()
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self._items.get((service, username))

    def set_password(self, service, username, password):
        self._items[(service, username)] = password

    def delete_password(self, service, username):
        self._items.pop((service, username), None)


def _account(db_id: str, user: str) -> str:
    return f"{db_id}:{user}"


def available() -> bool:
    try:
        backend = keyring.get_keyring()
    except Exception:  # a broken backend configuration is the same as none
        return False
    if isinstance(backend, MemoryKeyring):
        return True
    return getattr(backend, "priority", 0) > 0 and "fail" not in type(backend).__module__ \
        and "null" not in type(backend).__module__.lower()


def remember(db_id: str, user: str, key: bytes | bytearray) -> bool:
    if not available():
        return False
    try:
        keyring.set_password(SERVICE, _account(db_id, user), bytes(key).hex())
        return True
    except KeyringError:
        return False


def recall(db_id: str, user: str) -> bytearray | None:
    if not available():
        return None
    try:
        value = keyring.get_password(SERVICE, _account(db_id, user))
    except KeyringError:
        return None
    return bytearray.fromhex(value) if value else None


def forget(db_id: str, user: str) -> None:
    if available():
        try:
            keyring.delete_password(SERVICE, _account(db_id, user))
        except KeyringError:
            pass


def allowed(db) -> bool:
    """Whether this database lets workstations remember keys (an administrator's setting)."""
    from hrvdesk.store import settings

    return bool(settings.get(db, Key.ALLOW_REMEMBER))


def open_remembered(path, user: str, secret: bytearray):
    """Open ``path`` with a remembered secret, unless the database forbids remembering
    (then the secret is forgotten and AuthenticationError asks for the passphrase)."""
    from hrvdesk.domain.errors import AuthenticationError
    from hrvdesk.i18n import _
    from hrvdesk.store.database import Database

    db = Database.open_with_key(path, user, secret)
    if allowed(db):
        return db
    db_id = db.header.db_id
    db.close()
    forget(db_id, user)
    raise AuthenticationError(_("This database does not allow workstations to remember keys; "
                                "enter your passphrase."))
