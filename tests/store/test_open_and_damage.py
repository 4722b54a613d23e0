"""Opening: success, wrong passphrase, unknown user, damaged and foreign files."""

from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest

from hrvdesk.domain.errors import AuthenticationError, DamagedDatabaseError, NewerVersionError
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import header_path
from tests.conftest import ADMIN, PASSPHRASE


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def closed_db(admin_db, db_path):
    admin_db.close()
    return db_path


def test_create_then_open_as_admin(closed_db):
    with Database.open(closed_db, ADMIN, PASSPHRASE) as db:
        assert db.session.is_admin
        codes = [r[0] for r in db.conn.execute("SELECT code FROM administrations ORDER BY code")]
        assert codes == sorted(["KLF", "UBF", "SOC", "AVUX", "KOF", "SBF", "VOF"])
        assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert oct(os.stat(closed_db).st_mode & 0o777) == "0o600"
    assert oct(os.stat(header_path(closed_db)).st_mode & 0o777) == "0o600"


def test_create_refuses_existing_file(closed_db, cli):
    before = digest(closed_db)
    code, _out, err = cli("init", "--db", closed_db, new_passphrase=PASSPHRASE)
    assert code == 5
    assert "already exists" in err
    assert digest(closed_db) == before


@pytest.mark.parametrize("user,secret", [(ADMIN, "wrong passphrase!"), ("nobody", PASSPHRASE)])
def test_wrong_passphrase_or_unknown_user_exit_3_file_identical(closed_db, cli, user, secret):
    before = digest(closed_db)
    code, out, err = cli("check", "--db", closed_db, user=user, passphrase=secret)
    assert code == 3
    assert err.strip() == "Unknown user or wrong passphrase."
    assert "Traceback" not in err
    assert digest(closed_db) == before


def _flip(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["first page", "middle", "last byte"])
def test_bit_flip_exit_4_untouched(closed_db, cli, where):
    size = closed_db.stat().st_size
    offset = {"first page": 100, "middle": size // 2 + 7, "last byte": size - 1}[where]
    _flip(closed_db, offset)
    before = digest(closed_db)
    code, _out, err = cli("check", "--db", closed_db)
    assert code == 4
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert digest(closed_db) == before


def test_truncated_file_exit_4(closed_db, cli):
    data = closed_db.read_bytes()
    closed_db.write_bytes(data[: len(data) // 2 + 100])
    before = digest(closed_db)
    code, _out, err = cli("check", "--db", closed_db)
    assert code == 4 and "Traceback" not in err
    assert digest(closed_db) == before


def test_plain_sqlite_file_with_foreign_key_file_is_refused(tmp_path, closed_db, cli):
    other = tmp_path / "plain.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    header_path(other).write_bytes(header_path(closed_db).read_bytes())
    before = digest(other)
    code, _out, err = cli("check", "--db", other)
    assert code == 4 and "Traceback" not in err
    assert digest(other) == before


def test_missing_key_file_is_not_a_hrvdesk_database(tmp_path, cli):
    stray = tmp_path / "notes.db"
    stray.write_bytes(b"just some bytes" * 100)
    code, _out, err = cli("check", "--db", stray)
    assert code == 4
    assert "not a hrvdesk database" in err


def test_garbage_key_file(tmp_path, closed_db, cli):
    header_path(closed_db).write_text("{not json")
    code, _out, err = cli("check", "--db", closed_db)
    assert code == 4 and "damaged" in err


def newer_schema(path, readable_from: int) -> None:
    """What a newer hrvdesk leaves behind: schema 999, readable back to ``readable_from``."""
    from hrvdesk.store.migrations import COMPATIBLE_KEY

    with Database.open(path, ADMIN, PASSPHRASE) as db, db.transaction() as conn:
        conn.execute("PRAGMA user_version = 999")
        conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                     (COMPATIBLE_KEY, str(readable_from)))


def test_newer_schema_is_refused_untouched(closed_db):
    from hrvdesk.store import connection

    newer_schema(closed_db, 999)
    before = digest(closed_db)
    with pytest.raises(NewerVersionError) as err:
        Database.open(closed_db, ADMIN, PASSPHRASE)
    assert err.value.exit_code == 4
    assert "nyare version" in str(err.value)
    assert digest(closed_db) == before
    del connection


def test_a_newer_schema_that_only_added_is_read_and_never_written(closed_db, cli, tmp_path):
    """Workstations update at different times: a database upgraded additively by a newer
    hrvdesk opens here read-only, and every change is refused with the reason."""
    from hrvdesk import i18n
    from hrvdesk.domain.training import Headcount
    from hrvdesk.store import inuse, training_repo
    from hrvdesk.store.migrations import latest_version, readable_from

    i18n.set_language("en")
    assert readable_from(latest_version()) < latest_version()  # the newest migrations only add
    newer_schema(closed_db, latest_version())
    with Database.open(closed_db, ADMIN, PASSPHRASE) as db:
        assert db.read_only and not db.become_writer()
        assert training_repo.headcounts(db) == []
        with pytest.raises(inuse.InUseError, match="newer version of hrvdesk"):
            training_repo.save_headcount(db, Headcount(2025, "UBF", 10))
        assert db.conn.execute("PRAGMA user_version").fetchone()[0] == 999  # not migrated down
    csv = tmp_path / "hr.csv"
    csv.write_text("year;administration;headcount\n2025;UBF;10\n", encoding="utf-8")
    code, _out, err = cli("import", "headcount", csv, "--db", closed_db, lang="en")
    assert code == 7 and "newer version of hrvdesk" in err


def test_swedish_error_messages(closed_db, cli):
    code, _out, err = cli("check", "--db", closed_db, passphrase="fel lösenord", lang="sv")
    assert code == 3
    assert err.strip() == "Okänd användare eller fel lösenfras."


def test_error_classes_match_exit_codes():
    assert AuthenticationError("x").exit_code == 3
    assert DamagedDatabaseError("x").exit_code == 4
