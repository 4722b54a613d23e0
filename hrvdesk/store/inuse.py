"""One writer at a time: who has a database open for writing, and since when.

Several people may open one database in a shared folder. The first to unlock it becomes its
**writer**; whoever unlocks it while she works gets it **read-only** and is told who works in
it and since when (an administrator may take over a writer that has gone silent). Two things
together say that a writer is there:

* an operating-system lock on ``NAME.db.inuse``, held as long as the writer's program runs
  (the system releases it when the program ends, also when it is killed or crashes). The file
  holds nothing: no name ever lies on disk in plain text;
* the **lease**, inside the encrypted database (``meta.writer``): the writer's user name,
  workstation, the time she started and a heartbeat that her program renews every
  :data:`HEARTBEAT_S` seconds. Only someone who has unlocked the database can read it.

A lease whose lock is free belonged to a session that ended without closing (a crash): the
next writer records that it is over (``session_recovered``). A lease whose lock is still held
but whose heartbeat is older than :data:`STALE_S` is *stale* — on a network share a crashed
workstation's lock can outlive it —, and an administrator may take it over (``take_over``); the
old writer, if it comes back, finds the lease is no longer its own and continues read-only.

Within one program, every opening of a database shares the program's session: the same
person at the same workstation.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import filelock

from hrvdesk.domain.errors import HrvError
from hrvdesk.i18n import _, format_datetime
from hrvdesk.store.audit import now_iso
from hrvdesk.safewrite import FILE_MODE

INUSE_SUFFIX = ".inuse"
HEARTBEAT_S = 60
STALE_S = 5 * 60
LEASE_KEY = "writer"
#: This program's session: every opening of a database in this process shares it.
PROCESS_SESSION = uuid.uuid4().hex


@dataclass(frozen=True)
class Lease:
    """Who writes: read from ``meta.writer`` (times as stored, ISO 8601 with offset)."""

    session: str
    user: str
    workstation: str
    since: str
    heartbeat: str
    locked: bool = True  # False: taken over, the old writer's lock not yet released

    def silent_for(self, now: dt.datetime) -> float:
        """Seconds since the last heartbeat."""
        return (now - dt.datetime.fromisoformat(self.heartbeat)).total_seconds()

    def stale(self, now: dt.datetime) -> bool:
        return self.silent_for(now) > STALE_S


class InUseError(HrvError):
    """A change refused because someone else writes in the database; nothing was changed."""

    exit_code = 7


def in_use_sentence(lease: Lease) -> str:
    """Who works in the database, for a person who has unlocked it."""
    return _("{user} has been working in this database on {workstation} since {since}; you "
             "have it read-only until {user} closes it.").format(
        user=lease.user, workstation=lease.workstation,
        since=format_datetime(dt.datetime.fromisoformat(lease.since)))


def read_lease(conn) -> Lease | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (LEASE_KEY,)).fetchone()
    if row is None:
        return None
    try:
        return Lease(**json.loads(row[0]))
    except (TypeError, ValueError):
        return None  # an unreadable lease says nobody: the lock still guards


def _write_lease(conn, lease: Lease) -> None:
    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                 (LEASE_KEY, json.dumps(lease.__dict__)))


def current_time() -> dt.datetime:
    """Now, as the lease's times are stored (local time with its offset)."""
    return dt.datetime.fromisoformat(now_iso())


@dataclass
class Writing:
    """The state of one opened database: writer (``lease`` is ours) or read-only."""

    lock: filelock.BaseFileLock | None
    lease: Lease | None
    held: bool
    reason: str | None = None  # read-only for another reason than a writer (a newer schema)

    @property
    def read_only(self) -> bool:
        return not self.held


def open_lock(db_path: Path) -> filelock.BaseFileLock:
    return filelock.FileLock(Path(f"{db_path.resolve()}{INUSE_SUFFIX}"), mode=FILE_MODE,
                             is_singleton=True, thread_local=False)


def begin(db_path: Path, conn, user: str, *, take_over: bool = False,
          now: dt.datetime | None = None) -> tuple[Writing, Lease | None]:
    """Become the writer if nobody else is (or, with ``take_over``, if the writer is stale);
    returns the state and the lease found before (a crashed or a taken-over session), to be
    audited by the caller. The caller writes the lease inside its unlock transaction with
    :func:`claim`."""
    now = now or current_time()
    found = read_lease(conn)
    lock = open_lock(db_path)
    try:
        lock.acquire(timeout=0)
        got = True
    except filelock.Timeout:
        got = False
    except OSError:  # a read-only folder (a backup on write-protected media): no lock to take,
        return Writing(None, found, True), None  # and SQLite refuses any write there itself
    mine = found is not None and found.session == PROCESS_SESSION
    # a writer that took over holds no lock until the old one lets go: its lease says so
    unlocked_writer = found is not None and not found.locked and not found.stale(now) and not mine
    if (got and not unlocked_writer) or mine or (take_over and found is not None and found.stale(now)):
        return Writing(lock if got else None, found, True), (None if mine else found)
    if got:
        lock.release()
    return Writing(None, found, False), None


def claim(conn, writing: Writing, user: str, now: dt.datetime | None = None) -> None:
    """Write this session's lease (inside the caller's transaction)."""
    stamp = (now or current_time()).isoformat(timespec="seconds")
    if writing.lease is not None and writing.lease.session == PROCESS_SESSION:
        lease = Lease(PROCESS_SESSION, writing.lease.user, writing.lease.workstation,
                      writing.lease.since, stamp)
    else:
        lease = Lease(PROCESS_SESSION, user, socket.gethostname() or "?", stamp, stamp)
    lease = Lease(**{**lease.__dict__, "locked": writing.lock is not None})
    _write_lease(conn, lease)
    writing.lease = lease


def heartbeat(db_path: Path, conn, writing: Writing, now: dt.datetime | None = None) -> bool:
    """Renew the lease (taking the lock once an old writer let go of it); False, and
    read-only from now on, when the lease is no longer ours: an administrator took it over.
    Inside the caller's transaction."""
    if not writing.held:
        return False
    current = read_lease(conn)
    if current is None or current.session != PROCESS_SESSION:
        writing.held, writing.lease = False, current
        _release(writing)
        return False
    if writing.lock is None:
        lock = open_lock(db_path)
        try:
            lock.acquire(timeout=0)
            writing.lock = lock
        except (filelock.Timeout, OSError):
            pass
    stamp = (now or current_time()).isoformat(timespec="seconds")
    writing.lease = Lease(**{**current.__dict__, "heartbeat": stamp, "locked": writing.lock is not None})
    _write_lease(conn, writing.lease)
    return True


def _release(writing: Writing) -> None:
    lock, writing.lock = writing.lock, None
    if lock is not None:
        lock.release()  # the file stays: removing it could let two programs hold "the" lock


def end(conn, writing: Writing) -> None:
    """Give up the lease (when this was the program's last opening of the database, and only
    while it is ours; inside the caller's transaction) and the lock."""
    last = writing.lock is None or writing.lock.lock_counter <= 1
    if writing.held and last and conn is not None:
        current = read_lease(conn)
        if current is not None and current.session == PROCESS_SESSION:
            conn.execute("DELETE FROM meta WHERE key = ?", (LEASE_KEY,))
    writing.held = False
    _release(writing)
