"""Errors sorted by cause (issue 15): known SQLite conditions by result code become their
sentence and exit code; anything else is a bug (exit 1, a trace in the log), never "damaged"."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlcipher3

from hrvdesk.domain.errors import DamagedDatabaseError
from hrvdesk.store import connection


def sqlite_error(sql: str, path=":memory:"):
    conn = sqlcipher3.connect(str(path))
    try:
        conn.execute(sql)
    except sqlcipher3.DatabaseError as exc:
        return exc
    finally:
        conn.close()
    raise AssertionError("no error")


def test_known_conditions_by_result_code(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 300)
    assert isinstance(connection.classify(sqlite_error("SELECT * FROM sqlite_master", garbage), garbage),
                      DamagedDatabaseError)
    readonly = tmp_path / "ro.db"
    sqlcipher3.connect(str(readonly)).execute("CREATE TABLE t(x)").connection.close()
    conn = sqlcipher3.connect(readonly.resolve().as_uri() + "?mode=ro", uri=True)
    with pytest.raises(sqlcipher3.DatabaseError) as err:
        conn.execute("INSERT INTO t VALUES (1)")
    conn.close()
    assert "read-only" in connection.classify(err.value, readonly).message or \
        "skrivskyddad" in connection.classify(err.value, readonly).message


def test_anything_else_is_a_bug_not_a_damaged_file():
    assert connection.classify(sqlite_error("SELECT * FROM no_such_table"), Path("x.db")) is None


def test_the_command_line_reports_a_bug_as_a_bug(cli, admin_db, db_path, monkeypatch, tmp_path):
    from hrvdesk import cli as cli_module

    admin_db.close()

    def broken(args):
        raise sqlite_error("SELECT * FROM no_such_table")

    monkeypatch.setattr(cli_module, "cmd_check", broken)
    code, _out, err = cli("check", "--db", db_path)
    assert code == 1 and "internal error" in err and "damaged" not in err
    logs = list(Path(tmp_path / "home").rglob("errors.log"))
    assert logs and "OperationalError" in logs[0].read_text()
