"""The key file's update protocol, tried as an unlucky user would: real processes, kill -9
at every step of every update, two processes racing, and a restore killed at every rename.

After each kill the files that are left must open — with the old passphrase when the
process died before the database committed, with the new one after — and ``check`` must
pass. No test here mocks the database or the file system.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hrvdesk.domain.errors import AuthenticationError, DamagedDatabaseError
from hrvdesk.domain.roles import Role
from hrvdesk.store import connection, faults, fileset
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import header_path
from hrvdesk.store.maintenance import backup, check
from hrvdesk.store.users import add_user
from tests.conftest import ADMIN, PASSPHRASE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kill -9 needs POSIX signals")

NEW = "a brand new passphrase"
BO_PASS = "bo's own long passphrase"

# The child process is the real command line, with the tests' fast key derivation.
_CHILD = ("import sys; from hrvdesk.store import keyslots; keyslots.DEFAULT_KDF = keyslots.FAST_KDF; "
          "from hrvdesk.cli import main; sys.exit(main(sys.argv[1:]))")


def run_cli(args, *, passphrase=PASSPHRASE, user=ADMIN, new=None, kill_at=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("HRVDESK_")}
    env.update({"HRVDESK_PASSPHRASE": passphrase, "HRVDESK_USER": user})
    if new is not None:
        env["HRVDESK_NEW_PASSPHRASE"] = new
    if kill_at is not None:
        env[faults.ENV] = kill_at
    return subprocess.run([sys.executable, "-c", _CHILD, "--lang", "en", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=120)


def opens(path: Path, user: str, passphrase: str) -> bool:
    try:
        with Database.open(path, user, passphrase):
            return True
    except AuthenticationError:
        return False


def users_of(path: Path) -> set[str]:
    with Database.open(path, ADMIN, PASSPHRASE if opens(path, ADMIN, PASSPHRASE) else NEW) as db:
        return {name for (name,) in db.conn.execute("SELECT name FROM users")}


def assert_sound(path: Path, user: str, passphrase: str) -> None:
    report, db = check(path, user, passphrase)
    assert report.ok, [(i.name, i.detail) for i in report.items if not i.ok]
    db.close()
    assert not fileset.sibling(path, fileset.PENDING_SUFFIX).exists()


@pytest.fixture
def with_bo(admin_db, db_path):
    add_user(admin_db, "bo", Role.VIEWER, BO_PASS)
    admin_db.close()
    return db_path


# (command, arguments, new passphrase, committed?) -> what must hold afterwards
UPDATES = {
    "passwd": (["passwd", "--user", ADMIN], NEW),
    "user add": (["user", "add", "cleo", "--role", "viewer"], "cleo's long passphrase"),
    "user remove": (["user", "remove", "bo"], None),
    "rekey": (["rekey"], None),
}


def key_of(path: Path) -> bytearray:
    with Database.open(path, "bo", BO_PASS) as db:
        return bytearray(db.key)


def old_key_opens(path: Path, key: bytearray) -> bool:
    try:
        conn = connection.connect(path, key, readonly=True)
    except DamagedDatabaseError:
        return False
    conn.close()
    return True


def _after(command: str, path: Path, committed: bool, old_key: bytearray) -> None:
    if command in ("rekey", "user remove"):  # both give the database a new key
        assert old_key_opens(path, old_key) is not committed
    if command == "rekey":
        assert opens(path, "bo", BO_PASS)
    elif command == "passwd":
        assert opens(path, ADMIN, NEW) is committed
        assert opens(path, ADMIN, PASSPHRASE) is not committed
        assert opens(path, "bo", BO_PASS)
    elif command == "user add":
        assert opens(path, "cleo", "cleo's long passphrase") is committed
        assert ("cleo" in users_of(path)) is committed
    else:
        assert opens(path, "bo", BO_PASS) is not committed
        assert ("bo" in users_of(path)) is not committed
    admin_pass = NEW if command == "passwd" and committed else PASSPHRASE
    assert opens(path, ADMIN, admin_pass)
    assert_sound(path, ADMIN, admin_pass)


@pytest.mark.parametrize("settler", ["admin", "the user concerned"])
@pytest.mark.parametrize("point", faults.KEY_UPDATE)
@pytest.mark.parametrize("command", sorted(UPDATES))
def test_a_key_update_killed_at_any_step_leaves_a_database_that_opens(with_bo, command, point, settler):
    args, new = UPDATES[command]
    old_key = key_of(with_bo)
    result = run_cli([*args, "--db", with_bo], new=new, kill_at=point)
    assert result.returncode == -signal.SIGKILL, result.stderr
    committed = point != "key-update:pending-written"
    if point == "key-update:promoted":
        assert not fileset.sibling(with_bo, fileset.PENDING_SUFFIX).exists()
    else:
        assert fileset.sibling(with_bo, fileset.PENDING_SUFFIX).exists()
    if settler == "admin":  # someone not concerned by the update unlocks first
        admin_pass = NEW if command == "passwd" and committed else PASSPHRASE
        assert opens(with_bo, ADMIN, admin_pass)
    _after(command, with_bo, committed, old_key)


@pytest.mark.parametrize("command", sorted(UPDATES))
def test_the_same_update_without_a_kill_is_the_committed_case(with_bo, command):
    args, new = UPDATES[command]
    old_key = key_of(with_bo)
    result = run_cli([*args, "--db", with_bo], new=new)
    assert result.returncode == 0, result.stderr
    _after(command, with_bo, committed=True, old_key=old_key)


def test_a_leftover_pair_is_settled_by_a_remembered_key_too(with_bo):
    run_cli(["passwd", "--user", ADMIN, "--db", with_bo], new=NEW, kill_at="key-update:committed")
    with Database.open(with_bo, "bo", BO_PASS) as db:  # settles: the new header is promoted
        key = bytearray(db.key)
    assert not fileset.sibling(with_bo, fileset.PENDING_SUFFIX).exists()
    with Database.open_with_key(with_bo, "bo", key):
        pass
    assert opens(with_bo, ADMIN, NEW)


def test_a_failed_unlock_never_rewrites_the_key_file(with_bo):
    keys = header_path(with_bo)
    before = keys.read_bytes()
    for _ in range(3):
        assert run_cli(["check", "--db", with_bo], user="bo", passphrase="wrong wrong wrong").returncode == 3
    assert keys.read_bytes() == before
    assert fileset.Attempts(with_bo).counters  # counted elsewhere


def test_a_failed_unlock_loaded_before_a_passphrase_change_cannot_put_the_old_slots_back(with_bo):
    """The reported race, made deterministic: bo's failing unlock has read its state, then
    anna changes her passphrase, then bo's failure is recorded from that stale state."""
    stale = fileset.Attempts(with_bo)  # what bo's process had read before the change
    assert run_cli(["passwd", "--user", ADMIN, "--db", with_bo], new=NEW).returncode == 0
    after_change = header_path(with_bo).read_bytes()
    assert stale.record_failure("bo-slot", 1.0) == ""  # recorded ...
    assert header_path(with_bo).read_bytes() == after_change  # ... without touching the key file
    assert opens(with_bo, ADMIN, NEW)
    assert not opens(with_bo, ADMIN, PASSPHRASE)


def test_racing_failed_unlocks_and_a_passphrase_change(with_bo):
    """Two real processes at once, several times: whatever the interleaving, afterwards
    the new passphrase opens and the old one does not."""
    passphrases = [PASSPHRASE, NEW]
    for round_ in range(4):
        old, new = passphrases[round_ % 2], passphrases[(round_ + 1) % 2]
        env = {k: v for k, v in os.environ.items() if not k.startswith("HRVDESK_")}
        failing = [subprocess.Popen(
            [sys.executable, "-c", _CHILD, "check", "--db", str(with_bo)],
            env={**env, "HRVDESK_USER": "bo", "HRVDESK_PASSPHRASE": "wrong wrong wrong"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(3)]
        changing = run_cli(["passwd", "--user", ADMIN, "--db", with_bo], passphrase=old, new=new)
        codes = [p.wait(timeout=120) for p in failing]
        assert changing.returncode == 0, changing.stderr
        assert set(codes) <= {3}, codes
        assert opens(with_bo, ADMIN, new)
        assert not opens(with_bo, ADMIN, old)


# --- restore --------------------------------------------------------------------------------


_CRASH_AFTER_ADDING_BO = (
    "import os, signal, sys; from hrvdesk.store import keyslots; "
    "keyslots.DEFAULT_KDF = keyslots.FAST_KDF; from hrvdesk.store.database import Database; "
    "from hrvdesk.store.users import add_user; db = Database.open(sys.argv[1], sys.argv[2], sys.argv[3]); "
    "add_user(db, 'bo', 'viewer', sys.argv[4]); os.kill(os.getpid(), signal.SIGKILL)")


@pytest.fixture
def restorable(admin_db, db_path, tmp_path):
    """A backup, and the database after a change that sits in the WAL of an app that crashed
    (so that a restore has every one of the database's files to move aside)."""
    out = tmp_path / "copy.db"
    backup(admin_db, out)
    admin_db.close()
    crashed = subprocess.run([sys.executable, "-c", _CRASH_AFTER_ADDING_BO, str(db_path), ADMIN,
                              PASSPHRASE, BO_PASS], capture_output=True, text=True, timeout=120)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    assert all(fileset.sibling(db_path, s).exists() for s in fileset.MEMBER_SUFFIXES)
    return db_path, out


@pytest.mark.parametrize("point", faults.RESTORE)
def test_a_restore_killed_at_any_step_leaves_a_database_that_opens(restorable, point):
    db_path, out = restorable
    result = run_cli(["restore", "--from", out, "--db", db_path], kill_at=point)
    assert result.returncode == -signal.SIGKILL, result.stderr
    journal_written = faults.RESTORE.index(point) >= faults.RESTORE.index("restore:journal-written")
    with Database.open(db_path, ADMIN, PASSPHRASE) as db:
        names = {name for (name,) in db.conn.execute("SELECT name FROM users")}
    # before the journal: the restore never happened; after it: it is finished by the unlock
    assert ("bo" in names) is not journal_written
    assert not fileset.sibling(db_path, fileset.JOURNAL_SUFFIX).exists()
    assert not fileset.sibling(db_path, fileset.STAGED_DB_SUFFIX).exists()
    if journal_written:
        assert fileset.sibling(db_path, fileset.BEFORE_RESTORE).exists()
    assert_sound(db_path, ADMIN, PASSPHRASE)
