"""The forms of the Training section: a training, a completion and an attendance figure.

A completion is entered with the person's employee number or e-mail; the field masks it
once it loses focus, the store turns it into a pseudonym before anything is written, and
the field is emptied when the form closes, so the raw identifier is never shown again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QSpinBox, QWidget)

from hrvdesk.domain.codes import TRAINING_FORMATS, TRAINING_TOPICS
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.training import AggregateAttendance, Training, vpc_rule_warning
from hrvdesk.i18n import N_, _
from hrvdesk.store import organisation, training_repo
from hrvdesk.store.organisation import Administration
from hrvdesk.ui.sections import SectionContext
from hrvdesk.ui.widgets import Banner, FormDialog, form_row
from hrvdesk.ui.work_widgets import fill_codes, fill_combo, select_data

#: Background and text colour of a warning strip (the text always says what is wrong).
WARNING_COLOURS = ("#fff3cd", "#5c3c00")
MAX_PARTICIPANTS = 100_000


def may_edit_all(ctx: SectionContext, administrations: Iterable[str]) -> bool:
    """Whether the session may change a record given to all of ``administrations``
    (none at all: a record of the whole municipality, for administrators only)."""
    codes = list(administrations)
    if not codes:
        return ctx.can(Permission.EDIT_WORK) and ctx.session.is_admin
    return all(ctx.can(Permission.EDIT_WORK, code) for code in codes)


def editable_administrations(ctx: SectionContext) -> list[Administration]:
    """The active administrations the session may enter records for."""
    return [a for a in organisation.administrations(ctx.db) if ctx.can(Permission.EDIT_WORK, a.code)]


def party_text(administration: Administration) -> str:
    return f"{administration.code} – {administration.name}"


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def date_edit(day: dt.date, latest: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit(qdate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    if latest is not None:
        edit.setMaximumDate(qdate(latest))
    return edit


class CheckList(QListWidget):
    """A list of (text, code) lines ticked with Space or a click."""

    def set_items(self, items: Iterable[tuple[str, str]], chosen: Iterable[str] = (),
                  enabled: Iterable[str] | None = None) -> None:
        """Fill the list; lines whose code is not in ``enabled`` (when given) cannot be changed."""
        chosen, allowed = set(chosen), None if enabled is None else set(enabled)
        self.blockSignals(True)
        self.clear()
        for text, code in items:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, code)
            flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
            if allowed is not None and code not in allowed:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(False)

    def retitle(self, texts: Iterable[str]) -> None:
        for i, text in enumerate(texts):
            self.item(i).setText(text)

    def set_chosen(self, codes: Iterable[str]) -> None:
        """Tick exactly ``codes`` among the lines that can be changed."""
        wanted = set(codes)
        for item in self._items():
            if item.flags() & Qt.ItemFlag.ItemIsEnabled:
                item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                                   else Qt.CheckState.Unchecked)

    def chosen(self) -> tuple[str, ...]:
        return tuple(item.data(Qt.ItemDataRole.UserRole) for item in self._items()
                     if item.checkState() == Qt.CheckState.Checked)

    def _items(self) -> list[QListWidgetItem]:
        return [self.item(i) for i in range(self.count())]


def parse_hours(text: str) -> Decimal | None:
    """Hours as typed ("1,5", "2.25", empty for unknown); ValueError when not a number."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        hours = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not hours.is_finite():
        raise ValueError(text)
    return hours


class TrainingDialog(FormDialog):
    """Create or edit a training. The warning of the co-organisation rule is shown while
    the form breaks it; saving is still allowed (the plan requires, the register records)."""

    def __init__(self, ctx: SectionContext, existing: Training | None):
        super().__init__(ctx.window, ctx.tasks,
                         N_("Edit training") if existing else N_("New training"), N_("&Save"))
        self.ctx, self.existing = ctx, existing
        chosen = set(existing.administrations) if existing else set()
        self.parties = [a for a in organisation.administrations(ctx.db, include_inactive=True)
                        if a.active or a.code in chosen]
        today = dt.date.today()
        self.title = QLineEdit(existing.title if existing else "")
        self.topics = CheckList()
        self.format = QComboBox()
        self.start = date_edit(existing.start_date if existing else today)
        self.several_days = QCheckBox()
        self.end = date_edit(existing.end_date or existing.start_date if existing else today)
        self.several_days.setChecked(bool(existing and existing.end_date))
        self.end.setEnabled(self.several_days.isChecked())
        self.several_days.toggled.connect(self.end.setEnabled)
        self.tr_.bind(self.several_days.setText, N_("Until:"))
        self.tr_.bind(self.end.setAccessibleName, N_("Last day"))
        days = QWidget()
        days_layout = QHBoxLayout(days)
        days_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.start, self.several_days, self.end):
            days_layout.addWidget(widget)
        days_layout.addStretch(1)
        self.tr_.bind(self.start.setAccessibleName, N_("First day"))
        self.hours = QLineEdit("" if existing is None or existing.hours is None else str(existing.hours))
        self.organiser = QLineEdit(existing.organiser if existing else "")
        self.administrations = CheckList()
        self.administrations.set_items(
            [(party_text(a), a.code) for a in self.parties], chosen,
            enabled=[a.code for a in self.parties if ctx.can(Permission.EDIT_WORK, a.code)])
        self.vpc = QCheckBox()
        self.vpc.setChecked(bool(existing and existing.vpc_coorganised))
        self.tr_.bind(self.vpc.setText, N_("The violence-prevention centre co-organises it"))
        self.rule_warning = Banner(*WARNING_COLOURS)
        self.rule_warning.setObjectName("rule_warning")
        self.rule_warning.hide()
        self._fill_codes()
        if existing:
            self.topics.set_chosen(existing.topics)
            select_data(self.format, existing.format)

        form_row(self.form, self.tr_, N_("&Title:"), self.title)
        form_row(self.form, self.tr_, N_("To&pics:"), self.topics, N_("Tick every topic it covers (Space ticks)"))
        form_row(self.form, self.tr_, N_("&Format:"), self.format)
        form_row(self.form, self.tr_, N_("&Date:"), days, N_("The first day, and the last one if it ran several days"))
        form_row(self.form, self.tr_, N_("&Hours:"), self.hours, N_("Hours per participant, e.g. 1,5; empty if unknown"))
        form_row(self.form, self.tr_, N_("&Organiser:"), self.organiser,
                 N_("The organising unit or body; not a person's name"))
        form_row(self.form, self.tr_, N_("&Given to:"), self.administrations,
                 N_("The administrations whose staff it was given to (Space ticks)"))
        form_row(self.form, self.tr_, N_("Co-organised:"), self.vpc)
        self.form.addRow(self.rule_warning)
        self.title.textChanged.connect(lambda _t: self.update_warning())
        self.vpc.toggled.connect(lambda _on: self.update_warning())
        for checks in (self.topics, self.administrations):
            checks.itemChanged.connect(lambda _item: self.update_warning())
        self.update_warning()

    def _fill_codes(self) -> None:
        fill_codes(self.format, TRAINING_FORMATS)
        chosen = self.topics.chosen()
        self.topics.set_items([(TRAINING_TOPICS.label(c), c) for c in TRAINING_TOPICS.values], chosen)

    def retranslate(self) -> None:
        super().retranslate()
        self._fill_codes()
        self.update_warning()

    def training(self, hours: Decimal | None = None) -> Training:
        """The training as the form shows it now."""
        existing = self.existing
        return Training(
            id=existing.id if existing else 0, title=self.title.text(),
            topics=frozenset(self.topics.chosen()), format=self.format.currentData() or "",
            start_date=self.start.date().toPython(),
            end_date=self.end.date().toPython() if self.several_days.isChecked() else None,
            hours=hours, organiser=self.organiser.text(),
            administrations=self.administrations.chosen(), vpc_coorganised=self.vpc.isChecked())

    def update_warning(self) -> None:
        warning = vpc_rule_warning(self.training())
        self.rule_warning.setText(warning or "")
        self.rule_warning.setVisible(warning is not None)

    def work(self):
        try:
            hours = parse_hours(self.hours.text())
        except ValueError:
            self.show_problems([_("The hours must be a number, e.g. 1,5.")])
            return None
        db, item = self.ctx.db, self.training(hours)
        return lambda: training_repo.save_training(db, item)


def _administration_combo(ctx: SectionContext, preferred: Iterable[str]) -> QComboBox:
    """The administrations the session may enter records for, the first of ``preferred``
    that is one of them chosen."""
    combo = QComboBox()
    choices = editable_administrations(ctx)
    fill_combo(combo, [(party_text(a), a.code) for a in choices])
    codes = [a.code for a in choices]
    select_data(combo, next((c for c in preferred if c in codes), codes[0] if codes else None))
    return combo


def _default_day(training: Training) -> dt.date:
    return min(training.start_date, dt.date.today())


class CompletionDialog(FormDialog):
    """A person's completion of a training, entered with their employee number or e-mail,
    which the store pseudonymises at once."""

    def __init__(self, ctx: SectionContext, training: Training):
        super().__init__(ctx.window, ctx.tasks, N_("Add completion"), N_("&Save"))
        self.ctx, self.training = ctx, training
        self.person = QLineEdit()
        self.person.setObjectName("person_id")
        self.person.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)  # masked once typed
        self.administration = _administration_combo(ctx, training.administrations)
        self.unit = QLineEdit()
        self.completed_on = date_edit(_default_day(training), dt.date.today())
        title = QLabel(training.title)
        title.setWordWrap(True)
        form_row(self.form, self.tr_, N_("Training:"), title)
        form_row(self.form, self.tr_, N_("&Employee number or e-mail:"), self.person, N_(
            "Replaced at once by a pseudonym; the number or address itself is neither stored "
            "nor shown again"))
        form_row(self.form, self.tr_, N_("&Administration:"), self.administration)
        form_row(self.form, self.tr_, N_("&Unit:"), self.unit, N_("The school, preschool or office; may be empty"))
        form_row(self.form, self.tr_, N_("&Completed on:"), self.completed_on)

    def work(self):
        if not self.person.text().strip():
            self.show_problems([_("The employee number or e-mail is required.")])
            return None
        db, training_id, person = self.ctx.db, self.training.id, self.person.text()
        administration, unit = self.administration.currentData() or "", self.unit.text()
        day = self.completed_on.date().toPython()
        return lambda: training_repo.add_completion(db, training_id, person, administration, day, unit)


class AttendanceDialog(FormDialog):
    """A number of participants from one administration, for events without a list."""

    def __init__(self, ctx: SectionContext, training: Training):
        super().__init__(ctx.window, ctx.tasks, N_("Add participants without a list"), N_("&Save"))
        self.ctx, self.training = ctx, training
        self.administration = _administration_combo(ctx, training.administrations)
        self.participants = QSpinBox()
        self.participants.setRange(1, MAX_PARTICIPANTS)
        self.attended = date_edit(_default_day(training), dt.date.today())
        note = QLabel()
        note.setWordWrap(True)
        self.tr_.bind(note.setText, N_(
            "For events where no list of persons exists. These participants count in the "
            "activity figures, never in the coverage."))
        self.form.addRow(note)
        form_row(self.form, self.tr_, N_("&Administration:"), self.administration)
        form_row(self.form, self.tr_, N_("&Participants:"), self.participants)
        form_row(self.form, self.tr_, N_("&Date:"), self.attended)

    def work(self):
        record = AggregateAttendance(self.training.id, self.administration.currentData() or "",
                                     self.participants.value(), self.attended.date().toPython())
        db = self.ctx.db
        return lambda: training_repo.add_attendance(db, record)

