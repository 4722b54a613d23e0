"""Key pairs per user, re-keying and revocation (issue 12.4), tried as the removed user would:
with her own raw database key, her old key file and passphrase, and a remembered secret."""

from __future__ import annotations

import json

import pytest
import sqlcipher3

from hrvdesk.domain.errors import AuthenticationError, DamagedDatabaseError, ValidationError
from hrvdesk.domain.roles import Role
from hrvdesk.store import audit, connection, keystore
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import KeyHeader, header_path
from hrvdesk.store.users import add_user, change_passphrase, rekey, remove_user
from tests.conftest import ADMIN, PASSPHRASE
from tests.store.test_keyslots import v1_slot

BO_PASS = "bo's own long passphrase"
CLEO_PASS = "cleo's own long passphrase"


def raw_open(path, key) -> list:
    """What a key holder can do without hrvdesk: SQLCipher with the raw key."""
    conn = sqlcipher3.connect(str(path))
    try:
        conn.execute("PRAGMA key = \"x'" + bytes(key).hex() + "'\"")
        return conn.execute("SELECT name FROM users ORDER BY name").fetchall()
    finally:
        conn.close()


@pytest.fixture
def three(admin_db, db_path):
    add_user(admin_db, "bo", Role.VIEWER, BO_PASS)
    add_user(admin_db, "cleo", Role.EDITOR, CLEO_PASS, "SOC")
    return admin_db


def test_every_slot_has_key_pairs_and_the_header_is_version_2(three, db_path):
    obj = json.loads(header_path(db_path).read_text())
    assert obj["version"] == 2
    assert all(slot["version"] == 2 and slot["box_pk"] and slot["sign_pk"] and slot["sealed"]
               for slot in obj["slots"])


def test_a_removed_users_raw_key_no_longer_opens_the_database(three, db_path, tmp_path):
    with Database.open(db_path, "bo", BO_PASS) as bo:
        stolen_key = bytearray(bo.key)  # bo keeps the raw key (or a debugger does it for her)
    old_keys = tmp_path / "bo-kept.keys"
    old_keys.write_bytes(header_path(db_path).read_bytes())  # and a copy of the key file
    assert raw_open(db_path, stolen_key)  # before: it opens

    waiting = remove_user(three, "bo")
    assert waiting == []
    add_user(three, "dan", Role.VIEWER, "dan's own long passphrase")  # written after her removal

    with pytest.raises(sqlcipher3.DatabaseError):
        raw_open(db_path, stolen_key)
    # her old key file with her passphrase: the sealed key in it is the old one
    header_path(db_path).write_bytes(old_keys.read_bytes())
    with pytest.raises((AuthenticationError, DamagedDatabaseError)):
        Database.open(db_path, "bo", BO_PASS)


def test_remaining_users_open_after_a_rekey_without_giving_their_passphrases(three, db_path):
    old_key = bytearray(three.key)
    assert rekey(three) == 3
    assert three.key != old_key
    three.close()
    for user, passphrase in ((ADMIN, PASSPHRASE), ("bo", BO_PASS), ("cleo", CLEO_PASS)):
        with Database.open(db_path, user, passphrase) as db:
            assert db.conn.execute("SELECT count(*) FROM users").fetchone()[0] == 3
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        assert [e.action for e in audit.entries(db.conn, action="rekey")] == ["rekey"]


def test_a_remembered_secret_survives_a_rekey_and_a_passphrase_change(three, db_path):
    with Database.open(db_path, "bo", BO_PASS) as bo:
        assert keystore.remember(bo.header.db_id, "bo", bo.remembered_secret())
        change_passphrase(bo, "bo's second long passphrase")
    rekey(three)
    secret = keystore.recall(three.header.db_id, "bo")
    assert len(secret) == 64  # private keys, not the database key
    with Database.open_with_key(db_path, "bo", secret) as bo:
        assert bo.user == "bo"


def test_a_removed_users_remembered_secret_opens_nothing(three, db_path):
    with Database.open(db_path, "bo", BO_PASS) as bo:
        secret = bo.remembered_secret()
    remove_user(three, "bo")
    with pytest.raises(AuthenticationError):
        Database.open_with_key(db_path, "bo", secret)


def _downgrade_to_v1(db: Database, user: str, passphrase: str) -> None:
    """Make ``user``'s slot a version-1 slot and drop the signatures, as hrvdesk 1.0 wrote
    its key files."""
    header = KeyHeader.load(db.path)
    header.slots[header.uid(user)] = v1_slot(header, user, passphrase, db.key)
    header.root, header.grants = b"", {}
    header.seal(db.key)
    header.save()
    with connection.transaction(db.conn):
        db.conn.execute("UPDATE meta SET value = ? WHERE key = 'slots_mac'", (header.mac,))


def test_version_1_slots_open_and_are_upgraded_at_the_next_unlock(three, db_path):
    _downgrade_to_v1(three, "bo", BO_PASS)
    assert KeyHeader.load(db_path).needs_upgrade("bo")
    # while bo's slot is old, the key cannot be changed: rekey says who must unlock first
    with pytest.raises(ValidationError) as err:
        rekey(three)
    assert "bo" in err.value.message
    assert remove_user(three, "cleo") == ["bo"]  # removed, but the key stays (and says so)
    with Database.open(db_path, "bo", BO_PASS) as bo:
        assert bo.user_keys is not None
    assert not KeyHeader.load(db_path).needs_upgrade("bo")
    assert rekey(three) == 2
    assert not KeyHeader.load(db_path).root
    # the first administrator to unlock with her passphrase pins her key and signs the roles
    with Database.open(db_path, ADMIN, PASSPHRASE) as anna:
        assert anna.header.root == bytes(anna.user_keys.sign.verify_key)
    with Database.open(db_path, "bo", BO_PASS) as bo:
        assert [e.target for e in audit.entries(bo.conn, action="key_upgrade")] == [ADMIN, "bo"]


def test_cli_rekey_and_user_remove(three, db_path, cli):
    three.close()
    code, out, _err = cli("rekey", "--db", db_path)
    assert code == 0 and "3 users" in out
    code, out, _err = cli("user", "remove", "bo", "--db", db_path)
    assert code == 0 and "no longer opens it" in out
    code, _out, err = cli("rekey", "--db", db_path, user="cleo", passphrase=CLEO_PASS)
    assert code == 6, err


def test_an_admin_can_forbid_remembering_keys(three, db_path):
    from hrvdesk.store import settings

    with Database.open(db_path, "bo", BO_PASS) as bo:
        keystore.remember(bo.header.db_id, "bo", bo.remembered_secret())
    secret = keystore.recall(three.header.db_id, "bo")
    with keystore.open_remembered(db_path, "bo", bytearray(secret)):
        pass
    settings.put(three, "allow_remember", 0)
    with pytest.raises(AuthenticationError):
        keystore.open_remembered(db_path, "bo", bytearray(secret))
    assert keystore.recall(three.header.db_id, "bo") is None  # forgotten on this workstation
    with Database.open(db_path, "bo", BO_PASS) as bo:
        assert not keystore.allowed(bo)
