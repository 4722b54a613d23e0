"""Backup, restore and check.

- A backup is a copy of the encrypted file taken while a read transaction holds it still
  (or, when others keep it busy, SQLite's online backup API), written through a temp file,
  reopened and verified (every page's authentication, identity, audit chain) before it
  gets its name.
  Beside it goes a copy of the key header (``FILE.keys``): the backup opens with the same
  passphrases as the database had at that moment.
- A restore verifies the backup first (key, page authentication, integrity, audit chain),
  then stages it beside the target and swaps it in with the journalled sequence of
  :mod:`fileset` (the current files kept as ``PATH.before-restore``); an interrupted restore
  is finished by the next unlock.
- A check reports each property separately and changes nothing unless all hold.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hrvdesk.domain.abroad import years_before
from hrvdesk.domain.errors import DamagedDatabaseError, HrvError
from hrvdesk.domain.roles import Permission, Session
from hrvdesk.i18n import _
from hrvdesk.store import audit, connection, fileset, filesystem, signing
from hrvdesk.store.database import Database, session_for
from hrvdesk.store.keyslots import KeyHeader, header_path, wipe
from hrvdesk.store.migrations import latest_version
from hrvdesk.safewrite import FILE_MODE, fsync_dir

BEFORE_RESTORE = fileset.BEFORE_RESTORE


@dataclass
class CheckItem:
    name: str      # translated
    ok: bool
    detail: str = ""


@dataclass
class CheckReport:
    items: list[CheckItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(i.ok for i in self.items)

    def add(self, name: str, ok: bool, detail: str = "") -> None:
        self.items.append(CheckItem(name, ok, detail))


def inspect(path: Path, key: bytearray, header: KeyHeader, *, structure: bool = True) -> CheckReport:
    """Every check, on a read-only connection. The file cannot change.

    Without ``structure`` (a backup's own verification) SQLite's b-tree scan is left out:
    the copy's pages are byte for byte the database's, each authenticated by its HMAC, so
    its structure is the database's own, which ``check`` verifies."""
    report = CheckReport()
    report.add(_("Key"), True, _("unlocked with the user's key slot"))
    try:
        conn = connection.connect(path, key, readonly=True)
    except DamagedDatabaseError as exc:
        report.add(_("Page authentication"), False, str(exc))
        return report
    try:
        errors = conn.execute("PRAGMA cipher_integrity_check").fetchall()
        report.add(_("Page authentication"), not errors,
                   _("all pages authentic") if not errors else _("{n} damaged page(s)").format(n=len(errors)))
        if structure:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            report.add(_("SQLite integrity"), result == ["ok"], "ok" if result == ["ok"] else _("damaged"))
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        report.add(_("Schema version"), 0 < version <= latest_version(),
                   _("{found} (this version of hrvdesk: {known})").format(found=version, known=latest_version()))
        row = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()
        report.add(_("Key file"), row is not None and row[0] == header.db_id,
                   _("belongs to this database") if row and row[0] == header.db_id else _("belongs to another database"))
        chain = audit.verify(conn)
        report.add(_("Audit log"), chain.ok,
                   _("{n} entries, chain intact").format(n=chain.entries) if chain.ok else chain.problem)
        _add_signatures(report, conn, header)
        mode = str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        network = filesystem.is_network(path)
        report.add(_("Journal mode"), True,  # informational: the next unlock sets it
                   (_("{mode}: the file is in a network folder, where WAL is unsafe") if network else
                    _("{mode}: the file is on a local disk")).format(mode=mode.upper()))
    except connection.DatabaseError as exc:
        report.add(_("SQLite integrity"), False, str(connection.classify(exc, path) or _("damaged")))
    finally:
        conn.close()
    return report


def page_scan(path: Path, key: bytes | bytearray) -> int:
    """How many pages of ``path`` fail SQLCipher's authentication (a full read, on its own
    read-only connection, so it can run in a worker thread while the app is in use)."""
    conn = connection.connect(path, key, readonly=True)
    try:
        return len(conn.execute("PRAGMA cipher_integrity_check").fetchall())
    finally:
        conn.close()


def _add_signatures(report: CheckReport, conn, header: KeyHeader) -> None:
    if header.root:
        report.add(_("Administrator's signing key"), True, signing.fingerprint(header.root))
    problems, checkpoints = signing.verify_signatures(conn, header)
    report.add(_("Signed roles"), not problems,
               "; ".join(problems) if problems else _("every role is signed by an administrator"))
    report.add(_("Signed sessions"), checkpoints.ok, checkpoints.problem if not checkpoints.ok else _(
        "{n} signed checkpoint(s); {tail} entries since the last one").format(
            n=checkpoints.checkpoints, tail=checkpoints.unsigned_tail))


def check(path: str | os.PathLike, user: str, passphrase: str) -> tuple[CheckReport, Database | None]:
    """Unlock, inspect read-only; only when everything holds, open (audited) and return it."""
    path = Path(path)
    unlocked = fileset.unlock(path, user, passphrase)
    try:
        unlocked.header.verify_seal(unlocked.key)
        report = inspect(path, unlocked.key, unlocked.header)
    except BaseException:
        wipe(unlocked.key)
        raise
    if not report.ok:
        wipe(unlocked.key)
        return report, None
    db = Database.open_unlocked(path, user, unlocked)
    db.audited("check")
    return report, db


def _raw_snapshot(conn, source: Path, target: Path) -> bool:
    """Copy the encrypted file itself, at cp speed, when a consistent snapshot of it is on
    disk: with the WAL checkpointed and empty, a read transaction keeps every writer in the
    WAL and every checkpoint out of the file until the copy is done. False (nothing
    written) when others keep the WAL busy; the caller then uses SQLite's backup API."""
    wal = Path(f"{source}-wal")
    if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
        busy, _frames, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            return False
    with conn.lock:  # the read snapshot is this thread's alone (``connection.Shared``)
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT count(*) FROM meta").fetchone()  # take the read snapshot
            if wal.exists() and wal.stat().st_size:  # a writer came in between
                return False
            shutil.copyfile(source, target)
            return True
        finally:
            conn.execute("ROLLBACK")


def _verified_copy(src_conn, source: Path, target: Path, key: bytearray,
                   header: KeyHeader) -> tuple[Path, CheckReport]:
    """Back up into a temp file beside ``target``, verify it; the temp path and the report."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    os.chmod(tmp, FILE_MODE)
    try:
        tmp.unlink()  # SQLite creates it afresh
        if not _raw_snapshot(src_conn, source, tmp):
            dst = connection.connect(tmp, key, create=True)
            try:
                src_conn.backup(dst)
            finally:
                dst.close()
        dst = connection.connect(tmp, key)
        try:
            dst.execute("PRAGMA journal_mode = DELETE")  # a backup opens from read-only media too
        finally:
            dst.close()
        os.chmod(tmp, FILE_MODE)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        report = inspect(tmp, key, header, structure=False)
        if not report.ok:
            bad = next(i for i in report.items if not i.ok)
            raise DamagedDatabaseError(_("The backup could not be verified: {check}: {detail}").format(
                check=bad.name, detail=bad.detail))
        return tmp, report
    except BaseException:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm"), Path(f"{tmp}-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        raise


def backup(db: Database, out: str | os.PathLike) -> CheckReport:
    """Write a verified, encrypted copy of ``db`` to ``out`` (and ``out.keys``)."""
    db.require(Permission.BACKUP, what=_("make a backup"))
    out = Path(out)
    if out.resolve() == db.path.resolve():
        raise DamagedDatabaseError(_("A backup cannot overwrite the database itself."))
    with fileset.locked(db.path):  # no key update may commit between the copy and its header
        header = fileset.current_header(db.path, db.key)
        try:
            tmp, report = _verified_copy(db.conn, db.path, out, db.key, header)
            try:
                header.copy_for(out).save()
                os.replace(tmp, out)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
            fsync_dir(out.parent)
        except (OSError, connection.DatabaseError) as exc:
            raise HrvError(_("The backup could not be written to {folder}: {reason}").format(
                folder=str(out.parent), reason=_write_failure(exc))) from None
    db.audited("backup", detail={"verified": report.ok})
    return report


def _write_failure(exc: BaseException) -> str:
    text = str(exc).lower()
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) \
            or "full" in text:
        return _("the disk is full.")
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) \
            or "readonly" in text or "read-only" in text:
        return _("the folder is read-only or not yours.")
    return _("the disk cannot be written to.")


def _session_in(path: Path, key: bytearray, user: str) -> Session:
    """The user's role as recorded in ``path``, read without changing the file."""
    conn = connection.connect(path, key, readonly=True)
    try:
        return session_for(conn, user)
    finally:
        conn.close()


def restore(source: str | os.PathLike, target: str | os.PathLike, user: str, passphrase: str) -> Database:
    """Verify ``source`` (a backup), then put it in place of ``target``; returns it opened."""
    source, target = Path(source), Path(target)
    unlocked = fileset.unlock(source, user, passphrase, reset=False)
    header, key = unlocked.header, unlocked.key
    try:
        header.verify_seal(key)
        report = inspect(source, key, header)
        if not report.ok:
            bad = next(i for i in report.items if not i.ok)
            raise DamagedDatabaseError(_("The backup {file} is not usable: {check}: {detail}").format(
                file=source.name, check=bad.name, detail=bad.detail))
        _session_in(source, key, user).require(Permission.RESTORE, what=_("restore a backup"))
        staged = header.copy_for(target)
        with fileset.locked(target):
            fileset.stage_restore(target, lambda path: shutil.copyfile(source, path), staged)
            fileset.recover_restore(target)
    except BaseException:
        wipe(key)
        raise
    db = Database.open_with_key(target, user, key)
    db.audited("restore", detail={"from": source.name})
    return db


def old_backups(folder: str | os.PathLike, years: int, today: dt.date) -> list[Path]:
    """Backups (a database file with its key file beside it) in ``folder`` last written more
    than ``years`` ago: retention never reaches them, so they must be destroyed by hand."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    cutoff = dt.datetime.combine(years_before(today, years), dt.time()).timestamp()
    found = []
    for path in sorted(folder.glob("*.db")):
        try:
            if header_path(path).is_file() and path.stat().st_mtime < cutoff:
                found.append(path)
        except OSError:
            continue
    return found

