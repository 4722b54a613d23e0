"""Migrations: from every earlier version to the newest, each in its own transaction."""

from __future__ import annotations

import pytest

from hrvdesk.store import connection
from hrvdesk.store.database import Database
from hrvdesk.store.migrations import all_migrations, latest_version
from tests.conftest import ADMIN, PASSPHRASE


def schema(conn) -> list[tuple]:
    return sorted(conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


def _downgrade_copy(db: Database, version: int, name: str = ""):
    """A database as version ``version`` of hrvdesk left it: rebuild it from scratch."""
    path = db.path.parent / f"v{version}{name}.db"
    from hrvdesk.store.keyslots import header_path

    conn = connection.connect(path, db.key, create=True)
    connection.configure(conn, path)
    for mig in all_migrations()[:version]:
        with connection.transaction(conn):
            mig.apply(conn)
            conn.execute(f"PRAGMA user_version = {mig.version}")
    with connection.transaction(conn):
        for key, value in db.conn.execute("SELECT key, value FROM meta WHERE key IN ('db_id', 'slots_mac')"):
            conn.execute("INSERT INTO meta(key, value) VALUES (?, ?)", (key, value))
        conn.execute("INSERT INTO users(name, role, created_at, created_by) VALUES (?, 'admin', 'x', 'x')", (ADMIN,))
    conn.close()
    header_path(path).write_bytes(header_path(db.path).read_bytes())
    return path


@pytest.mark.parametrize("version", range(1, latest_version() + 1))
def test_upgrade_from_every_version(admin_db, version):
    fresh = schema(admin_db.conn)
    path = _downgrade_copy(admin_db, version)
    with Database.open(path, ADMIN, PASSPHRASE) as db:
        assert db.conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        assert schema(db.conn) == fresh
        if version < latest_version():
            from hrvdesk.store import audit

            assert audit.entries(db.conn, action="migrate")


def test_failed_migration_leaves_previous_version(admin_db, monkeypatch):
    import types

    from hrvdesk.store import migrations

    path = _downgrade_copy(admin_db, latest_version())
    broken = migrations.Migration(latest_version() + 1, "m999_broken",
                                  types.SimpleNamespace(SQL="CREATE TABLE fine(x);\nCREATE TABLE fine(x);"))
    real = migrations.all_migrations()
    monkeypatch.setattr("hrvdesk.store.database.all_migrations", lambda: real + [broken])
    monkeypatch.setattr("hrvdesk.store.database.latest_version", lambda: len(real) + 1)
    with pytest.raises(Exception):
        Database.open(path, ADMIN, PASSPHRASE)
    monkeypatch.undo()
    with Database.open(path, ADMIN, PASSPHRASE) as db:
        assert db.conn.execute("PRAGMA user_version").fetchone()[0] == latest_version()
        assert db.conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'fine'").fetchone()[0] == 0


def test_migration_numbers_are_contiguous():
    assert [m.version for m in all_migrations()] == list(range(1, latest_version() + 1))


def test_rebuilding_the_routines_table_keeps_what_refers_to_it(admin_db):
    path = _downgrade_copy(admin_db, 7)
    conn = connection.connect(path, admin_db.key)
    with connection.transaction(conn):
        conn.execute("INSERT INTO routines(id, title, purpose, owner, status, review_interval_months,"
                     " created_at, created_by, updated_at, updated_by)"
                     " VALUES (1, 'Vid misstanke', 'detect', 'SOC', 'adopted', 24, 'x', 'x', 'x', 'x')")
        conn.execute("INSERT INTO routine_participants(routine, party, position) VALUES (1, 'SOC', 0)")
        conn.execute("INSERT INTO routine_versions(routine, number, adopted_on, adopted_by, recorded_at,"
                     " recorded_by) VALUES (1, 1, '2024-01-01', 'SN', 'x', 'x')")
    conn.close()
    with Database.open(path, ADMIN, PASSPHRASE) as db:
        assert db.conn.execute("SELECT count(*) FROM routine_participants").fetchone()[0] == 1
        assert db.conn.execute("SELECT count(*) FROM routine_versions").fetchone()[0] == 1
        assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        db.conn.execute("UPDATE routines SET purpose = 'children_abroad' WHERE id = 1")


def test_a_database_from_before_profiles_keeps_botkyrka_as_its_municipality(admin_db):
    """The settings' defaults are no municipality's: a database made before profiles (whose
    municipality was Botkyrka, by the defaults of that time) stores Botkyrka's code and name
    when it is upgraded; a value stored already is kept."""
    from hrvdesk.domain.settings import DATABASE, Key
    from hrvdesk.store import settings

    assert DATABASE[Key.MUNICIPALITY_NAME].default == "" == DATABASE[Key.MUNICIPALITY_CODE].default
    old = _downgrade_copy(admin_db, 13)
    with Database.open(old, ADMIN, PASSPHRASE) as db:
        assert (settings.get(db, Key.MUNICIPALITY_CODE), settings.get(db, Key.MUNICIPALITY_NAME)) == (
            "0127", "Botkyrka")
    renamed = _downgrade_copy(admin_db, 13, "-exempelby")
    conn = connection.connect(renamed, admin_db.key)
    with connection.transaction(conn):
        conn.execute("INSERT INTO settings(key, value) VALUES ('municipality_name', '\"Exempelby\"')")
    conn.close()
    with Database.open(renamed, ADMIN, PASSPHRASE) as db:
        assert settings.get(db, Key.MUNICIPALITY_NAME) == "Exempelby"
