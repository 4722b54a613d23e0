"""Qt fixtures for the desktop app tests (one QApplication for the run: pytest-qt's ``qapp``).

- Every test here fails on a Qt warning (except the offscreen platform's notices).
- ``app`` is an :class:`hrvdesk.ui.app.App` with a synchronous task runner, scripted dialogs
  (nothing blocks; unexpected dialogs fail) and settings in the test's folder.
- ``db_file`` is a closed database with the administrator anna, an editor erik (SOC) and a
  viewer vera; ``unlock(app, path, user)`` goes through the unlock dialog.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import QApplication

from hrvdesk.domain.roles import Role
from hrvdesk.store import users
from hrvdesk.store.database import Database
from hrvdesk.ui.app import App
from hrvdesk.ui.dialogs import ScriptedDialogs
from hrvdesk.ui.settings_store import WorkstationSettings
from hrvdesk.ui.tasks import SyncRunner
from tests.conftest import ADMIN, PASSPHRASE

EDITOR, VIEWER = "erik", "vera"
OTHER_PASSPHRASE = "another long enough passphrase"
# Notices of the offscreen platform plugin, not problems of hrvdesk.
QT_NOISE = (r"This plugin does not support",)

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_NOISE))


def flush_deletes() -> None:
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


@pytest.fixture
def dialogs():
    scripted = ScriptedDialogs()
    yield scripted
    assert not scripted.pending, f"answers never asked for: {scripted.pending}"


@pytest.fixture
def settings(tmp_path):
    return WorkstationSettings(tmp_path / "settings" / "settings.json")


@pytest.fixture
def app(qapp, settings, dialogs):
    application = App(settings=settings, tasks=SyncRunner(), dialogs=dialogs)
    yield application
    application.shutdown()
    QApplication.clipboard().clear()
    flush_deletes()


@pytest.fixture
def db_file(db_path):
    with Database.create(db_path, ADMIN, PASSPHRASE) as db:
        users.add_user(db, EDITOR, Role.EDITOR, OTHER_PASSPHRASE, "SOC")
        users.add_user(db, VIEWER, Role.VIEWER, OTHER_PASSPHRASE)
    return db_path


def unlock(app: App, path: Path, user: str = ADMIN, passphrase: str = PASSPHRASE, qtbot=None,
           remember: bool | None = None):
    """Fill in the unlock dialog and press Unlock; returns the main window (or None)."""
    if not app.unlock.isVisible():
        app.start(path)
    app.unlock.set_path(path)
    app.unlock.user.setText(user)
    if remember is not None:
        app.unlock.remember.setChecked(remember)
    app.unlock.passphrase.setText(passphrase)
    if qtbot is not None:
        qtbot.mouseClick(app.unlock.unlock_button, Qt.MouseButton.LeftButton)
    else:
        app.unlock.unlock_button.click()
    return app.window


@pytest.fixture
def admin_window(app, db_file):
    window = unlock(app, db_file)
    assert window is not None, app.unlock.message.text()
    return window


def visible_windows() -> list:
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]
