"""Signed roles and audit checkpoints (issue 12.5), tried as a key holder would: a viewer
with her own database key and plain SQLCipher, no hrvdesk in between."""

from __future__ import annotations

import json

import pytest
import sqlcipher3

from hrvdesk.domain.errors import DamagedDatabaseError
from hrvdesk.domain.roles import Role
from hrvdesk.store import audit, signing
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import KeyHeader
from hrvdesk.store.users import add_user, remove_user, reset_passphrase
from tests.conftest import ADMIN, PASSPHRASE

BO_PASS = "bo's own long passphrase"
EVA_PASS = "eva's own long passphrase"


def as_attacker(path, key, *statements) -> None:
    """Raw SQL with the raw key, outside hrvdesk."""
    conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA key = \"x'" + bytes(key).hex() + "'\"")
        for sql, params in statements:
            conn.execute(sql, params)
    finally:
        conn.close()


@pytest.fixture
def viewer_key(admin_db, db_path):
    add_user(admin_db, "bo", Role.VIEWER, BO_PASS)
    admin_db.close()
    with Database.open(db_path, "bo", BO_PASS) as bo:
        return bytearray(bo.key)


def test_a_viewer_who_makes_herself_admin_with_sql_is_not_honoured(viewer_key, db_path, cli):
    as_attacker(db_path, viewer_key, ("UPDATE users SET role = 'admin' WHERE name = 'bo'", ()))
    with pytest.raises(DamagedDatabaseError) as err:
        Database.open(db_path, "bo", BO_PASS)
    assert "not the one" in err.value.message or "differs" in err.value.message or "signerad" in err.value.message
    code, out, _err = cli("check", "--db", db_path)
    assert code == 4 and "bo" in out and "ERR" in out


def test_a_viewer_who_adds_an_accomplice_by_sql_and_key_file_is_not_honoured(viewer_key, db_path):
    """She writes a user row, a slot for it and a fresh MAC: all she can do with the key."""
    header = KeyHeader.load(db_path)
    header.set_slot("eva", EVA_PASS, viewer_key)
    header.seal(viewer_key)
    header.save()
    as_attacker(db_path, viewer_key,
                ("INSERT INTO users(name, role, administration, created_at, created_by) "
                 "VALUES ('eva', 'admin', NULL, '2026-01-01T00:00:00+00:00', 'anna')", ()),
                ("UPDATE meta SET value = ? WHERE key = 'slots_mac'", (header.mac,)))
    with pytest.raises(DamagedDatabaseError):
        Database.open(db_path, "eva", EVA_PASS)
    with Database.open(db_path, ADMIN, PASSPHRASE):  # the real roles still work
        pass


def test_a_rewritten_audit_chain_fails_verification(viewer_key, db_path, cli):
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:  # a session that ends signed
        db.audited("export", detail={"rows": 3})
    # bo rewrites the export entry and recomputes the whole hash chain and the head
    conn = sqlcipher3.connect(str(db_path), isolation_level=None)
    conn.execute("PRAGMA key = \"x'" + viewer_key.hex() + "'\"")
    rows = conn.execute("SELECT seq, at, user, action, target, fields, detail FROM audit_log ORDER BY seq").fetchall()
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    prev = audit.GENESIS
    for seq, at, user, action, target, fields, detail in rows:
        if action == "export":
            detail = json.dumps({"rows": 0})
        digest = audit._digest(prev, seq, at, user, action, target, fields, detail)
        conn.execute("UPDATE audit_log SET detail = ?, prev = ?, hash = ? WHERE seq = ?", (detail, prev, digest, seq))
        prev = digest
    conn.execute("UPDATE meta SET value = ? WHERE key = ?", (f"{rows[-1][0]}:{prev}", audit.HEAD_KEY))
    conn.close()
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        assert audit.verify(db.conn).ok  # the plain hash chain is fooled ...
    code, _out, err = cli("audit", "--db", db_path, "--verify")
    assert code == 4 and "checkpoint" in err.lower()  # ... the signatures are not
    code, out, _err = cli("check", "--db", db_path)
    assert code == 4 and "ERR" in out


def test_check_prints_the_first_administrators_fingerprint(admin_db, db_path, cli):
    root = admin_db.header.root
    admin_db.close()
    code, out, _err = cli("check", "--db", db_path)
    assert code == 0, out
    assert signing.fingerprint(root) in out
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        assert signing.verify_signatures(db.conn, db.header)[1].checkpoints >= 1


def test_roles_given_by_a_removed_admin_stay_signed(admin_db, db_path):
    add_user(admin_db, "cleo", Role.ADMIN, "cleo's own long passphrase")
    with Database.open(db_path, "cleo", "cleo's own long passphrase") as cleo:
        add_user(cleo, "bo", Role.VIEWER, BO_PASS)
    remove_user(admin_db, "cleo")
    reset_passphrase(admin_db, "bo", "bo's second long passphrase")
    admin_db.close()
    with Database.open(db_path, "bo", "bo's second long passphrase") as bo:
        assert bo.session.role is Role.VIEWER
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        problems, checkpoints = signing.verify_signatures(db.conn, db.header)
        assert problems == [] and checkpoints.ok  # cleo's old checkpoint still verifies
