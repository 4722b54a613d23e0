"""Opening a SQLCipher 4 file with a raw key, and telling known errors from bugs.

A wrong key and a damaged file look the same to SQLCipher ("file is not a database").
The key has already been authenticated by its slot when we get here, so that message
means the file is damaged or belongs to another key file.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from pathlib import Path

import sqlcipher3
from sqlcipher3 import dbapi2

from hrvdesk.domain.errors import DamagedDatabaseError, HrvError
from hrvdesk.i18n import _
from hrvdesk.store import filesystem

DatabaseError = dbapi2.DatabaseError
IntegrityError = dbapi2.IntegrityError
OperationalError = dbapi2.OperationalError


def _key_pragma(key: bytes | bytearray) -> str:
    return "PRAGMA key = \"x'" + bytes(key).hex() + "'\""


def rekey_pragma(key: bytes | bytearray) -> str:
    """Re-encrypt the open database under ``key`` (all pages, in the current transaction)."""
    return "PRAGMA rekey = \"x'" + bytes(key).hex() + "'\""


def connect(path: str | os.PathLike, key: bytes | bytearray, *, readonly: bool = False,
            create: bool = False) -> dbapi2.Connection:
    """A keyed connection. ``readonly`` opens with ``mode=ro`` so the file cannot change."""
    path = Path(path)
    if not create and not path.is_file():
        raise DamagedDatabaseError(_("{file} does not exist or is not a file.").format(file=path.name))
    uri = path.resolve().as_uri() + ("?mode=ro" if readonly else ("?mode=rwc" if create else "?mode=rw"))
    try:
        conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except OperationalError as exc:
        raise known(exc, path) from None
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(_key_pragma(key))
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        raise known(exc, path) from None
    return conn


class Shared:
    """The one connection of a :class:`~hrvdesk.store.database.Database`, safe to use from
    worker threads: every statement runs under the database's lock, and a transaction (or a
    read snapshot) holds the lock from its BEGIN to its end, so a background import and the
    window's timer can never mix their statements into one transaction. The lock is
    re-entrant: inside its own transaction a thread goes on unhindered."""

    __slots__ = ("raw", "lock")

    def __init__(self, raw: dbapi2.Connection, lock: threading.RLock):
        self.raw = raw
        self.lock = lock

    def execute(self, sql: str, params=()):
        with self.lock:
            return self.raw.execute(sql, params)

    def executemany(self, sql: str, rows):
        with self.lock:
            return self.raw.executemany(sql, rows)

    def backup(self, target: dbapi2.Connection) -> None:
        with self.lock:
            self.raw.backup(target)

    def close(self) -> None:
        with self.lock:
            self.raw.close()

    def __getattr__(self, name: str):  # in_transaction, total_changes, …
        return getattr(self.raw, name)


#: Page cache per read-write connection (decrypted pages; SQLCipher keeps them in locked
#: memory). Reading the window's figures at ten times the large demo filled 64 MiB and took
#: the window over 300 MB (and was no faster than with 16 MiB); bulk writes, which touch
#: every page of the tables they grow, get :data:`BULK_CACHE_KIB` for their duration.
CACHE_KIB = 16 * 1024
#: Page cache while an import writes (:func:`bulk_cache`): a million-row import took 38 s
#: with 16 MiB and 31.6 s with this.
BULK_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def bulk_cache(conn, kib: int = BULK_CACHE_KIB):
    """A larger page cache for the duration of a bulk write, then the one it had (SQLite
    gives the pages beyond it back at once)."""
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = {-kib:d}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(before):d}")


def configure(conn: dbapi2.Connection, path: str | os.PathLike) -> None:
    """Settings every read-write connection has.

    The journal mode follows where the file lives (:mod:`filesystem`): WAL on a local disk,
    the rollback journal in a network folder. A switch needs the file to itself; when
    another program has it open, the mode stays as it is until the next unlock.
    """
    with contextlib.suppress(OperationalError):  # busy: someone else has it open in the other mode
        conn.execute(f"PRAGMA journal_mode = {filesystem.journal_mode_for(path)}").fetchone()
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA secure_delete = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute(f"PRAGMA cache_size = {-CACHE_KIB:d}")  # SQLite's 2 MiB default made reads crawl


# SQLite's primary result codes (https://www.sqlite.org/rescode.html) that are conditions of
# the environment, not bugs.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR = 3, 5, 6, 8, 10
SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 11, 13, 14, 26


def classify(exc: Exception, path: Path) -> HrvError | None:
    """A known SQLite/SQLCipher condition as a sentence the user can act on, sorted by its
    result code (as qutebrowser's ``raise_sqlite_error`` does); None for anything else,
    which is a bug and must be reported as one, never as "the file is damaged"."""
    code = getattr(exc, "sqlite_errorcode", None)
    name = Path(path).name
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in (SQLITE_NOTADB, SQLITE_CORRUPT):
        return DamagedDatabaseError(_(
            "{file} is damaged or is not a hrvdesk database (or its key file belongs to "
            "another database).").format(file=name))
    if primary in (SQLITE_READONLY, SQLITE_PERM):
        return HrvError(_("{file} is read-only; hrvdesk cannot save changes to it.").format(file=name))
    if primary in (SQLITE_FULL, SQLITE_IOERR):
        return HrvError(_("The disk holding {file} is full or failing.").format(file=name))
    if primary in (SQLITE_BUSY, SQLITE_LOCKED):
        return HrvError(_("{file} is busy in another program. Try again.").format(file=name))
    if primary == SQLITE_CANTOPEN:
        return DamagedDatabaseError(_("{file} cannot be opened.").format(file=name))
    return None


def known(exc: Exception, path: Path) -> Exception:
    """What to raise for a database error: its sentence, or the error itself (a bug)."""
    return classify(exc, path) or exc


#: How long a write waits for another program's write to finish before giving up.
LOCK_WAIT_S = 60.0


def _begin(conn: dbapi2.Connection) -> None:
    """BEGIN IMMEDIATE, waiting (beyond SQLite's busy timeout, which a busy writer can
    starve) until the other writer lets go or :data:`LOCK_WAIT_S` has passed."""
    deadline = time.monotonic() + LOCK_WAIT_S
    pause = 0.01
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            text = str(exc).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


@contextlib.contextmanager
def transaction(conn: dbapi2.Connection):
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (nothing half written)."""
    _begin(conn)
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def engine_versions() -> dict[str, str]:
    """The versions of the bundled database engine: ``{"SQLite": …, "SQLCipher": …}``."""
    conn = sqlcipher3.connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
    finally:
        conn.close()
    return {"SQLite": sqlcipher3.sqlite_version, "SQLCipher": row[0] if row else ""}
