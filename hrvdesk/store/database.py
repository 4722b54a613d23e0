"""An unlocked hrvdesk database: the connection, the session and the audit log together.

Opening is done in two steps so that nothing changes on a failure:
1. the key header is read and the user's slot unwrapped (a wrong passphrase or unknown
   user raises AuthenticationError; only the failure counter changes), see :mod:`fileset`;
2. the database is opened *read-only* and checked (SQLCipher page authentication, schema
   version); only when that holds is it reopened read-write and migrated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
import threading
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

from hrvdesk.domain.accounts import check_passphrase, check_user_name
from hrvdesk.domain.errors import (DamagedDatabaseError, NewerVersionError,
                                   PermissionDenied, ValidationError)
from hrvdesk.domain.profile import Profile, shipped_profile
from hrvdesk.domain.roles import WRITES, Permission, Role, Session
from hrvdesk.i18n import _
from hrvdesk.store import audit, connection, faults, fileset, inuse, signing
from hrvdesk.store.audit import now_iso
from hrvdesk.store.keyslots import KeyHeader, KEY_BYTES, UserKeys, header_path, wipe
from hrvdesk.store.migrations import COMPATIBLE_KEY, all_migrations, latest_version, readable_from

@dataclass
class KeyUpdate:
    """A key header being changed inside :meth:`Database.key_update`."""

    header: KeyHeader
    new_key: bytearray | None = None

    def rekey(self) -> None:
        """Give the database a new key, sealed to every slot (all must be of version 2)."""
        self.new_key = bytearray(secrets.token_bytes(KEY_BYTES))
        self.header.reseal(self.new_key)


class Database:
    """An open, unlocked database. Use as a context manager or call :meth:`close`."""

    def __init__(self, path: Path, conn, header: KeyHeader, key: bytearray, session: Session,
                 user_keys: UserKeys | None = None, writing: inuse.Writing | None = None):
        self.path = path
        self.writing = writing or inuse.Writing(None, None, True)  # see :mod:`inuse`
        self._lock = threading.RLock()  # worker threads and the window share the connection
        self.conn = connection.Shared(conn, self._lock)
        self.header = header
        self._key = key
        self.session = session
        self.user_keys = user_keys  # None while the user's slot is still of version 1
        self._denied: list[dict] = []  # refusals inside a transaction, audited after it

    # --- creating and opening ---------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike, user: str, passphrase: str, *,
               kdf: dict | None = None, profile: Profile | None = None) -> "Database":
        """A new database with ``user`` as its first administrator, set up from a
        municipality profile (default: Botkyrka's, :mod:`hrvdesk.domain.profile`): the
        schema without the old Botkyrka seeds, then the profile's organisation, plan and
        settings in the transaction that records the first administrator. Refuses to
        overwrite; on any failure no file is left behind."""
        from hrvdesk.store.profiles import apply_profile  # it reads through the repositories

        path = Path(path)
        check_user_name(user)
        check_passphrase(passphrase)
        if path.exists() or header_path(path).exists():
            raise ValidationError.single(_("{file} already exists; hrvdesk never overwrites a database.")
                                         .format(file=path.name), field="--db")
        if not path.parent.is_dir():
            raise ValidationError.single(_("The folder {folder} does not exist.").format(folder=str(path.parent)),
                                         field="--db")
        profile = profile if profile is not None else shipped_profile()
        key = bytearray(secrets.token_bytes(KEY_BYTES))
        header = KeyHeader.new(path)
        user_keys = header.set_slot(user, passphrase, key, kdf)
        signing.pin_root(header, user, user_keys, [(user, Role.ADMIN.value, None)])
        header.seal(key)
        conn = None
        try:
            conn = connection.connect(path, key, create=True)
            os.chmod(path, 0o600)
            connection.configure(conn, path)
            cls._migrate(conn, municipality_seeds=False)
            with connection.transaction(conn):
                apply_profile(conn, profile)
                conn.execute("INSERT INTO meta(key, value) VALUES ('db_id', ?)", (header.db_id,))
                conn.execute("INSERT INTO meta(key, value) VALUES ('slots_mac', ?)", (header.mac,))
                conn.execute("INSERT INTO users(name, role, administration, created_at, created_by)"
                             " VALUES (?, 'admin', NULL, ?, ?)", (user, now_iso(), user))
                audit.append(conn, user, "create_database",
                             detail={"schema": latest_version(), "municipality": profile.code})
            header.save()
        except BaseException:
            if conn is not None:
                conn.close()
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), header_path(path)):
                with contextlib.suppress(FileNotFoundError):
                    leftover.unlink()
            wipe(key)
            raise
        return cls(path, conn, header, key, Session(user, Role.ADMIN), user_keys)

    @classmethod
    def open(cls, path: str | os.PathLike, user: str, passphrase: str, *,
             now: float | None = None, take_over: bool = False) -> "Database":
        path = Path(path)
        db = cls.open_unlocked(path, user, fileset.unlock(path, user, passphrase, now),
                               take_over=take_over)
        try:
            if db.read_only:
                return db
            if db.header.needs_upgrade(user):
                db.upgrade_slot(passphrase)
            if not db.header.root and db.session.role is Role.ADMIN:
                db.pin_root()
        except BaseException:
            db.close()
            raise
        return db

    @classmethod
    def open_with_key(cls, path: str | os.PathLike, user: str, secret: bytes | bytearray, *,
                      take_over: bool = False) -> "Database":
        """Open with a secret remembered on this workstation (see :mod:`keystore`): the
        user's private keys, or the database key itself (version-1 slots, a restore)."""
        path = Path(path)
        try:
            unlocked = fileset.unlock_with_secret(path, user, secret)
        finally:
            wipe(secret if isinstance(secret, bytearray) else None)
        return cls.open_unlocked(path, user, unlocked, take_over=take_over)

    @classmethod
    def open_unlocked(cls, path: Path, user: str, unlocked: fileset.Unlocked, *,
                      take_over: bool = False) -> "Database":
        """Open after :func:`fileset.unlock`: check read-only, become the writer (or open
        read-only while someone else writes, :mod:`inuse`), then migrate and audit."""
        header, key, failures = unlocked.header, unlocked.key, unlocked.failures
        try:
            with fileset.locked(path):  # no key update may commit between the header's check
                header = fileset.current_header(path, key)  # (its seal) and the database's
                newer = cls._inspect_readonly(path, key, header)
            conn = connection.connect(path, key)
        except BaseException:
            wipe(key)
            raise
        writing = None
        try:
            connection.configure(conn, path)
            if newer:  # an upgraded database an older hrvdesk may still read: never written
                writing, previous = inuse.Writing(None, None, False, reason=_(
                    "{file} was upgraded by a newer version of hrvdesk; this version can read it "
                    "but not change it. Update hrvdesk.").format(file=path.name)), None
            else:
                writing, previous = inuse.begin(path, conn, user, take_over=take_over)
            if (writing.read_only and not newer
                    and conn.execute("PRAGMA user_version").fetchone()[0] < latest_version()):
                raise inuse.InUseError(_("{file} must be upgraded to this version of hrvdesk, which "
                                         "only its writer can do. {who}").format(
                    file=path.name, who=inuse.in_use_sentence(writing.lease)))
            migrated = cls._migrate(conn)
            session = cls._session_for(conn, user)
            signing.require_signed_role(header, session)
            db = cls(path, conn, header, key, session, unlocked.keys, writing)
            with db.transaction():
                if writing.held:
                    db._become_writer(writing, previous, take_over)
                names = {header.uid(name): name for (name,) in conn.execute("SELECT name FROM users")}
                for bucket, times in sorted((failures or {}).items()):
                    audit.append(conn, user, "unlock_failed", target=names.get(bucket, bucket),
                                 detail={"attempts": len(times),
                                         "last": dt.datetime.fromtimestamp(max(times)).isoformat(timespec="seconds")})
                if migrated:
                    audit.append(conn, user, "migrate", detail={"from": migrated[0], "to": migrated[1]})
                audit.append(conn, user, "unlock", detail=None if writing.held else {"read_only": True})
            if writing.held:
                db.on_unlock()
            return db
        except BaseException:
            if writing is not None:
                inuse.end(None, writing)
            conn.close()
            wipe(key)
            raise

    def on_unlock(self) -> None:
        """Housekeeping every unlock does (and so ``hrvdesk check``): retention of case records."""
        from hrvdesk.store.abroad_repo import on_unlock as apply_case_retention

        apply_case_retention(self)

    @staticmethod
    def _inspect_readonly(path: Path, key: bytearray, header: KeyHeader) -> bool:
        """Check version and identity without changing the file; True for a database of a
        newer schema that this version may still read (:data:`migrations.COMPATIBLE_KEY`).

        SQLCipher authenticates every page it reads, so a damaged page is refused whenever
        it is used; the full scan of every page (``cipher_integrity_check``) is ``check``'s
        and every backup's, not every unlock's: it grew with the data and, in WAL mode,
        cannot see pages that are still in the WAL.
        """
        conn = connection.connect(path, key, readonly=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            readable = conn.execute("SELECT value FROM meta WHERE key = ?", (COMPATIBLE_KEY,)).fetchone()
            newer = version > latest_version()
            if newer and not (readable and int(readable[0]) <= latest_version()):
                raise NewerVersionError(_(
                    "{file} was made by a newer version of hrvdesk (schema {found}, this version "
                    "knows {known}). Update hrvdesk.").format(file=path.name, found=version,
                                                              known=latest_version()))
            if version == 0:
                raise DamagedDatabaseError(_("{file} is not a hrvdesk database.").format(file=path.name))
            row = conn.execute("SELECT value FROM meta WHERE key = 'db_id'").fetchone()
            if row is None or row[0] != header.db_id:
                raise DamagedDatabaseError(_(
                    "The key file does not belong to {file}.").format(file=path.name))
            row = conn.execute("SELECT value FROM meta WHERE key = 'slots_mac'").fetchone()
            if row is None or row[0] != header.mac:
                raise DamagedDatabaseError(_(
                    "The key file of {file} is not the one the database last wrote (an older or "
                    "altered copy). Restore both files from a backup.").format(file=path.name))
            return newer
        except connection.DatabaseError as exc:
            raise connection.known(exc, path) from None
        finally:
            conn.close()

    @staticmethod
    def _migrate(conn, *, municipality_seeds: bool = True) -> tuple[int, int] | None:
        """Apply pending migrations, each in its own transaction; (from, to) or None.
        ``municipality_seeds``: run the seeds of Botkyrka's data from before profiles
        (an upgrade); a new database, set up from its profile, runs without them."""
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        migrations = all_migrations()
        if current >= len(migrations):
            return None
        for mig in migrations[current:]:
            rebuilds = getattr(mig.module, "FOREIGN_KEYS_OFF", False)
            if rebuilds:  # SQLite's procedure for rebuilding a table others refer to
                conn.execute("PRAGMA foreign_keys = OFF")
            try:
                with connection.transaction(conn):
                    mig.apply(conn, municipality_seed=municipality_seeds)
                    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                                 (COMPATIBLE_KEY, str(readable_from(mig.version))))
                    if rebuilds and conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                        raise RuntimeError(f"migration {mig.name} breaks a foreign key")
                    conn.execute(f"PRAGMA user_version = {mig.version:d}")
            finally:
                if rebuilds:
                    conn.execute("PRAGMA foreign_keys = ON")
        return current, len(migrations)

    @staticmethod
    def _session_for(conn, user: str) -> Session:
        return session_for(conn, user)

    # --- working with it --------------------------------------------------------------

    @property
    def key(self) -> bytearray:
        return self._key

    @property
    def user(self) -> str:
        return self.session.user

    @property
    def read_only(self) -> bool:
        """Someone else writes in the database (:mod:`inuse`): changes are refused."""
        return self.writing.read_only

    def in_use_by(self) -> inuse.Lease | None:
        """The writer, while this session is read-only."""
        return self.writing.lease if self.read_only else None

    def _become_writer(self, writing: inuse.Writing, previous: inuse.Lease | None,
                       take_over: bool) -> None:
        """Claim the lease (in the caller's transaction) and audit whose session ended."""
        if take_over and previous is not None and self.session.role is not Role.ADMIN:
            raise PermissionDenied(_("Only an administrator may take over a database someone "
                                     "else has open."))
        inuse.claim(self.conn, writing, self.user)
        if previous is not None:
            audit.append(self.conn, self.user, "take_over" if take_over else "session_recovered",
                         target=previous.user, detail={"since": previous.since,
                                                       "heartbeat": previous.heartbeat})

    def become_writer(self, *, take_over: bool = False) -> bool:
        """A read-only session becomes the writer once the writer has closed the database,
        or with ``take_over`` (administrators) once it has gone silent (see :mod:`inuse`);
        False while the writer is still there."""
        if not self.read_only:
            return True
        if self.writing.reason:  # a newer schema: never written by this version
            return False
        writing, previous = inuse.begin(self.path, self.conn, self.user, take_over=take_over)
        if writing.read_only:
            self.writing.lease = writing.lease  # who writes now
            return False
        try:
            with self.transaction():
                self._become_writer(writing, previous, take_over)
        except BaseException:
            inuse.end(None, writing)
            raise
        self.writing = writing
        return True

    def heartbeat(self) -> bool:
        """Renew this writer's lease (see :mod:`inuse`); False when it was taken over."""
        if self.read_only or self.conn is None or self.conn.in_transaction:
            return not self.read_only
        with self.transaction() as conn:
            return inuse.heartbeat(self.path, conn, self.writing)

    def require(self, permission: Permission, administration: str | None = None, what: str = "") -> None:
        """Raise PermissionDenied unless the session may (InUseError for a change while
        someone else writes); a refusal is audited (``denied``, with the permission and
        administration, never the record)."""
        try:
            if self.read_only and permission in WRITES:
                raise inuse.InUseError(self.writing.reason or (
                    inuse.in_use_sentence(self.writing.lease) if self.writing.lease
                    else _("The database is open read-only.")))
            self.session.require(permission, administration, what)
        except (PermissionDenied, inuse.InUseError):
            detail = {"permission": permission.value, "administration": administration}
            if self.conn.in_transaction:  # the caller's transaction rolls back: record after it
                self._denied.append(detail)
            else:
                self.audited("denied", detail=detail)
            raise

    def _record_denials(self) -> None:
        while self._denied and not self.conn.in_transaction:
            self.audited("denied", detail=self._denied.pop(0))

    @contextlib.contextmanager
    def transaction(self):
        """BEGIN IMMEDIATE … COMMIT (ROLLBACK on an exception), holding the connection's lock
        throughout: another thread's statements wait until it ends (see ``connection.Shared``)."""
        with self._lock:
            try:
                with connection.transaction(self.conn) as conn:
                    yield conn
            finally:
                self._record_denials()

    @contextlib.contextmanager
    def key_update(self) -> Iterator[KeyUpdate]:
        """Change the key header and the database together (the protocol in :mod:`fileset`).

        Yields a :class:`KeyUpdate` whose header is the one on disk now; the caller changes
        it (and may call :meth:`KeyUpdate.rekey`) and makes the matching database changes,
        with their audit entries, inside the ``with`` block. On leaving it, the header is
        sealed and written beside the current one, the transaction commits with the
        header's MAC (after ``PRAGMA rekey`` when re-keying: its last statement, since
        SQLCipher cannot roll a re-key back), and only then is the new header promoted. An
        exception in the block leaves both files as they were.
        """
        with fileset.locked(self.path):
            update = KeyUpdate(fileset.current_header(self.path, self._key))
            try:
                with self.transaction() as conn:
                    yield update
                    update.header.seal(update.new_key if update.new_key is not None else self._key)
                    conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('slots_mac', ?)",
                                 (update.header.mac,))
                    fileset.write_pending(self.path, update.header)
                    if update.new_key is not None:
                        conn.execute(connection.rekey_pragma(update.new_key))
            except BaseException:
                fileset.discard_pending(self.path)
                wipe(update.new_key)
                raise
            if update.new_key is not None:
                wipe(self._key)
                self._key = update.new_key
                with contextlib.suppress(connection.DatabaseError):  # best effort: readers may hold it
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            faults.point("key-update:committed")
            fileset.promote(self.path)
            faults.point("key-update:promoted")
            self.header = update.header

    def upgrade_slot(self, passphrase: str) -> None:
        """Replace the user's version-1 slot by one with key pairs (needs her passphrase)."""
        with self.key_update() as update:
            if update.header.needs_upgrade(self.user):
                self.user_keys = update.header.set_slot(self.user, passphrase, self._key)
                self.audit("key_upgrade", target=self.user)

    def pin_root(self) -> None:
        """Pin this administrator's signing key as the root of a database made before
        signatures, signing every role as it is now (see :mod:`signing`)."""
        with self.key_update() as update:
            if update.header.root or self.user_keys is None:
                return
            users = list(self.conn.execute("SELECT name, role, administration FROM users ORDER BY name"))
            signing.pin_root(update.header, self.user, self.user_keys, users)
            self.audit("key_upgrade", target=self.user,
                       detail={"root": signing.fingerprint(update.header.root)})

    @property
    def signer(self) -> tuple[str, "signing.SigningKey"] | None:
        """(slot id, signing key) of the unlocked user, when her slot has a key pair."""
        return None if self.user_keys is None else (self.header.uid(self.user), self.user_keys.sign)

    def remembered_secret(self) -> bytearray:
        """What "remember on this workstation" keeps: the private keys, which survive a
        re-key (a version-1 slot has none: then the database key)."""
        return self.user_keys.secret() if self.user_keys is not None else bytearray(self._key)

    def audit(self, action: str, target: str = "", fields=(), detail: dict | None = None) -> int:
        """Record an action. Call inside the transaction that makes the change."""
        return audit.append(self.conn, self.session.user, action, str(target), fields, detail)

    def audited(self, action: str, target: str = "", fields=(), detail: dict | None = None) -> int:
        """Record an action that changes nothing else, in its own transaction."""
        with self.transaction():
            return self.audit(action, target, fields, detail)

    def sign_checkpoint(self) -> None:
        """The acting user signs the head of the audit chain (the end of her session)."""
        if self.user_keys is None or not self.header.root:
            return
        with self.transaction() as conn:
            seq, head = audit.head(conn)
            if seq and audit.entries(conn, limit=1)[0].action != signing.CHECKPOINT:
                audit.append(conn, self.user, signing.CHECKPOINT,
                             detail=signing.checkpoint_detail(self.header.db_id, seq, head, self.user_keys.sign))

    def close(self) -> None:
        with self._lock:  # after a worker's transaction, never in the middle of it
            self._close()

    def _close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                if self.writing.held:
                    with self.transaction() as conn:
                        inuse.end(conn, self.writing)
            inuse.end(None, self.writing)  # the lock, also where the lease could not be removed
            with contextlib.suppress(Exception):
                self.sign_checkpoint()
            with contextlib.suppress(Exception):
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.conn.close()
            self.conn = None
        wipe(self._key)

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def session_for(conn, user: str) -> Session:
    """The user's role and administration as recorded in the database."""
    row = conn.execute("SELECT role, administration FROM users WHERE name = ?", (user,)).fetchone()
    if row is None:
        raise DamagedDatabaseError(_("The key file has a slot for a user the database does not know."))
    return Session(user, Role(row[0]), row[1])

