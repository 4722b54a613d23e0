"""Backup while another connection writes; restore verifies first and keeps the old file."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading

import pytest

from hrvdesk.domain.errors import AuthenticationError, DamagedDatabaseError
from hrvdesk.store import audit, connection
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import header_path
from hrvdesk.store.maintenance import BEFORE_RESTORE, backup, restore
from tests.conftest import ADMIN, PASSPHRASE


def test_backup_while_another_connection_writes(admin_db, db_path, tmp_path):
    admin_db.conn.execute("CREATE TABLE scratch(n INTEGER)")
    writer = connection.connect(db_path, admin_db.key)
    connection.configure(writer, db_path)
    stop = threading.Event()
    written = []

    def write():
        n = 0
        while not stop.is_set() and n < 2000:
            with connection.transaction(writer):
                writer.execute("INSERT INTO scratch VALUES (?)", (n,))
            written.append(n)
            n += 1

    thread = threading.Thread(target=write)
    thread.start()
    try:
        out = tmp_path / "copy.db"
        report = backup(admin_db, out)
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert report.ok
    assert written, "the writer never ran"
    with Database.open(out, ADMIN, PASSPHRASE) as copy:
        rows = [r[0] for r in copy.conn.execute("SELECT n FROM scratch ORDER BY n")]
        assert rows == list(range(len(rows)))  # a consistent prefix, never a torn one
    assert audit.entries(admin_db.conn, action="backup")
    assert not list(tmp_path.glob(".*part*"))


def test_backup_never_overwrites_the_database(admin_db, db_path):
    with pytest.raises(DamagedDatabaseError):
        backup(admin_db, db_path)


def test_restore_replaces_and_keeps_old(admin_db, db_path, tmp_path, cli):
    out = tmp_path / "b.db"
    backup(admin_db, out)
    with admin_db.transaction():
        admin_db.audit("create", target="after-backup")
    admin_db.close()
    old = hashlib.sha256(db_path.read_bytes()).hexdigest()
    code, _out, err = cli("restore", "--from", out, "--db", db_path)
    assert code == 0, err
    kept = db_path.parent / (db_path.name + BEFORE_RESTORE)
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == old
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        targets = [e.target for e in audit.entries(db.conn)]
        assert "after-backup" not in targets
        assert audit.entries(db.conn, action="restore")
        assert audit.verify(db.conn).ok


def test_restore_refuses_a_damaged_backup_and_leaves_target(admin_db, db_path, tmp_path, cli):
    out = tmp_path / "b.db"
    backup(admin_db, out)
    admin_db.close()
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF
    out.write_bytes(bytes(data))
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    code, _out, err = cli("restore", "--from", out, "--db", db_path)
    assert code == 4 and "Traceback" not in err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert not (db_path.parent / (db_path.name + BEFORE_RESTORE)).exists()


def test_restore_needs_a_valid_user_of_the_backup(admin_db, db_path, tmp_path):
    out = tmp_path / "b.db"
    backup(admin_db, out)
    admin_db.close()
    with pytest.raises(AuthenticationError):
        restore(out, db_path, ADMIN, "not the passphrase")
    header_path(out).unlink()
    with pytest.raises(DamagedDatabaseError):
        restore(out, db_path, ADMIN, PASSPHRASE)


_BACKUP_WITH_SMALL_DISK = (
    "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
    "resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1]))); "
    "from hrvdesk.cli import main; sys.exit(main(sys.argv[2:]))")


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file size limits")
def test_a_backup_to_a_full_disk_names_the_backup_folder_and_leaves_nothing(admin_db, db_path, tmp_path):
    """A file size limit makes every write past it fail as a full disk does."""
    admin_db.close()
    media = tmp_path / "usb"
    media.mkdir()
    limit = db_path.stat().st_size // 2
    env = {**os.environ, "HRVDESK_USER": ADMIN, "HRVDESK_PASSPHRASE": PASSPHRASE}
    result = subprocess.run([sys.executable, "-c", _BACKUP_WITH_SMALL_DISK, str(limit), "--lang", "en",
                             "backup", "--db", str(db_path), "--out", str(media / "copy.db")],
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert str(media) in result.stderr and "full" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert list(media.iterdir()) == []
    with Database.open(db_path, ADMIN, PASSPHRASE):
        pass


@pytest.mark.parametrize("raw", [True, False], ids=["file snapshot", "backup API"])
def test_both_ways_of_copying_give_a_verified_backup_that_opens_read_only(admin_db, db_path, tmp_path,
                                                                          monkeypatch, raw):
    from hrvdesk.store import maintenance

    if not raw:
        monkeypatch.setattr(maintenance, "_raw_snapshot", lambda conn, source, target: False)
    admin_db.audited("export", detail={"rows": 1})
    out = tmp_path / "media" / "copy.db"
    out.parent.mkdir()
    assert backup(admin_db, out).ok
    out.parent.chmod(0o500)  # as on write-protected media
    try:
        conn = connection.connect(out, admin_db.key, readonly=True)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM audit_log WHERE action = 'export'").fetchone()[0] == 1
        conn.close()
    finally:
        out.parent.chmod(0o700)
