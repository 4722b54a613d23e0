"""The daily full page check after unlock (issue 13): it runs, is audited, finds damage,
and does not run again the same day."""

from __future__ import annotations

import datetime as dt

from hrvdesk.services import integrity
from hrvdesk.store import audit
from hrvdesk.store.maintenance import page_scan
from tests.conftest import ADMIN, PASSPHRASE
from tests.ui.conftest import unlock


def scans(db):
    return audit.entries(db.conn, action="page_scan")


def test_the_page_check_runs_once_a_day_after_unlock(app, db_file):
    assert unlock(app, db_file, ADMIN, PASSPHRASE) is not None
    [entry] = scans(app.db)
    assert entry.detail == {"damaged_pages": 0}
    assert not integrity.due(app.db)
    assert integrity.due(app.db, now=entry.when + dt.timedelta(days=1))
    app.lock()
    assert unlock(app, db_file, ADMIN, PASSPHRASE) is not None
    assert len(scans(app.db)) == 1  # not again the same day


def test_the_page_check_counts_damaged_pages(admin_db, db_path):
    key = bytearray(admin_db.key)
    admin_db.close()
    data = bytearray(db_path.read_bytes())
    data[4096 + 100] ^= 0xFF  # a byte inside the second page
    db_path.write_bytes(bytes(data))
    assert page_scan(db_path, key) >= 1
