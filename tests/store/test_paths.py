"""Databases where municipal users keep them: folders and names with å, ä, ö and spaces (as
on a Windows file server, "Våldspreventivt center\\Mina dokument"): create, the files beside
it, unlock, a backup into another such folder and the command line's check."""

from __future__ import annotations

from hrvdesk.store.database import Database
from hrvdesk.store.maintenance import backup
from tests.conftest import ADMIN, PASSPHRASE


def test_a_database_in_a_swedish_folder_with_spaces(tmp_path, cli):
    folder = tmp_path / "Våldspreventivt center" / "Mina dokument"
    folder.mkdir(parents=True)
    path = folder / "hrv ärenden 2026.db"
    with Database.create(path, ADMIN, PASSPHRASE):
        pass
    assert sorted(p.name for p in folder.iterdir()) >= ["hrv ärenden 2026.db", "hrv ärenden 2026.db.keys"]
    copies = tmp_path / "Säkerhetskopior – öppna ej"
    copies.mkdir()
    with Database.open(path, ADMIN, PASSPHRASE) as db:
        assert not db.read_only
        written = copies / "kopia å ä ö.db"
        assert backup(db, written).ok
    assert written.exists() and written.with_name(written.name + ".keys").exists()
    code, out, _err = cli("check", "--db", path)
    assert code == 0, out
    code, _out, _err = cli("check", "--db", written)
    assert code == 0
