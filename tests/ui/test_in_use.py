"""The desktop app while another process writes in the same database: the window says who and
since when, changes are refused with that sentence, an administrator takes over a silent writer
with one button, and the writer's heartbeat tells it when it was taken over."""

from __future__ import annotations

import os

import pytest

from hrvdesk.domain.training import Headcount
from hrvdesk.store import inuse, training_repo
from tests.conftest import ADMIN
from tests.store.test_inuse import Writer
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, unlock

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the writer is a second process")


@pytest.fixture(autouse=True)
def english(app):
    app.set_language("en")


@pytest.fixture
def writer(db_file):
    process = Writer(db_file, EDITOR, OTHER_PASSPHRASE)
    yield process
    process.stop()


def test_the_window_names_the_writer_and_the_administrator_takes_over(app, db_file, writer):
    window = unlock(app, db_file)
    assert window is not None and app.db.read_only
    assert not window.in_use.isHidden() and window.take_over.isHidden()
    assert f"{EDITOR} has been working in this database" in window.in_use.text()
    with pytest.raises(inuse.InUseError, match=EDITOR):
        training_repo.save_headcount(app.db, Headcount(2025, "UBF", 10))

    assert writer.say("age") == "aged"
    app.check_writing()   # what the minute timer does
    assert not window.take_over.isHidden() and "may take over" in window.in_use.text()
    window.take_over.click()
    assert not app.db.read_only and window.in_use.isHidden()
    training_repo.save_headcount(app.db, Headcount(2025, "UBF", 10))
    assert writer.say("beat") == "beat False"
    app.check_writing()
    assert not app.db.read_only and app.db.writing.lease.user == ADMIN


def test_a_reader_becomes_the_writer_when_the_writer_closes(app, db_file, writer):
    window = unlock(app, db_file)
    assert app.db.read_only
    writer.stop()
    app.check_writing()
    assert not app.db.read_only and window.in_use.isHidden()
    assert window.statusBar().currentMessage() == "You now write in this database."


def test_a_writer_without_others_shows_nothing(app, db_file):
    window = unlock(app, db_file)
    assert not app.db.read_only and window.in_use.isHidden()
    app.check_writing()
    assert not app.db.read_only and window.statusBar().currentMessage() != (
        "Someone else now writes in this database: you have it read-only.")
