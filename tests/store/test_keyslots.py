"""Key slots: per-user wrapping, tampering, passphrase change, lock-out, remembered keys."""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hrvdesk.domain.errors import AuthenticationError, DamagedDatabaseError, LockedOutError, ValidationError
from hrvdesk.domain.roles import Role
from hrvdesk.store import audit, fileset, keyslots, keystore
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import FREE_ATTEMPTS, KeyHeader, header_path, lockout_delay
from hrvdesk.store.users import add_user, change_passphrase, remove_user, reset_passphrase
from tests.conftest import ADMIN, PASSPHRASE

OTHER = "another long passphrase"


def _edit_header(db_path, change):
    path = header_path(db_path)
    obj = json.loads(path.read_text())
    change(obj)
    path.write_text(json.dumps(obj))


@pytest.fixture
def two_users(admin_db, db_path):
    add_user(admin_db, "bo", Role.VIEWER, OTHER)
    admin_db.close()
    return db_path


def test_each_user_opens_with_own_passphrase_only(two_users):
    with Database.open(two_users, "bo", OTHER) as db:
        assert db.session.role is Role.VIEWER
    with pytest.raises(AuthenticationError):
        Database.open(two_users, "bo", PASSPHRASE)


def test_header_holds_no_user_names(two_users):
    text = header_path(two_users).read_text()
    assert "anna" not in text and '"bo"' not in text


@pytest.mark.parametrize("field", ["salt", "nonce", "wrapped"])
def test_edited_slot_does_not_open(two_users, field):
    def flip(obj):
        slot = obj["slots"][0]
        raw = bytearray(keyslots._unb64(slot[field]))
        raw[0] ^= 1
        slot[field] = keyslots._b64(bytes(raw))

    _edit_header(two_users, flip)
    header = KeyHeader.load(two_users)
    uid = json.loads(header_path(two_users).read_text())["slots"][0]["uid"]
    user = ADMIN if header.uid(ADMIN) == uid else "bo"
    with pytest.raises(AuthenticationError):
        Database.open(two_users, user, PASSPHRASE if user == ADMIN else OTHER)


def test_weakened_kdf_parameters_do_not_open(two_users):
    def weaken(obj):
        for slot in obj["slots"]:
            slot["kdf"]["time_cost"] = slot["kdf"]["time_cost"] + 1

    _edit_header(two_users, weaken)
    with pytest.raises(AuthenticationError):
        Database.open(two_users, ADMIN, PASSPHRASE)


def test_swapped_slots_do_not_open(two_users):
    def swap(obj):
        a, b = obj["slots"]
        a["uid"], b["uid"] = b["uid"], a["uid"]

    _edit_header(two_users, swap)
    for user, secret in ((ADMIN, PASSPHRASE), (ADMIN, OTHER), ("bo", OTHER), ("bo", PASSPHRASE)):
        with pytest.raises(AuthenticationError):
            Database.open(two_users, user, secret)


def test_altered_slot_set_is_detected(two_users):
    _edit_header(two_users, lambda obj: obj.update(mac="0" * 64))
    with pytest.raises(DamagedDatabaseError):
        Database.open(two_users, ADMIN, PASSPHRASE)


def test_removed_user_cannot_come_back_with_an_old_key_file(two_users):
    old = header_path(two_users).read_bytes()
    with Database.open(two_users, ADMIN, PASSPHRASE) as db:
        remove_user(db, "bo")
    with pytest.raises(AuthenticationError):
        Database.open(two_users, "bo", OTHER)
    header_path(two_users).write_bytes(old)  # bo kept a copy of the old key file
    before = hashlib.sha256(two_users.read_bytes()).hexdigest()
    for user, secret in (("bo", OTHER), (ADMIN, PASSPHRASE)):
        with pytest.raises(DamagedDatabaseError):
            Database.open(two_users, user, secret)
    assert hashlib.sha256(two_users.read_bytes()).hexdigest() == before


def test_header_from_another_database_is_refused(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    Database.create(a, ADMIN, PASSPHRASE).close()
    Database.create(b, ADMIN, PASSPHRASE).close()
    header_path(a).write_bytes(header_path(b).read_bytes())
    before = hashlib.sha256(a.read_bytes()).hexdigest()
    with pytest.raises(DamagedDatabaseError):
        Database.open(a, ADMIN, PASSPHRASE)
    assert hashlib.sha256(a.read_bytes()).hexdigest() == before


def test_passphrase_change_does_not_reencrypt(admin_db, db_path):
    key_before = bytes(admin_db.key)
    change_passphrase(admin_db, OTHER)
    admin_db.close()
    with pytest.raises(AuthenticationError):
        Database.open(db_path, ADMIN, PASSPHRASE)
    with Database.open(db_path, ADMIN, OTHER) as db:
        assert bytes(db.key) == key_before  # the same database key, only rewrapped
        assert db.conn.execute("SELECT count(*) FROM users").fetchone()[0] == 1


def test_admin_resets_a_forgotten_passphrase(two_users):
    with Database.open(two_users, ADMIN, PASSPHRASE) as db:
        reset_passphrase(db, "bo", "a brand new passphrase")
    with Database.open(two_users, "bo", "a brand new passphrase"):
        pass


def test_short_passphrase_rejected(admin_db):
    with pytest.raises(ValidationError):
        change_passphrase(admin_db, "short")


def test_lockout_grows_and_failures_are_audited(two_users):
    t0 = 1_000_000.0
    for i in range(FREE_ATTEMPTS):
        with pytest.raises(AuthenticationError) as err:
            Database.open(two_users, "bo", "not the passphrase", now=t0 + i)
        assert not isinstance(err.value, LockedOutError)
    # the sixth attempt right away is refused without trying the passphrase
    with pytest.raises(LockedOutError) as err:
        Database.open(two_users, "bo", OTHER, now=t0 + FREE_ATTEMPTS)
    assert 0 < err.value.seconds_left <= lockout_delay(FREE_ATTEMPTS)
    # another user is not locked out by bo's failures
    with Database.open(two_users, ADMIN, PASSPHRASE) as db:
        failed = audit.entries(db.conn, action="unlock_failed")
        assert [(e.target, e.detail["attempts"]) for e in failed] == [("bo", FREE_ATTEMPTS)]
    # a wrong try after the delay doubles it
    later = t0 + FREE_ATTEMPTS + lockout_delay(FREE_ATTEMPTS) + 1
    with pytest.raises(AuthenticationError):
        Database.open(two_users, "bo", "wrong again", now=later)
    with pytest.raises(LockedOutError) as err:
        Database.open(two_users, "bo", OTHER, now=later + lockout_delay(FREE_ATTEMPTS) + 1)
    assert lockout_delay(FREE_ATTEMPTS + 1) == 2 * lockout_delay(FREE_ATTEMPTS)
    # after the delay the right passphrase opens and resets bo's counter
    with Database.open(two_users, "bo", OTHER, now=later + lockout_delay(FREE_ATTEMPTS + 1) + 1):
        pass
    assert KeyHeader.load(two_users).uid("bo") not in fileset.Attempts(two_users).counters


def test_failed_unknown_user_counted_without_the_typed_name(admin_db, db_path):
    admin_db.close()
    with pytest.raises(AuthenticationError):
        Database.open(db_path, "my secret passphrase typed as user", PASSPHRASE)
    assert "typed as user" not in header_path(db_path).read_text()
    assert "typed as user" not in fileset.sibling(db_path, fileset.ATTEMPTS_SUFFIX).read_text()


@pytest.mark.parametrize("field,value", [("time_cost", 10**9), ("memory_kib", 2**40),
                                         ("parallelism", 0), ("time_cost", "4"), ("name", "scrypt")])
def test_unreasonable_kdf_parameters_are_refused_at_once(two_users, cli, field, value):
    def edit(obj):
        obj["slots"][0]["kdf"][field] = value

    _edit_header(two_users, edit)
    code, _out, err = cli("check", "--db", two_users)  # refused when the file is read, before any
    assert code == 4 and "key derivation" in err       # derivation could hang or exhaust memory


def test_passphrases_are_compared_in_nfc_and_old_slots_keep_opening(admin_db, db_path):
    decomposed = "blåbärssylt i\u0301 kylen"  # 'í' typed as i + combining acute accent
    composed = unicodedata.normalize("NFC", decomposed)
    assert composed != decomposed
    add_user(admin_db, "bo", Role.VIEWER, decomposed)
    with Database.open(db_path, "bo", composed), Database.open(db_path, "bo", decomposed):
        pass
    # a (version 1) slot wrapped under the passphrase exactly as typed, as before
    # normalisation, still opens
    header = KeyHeader.load(db_path)
    header.slots[header.uid("cleo")] = v1_slot(header, "cleo", decomposed, admin_db.key)
    assert header.open_slot("cleo", decomposed) == (admin_db.key, None)  # a v1 slot: no key pairs
    assert header.open_slot("cleo", composed) is None


def v1_slot(header: KeyHeader, user: str, passphrase: str, key) -> keyslots.Slot:
    """A slot as hrvdesk 1.0 wrote it: the database key wrapped under the passphrase as typed."""
    slot = keyslots.Slot(uid=header.uid(user), kdf=dict(keyslots.FAST_KDF), salt=os.urandom(16),
                         nonce=os.urandom(12), wrapped=b"")
    wrapping = keyslots.derive(passphrase, slot.salt, slot.kdf)
    slot.wrapped = AESGCM(bytes(wrapping)).encrypt(slot.nonce, bytes(key), slot.aad(header.db_id))
    return slot


def test_a_failed_unlock_that_cannot_be_recorded_still_says_why(two_users, cli):
    attempts = fileset.sibling(two_users, fileset.ATTEMPTS_SUFFIX)
    attempts.unlink(missing_ok=True)
    attempts.mkdir()  # the counters cannot be written (as on a full or read-only disk)
    code, _out, err = cli("check", "--db", two_users, user="bo", passphrase="wrong wrong wrong")
    assert code == 3 and "wrong passphrase" in err and "could not be recorded" in err


def test_remembered_key_roundtrip_in_real_keyring_backend(admin_db, db_path):
    assert keystore.available()
    assert keystore.remember(admin_db.header.db_id, ADMIN, admin_db.key)
    db_id = admin_db.header.db_id
    admin_db.close()
    key = keystore.recall(db_id, ADMIN)
    with Database.open_with_key(db_path, ADMIN, key) as db:
        assert db.user == ADMIN
    keystore.forget(db_id, ADMIN)
    assert keystore.recall(db_id, ADMIN) is None


def test_no_keyring_backend_means_option_off(monkeypatch):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    assert not keystore.available()
    assert keystore.remember("x", "y", b"k" * 32) is False
    assert keystore.recall("x", "y") is None


@pytest.mark.slow
def test_new_slots_get_calibrated_parameters_never_below_the_floor(monkeypatch, tmp_path):
    monkeypatch.setattr(keyslots, "DEFAULT_KDF", None)
    monkeypatch.setattr(keyslots, "_calibrated", None)
    # a fast target still keeps the floor; the parameters are stored in the slot
    monkeypatch.setattr(keyslots, "TARGET_KDF_SECONDS", 0.001)
    header = KeyHeader.new(tmp_path / "x.db")
    header.set_slot("anna", PASSPHRASE, b"k" * 32)
    kdf = header.slots[header.uid("anna")].kdf
    assert kdf == keyslots.FLOOR_KDF
    assert kdf["memory_kib"] >= 65536 and kdf["time_cost"] >= 2
    assert header.open_slot("anna", PASSPHRASE)[0] == b"k" * 32

def test_without_a_key_store_remembering_is_not_offered(tmp_path):
    """A fresh program on a workstation without a key store (this machine: no secret
    service) does not pick the in-process test keyring by itself: "remember" would be offered
    and the key forgotten at exit."""
    import subprocess
    import sys

    script = ("import keyring; from hrvdesk.store import keystore; "
              "print(type(keyring.get_keyring()).__module__, keystore.available())")
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env.update(XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    module, usable = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                                    text=True, check=True).stdout.split()
    assert module != keystore.__name__
    if module == "keyring.backends.fail":
        assert usable == "False"
