"""The journal mode follows where the file lives (issue 14): WAL locally, the rollback
journal in a network folder; the detection fed the answers each platform gives."""

from __future__ import annotations

from pathlib import Path

from hrvdesk.store import filesystem
from hrvdesk.store.database import Database
from hrvdesk.store.maintenance import check
from tests.conftest import ADMIN, PASSPHRASE

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
//fileserver/vpc /mnt/vpc cifs rw,vers=3.0 0 0
server:/export /mnt/nfs nfs4 rw 0 0
/dev/sdb1 /mnt/vpc/local\\040disk ext4 rw 0 0
"""


def test_linux_mount_table_decides():
    assert filesystem.linux_fs_type(Path("/home/anna/hrv.db"), MOUNTS) == "ext4"
    assert filesystem.linux_fs_type(Path("/mnt/vpc/hrv.db"), MOUNTS) == "cifs"
    assert filesystem.linux_fs_type(Path("/mnt/vpcx/hrv.db"), MOUNTS) == "ext4"  # not a prefix match
    assert filesystem.linux_fs_type(Path("/mnt/nfs/a/hrv.db"), MOUNTS) == "nfs4"
    assert filesystem.linux_fs_type(Path("/mnt/vpc/local disk/hrv.db"), MOUNTS) == "ext4"


def test_windows_unc_paths_and_mapped_drives_are_remote():
    types = {"C:\\": 3, "H:\\": filesystem.DRIVE_REMOTE}
    assert filesystem.windows_is_remote(r"\\fileserver\vpc\hrv.db", types.get)
    assert filesystem.windows_is_remote(r"H:\VPC\hrv.db", types.get)
    assert not filesystem.windows_is_remote(r"C:\Users\anna\hrv.db", types.get)


def test_a_database_in_a_network_folder_uses_the_rollback_journal_and_back(admin_db, db_path, monkeypatch, cli):
    admin_db.close()
    monkeypatch.setattr(filesystem, "is_network", lambda path: True)
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        db.audited("check")
    assert not Path(f"{db_path}-wal").exists()
    code, out, _err = cli("check", "--db", db_path)
    assert code == 0 and "network folder" in out
    monkeypatch.setattr(filesystem, "is_network", lambda path: False)  # moved to a local disk
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    report, db = check(db_path, ADMIN, PASSPHRASE)
    db.close()
    assert any("local disk" in item.detail for item in report.items)
