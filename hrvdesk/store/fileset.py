"""The files of one database and the protocols that keep them consistent.

A database ``NAME.db`` has files beside it:

* ``NAME.db.keys``: the key header (slots and their MAC, see :mod:`keyslots`);
* ``NAME.db.keys.new``: a key header written by an update that may or may not have
  committed (exists only between the steps of an update, or after a crash in one);
* ``NAME.db.attempts``: failed-unlock counters (not secret; they drive the lock-out delay);
* ``NAME.db.lock``: the lock file that serialises every read-modify-write of the above;
* ``NAME.db.restoring`` and the ``NAME.db.restore-*.part`` files of an unfinished restore.

**Key header updates** (passphrase change, adding or removing a user, re-keying) follow one
protocol, under the exclusive lock:

1. reload the header from disk (settling a leftover ``.keys.new`` first) and check its MAC;
2. change it, seal it, write it *beside* the current one as ``.keys.new`` (fsynced);
3. in one database transaction: the change itself, the audit entry and the header's MAC in
   ``meta.slots_mac``; COMMIT;
4. rename ``.keys.new`` over ``.keys``.

A crash at any point leaves either no ``.keys.new`` (nothing happened, or all of it) or a
pair. A pair is **settled** deterministically the next time anyone unlocks: the header whose
key opens the database and whose MAC the database records wins — ``.keys.new`` is promoted
if the transaction committed and deleted if it did not. Nothing else ever writes ``.keys``,
so a failed unlock can no longer put back an old slot set.

**Restore** stages the backup and its key header beside the target, writes a journal file,
moves the current files aside as ``*.before-restore`` and the staged ones into place, then
removes the journal. Each step is a rename; an interrupted restore is rolled forward by
the next unlock (or the next restore), so the target never stays without a database.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import filelock

from hrvdesk.domain.errors import AuthenticationError, DamagedDatabaseError, HrvError, LockedOutError
from hrvdesk.i18n import _
from hrvdesk.store import connection, faults
from hrvdesk.store.keyslots import KeyHeader, UNKNOWN_USER, UserKeys, header_path, lockout_delay, wipe
from hrvdesk.safewrite import FILE_MODE, fsync_dir, write_bytes

PENDING_SUFFIX = ".keys.new"
ATTEMPTS_SUFFIX = ".attempts"
LOCK_SUFFIX = ".lock"
JOURNAL_SUFFIX = ".restoring"
STAGED_DB_SUFFIX = ".restore-db.part"
STAGED_KEYS_SUFFIX = ".restore-keys.part"
BEFORE_RESTORE = ".before-restore"
#: The files that make up a database, moved aside together by a restore.
MEMBER_SUFFIXES = ("", "-wal", "-shm", ".keys")
LOCK_TIMEOUT_S = 60.0


def sibling(db_path: str | os.PathLike, suffix: str) -> Path:
    return Path(f"{db_path}{suffix}")


# --- the lock ------------------------------------------------------------------------------

_thread_locks: dict[str, threading.RLock] = {}
_thread_locks_guard = threading.Lock()


@contextlib.contextmanager
def locked(db_path: str | os.PathLike, timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the database's exclusive lock (between processes and threads; re-entrant)."""
    lock_path = sibling(Path(db_path).resolve(), LOCK_SUFFIX)
    with _thread_locks_guard:
        in_process = _thread_locks.setdefault(str(lock_path), threading.RLock())
    if not in_process.acquire(timeout=timeout):
        raise _busy(lock_path)
    try:
        lock = filelock.FileLock(lock_path, mode=FILE_MODE, is_singleton=True, thread_local=False)
        try:
            lock.acquire(timeout=timeout)
        except filelock.Timeout:
            raise _busy(lock_path) from None
        except OSError:
            if os.access(lock_path.parent, os.W_OK):
                raise HrvError(_("The folder of {file} cannot be written to; hrvdesk needs to create "
                                 "{lock} there.").format(file=Path(db_path).name, lock=lock_path.name)) from None
            yield  # a read-only folder (a backup on write-protected media): nobody can write here
            return
        try:
            yield
        finally:
            lock.release()
    finally:
        in_process.release()


def _busy(lock_path: Path) -> HrvError:
    return HrvError(_("Another hrvdesk is changing the key file of this database and has not "
                      "finished. Try again; if no hrvdesk is running, delete {lock}.").format(lock=lock_path.name))


# --- failed attempts -----------------------------------------------------------------------


class Attempts:
    """Failed-unlock counters per slot id (or UNKNOWN_USER), in ``NAME.db.attempts``.

    Read and written only under :func:`locked`. The file is not authenticated: whoever can
    edit it can also copy the database and guess offline; the counters slow down guessing
    through hrvdesk, and every failure is audited at the next successful unlock.
    """

    def __init__(self, db_path: str | os.PathLike):
        self.path = sibling(db_path, ATTEMPTS_SUFFIX)
        try:
            data = json.loads(self.path.read_bytes())
            self.counters = {str(b): dict(v) for b, v in data.items() if isinstance(v, dict)}
        except (OSError, ValueError, AttributeError):
            self.counters = {}

    def save(self) -> None:
        write_bytes(self.path, json.dumps(self.counters, sort_keys=True).encode() + b"\n")

    def remaining(self, bucket: str, now: float) -> float:
        info = self.counters.get(bucket)
        if not info:
            return 0.0
        try:
            return max(0.0, lockout_delay(int(info.get("count", 0))) - (now - float(info.get("last", 0))))
        except (TypeError, ValueError):
            return 0.0

    def check(self, bucket: str, now: float) -> None:
        wait = self.remaining(bucket, now)
        if wait > 0:
            raise LockedOutError(_(
                "Too many failed attempts. Try again in {seconds} seconds.").format(seconds=int(wait) + 1),
                seconds_left=wait)

    def record_failure(self, bucket: str, now: float) -> str:
        """Count a failure; '' or a sentence saying why it could not be recorded."""
        info = self.counters.setdefault(bucket, {"count": 0, "times": []})
        info["count"] = int(info.get("count", 0)) + 1
        info["last"] = now
        info["times"] = (list(info.get("times", [])) + [now])[-50:]
        try:
            self.save()
        except OSError:
            return _("(The failed attempt could not be recorded: the disk holding {file} is full "
                     "or read-only.)").format(file=self.path.name)
        return ""

    def take(self, bucket: str) -> dict[str, list[float]]:
        """Failure times not yet audited, per bucket; ``bucket``'s count resets.

        Other users' counters stay, so one person's unlock does not lift another's lock-out.
        """
        pending = {b: list(info.get("times", [])) for b, info in self.counters.items() if info.get("times")}
        if not pending and bucket not in self.counters:
            return {}
        for info in self.counters.values():
            info["times"] = []
        self.counters.pop(bucket, None)
        self.counters = {b: info for b, info in self.counters.items() if int(info.get("count", 0))}
        with contextlib.suppress(OSError):  # a full disk must not stop a correct unlock
            self.save()
        return pending


# --- settling a leftover key header --------------------------------------------------------


def _recorded_mac(db_path: Path, key: bytearray) -> str | None:
    """``meta.slots_mac`` as the database records it, or None when ``key`` does not open it."""
    try:
        conn = connection.connect(db_path, key, readonly=True)
    except DamagedDatabaseError:
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'slots_mac'").fetchone()
        return None if row is None else str(row[0])
    except connection.DatabaseError:
        return None
    finally:
        conn.close()


def _load_pending(db_path: Path) -> KeyHeader | None:
    pending = sibling(db_path, PENDING_SUFFIX)
    if not pending.exists():
        return None
    try:
        header = KeyHeader.load_file(pending)
    except DamagedDatabaseError:
        pending.unlink()  # torn or foreign: it was never promoted, so it never counted
        return None
    header.path = header_path(db_path)
    return header


def settle(db_path: Path, key: bytearray, current: KeyHeader, pending: KeyHeader | None) -> KeyHeader | None:
    """The header the database accepts, after promoting or deleting a pending one.

    None when ``key`` does not open the database (it came from a header that lost a
    re-key). Call under :func:`locked`.
    """
    if pending is None:
        return current
    recorded = _recorded_mac(db_path, key)
    if recorded is None:
        return None
    if recorded == pending.mac:
        promote(db_path)
        return pending
    if recorded == current.mac:
        sibling(db_path, PENDING_SUFFIX).unlink()
        return current
    raise DamagedDatabaseError(_(
        "The key file of {file} is not the one the database last wrote (an older or altered "
        "copy). Restore both files from a backup.").format(file=db_path.name))


def write_pending(db_path: Path, header: KeyHeader) -> None:
    header.save(sibling(db_path, PENDING_SUFFIX))
    faults.point("key-update:pending-written")


def promote(db_path: Path) -> None:
    os.replace(sibling(db_path, PENDING_SUFFIX), header_path(db_path))
    fsync_dir(db_path.parent)


def discard_pending(db_path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        sibling(db_path, PENDING_SUFFIX).unlink()


# --- unlocking -----------------------------------------------------------------------------


def _prepare(db_path: Path) -> tuple[KeyHeader, KeyHeader | None]:
    recover_restore(db_path)
    return KeyHeader.load(db_path), _load_pending(db_path)


@dataclass
class Unlocked:
    """What an unlock yields: the accepted header, the database key, the user's private keys
    (None for a version-1 slot or a raw remembered key) and the failures not yet audited."""

    header: KeyHeader
    key: bytearray
    keys: UserKeys | None = None
    failures: dict[str, list[float]] = field(default_factory=dict)


def unlock(db_path: str | os.PathLike, user: str, passphrase: str, now: float | None = None, *,
           reset: bool = True) -> Unlocked:
    """Authenticate ``user`` with her passphrase.

    A wrong passphrase or unknown user counts a failure and raises AuthenticationError; a
    passphrase that only a header the database does not accept would open is wrong too.
    With ``reset`` (an unlock) the user's counter resets and the failures not yet audited
    are handed over; without it (re-checking a passphrase) the counters stay as they are.
    """
    db_path = Path(db_path)
    now = time.time() if now is None else now
    with locked(db_path):
        current, pending = _prepare(db_path)
        bucket = current.uid(user) if current.has_user(user) else UNKNOWN_USER
        attempts = Attempts(db_path)
        attempts.check(bucket, now)
        unlocked = _accepted(db_path, current, pending, user, lambda h: h.open_slot(user, passphrase))
        if unlocked is not None:
            if reset:
                unlocked.failures = attempts.take(bucket)
            return unlocked
        note = attempts.record_failure(bucket, now)
    raise AuthenticationError(" ".join(filter(None, (_("Unknown user or wrong passphrase."), note))))


def unlock_with_secret(db_path: str | os.PathLike, user: str, secret: bytes | bytearray) -> Unlocked:
    """Like :func:`unlock` with a secret remembered on this workstation: the user's private
    keys (:meth:`UserKeys.secret`) or, from a version-1 slot, the database key itself."""
    db_path = Path(db_path)
    keys = UserKeys.from_secret(secret) if len(secret) == UserKeys.SECRET_BYTES else None

    def opener(header: KeyHeader):
        if keys is None:
            return (bytearray(secret), None) if header.has_user(user) else None
        key = header.key_for(user, keys)
        return None if key is None else (key, keys)

    with locked(db_path):
        current, pending = _prepare(db_path)
        unlocked = _accepted(db_path, current, pending, user, opener)
        if unlocked is None:
            raise AuthenticationError(_("Unknown user or wrong passphrase."))
        unlocked.failures = Attempts(db_path).take(unlocked.header.uid(user))
        return unlocked


def _accepted(db_path: Path, current: KeyHeader, pending: KeyHeader | None, user: str,
              opener: Callable[[KeyHeader], tuple[bytearray, UserKeys | None] | None]) -> Unlocked | None:
    """Try the pending header, then the current one; the first whose slot opens *and* that
    the database accepts (after settling the pair) wins. None when none does."""
    for header in (h for h in (pending, current) if h is not None and h.has_user(user)):
        opened = opener(header)
        if opened is None:
            continue
        key, keys = opened
        try:
            winner = settle(db_path, key, current, pending)
        except BaseException:
            wipe(key)
            raise
        if winner is header:
            return Unlocked(header, key, keys)
        wipe(key)
        if winner is not None:  # settled in favour of the other header: only its slot counts
            opened = opener(winner) if winner.has_user(user) else None
            return None if opened is None else Unlocked(winner, *opened)
    return None


def current_header(db_path: Path, key: bytearray) -> KeyHeader:
    """The accepted header as it is on disk now, checked against ``key``; under :func:`locked`."""
    current, pending = _prepare(db_path)
    header = settle(db_path, key, current, pending) or current
    header.verify_seal(key)
    return header


# --- restore -------------------------------------------------------------------------------


def stage_restore(target: Path, write_db: Callable[[Path], None], header: KeyHeader) -> None:
    """Put the backup (``write_db`` writes it to the path given) and its header beside
    ``target``, fsynced, then the journal that commits the restore to happen."""
    clear_staged(target)
    staged_db = sibling(target, STAGED_DB_SUFFIX)
    write_db(staged_db)
    os.chmod(staged_db, FILE_MODE)
    with open(staged_db, "rb+") as fh:
        os.fsync(fh.fileno())
    header.save(sibling(target, STAGED_KEYS_SUFFIX))
    faults.point("restore:staged")
    write_bytes(sibling(target, JOURNAL_SUFFIX), b"hrvdesk restore in progress\n")
    faults.point("restore:journal-written")


def clear_staged(target: Path) -> None:
    for suffix in (STAGED_DB_SUFFIX, STAGED_KEYS_SUFFIX):
        with contextlib.suppress(FileNotFoundError):
            sibling(target, suffix).unlink()


def recover_restore(target: Path) -> None:
    """Finish a restore that the journal says was committed; else drop staged leftovers.

    Every step is idempotent: while both staged files exist, whatever still sits at the
    target is the old database and is moved aside; a staged file that is gone has been
    moved into place already.
    """
    journal = sibling(target, JOURNAL_SUFFIX)
    if not journal.exists():
        clear_staged(target)
        return
    staged_db, staged_keys = sibling(target, STAGED_DB_SUFFIX), sibling(target, STAGED_KEYS_SUFFIX)
    if staged_db.exists() and staged_keys.exists():
        for suffix in MEMBER_SUFFIXES:
            current = sibling(target, suffix)
            if current.exists():
                os.replace(current, sibling(target, BEFORE_RESTORE + suffix))
                faults.point(f"restore:moved-aside:{suffix or 'db'}")
        discard_pending(target)
    if staged_keys.exists():
        os.replace(staged_keys, header_path(target))
        faults.point("restore:keys-in-place")
    if staged_db.exists():
        os.replace(staged_db, target)
        faults.point("restore:database-in-place")
    fsync_dir(target.parent)
    journal.unlink()
    fsync_dir(target.parent)
