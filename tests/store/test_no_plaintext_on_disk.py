"""No value written through hrvdesk appears in plain text in any file it leaves on disk."""

from __future__ import annotations

from hrvdesk.domain.roles import Role
from hrvdesk.store.database import Database
from hrvdesk.store.maintenance import backup
from hrvdesk.store.organisation import Partner, save_partner
from hrvdesk.store.users import add_user
from tests.conftest import ADMIN, PASSPHRASE

MARKERS = ["Zlatanbergs ungdomsgård", "kvinnojour-marker-7391", "editor.zebulon"]


def test_scan_every_file_for_written_values(tmp_path, db_path):
    db = Database.create(db_path, ADMIN, PASSPHRASE)
    save_partner(db, Partner("ZUG", MARKERS[0], MARKERS[1]))
    add_user(db, MARKERS[2], Role.VIEWER, "viewer passphrase 1")
    backup(db, tmp_path / "backup.db")
    # while open (WAL and shm present) and after closing
    snapshots = [{p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}]
    db.close()
    snapshots.append({p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()})
    with Database.open(db_path, MARKERS[2], "viewer passphrase 1") as again:
        assert again.conn.execute("SELECT name FROM partners WHERE code='ZUG'").fetchone()[0] == MARKERS[0]
    seen_files = set()
    for snapshot in snapshots:
        for path, data in snapshot.items():
            seen_files.add(path.name)
            for marker in MARKERS + [ADMIN, PASSPHRASE]:
                for encoding in ("utf-8", "utf-16-le"):
                    assert marker.encode(encoding) not in data, f"{marker!r} in {path.name}"
    assert {"hrv.db", "hrv.db.keys", "backup.db", "backup.db.keys"} <= seen_files
