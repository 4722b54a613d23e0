"""One database, two threads: the desktop app runs imports and reports in a worker thread
while the window's timers keep using the same connection. A transaction holds the database
for its whole length, so another thread's statement waits for it and never becomes part of it.

Each test leaves the second thread half a second to run into the open transaction: without
the lock it reads or writes inside it at once and the test fails; on a machine so loaded that
it does not get there in time it runs afterwards and the test passes, never wrongly fails."""

from __future__ import annotations

import threading

import pytest

from hrvdesk.store import audit

IN_TIME = 0.5  # how long the second thread has to run into the open transaction


class Rollback(Exception):
    pass


def _transaction_open_in_a_worker(db, action: str):
    """A worker thread that writes an audit entry inside a transaction, waits for ``release``
    and then rolls the transaction back. Returns (inside, release, thread)."""
    inside, release = threading.Event(), threading.Event()

    def work():
        with pytest.raises(Rollback):
            with db.transaction():
                db.audit(action)
                inside.set()
                release.wait(30)
                raise Rollback

    worker = threading.Thread(target=work)
    worker.start()
    assert inside.wait(30)
    return release, worker


def _in_thread(fn):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", fn()))
    thread.start()
    return thread, result


def test_a_read_from_another_thread_waits_and_never_sees_uncommitted_rows(admin_db):
    release, worker = _transaction_open_in_a_worker(admin_db, "import")
    reader, seen = _in_thread(lambda: audit.count(admin_db.conn, action="import"))
    reader.join(IN_TIME)
    assert reader.is_alive() or seen["value"] == 0  # the row it would see is rolled back
    release.set()
    worker.join(30)
    reader.join(30)
    assert seen["value"] == 0
    assert audit.count(admin_db.conn, action="import") == 0


def test_a_write_from_another_thread_waits_and_is_its_own_transaction(admin_db):
    release, worker = _transaction_open_in_a_worker(admin_db, "import")
    writer, _result = _in_thread(lambda: admin_db.audited("check"))
    writer.join(IN_TIME)
    release.set()
    worker.join(30)
    writer.join(30)
    assert not writer.is_alive()
    # the worker's rollback took only its own entry; the other thread's is kept, chain intact
    assert audit.count(admin_db.conn, action="import") == 0
    assert audit.count(admin_db.conn, action="check") == 1
    assert audit.verify(admin_db.conn).ok


def test_closing_waits_for_a_workers_transaction(admin_db):
    release, worker = _transaction_open_in_a_worker(admin_db, "import")
    closer, _result = _in_thread(admin_db.close)
    closer.join(IN_TIME)
    assert closer.is_alive()  # the connection is not closed under the worker
    release.set()
    worker.join(30)
    closer.join(30)
    assert admin_db.conn is None
