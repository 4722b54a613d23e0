"""Demo mode (marked in the title and by a banner with words; private folder removed at
exit) and switching the language without losing work."""

from __future__ import annotations

import os
import stat
import tempfile

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from hrvdesk import i18n
from hrvdesk.ui import app as app_module
from hrvdesk.ui.actions import Act
from hrvdesk.ui.dialogs import QUESTION
from hrvdesk.ui.mainwindow import MainWindow
from hrvdesk.ui.sections.administration import AuditPanel, UsersPanel
from tests.ui.conftest import unlock


def test_demo_is_marked_and_cleaned_up(app):
    app.start_demo()
    window = app.window
    folder = app.demo_dir
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert window.windowTitle().startswith("DEMO")
    assert window.banner.isVisible() and "DEMO" in window.banner.text()
    assert "fiktiv" in window.banner.text()  # says what it means in words (Swedish default)
    assert window.banner.accessibleName() == window.banner.text()
    assert app.db.user == "demo-admin" and len(window.section_keys()) == 7
    overview = window.show_section("overview")
    assert int(overview.figure_values()["Användare"]) > 2  # the demo's users, from the database
    # locking and unlocking again with the demo's own passphrase (shown in the unlock banner)
    app.lock()
    assert app.unlock.banner.isVisible() and "DEMO" in app.unlock.banner.text()
    assert not app.unlock.remember.isVisibleTo(app.unlock)  # nothing of the demo is remembered
    user, passphrase = app.unlock._demo_text
    assert passphrase in app.unlock.banner.text()
    assert unlock(app, app.unlock.path, user, passphrase) is not None
    assert app.window.windowTitle().startswith("DEMO")
    app.shutdown()
    assert not folder.exists()


def test_run_demo_starts_and_quits(qapp, monkeypatch):
    made = []
    real_mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        made.append(real_mkdtemp(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(app_module.tempfile, "mkdtemp", recording_mkdtemp)
    seen = {}

    def look_and_quit():
        seen["titles"] = [w.windowTitle() for w in QApplication.topLevelWidgets() if w.isVisible()]
        seen["nav"] = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)).nav.item(0).text()
        QApplication.quit()

    QTimer.singleShot(300, look_and_quit)
    assert app_module.main(["--lang", "en", "--demo"]) == 0  # the hrvdesk-gui entry point
    assert any(t.startswith("DEMO – demo.db – demo-admin") for t in seen["titles"])
    assert seen["nav"] == "Overview"
    assert made and not os.path.exists(made[0])
    QApplication.clipboard().clear()


def test_language_switch_keeps_the_work(app, admin_window, settings):
    window = admin_window
    section = window.show_section("administration")
    audit_panel = section.show_panel(AuditPanel)
    audit_panel.action.setCurrentIndex(audit_panel.action.findData("user_add"))
    filtered = audit_panel.model.rows
    users_panel = section.panel(UsersPanel)
    form = users_panel.add_user()
    form.name.setText("half-typed")
    db = app.db
    assert window.nav.item(0).text() == "Översikt"

    window.registry.action(Act.LANGUAGE_EN).trigger()
    assert i18n.current_language() == "en" and settings.get("language") == "en"
    assert window.nav.item(0).text() == "Overview"
    assert [a.text() for a in window.menuBar().actions()][0] == "&File"
    assert section.tabs.tabText(section.tabs.indexOf(audit_panel)) == "Audit log"
    assert audit_panel.model.headerData(3, Qt.Orientation.Horizontal) == "Action"
    assert audit_panel.action.currentData() == "user_add" and audit_panel.model.rows == filtered
    assert audit_panel.action.currentText() == "User added"
    assert form.isVisible() and form.name.text() == "half-typed" and form.windowTitle() == "Add user"
    assert app.db is db and app.window is window
    assert app.unlock.windowTitle().startswith("Unlock")

    window.registry.action(Act.LANGUAGE_SV).trigger()
    assert window.nav.item(0).text() == "Översikt"
    assert audit_panel.action.currentText() != "User added" and audit_panel.action.currentData() == "user_add"
    form.reject()


def test_language_chosen_on_the_unlock_dialog(app, db_file):
    app.start(db_file)
    dialog = app.unlock
    dialog.user.setText("anna")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.language.activated.emit(dialog.language.currentIndex())
    assert dialog.unlock_button.text() == "U&nlock" and dialog.user.text() == "anna"
    window = unlock(app, db_file)
    assert window.nav.item(0).text() == "Overview"


def test_quit_from_the_menu_closes_the_database(app, admin_window, dialogs):
    db = app.db
    admin_window.registry.action(Act.QUIT).trigger()
    assert db.conn is None and app.db is None
    assert QUESTION not in [s.kind for s in dialogs.shown]


def test_qt_own_dialogs_speak_the_ui_language(qapp):
    from PySide6.QtCore import QCoreApplication

    from hrvdesk.ui import qt_translations

    try:
        assert qt_translations.apply("sv")
        assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "&Ja"
        assert qt_translations.apply("en")
        assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "&Yes"
    finally:
        qt_translations.apply("en")
