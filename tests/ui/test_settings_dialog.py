"""The Settings dialog: built from the declarations, saved to the database (administrators,
audited) and to the workstation file, applied at once (idle lock, language)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import platformdirs
import pytest
import shiboken6
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QDateEdit, QLabel, QLineEdit, QSpinBox, QWidget

from hrvdesk import APP_NAME, i18n
from hrvdesk.domain.settings import DATABASE, WORKSTATION
from hrvdesk.store import audit, maintenance, settings as db_settings
from hrvdesk.ui.actions import Act
from hrvdesk.ui.dialogs import FOLDER
from hrvdesk.ui.locking import MINUTE_MS
from hrvdesk.ui.settings_dialog import HIDDEN, SettingsDialog
from hrvdesk.ui.settings_store import WorkstationSettings
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, unlock

SHOWN = {**{k: s for k, s in WORKSTATION.items() if k not in HIDDEN}, **DATABASE}


def editor(dialog: SettingsDialog, key: str) -> QWidget:
    return dialog.findChild(QWidget, f"setting_{key}")


def save(dialog: SettingsDialog) -> None:
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.message.text()


def settings_audits(db) -> list[str]:
    return [e.target for e in audit.entries(db.conn, action="settings")]


@pytest.fixture
def dialog(admin_window):
    shown = admin_window.show_settings()
    yield shown
    if shiboken6.isValid(shown):  # saving closes and deletes it
        shown.close()


def test_the_settings_action_has_a_shortcut_and_opens_the_dialog(admin_window):
    action = admin_window.registry.action(Act.SETTINGS)
    assert not action.shortcut().isEmpty()
    action.trigger()
    opened = admin_window.findChild(SettingsDialog)
    assert opened is not None and opened.isVisible()
    opened.close()


def test_every_declared_setting_has_a_typed_editor_with_its_limits(dialog):
    for key, setting in SHOWN.items():
        widget = editor(dialog, key)
        assert widget is not None, key
        label = next(lb for lb in dialog.findChildren(QLabel) if lb.buddy() is not None
                     and (lb.buddy() is widget or widget in lb.buddy().findChildren(QWidget)))
        assert label.text() == i18n._(setting.title) != setting.title  # shown in Swedish
        if setting.choices or key == "period_start_month":
            assert isinstance(widget, QComboBox)
        elif setting.type is int:
            assert isinstance(widget, QSpinBox)
            assert (widget.minimum(), widget.maximum()) == (setting.minimum, setting.maximum)
        else:
            assert isinstance(widget, QLineEdit)
    assert editor(dialog, "last_database") is None  # remembered by the app, not chosen here


def test_the_reporting_period_is_shown_by_its_months(dialog):
    combo = editor(dialog, "period_start_month")
    texts = [combo.itemText(i) for i in range(combo.count())]
    assert len(texts) == 12
    assert texts[0] == "Kalenderår (januari–december)"
    assert texts[9] == "Oktober–september" and texts[6] == "Juli–juni"
    assert combo.currentData() == DATABASE["period_start_month"].default


def test_values_round_trip_to_the_database_and_the_workstation_file(app, dialog, settings):
    editor(dialog, "period_start_month").setCurrentIndex(9)
    editor(dialog, "suppression_threshold").setValue(5)
    editor(dialog, "municipality_name").setText("  Exempelby ")
    editor(dialog, "backup_reminder_days").setValue(30)
    save(dialog)

    stored = db_settings.get_all(app.db)
    assert stored["period_start_month"] == 10 and stored["suppression_threshold"] == 5
    assert stored["municipality_name"] == "Exempelby"
    assert stored["retention_years"] == DATABASE["retention_years"].default
    assert sorted(settings_audits(app.db)) == ["municipality_name", "period_start_month", "suppression_threshold"]
    assert WorkstationSettings(settings.path).get("backup_reminder_days") == 30

    again = app.window.show_settings()
    assert editor(again, "period_start_month").currentData() == 10
    assert editor(again, "suppression_threshold").value() == 5
    assert editor(again, "backup_reminder_days").value() == 30
    save(again)  # nothing changed: nothing written to the database or its audit log
    assert len(settings_audits(app.db)) == 3


def test_cancel_changes_nothing(app, dialog, settings):
    editor(dialog, "retention_years").setValue(12)
    editor(dialog, "autolock_minutes").setValue(55)
    dialog.reject()
    assert db_settings.get(app.db, "retention_years") == DATABASE["retention_years"].default
    assert not WorkstationSettings(settings.path).is_set("autolock_minutes")


def test_auto_lock_minutes_are_applied_to_the_running_idle_timer(app, dialog, settings):
    assert app.idle.interval_ms == WORKSTATION["autolock_minutes"].default * MINUTE_MS
    editor(dialog, "autolock_minutes").setValue(3)
    save(dialog)
    assert app.idle.interval_ms == 3 * MINUTE_MS and app.idle.active
    assert WorkstationSettings(settings.path).get("autolock_minutes") == 3


def test_choosing_a_language_switches_the_app_and_is_remembered(app, dialog, settings):
    combo = editor(dialog, "language")
    assert combo.currentText() == "Svenska"
    combo.setCurrentIndex(combo.findData("en"))
    save(dialog)
    assert i18n.current_language() == "en"
    assert app.window.menuBar().actions()[0].text() == "&File"
    assert WorkstationSettings(settings.path).get("language") == "en"
    again = app.window.show_settings()
    assert again.windowTitle() == "Settings"
    assert editor(again, "period_start_month").itemText(9) == "October–September"
    again.close()


def test_the_backup_folder_is_chosen_with_the_folder_dialog(app, dialog, dialogs, settings, tmp_path):
    chosen = tmp_path / "backups"
    chosen.mkdir()
    dialogs.expect(FOLDER, chosen)
    dialog.findChild(QWidget, "choose_backup_folder").click()
    assert editor(dialog, "backup_folder").text() == str(chosen)
    save(dialog)
    assert WorkstationSettings(settings.path).get("backup_folder") == str(chosen)
    assert dialogs.shown[-1].kind == FOLDER


def test_the_data_location_is_shown_read_only(app, dialog, db_file):
    fields = {name: dialog.findChild(QLineEdit, name) for name in ("data_folder", "settings_file", "database_file")}
    assert fields["database_file"].text() == str(db_file)
    assert fields["settings_file"].text() == str(app.settings.path)
    assert fields["data_folder"].text() == platformdirs.user_data_dir(APP_NAME, appauthor=False)
    assert all(f.isReadOnly() for f in fields.values())


def test_every_control_of_the_dialog_has_an_accessible_name(dialog):
    for widget in [w for kind in (QLineEdit, QSpinBox, QDateEdit, QComboBox)
                   for w in dialog.findChildren(kind)]:
        # the line edit inside a spin box or date box is named by the box itself
        if widget.isVisibleTo(dialog) and not isinstance(widget.parent(), QAbstractSpinBox):
            name = QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
            assert name.strip(), widget.objectName()


def test_others_see_the_database_settings_read_only_but_keep_their_own(app, db_file, settings):
    window = unlock(app, db_file, EDITOR, OTHER_PASSPHRASE)
    dialog = window.show_settings()
    assert dialog.findChild(QLabel, "read_only_note").isVisibleTo(dialog)
    spin = editor(dialog, "suppression_threshold")
    assert spin.isReadOnly() and not editor(dialog, "period_start_month").isEnabled()
    assert editor(dialog, "municipality_code").isReadOnly()
    assert not editor(dialog, "autolock_minutes").isReadOnly()
    spin.setValue(7)  # a read-only spin box keeps its value whatever is tried
    editor(dialog, "autolock_minutes").setValue(20)
    save(dialog)
    assert db_settings.get(app.db, "suppression_threshold") == DATABASE["suppression_threshold"].default
    assert settings_audits(app.db) == []
    assert WorkstationSettings(settings.path).get("autolock_minutes") == 20


def test_a_due_backup_is_pointed_out_at_unlock(app, db_file, settings, tmp_path):
    window = unlock(app, db_file)
    assert "Ingen säkerhetskopia" in window.statusBar().currentMessage()
    maintenance.backup(app.db, tmp_path / "copy.db")
    app.lock()
    window = unlock(app, db_file)
    assert window.remind_backup() is None and window.statusBar().currentMessage() == ""
    settings.put("backup_reminder_days", 1)
    assert window.remind_backup() is None  # made just now: not older than a day


def test_the_app_remembers_the_last_database_but_no_secret(app, db_file, settings):
    unlock(app, db_file)
    text = Path(settings.path).read_text(encoding="utf-8")
    assert str(db_file) in text
    assert "correct horse" not in text and "passphrase" not in text


def test_school_holidays_show_the_defaults_and_keep_the_municipalitys_own(app, dialog):
    from hrvdesk.store import holidays_repo

    box = dialog.holidays
    box.year.setCurrentIndex(box.year.findData(2025))
    assert "svenska standarddatumen" in box.state.text()
    first, last = box.days["summer"]
    assert first.date().toPython().month == 6 and last.date().toPython().month == 8
    autumn_first, autumn_last = box.days["autumn"]
    autumn_first.setDate(autumn_first.date().addDays(-7))
    save(dialog)
    stored = holidays_repo.school_year(app.db, 2025)
    assert not stored.default and stored.holiday("autumn").start == autumn_first.date().toPython()
    assert "school_holidays:2025" in settings_audits(app.db)
    again = app.window.show_settings()
    again.holidays.year.setCurrentIndex(again.holidays.year.findData(2025))
    assert "egna datum" in again.holidays.state.text()
    again.holidays.use_defaults()
    save(again)
    assert holidays_repo.school_year(app.db, 2025).default


def test_a_new_start_month_after_a_release_asks_first_and_names_it(app, dialog, dialogs):
    from hrvdesk.domain.abroad_stats import Period
    from hrvdesk.store import releases_repo

    with app.db.transaction():  # a package sent for the calendar year 2024
        releases_repo.record(app.db, release_id=1, start=Period.for_year(2024).start,
                             end=Period.for_year(2024).end, format_version=2, method="m", threshold=3,
                             seed=b"s", supersedes=None, total=0, suppressed=0, json_bytes=b"{}",
                             csv_bytes=b"", exact=(), persons=())
    editor(dialog, "period_start_month").setCurrentIndex(9)
    dialogs.expect("question", False)
    dialog.ok_button.click()
    assert "utlämning 1 (1 jan. 2024 – 31 dec. 2024)" in dialogs.texts("question")[0]
    assert dialog.isVisible() and db_settings.get(app.db, "period_start_month") == 1
    dialogs.expect("question", True)
    save(dialog)
    assert db_settings.get(app.db, "period_start_month") == 10


def test_a_shorter_retention_period_says_how_many_cases_it_reduces_now(app, dialog, dialogs):
    from hrvdesk.store import abroad_repo
    from tests.store.abroad_helpers import case, moment

    year = dt.date.today().year
    abroad_repo.create_case(app.db, case(known_date=dt.date(year - 4, 1, 1)), now=moment(year - 3))
    editor(dialog, "retention_years").setValue(2)
    dialogs.expect("question", False)
    dialog.ok_button.click()
    assert "kommer 1 ärende att reduceras nu" in dialogs.texts("question")[0]
    assert db_settings.get(app.db, "retention_years") == 5
    dialogs.expect("question", True)
    save(dialog)
    assert db_settings.get(app.db, "retention_years") == 2
