"""Locking: after idle time (shortened), on Ctrl+L and on the screen lock; every data view is
hidden, the key is wiped, the clipboard is cleared only when it still holds our copy."""

from __future__ import annotations

import ctypes

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from hrvdesk.store import audit
from hrvdesk.store.database import Database
from hrvdesk.ui.app import App
from hrvdesk.ui.locking import CONCEALED_HINT, WINDOWS_HINTS
from hrvdesk.ui.session_lock_native import MSG, WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK
from hrvdesk.ui.dialogs import SAVE_FILE
from hrvdesk.ui.sections.administration import BackupPanel, UsersPanel
from hrvdesk.ui.tasks import TaskRunner
from tests.conftest import ADMIN, PASSPHRASE
from tests.ui.conftest import flush_deletes, unlock, visible_windows


def assert_locked(app: App, db: Database) -> None:
    assert app.db is None and app.window is None
    assert db.conn is None and not any(db.key)  # closed, key wiped
    assert visible_windows() == [app.unlock]
    assert app.unlock.isEnabled()


def lock_reasons(path) -> list[str]:
    with Database.open(path, ADMIN, PASSPHRASE) as db:
        return [e.detail.get("reason") for e in audit.entries(db.conn, action="lock")]


def test_locks_after_idle_time(app, admin_window, db_file, qtbot):
    db = app.db
    app.idle.set_interval_ms(150)
    qtbot.waitUntil(lambda: app.db is None, timeout=3000)
    assert_locked(app, db)
    assert "efter en stund utan användning" in app.unlock.message.text()  # Swedish by default
    assert not app.idle.active
    assert lock_reasons(db_file) == ["idle"]


def test_input_restarts_the_idle_timer(app, admin_window, qtbot):
    """Driven, not raced: the timer is stopped by hand, input must start it again, and only
    its timeout locks (no waiting for wall-clock time on a loaded machine)."""
    timer = app.idle._timer
    app.idle.set_interval_ms(60 * 60 * 1000)
    for step, send in enumerate((lambda: QTest.mouseMove(admin_window.nav, QPoint(5, 5 + 1)),
                                 lambda: qtbot.keyClick(admin_window.nav, Qt.Key.Key_Down))):
        timer.stop()
        assert not app.idle.active
        send()
        assert app.idle.active, f"input {step} did not restart the idle timer"
        assert timer.remainingTime() > 59 * 60 * 1000
        assert app.db is not None
    timer.timeout.emit()  # the idle time has passed
    qtbot.waitUntil(lambda: app.db is None, timeout=3000)


def test_ctrl_l_locks(app, admin_window, db_file, qtbot):
    db = app.db
    qtbot.keyClick(admin_window.nav, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert_locked(app, db)


def test_ctrl_l_in_a_modal_form_hides_every_data_view(app, admin_window, db_file, qtbot):
    db = app.db
    users_panel = admin_window.show_section("administration").show_panel(UsersPanel)
    dialog = users_panel.add_user()  # an open form
    dialog.passphrase.first.setText("typed but not submitted")
    other = QWidget()  # another top-level window showing data
    other.setWindowTitle("detail")
    other.show()
    assert dialog.isVisible() and other.isVisible()
    qtbot.keyClick(dialog.name, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert_locked(app, db)
    assert not other.isVisible()
    assert lock_reasons(db_file) == ["manual"]
    other.deleteLater()


def test_screen_lock_locks(app, admin_window):
    db = app.db
    app.screen.active_changed(False)  # the screen saver ends: nothing happens
    assert app.db is db
    app.screen.active_changed(True)
    assert_locked(app, db)


def test_a_windows_session_lock_message_locks_the_app(app, admin_window, db_file):
    """What Win+L sends: WM_WTSSESSION_CHANGE / WTS_SESSION_LOCK, through the native filter
    the watcher owns (the Windows registration itself is not run here)."""
    db = app.db
    msg = MSG()
    msg.message, msg.wParam = WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK + 1  # unlock: nothing
    app.screen.native.filter.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(msg))
    assert app.db is db
    msg.wParam = WTS_SESSION_LOCK
    app.screen.native.filter.nativeEventFilter(b"windows_generic_MSG", ctypes.addressof(msg))
    assert_locked(app, db)
    assert lock_reasons(db_file) == ["screen"]


def test_unlock_again_after_locking(app, admin_window, db_file):
    app.lock()
    assert app.unlock.user.text() == ADMIN and app.unlock.passphrase.text() == ""
    window = unlock(app, db_file)
    assert window is not None and window is not admin_window and app.idle.active


def test_clipboard_is_cleared_when_it_holds_our_copy(app, admin_window, qtbot):
    view = admin_window.show_section("administration").show_panel(UsersPanel).view
    view.selectRow(0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    clipboard = QApplication.clipboard()
    assert clipboard.text().startswith(ADMIN + "\t")
    assert bytes(clipboard.mimeData().data(CONCEALED_HINT)) == b"secret"
    for name, value in WINDOWS_HINTS.items():
        assert bytes(clipboard.mimeData().data(name)) == value
    app.lock()
    assert clipboard.text() == ""


def test_clipboard_of_someone_else_is_left_alone(app, admin_window):
    view = admin_window.show_section("administration").show_panel(UsersPanel).view
    view.selectRow(0)
    view.copy_selection()
    QApplication.clipboard().setText("the user's own note")
    app.lock()
    assert QApplication.clipboard().text() == "the user's own note"


class HeldRunner(TaskRunner):
    """Keeps tasks until ``release()``: a task still running when the lock comes."""

    def __init__(self):
        super().__init__()
        self.held = []

    def submit(self, fn, on_done, on_error):
        self._started()
        self.held.append((fn, on_done, on_error))

    def release(self):
        while self.held:
            fn, on_done, on_error = self.held.pop(0)
            try:
                on_done(fn())
            except Exception as exc:
                on_error(exc)
            self._finished()


def test_lock_waits_for_a_running_task_before_closing(qapp, settings, dialogs, db_file, tmp_path):
    runner = HeldRunner()
    application = App(settings=settings, tasks=runner, dialogs=dialogs)
    try:
        application.start(db_file)
        unlock(application, db_file)
        runner.release()
        db = application.db
        assert db is not None
        dialogs.expect(SAVE_FILE, tmp_path / "b.db")
        application.window.show_section("administration").show_panel(BackupPanel).make_backup()
        assert runner.busy
        application.lock()
        assert visible_windows() == [application.unlock]  # hidden at once ...
        assert db.conn is not None and any(db.key)          # ... but not closed under the task
        assert not application.unlock.isEnabled()
        runner.release()
        assert (tmp_path / "b.db").exists()
        assert_locked(application, db)
    finally:
        application.shutdown()
        flush_deletes()
