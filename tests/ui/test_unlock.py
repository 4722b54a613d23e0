"""Unlocking: success, each failure's own message, remembering the key, creating a database,
and the work running off the GUI thread."""

from __future__ import annotations

import re
import threading

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QEvent, QObject, Qt

from hrvdesk.domain.errors import AuthenticationError
from hrvdesk.store import keystore, users
from hrvdesk.store.database import Database
from hrvdesk.ui.app import App
from hrvdesk.ui.dialogs import OPEN_FILE, QUESTION, SAVE_FILE
from hrvdesk.ui.sections.administration import UserDialog
from hrvdesk.ui.tasks import SyncRunner, ThreadRunner
from hrvdesk.ui.unlock import CreateDatabaseDialog, format_delay
from tests.conftest import ADMIN, PASSPHRASE
from tests.ui.conftest import OTHER_PASSPHRASE, flush_deletes, unlock


@pytest.fixture
def english(app):
    app.set_language("en")


def test_unlock_opens_the_main_window_with_file_and_user_in_the_title(app, db_file, settings, qtbot):
    window = unlock(app, db_file, qtbot=qtbot)
    assert window is not None and window.isVisible()
    assert not app.unlock.isVisible()
    assert db_file.name in window.windowTitle() and ADMIN in window.windowTitle()
    assert "DEMO" not in window.windowTitle()
    assert app.db.user == ADMIN
    assert settings.get("last_database") == str(db_file)
    assert app.unlock.passphrase.text() == ""  # not kept in the widget


def test_last_database_is_offered_next_time(app, db_file, settings):
    settings.put("last_database", str(db_file))
    app.start()
    assert app.unlock.path == db_file
    assert db_file.name in app.unlock.file_label.text()


def test_wrong_passphrase_and_unknown_user_get_the_same_message(app, db_file, english):
    unlock(app, db_file, passphrase="not the passphrase at all")
    wrong = app.unlock.message.text()
    unlock(app, db_file, user="nobody")
    assert app.unlock.message.text() == wrong
    assert "Wrong user name or passphrase" in wrong
    assert app.window is None and app.db is None


def test_locked_out_says_how_long_to_wait(app, db_file, english):
    for _attempt in range(5):
        unlock(app, db_file, passphrase="wrong passphrase!")
    assert "Wrong user name" in app.unlock.message.text()
    unlock(app, db_file)  # even the right passphrase waits now
    match = re.search(r"Too many failed attempts\. You can try again in (\d+) seconds?\.", app.unlock.message.text())
    assert match, app.unlock.message.text()
    assert 1 <= int(match.group(1)) <= 5
    assert not app.unlock.unlock_button.isEnabled()
    assert app.window is None


def test_delay_in_words(app, english):
    assert format_delay(1) == "1 second"
    assert format_delay(44.2) == "45 seconds"
    assert format_delay(125) == "2 minutes 5 seconds"
    assert format_delay(60) == "1 minute"


def test_damaged_file_message(app, db_file, english):
    data = bytearray(db_file.read_bytes())
    data[5000:5100] = b"\x00" * 100  # a page no longer authenticates
    db_file.write_bytes(bytes(data))
    unlock(app, db_file)
    text = app.unlock.message.text()
    assert text.startswith("This file cannot be opened: it is damaged or is not a hrvdesk database.")
    assert app.window is None


def test_foreign_file_message(app, tmp_path, english):
    other = tmp_path / "notes.db"
    other.write_text("just a text file")
    unlock(app, other)
    assert app.unlock.message.text().startswith("This file cannot be opened")
    assert "key file" in app.unlock.message.text()


def test_newer_version_message(app, db_file, english):
    from tests.store.test_open_and_damage import newer_schema

    newer_schema(db_file, 999)   # a newer schema that this version cannot read
    unlock(app, db_file)
    assert app.unlock.message.text().startswith("This database was made by a newer version of hrvdesk")
    assert app.window is None


def test_an_additively_newer_database_opens_read_only_and_says_why(app, db_file, english):
    from hrvdesk.store.migrations import latest_version
    from tests.store.test_open_and_damage import newer_schema

    newer_schema(db_file, latest_version())
    window = unlock(app, db_file)
    assert window is not None and app.db.read_only
    assert "upgraded by a newer version of hrvdesk" in window.in_use.text()
    assert not window.in_use.isHidden() and window.take_over.isHidden()


def test_remembered_key_unlocks_without_passphrase(app, db_file):
    app.start(db_file)
    assert app.unlock.remember.isVisibleTo(app.unlock)
    unlock(app, db_file, remember=True)
    assert app.window is not None
    app.lock()
    app.unlock.user.setText(ADMIN)
    app.unlock.user.editingFinished.emit()
    assert app.unlock.remember.isChecked()  # a key is remembered for this user
    unlock(app, db_file, passphrase="")
    assert app.window is not None and app.db.user == ADMIN
    # unticking forgets it
    app.lock()
    unlock(app, db_file, remember=False)
    assert keystore.recall(app.db.header.db_id, ADMIN) is None


def test_remember_is_not_offered_without_a_key_store(qapp, qtbot, settings, dialogs, db_file):
    keyring.set_keyring(fail.Keyring())
    application = App(settings=settings, dialogs=dialogs, tasks=SyncRunner())
    try:
        application.start(db_file)
        qtbot.waitUntil(application.unlock.remember.isEnabled)  # the key store was asked
        assert not application.unlock.remember.isVisibleTo(application.unlock)
    finally:
        application.shutdown()
        flush_deletes()


def _remember_key(db_file, user: str = ADMIN) -> None:
    with Database.open(db_file, user, PASSPHRASE) as db:
        assert keystore.remember(db.header.db_id, user, db.remembered_secret())


class _PaintWatcher(QObject):
    """What "remember" looked like at each paint of the watched dialog (before it painted)."""

    def __init__(self, dialog):
        super().__init__()
        self.seen: list[tuple[bool, bool, bool]] = []
        self._box = dialog.remember
        dialog.installEventFilter(self)

    def eventFilter(self, watched, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            self.seen.append((self._box.isVisibleTo(watched), self._box.isEnabled(), self._box.isChecked()))
        return False


@pytest.mark.parametrize("store", ["memory", "none"])
def test_remember_is_decided_right_after_the_first_paint(app, db_file, qtbot, store):
    _remember_key(db_file)
    if store == "none":
        keyring.set_keyring(fail.Keyring())
    dialog = app.unlock
    watcher = _PaintWatcher(dialog)
    dialog.set_user(ADMIN)
    app.start(db_file)
    assert (dialog.remember.isVisibleTo(dialog), dialog.remember.isEnabled()) == (True, False)
    qtbot.waitUntil(lambda: bool(watcher.seen))
    assert watcher.seen[0] == (True, False, False)  # painted before the key store was asked
    qtbot.waitUntil(dialog.remember.isEnabled)
    if store == "memory":  # offered, and ticked: a key is remembered for this user and file
        assert dialog.remember.isVisibleTo(dialog) and dialog.remember.isChecked()
    else:
        assert not dialog.remember.isVisibleTo(dialog)


def test_an_attempt_before_the_first_paint_asks_the_key_store_first(app, db_file):
    _remember_key(db_file)
    app.start(db_file)
    app.unlock.set_user(ADMIN)
    assert not app.unlock.remember.isEnabled()  # not painted yet: nothing was asked
    unlock(app, db_file, passphrase="")  # the remembered key, as if it had been asked at once
    assert app.window is not None and app.db.user == ADMIN
    assert keystore.recall(app.db.header.db_id, ADMIN) is not None  # still ticked: kept


def test_open_another_file(app, db_file, tmp_path, dialogs):
    app.start(None)
    assert app.unlock.file_label.text().startswith("Ingen databas vald.")  # Swedish by default
    dialogs.expect(OPEN_FILE, db_file)
    app.unlock.open_button.click()
    assert app.unlock.path == db_file
    assert unlock(app, db_file) is not None


def test_create_new_database_with_a_second_administrator(app, tmp_path, dialogs, english):
    target = tmp_path / "new.db"
    app.start(None)
    app.unlock.create_button.click()
    create = app.unlock.findChild(CreateDatabaseDialog)
    assert create is not None and create.isVisible()
    assert "cannot be recovered" in create.warning.text()
    dialogs.expect(SAVE_FILE, target)
    create.choose.click()
    assert create.file.text() == str(target)
    create.user.setText("berit")
    create.passphrase.first.setText("short")
    assert create.passphrase.strength_text == "too short"
    create.passphrase.first.setText("aaaaaaaaaaaa")
    assert create.passphrase.strength_text == "weak"
    create.passphrase.first.setText(PASSPHRASE)
    assert create.passphrase.strength_text == "strong"
    create.passphrase.second.setText(PASSPHRASE + "x")
    create.ok_button.click()
    assert "The two passphrases differ." in create.message.text()
    assert "Confirm that you understand" in create.message.text()
    assert not target.exists()
    create.passphrase.second.setText(PASSPHRASE)
    create.understood.setChecked(True)
    dialogs.expect(QUESTION, True)  # add a second administrator? yes
    create.ok_button.click()
    assert target.exists()
    assert app.window is not None and app.db.user == "berit"
    second = app.window.findChild(UserDialog)
    assert second is not None and second.isVisible() and not second.role.isEnabled()
    second.name.setText("cecilia")
    second.passphrase.first.setText(OTHER_PASSPHRASE)
    second.passphrase.second.setText(OTHER_PASSPHRASE)
    second.ok_button.click()
    assert not second.isVisible(), second.message.text()
    assert [(u.name, u.role.value) for u in users.list_users(app.db)] == [("berit", "admin"), ("cecilia", "admin")]
    with Database.open(target, "cecilia", OTHER_PASSPHRASE) as db:
        assert db.session.is_admin


def test_create_refuses_an_existing_file(app, db_file, dialogs, english):
    app.start(None)
    create = app.show_create()
    dialogs.expect(SAVE_FILE, db_file)
    create.choose.click()
    create.user.setText("berit")
    create.passphrase.first.setText(PASSPHRASE)
    create.passphrase.second.setText(PASSPHRASE)
    create.understood.setChecked(True)
    create.ok_button.click()
    assert "already exists" in create.message.text()
    assert app.window is None


def test_unlocking_runs_off_the_gui_thread(qapp, qtbot, settings, dialogs, db_file, monkeypatch):
    threads = []
    real_open = Database.open

    def recording_open(*args, **kwargs):
        threads.append(threading.current_thread())
        return real_open(*args, **kwargs)

    monkeypatch.setattr(Database, "open", recording_open)
    application = App(settings=settings, dialogs=dialogs, tasks=ThreadRunner())
    try:
        application.start(db_file)
        application.unlock.user.setText(ADMIN)
        application.unlock.passphrase.setText(PASSPHRASE)
        qtbot.mouseClick(application.unlock.unlock_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: application.window is not None, timeout=10_000)
        assert threads and threads[0] is not threading.main_thread()
        assert application.window.isVisible()
    finally:
        application.shutdown()
        flush_deletes()


def test_change_own_passphrase_asks_for_the_current_one(admin_window, app, db_file, english):
    dialog = admin_window.change_passphrase()
    dialog.current.setText("wrong passphrase here")
    dialog.passphrase.first.setText(OTHER_PASSPHRASE)
    dialog.passphrase.second.setText(OTHER_PASSPHRASE)
    dialog.ok_button.click()
    assert "Wrong user name or passphrase" in dialog.message.text()
    dialog.current.setText(PASSPHRASE)
    dialog.ok_button.click()
    assert not dialog.isVisible()
    with pytest.raises(AuthenticationError):
        Database.open(db_file, ADMIN, PASSPHRASE)
    with Database.open(db_file, ADMIN, OTHER_PASSPHRASE):
        pass
