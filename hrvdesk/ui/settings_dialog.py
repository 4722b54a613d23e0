"""The Settings dialog, generated from the declarations in :mod:`hrvdesk.domain.settings`.

Every declared setting gets an editor from its type: a spin box within its limits for
numbers, a list for a fixed set of choices, a line for text. A few settings are shown in a
friendlier way (:data:`PRESENTATIONS`): the reporting period as "Calendar year" or
"October–September", languages by their own names, the backup folder with a folder chooser.

Workstation settings are saved in this computer's settings file; database settings are
saved in the encrypted database (administrators only; for others they are read-only), in
one audited transaction. The data location is shown, not edited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtWidgets import (QAbstractSpinBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLineEdit, QPushButton, QSpinBox, QWidget)

from hrvdesk.domain.codes import topic_set_label
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.settings import DATABASE, WORKSTATION, Key, Setting
from hrvdesk.i18n import N_, _, current_language, format_date, ngettext
from hrvdesk.store import abroad_repo, releases_repo, settings as db_settings
from hrvdesk.ui.school_holidays_box import SchoolHolidaysBox
from hrvdesk.ui.settings_store import data_dir
from hrvdesk.ui.unlock import LANGUAGE_NAMES
from hrvdesk.ui.widgets import (FormDialog, Retranslator, error_text, form_row, group_form,
                                message_label)
from hrvdesk.ui.work_widgets import yes_no

if TYPE_CHECKING:
    from hrvdesk.ui.app import App

HIDDEN = frozenset({Key.LAST_DATABASE, Key.TRAINING_LIST_PERCENT})  # remembered by the app, not chosen


def month_name(month: int) -> str:
    """The month's name in the current language, as it stands alone ("oktober")."""
    return format_date(dt.date(2001, month, 1), "LLLL")


def period_label(start_month: int) -> str:
    """A reporting period by its months: "Calendar year (January–December)", "October–September"."""
    if start_month == 1:
        return _("Calendar year (January–December)")
    first, last = month_name(start_month), month_name((start_month + 10) % 12 + 1)
    return _("{first}–{last}").format(first=first[:1].upper() + first[1:], last=last)


# --- editors ----------------------------------------------------------------------------


class Editor:
    """One setting's editor: ``widget`` (what the form shows), ``control`` (what holds the
    value and gets the accessible name), the value, read-only and re-translation."""

    def __init__(self, setting: Setting, widget: QWidget, control: QWidget | None = None):
        self.setting = setting
        self.widget = widget
        self.control = control or widget
        self.control.setObjectName(f"setting_{setting.key}")

    def value(self):
        raise NotImplementedError

    def set_value(self, value) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        self.control.setEnabled(not read_only)

    def retranslate(self) -> None:
        """Texts the editor shows besides its label."""


class NumberEditor(Editor):
    def __init__(self, setting: Setting):
        spin = QSpinBox()
        spin.setRange(setting.minimum if setting.minimum is not None else -2**31,
                      setting.maximum if setting.maximum is not None else 2**31 - 1)
        super().__init__(setting, spin)

    def value(self) -> int:
        return self.control.value()

    def set_value(self, value) -> None:
        self.control.setValue(int(value))

    def set_read_only(self, read_only: bool) -> None:  # focusable and readable, not changeable
        self.control.setReadOnly(read_only)
        self.control.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons if read_only
                                      else QAbstractSpinBox.ButtonSymbols.UpDownArrows)


class TextEditor(Editor):
    def __init__(self, setting: Setting):
        super().__init__(setting, QLineEdit())

    def value(self) -> str:
        return self.control.text().strip()

    def set_value(self, value) -> None:
        self.control.setText(str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.control.setReadOnly(read_only)


class ChoiceEditor(Editor):
    """A fixed list; each choice is shown by ``label(value)`` in the current language."""

    def __init__(self, setting: Setting, values, label: Callable[[object], str]):
        super().__init__(setting, QComboBox())
        self._label = label
        for value in values:
            self.control.addItem(label(value), value)

    def value(self):
        return self.control.currentData()

    def set_value(self, value) -> None:
        index = self.control.findData(value)
        self.control.setCurrentIndex(max(index, 0))

    def retranslate(self) -> None:
        for i in range(self.control.count()):
            self.control.setItemText(i, self._label(self.control.itemData(i)))


class FolderEditor(Editor):
    """A folder shown as text, chosen with the platform's folder dialog."""

    def __init__(self, setting: Setting, choose: Callable[[str], Path | None]):
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setMinimumWidth(260)
        self.button = QPushButton()
        self.button.setObjectName(f"choose_{setting.key}")
        self.button.setAutoDefault(False)
        row.addWidget(self.path, 1)
        row.addWidget(self.button)
        super().__init__(setting, box, self.path)
        self._choose = choose
        self.button.clicked.connect(self.choose)
        self.tr_ = Retranslator()
        self.tr_.bind(self.button.setText, N_("C&hoose…"))
        self.tr_.bind(self.button.setAccessibleName, N_("Choose the backup folder"))
        self.tr_.bind(self.path.setPlaceholderText, N_("Not chosen: the home folder is suggested"))

    def choose(self) -> None:
        chosen = self._choose(self.path.text())
        if chosen is not None:
            self.path.setText(str(chosen))

    def value(self) -> str:
        return self.path.text()

    def set_value(self, value) -> None:
        self.path.setText(str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.button.setEnabled(not read_only)

    def retranslate(self) -> None:
        self.tr_.retranslate()


Factory = Callable[[Setting, "SettingsDialog"], Editor]

#: Settings shown in a way their type alone does not give.
PRESENTATIONS: dict[str, Factory] = {
    Key.PERIOD_START_MONTH: lambda s, _d: ChoiceEditor(s, range(1, 13), period_label),
    Key.LANGUAGE: lambda s, _d: ChoiceEditor(s, s.choices, LANGUAGE_NAMES.__getitem__),
    Key.BACKUP_FOLDER: lambda s, d: FolderEditor(s, d.choose_folder),
    Key.ALLOW_REMEMBER: lambda s, _d: ChoiceEditor(s, s.choices, yes_no),
    Key.REQUIRED_TOPICS: lambda s, _d: ChoiceEditor(s, s.choices, topic_set_label),
}


def editor_for(setting: Setting, dialog: "SettingsDialog") -> Editor:
    """The editor a setting's declaration calls for."""
    if setting.key in PRESENTATIONS:
        return PRESENTATIONS[setting.key](setting, dialog)
    if setting.choices:
        return ChoiceEditor(setting, setting.choices, str)
    if setting.type is int:
        return NumberEditor(setting)
    return TextEditor(setting)


# --- the dialog -------------------------------------------------------------------------


class SettingsDialog(FormDialog):
    """Workstation and database settings, and where the data is."""

    def __init__(self, parent: QWidget | None, host: "App"):
        super().__init__(parent, host.tasks, N_("Settings"), N_("&Save"))
        self.setObjectName("settings_dialog")
        self.host = host
        db = host.db
        self.may_change_database = db.session.can(Permission.CHANGE_SETTINGS)
        self.workstation, _form = self._group(N_("This workstation"), WORKSTATION, self._workstation_value)
        self.database, form = self._group(N_("This database (the same for every user)"), DATABASE,
                                          db_settings.get_all(db).__getitem__)
        if not self.may_change_database:
            note = message_label()
            note.setObjectName("read_only_note")
            self.tr_.bind(note.setText, N_("Only an administrator can change the database settings."))
            form.insertRow(0, note)
            for editor in self.database.values():
                editor.set_read_only(True)
        retention = message_label()
        retention.setObjectName("retention_note")
        self.tr_.bind(retention.setText, N_(
            "Retention: a case that has not been changed for that many years is reduced when the "
            "database is unlocked. Its personal identity pseudonym, reference, notes, exact dates, "
            "birth year, country and follow-up log are erased; the month, age band, region, "
            "departure timing and codes stay for the statistics. Backups are not reached: destroy "
            "them on the same schedule."))
        form.addRow(retention)
        self.holidays = SchoolHolidaysBox(db, self.tr_, self.may_change_database)
        self.form.addRow(self.holidays)
        self._location(db.path)
        self.completed.connect(self._apply)

    def _workstation_value(self, key: str):
        """The stored value; the language is the one in use (it may come from ``--lang``)."""
        return current_language() if key == Key.LANGUAGE else self.host.settings.get(key)

    def _group(self, title: str, declared: dict[str, Setting],
               current: Callable[[str], object]) -> tuple[dict[str, Editor], QFormLayout]:
        box = QGroupBox()
        self.tr_.bind(box.setTitle, title)
        form = group_form(box)
        editors = {}
        for key, setting in declared.items():
            if key in HIDDEN:
                continue
            editor = editors[key] = editor_for(setting, self)
            editor.set_value(current(key))
            form_row(form, self.tr_, setting.title, editor.widget)
            self.tr_.bind(lambda text, c=editor.control: c.setAccessibleName(text), setting.title)
        self.form.addRow(box)
        return editors, form

    def _location(self, db_path: Path) -> None:
        box = QGroupBox()
        self.tr_.bind(box.setTitle, N_("Where the data is"))
        form = group_form(box)
        self.locations: dict[str, QLineEdit] = {}
        for name, label, path in (("data_folder", N_("Data folder"), data_dir()),
                                  ("settings_file", N_("Settings file"), self.host.settings.path),
                                  ("database_file", N_("Open database"), db_path)):
            field = self.locations[name] = QLineEdit(str(path))
            field.setObjectName(name)
            field.setReadOnly(True)
            form_row(form, self.tr_, label, field)
        note = message_label()
        self.tr_.bind(note.setText, N_("hrvdesk remembers the last database opened on this workstation, "
                                       "never a passphrase."))
        form.addRow(note)
        self.form.addRow(box)

    # --- choosing and saving --------------------------------------------------------------

    def choose_folder(self, current: str) -> Path | None:
        start = current if current and Path(current).is_dir() else str(Path.home())
        return self.host.dialogs.folder(self, _("Choose the backup folder"), start)

    def values(self, editors: dict[str, Editor]) -> dict:
        return {key: editor.value() for key, editor in editors.items()}

    def work(self):
        problems = []
        for editor in (*self.workstation.values(), *self.database.values()):
            try:
                editor.setting.validate(editor.value())
            except ValidationError as exc:
                problems.append(error_text(exc))
        if not self.show_problems(problems):
            return None
        db, changes = self.host.db, self.values(self.database)
        if not self.may_change_database:
            return lambda: []
        if not (self._start_month_confirmed(changes[Key.PERIOD_START_MONTH])
                and self._retention_confirmed(changes[Key.RETENTION_YEARS])):
            return None
        holidays = self.holidays.change()

        def save() -> list[str]:
            if holidays is not None:
                holidays()
            return db_settings.put_all(db, changes)

        return save

    def _retention_confirmed(self, years: int) -> bool:
        """A shorter retention period reduces cases at once and for good: say how many."""
        db = self.host.db
        if years >= db_settings.get(db, Key.RETENTION_YEARS):
            return True
        due = abroad_repo.due_for_retention(db, dt.date.today(), years)
        if not due:
            return True
        return self.host.dialogs.question(self, _("Retention"), ngettext(
            "With {years} years, {n} case will be reduced now: its personal identity pseudonym, "
            "reference, notes, exact dates, birth year, country and follow-up log are erased for "
            "good; only what the statistics need is kept. Shorten the retention period?",
            "With {years} years, {n} cases will be reduced now: their personal identity pseudonyms, "
            "references, notes, exact dates, birth years, countries and follow-up logs are erased "
            "for good; only what the statistics need is kept. Shorten the retention period?",
            due).format(years=years, n=due))

    def _start_month_confirmed(self, start_month: int) -> bool:
        """A new start month after packages were sent: say which releases the new periods
        overlap, and go on only if the user agrees."""
        db = self.host.db
        if start_month == db_settings.get(db, Key.PERIOD_START_MONTH):
            return True
        overlapped = releases_repo.overlapped_by_start_month(db, start_month)
        if not overlapped:
            return True
        listed = "; ".join(_("release {id} ({start} – {end})").format(
            id=r.id, start=format_date(r.period_from), end=format_date(r.period_to)) for r in overlapped)
        return self.host.dialogs.question(self, _("Reporting period"), _(
            "Packages have already been sent for periods that start in another month: {releases}. "
            "Every new period will overlap them, so each new package is protected together with "
            "them and may show fewer figures. Change the start month anyway?").format(releases=listed))

    def _apply(self, _changed_database_keys) -> None:
        """The database part is saved: save this workstation's part and put it to use."""
        values = self.values(self.workstation)
        language = values.pop(Key.LANGUAGE)
        for key, value in values.items():
            if value != self.host.settings.get(key):
                self.host.settings.put(key, value)  # the app puts each change to use itself
        if language != current_language() or language != self.host.settings.get(Key.LANGUAGE):
            self.host.set_language(language)  # also remembers it

    def retranslate(self) -> None:
        super().retranslate()
        for editor in (*self.workstation.values(), *self.database.values()):
            editor.retranslate()
