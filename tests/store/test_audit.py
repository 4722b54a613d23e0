"""The audit log is append-only and its hash chain detects edits, insertions and deletions."""

from __future__ import annotations

import pytest

from hrvdesk.store import audit
from hrvdesk.store.database import Database
from tests.conftest import ADMIN, PASSPHRASE


@pytest.fixture(autouse=True)
def _english():
    from hrvdesk import i18n

    i18n.set_language("en")


@pytest.fixture
def logged(admin_db):
    with admin_db.transaction():
        admin_db.audit("create", target="case:1", fields=("gender", "status"))
        admin_db.audit("update", target="case:1", fields=("status",))
        admin_db.audit("view", target="case:1")
    return admin_db


def _unguard(conn):
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")


def test_chain_verifies_and_records_names_not_values(logged):
    report = audit.verify(logged.conn)
    assert report.ok and report.entries == 4
    entry = audit.entries(logged.conn, action="create")[0]
    assert entry.fields == ("gender", "status") and entry.user == ADMIN


def test_update_and_delete_refused_by_the_database(logged):
    from hrvdesk.store.connection import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"):
        logged.conn.execute("UPDATE audit_log SET user = 'x' WHERE seq = 2")
    with pytest.raises(DatabaseError, match="append-only"):
        logged.conn.execute("DELETE FROM audit_log WHERE seq = 2")


def test_edited_entry_detected(logged, cli, db_path):
    _unguard(logged.conn)
    logged.conn.execute("UPDATE audit_log SET fields = '[\"gender\"]' WHERE seq = 2")
    report = audit.verify(logged.conn)
    assert not report.ok and "2" in report.problem
    logged.close()
    code, _out, err = cli("audit", "--db", db_path, "--verify")
    assert code == 4 and "altered" in err


def test_deleted_middle_entry_detected(logged):
    _unguard(logged.conn)
    logged.conn.execute("DELETE FROM audit_log WHERE seq = 3")
    assert not audit.verify(logged.conn).ok


def test_deleted_last_entry_detected(logged):
    _unguard(logged.conn)
    logged.conn.execute("DELETE FROM audit_log WHERE seq = 4")
    report = audit.verify(logged.conn)
    assert not report.ok and "removed" in report.problem


def test_inserted_entry_detected(logged):
    _unguard(logged.conn)
    rows = logged.conn.execute("SELECT seq, at, user, action, target, fields, detail, prev, hash "
                               "FROM audit_log ORDER BY seq").fetchall()
    logged.conn.execute("DELETE FROM audit_log")
    forged = (3, rows[2][1], "mallory", "view", "case:2", "[]", "{}", rows[1][8], rows[2][8])
    for row in rows[:2] + [forged] + [(r[0] + 1, *r[1:]) for r in rows[2:]]:
        logged.conn.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    assert not audit.verify(logged.conn).ok


def test_check_reports_a_broken_chain_and_changes_nothing(logged, cli, db_path):
    _unguard(logged.conn)
    logged.conn.execute("UPDATE audit_log SET user = 'mallory' WHERE seq = 3")
    logged.close()
    import hashlib

    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    code, out, err = cli("check", "--db", db_path)
    assert code == 4
    assert "ERR" in out and "failed the check" in err
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before


def test_filters(logged):
    logged.close()
    with Database.open(logged.path, ADMIN, PASSPHRASE) as db:
        assert {e.action for e in audit.entries(db.conn, action="unlock")} == {"unlock"}
        assert audit.entries(db.conn, user="nobody") == []
        import datetime as dt

        today = dt.date.today()
        assert len(audit.entries(db.conn, since=today, until=today)) == len(audit.entries(db.conn))
        assert audit.entries(db.conn, until=today - dt.timedelta(days=2)) == []
