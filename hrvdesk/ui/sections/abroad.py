"""Children taken abroad: the register of cases, its statistics, the package for the national
team and the import of files.

The section exists for every role that may see the statistics; its tabs follow the
permissions (:attr:`ChildrenAbroadSection.PANELS`), like the Administration section: the
list of cases (``VIEW_CASES``: administrators all cases, editors those of their own
administration) is absent for viewers, who see only the statistics. Opening a case reads
it with :func:`hrvdesk.store.abroad_repo.get_case`, which records the view in the audit
log; the list shows no notes and each listing is audited (who, filters, row count). The form checks a case with the register's
own rules (:func:`hrvdesk.domain.abroad.validate_case`) and shows each problem under its
field; the store checks everything again when saving.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QDate, QStringListModel, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QDateEdit, QGridLayout, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QScrollArea, QSpinBox, QTabWidget, QVBoxLayout, QWidget)

from hrvdesk.domain import m49
from hrvdesk.domain.abroad import CASE_REF_MAX_LENGTH, AbroadCase, StatusChange, validate_case
from hrvdesk.domain.codes import ACTIONS, CASE_STATUSES, GENDERS, HONOUR_LINKS, PURPOSES, CodeList
from hrvdesk.domain.errors import HrvError, Problem, ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_, _, format_date, format_datetime, format_number
from hrvdesk.services import register as case_register
from hrvdesk.store import abroad_repo, followups_repo, organisation
from hrvdesk.store.abroad_repo import CaseChange, StoredCase
from hrvdesk.ui.actions import Act
from hrvdesk.ui.models import Column, RecordTableModel, RecordTableView
from hrvdesk.ui.sections import Figure, SectionContext, register
from hrvdesk.ui.sections.abroad_followups import FollowUpLog, FollowUpsPanel
from hrvdesk.ui.sections.abroad_panels import (ExportPanel, ImportPanel, StatisticsPanel, current_period,
                                               fill_years, labelled, period_text)
from hrvdesk.ui.sections.tabbed import TabbedSection, TabPanel
from hrvdesk.ui.widgets import FormDialog, form_row, message_label
from hrvdesk.ui.work_widgets import (add_tab, button_row, fill_codes, fill_combo, labels_text, list_text,
                                     select_data)

#: The fields of a case as the user knows them (history, problems); one per CASE_FIELDS.
FIELD_TITLES: dict[str, str] = {
    "person_key": N_("Personal identity number"), "case_ref": N_("Case reference"), "reported_by": N_("Reported by"),
    "known_date": N_("Known date"), "departure_date": N_("Departure date"),
    "gender": N_("Gender"), "birth_year": N_("Birth year"), "purposes": N_("Suspected purposes"),
    "honour_link": N_("Honour link"), "destination": N_("Destination"), "status": N_("Status"),
    "reported_married": N_("Reported married"), "actions": N_("Actions taken"),
    "follow_up_date": N_("Next follow-up"), "no_school_since": N_("No school placement since"),
    "notes": N_("Notes"),
}
CHANGE_KINDS: dict[str, str] = {
    "create": N_("Registered"), "import": N_("Imported"), "update": N_("Changed"),
    "retention": N_("Reduced by retention"),
}
#: Shown by the birth year box when the year is not known (its lowest value).
UNKNOWN_BIRTH_YEAR = 1899
LATEST_BIRTH_YEAR = 2100
DATE_FORMAT = "yyyy-MM-dd"  # ISO 8601, as Swedish authorities write dates
ERROR_STYLE = "QLabel { color: #b00020; font-weight: bold; }"


def _day(field: QLineEdit, name: str) -> dt.date | None:
    """The date typed into ``field`` (``YYYY-MM-DD``), None when empty; ValidationError for
    ``name`` otherwise."""
    text = field.text().strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError.single(_("Write the date as YYYY-MM-DD."), field=name) from None


def field_title(name: str) -> str:
    return _(FIELD_TITLES[name]) if name in FIELD_TITLES else name


def change_kind(kind: str) -> str:
    return _(CHANGE_KINDS[kind]) if kind in CHANGE_KINDS else kind


class CodeChecklist(QListWidget):
    """The codes of a list, each ticked or not (Space ticks the current one)."""

    def __init__(self, codes: CodeList, parent: QWidget | None = None):
        super().__init__(parent)
        self.codes = codes
        for code in codes.values:
            item = QListWidgetItem(codes.label(code))
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.addItem(item)
        self.setFixedHeight(self.sizeHintForRow(0) * self.count() + 2 * self.frameWidth())

    def _items(self) -> list[QListWidgetItem]:
        return [self.item(i) for i in range(self.count())]

    def checked(self) -> tuple[str, ...]:
        return tuple(item.data(Qt.ItemDataRole.UserRole) for item in self._items()
                     if item.checkState() == Qt.CheckState.Checked)

    def set_checked(self, codes: Iterable[str]) -> None:
        wanted = set(codes)
        for item in self._items():
            chosen = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)

    def retranslate(self) -> None:
        for item in self._items():
            item.setText(self.codes.label(item.data(Qt.ItemDataRole.UserRole)))


# --- the form -------------------------------------------------------------------------------


class CaseDialog(FormDialog):
    """Register a new case or change a stored one (opened with its history, already read
    through the audited :func:`~hrvdesk.store.abroad_repo.get_case`)."""

    def __init__(self, ctx: SectionContext, stored: StoredCase | None = None,
                 changes: Sequence[CaseChange] = (), statuses: Sequence[StatusChange] = ()):
        super().__init__(ctx.window, ctx.tasks, N_("Edit case") if stored else N_("New case"), N_("&Save"))
        self.ctx = ctx
        self.stored = stored
        existing = stored.case if stored else None
        db = ctx.db
        self.known_codes = {a.code for a in organisation.administrations(db, include_inactive=True)}
        self.errors: dict[str, QLabel] = {}
        self.person = QLineEdit()
        self.person.setMaxLength(15)
        self.person.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData
                                        | Qt.InputMethodHint.ImhNoPredictiveText)
        self.person_found = message_label()
        self.person_found.setObjectName("person_found")
        self._looked_up: str | None = None
        self.case_ref = QLineEdit()
        self.case_ref.setMaxLength(CASE_REF_MAX_LENGTH)
        self.reported_by = QComboBox()
        own = [a for a in organisation.administrations(db) if ctx.can(Permission.EDIT_CASES, a.code)]
        fill_combo(self.reported_by, [(f"{a.code} – {a.name}", a.code) for a in own])
        self.known_date = QDateEdit(QDate.currentDate())
        self.departure_date = QLineEdit()
        self.gender = QComboBox()
        self.birth_year = QSpinBox()
        self.birth_year.setRange(UNKNOWN_BIRTH_YEAR, LATEST_BIRTH_YEAR)
        self.birth_year.setValue(UNKNOWN_BIRTH_YEAR)
        self.purposes = CodeChecklist(PURPOSES)
        self.honour_link = QComboBox()
        self.destination = QLineEdit()
        self.destination.setMaxLength(60)
        self._countries = QCompleter(self)
        self._countries.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._countries.setFilterMode(Qt.MatchFlag.MatchContains)
        self.destination.setCompleter(self._countries)
        self.region = QLabel()
        self.status = QComboBox()
        self.status_date = QDateEdit(QDate.currentDate())
        self.reported_married = QCheckBox()
        self.actions = CodeChecklist(ACTIONS)
        self.follow_up_date = QLineEdit()
        self.no_school_since = QLineEdit()
        for field in (self.follow_up_date, self.no_school_since):
            field.setMaxLength(10)
            self.tr_.bind(field.setPlaceholderText, N_("YYYY-MM-DD"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 5)
        for date in (self.known_date, self.status_date):
            date.setCalendarPopup(True)
            date.setDisplayFormat(DATE_FORMAT)
        self._fill_codes()
        self.tr_.bind(self.departure_date.setPlaceholderText, N_("YYYY-MM-DD or YYYY-MM"))
        self.tr_.bind(self.destination.setPlaceholderText, N_("Type the country's name, e.g. Irak"))
        self.tr_.bind(self.birth_year.setSpecialValueText, N_("Unknown"))

        destination = QWidget()
        destination_row = QHBoxLayout(destination)
        destination_row.setContentsMargins(0, 0, 0, 0)
        destination_row.addWidget(self.destination)
        destination_row.addWidget(self.region, 1)
        if stored is not None:
            number = QLabel(str(existing.id))
            form_row(self.form, self.tr_, N_("Case number:"), number)
        self._row("person_key", N_("&Personal identity number:"), self.person,
                  N_("Turned into a pseudonym at once, so that the same child is counted once; "
                     "the number itself is never stored or shown")
                  if existing is None or existing.person_key is None else
                  N_("Stored as a pseudonym; type the number again only to change it"))
        self.form.addRow("", self.person_found)
        self.person.editingFinished.connect(self.look_up_person)
        self._row("case_ref", N_("Case &reference:"), self.case_ref,
                  N_("The reference in the case management system; no names or personal identity numbers"))
        self._row("reported_by", N_("Reported &by:"), self.reported_by)
        self._row("known_date", N_("&Known date:"), self.known_date,
                  N_("The day the municipality learned of the case"))
        self._row("departure_date", N_("&Departure date:"), self.departure_date,
                  N_("When the person left or is expected to leave, if known"))
        self._row("gender", N_("&Gender:"), self.gender)
        self._row("birth_year", N_("Birth &year:"), self.birth_year,
                  N_("Four digits; leave at Unknown when it is not known"))
        self._row("purposes", N_("Suspected &purposes:"), self.purposes,
                  N_("Tick every purpose that is suspected (Space ticks)"))
        self._row("honour_link", N_("&Honour link:"), self.honour_link)
        self._row("destination", N_("Des&tination country:"), destination,
                  N_("Choose the country by its name (or type its two-letter code); only its region "
                     "is ever reported"))
        self.tr_.bind(self.destination.setAccessibleName, N_("Destination country"))
        self._row("status", N_("Stat&us:"), self.status)
        if stored is not None:
            form_row(self.form, self.tr_, N_("Status &changed on:"), self.status_date,
                     N_("The day the new status took effect"))
        self._row("reported_married", N_("Reported &married:"), self.reported_married)
        self._row("actions", N_("&Actions taken:"), self.actions)
        self._row("follow_up_date", N_("Next &follow-up:"), self.follow_up_date,
                  N_("When the case is next to be followed up; it then appears on the work list"))
        self._row("no_school_since", N_("No school placement si&nce:"), self.no_school_since,
                  N_("For a child reported by a school: the day since which the child has had no "
                     "school placement"))
        self._row("notes", N_("&Notes:"), self.notes,
                  N_("Free text for your own work; never exported. No names or personal identity numbers."))
        self.destination.textChanged.connect(lambda _t: self._show_region())
        if existing is not None:
            self._show_case(existing, stored.reduced)
            self._add_history(stored, changes, statuses)
        else:
            self._wrap_body(None)
        self.status.currentIndexChanged.connect(lambda _i: self._status_changed())
        self._status_changed()
        self._show_region()

    # --- layout -----------------------------------------------------------------------

    def _row(self, field: str, msgid: str, widget: QWidget, description: str | None = None) -> None:
        """A field and, under it, the place where its problems are shown."""
        form_row(self.form, self.tr_, msgid, widget, description)
        error = message_label()
        error.setObjectName(f"error_{field}")
        error.setStyleSheet(ERROR_STYLE)
        self.form.addRow("", error)
        self.form.setRowVisible(error, False)
        self.errors[field] = error

    def _wrap_body(self, tabs: QTabWidget | None) -> None:
        """Put the form in a scroll area (in the first tab when there are tabs)."""
        layout = self.layout()
        layout.removeWidget(self.body)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        scroll.setMinimumWidth(self.body.sizeHint().width() + 40)
        scroll.setMinimumHeight(min(self.body.sizeHint().height() + 10, 560))
        if tabs is None:
            layout.insertWidget(0, scroll, 1)
            return
        add_tab(tabs, self.tr_, N_("Case"), scroll)
        layout.insertWidget(0, tabs, 1)

    def _add_history(self, stored: StoredCase, changes: Sequence[CaseChange],
                     statuses: Sequence[StatusChange]) -> None:
        self.changes = RecordTableModel([
            Column(N_("When"), lambda c: c.at, lambda at: format_datetime(at, "short")),
            Column(N_("User"), lambda c: c.user),
            Column(N_("Change"), lambda c: c.kind, change_kind),
            Column(N_("Fields"), lambda c: c.fields, lambda names: list_text(map(field_title, names))),
        ], changes, parent=self)
        self.statuses = RecordTableModel([
            Column(N_("From"), lambda s: s.date, format_date),
            Column(N_("Status"), lambda s: s.status, CASE_STATUSES.label),
        ], statuses, parent=self)
        self.about = message_label()
        self.form.insertRow(0, self.about)
        self._describe_record()
        if stored.reduced:
            reduced = message_label()
            self.tr_.bind(reduced.setText, N_(
                "Reduced by retention: the case reference and the notes have been erased and "
                "can no longer be filled in."))
            self.form.insertRow(1, reduced)
        tabs = QTabWidget()
        self.tabs = tabs
        self.tr_.bind(tabs.setAccessibleName, N_("Case"))
        self._wrap_body(tabs)
        self.follow_ups = FollowUpLog(self.ctx, stored.case.id, self.tr_,
                                      self.ctx.can(Permission.EDIT_CASES, stored.case.reported_by))
        add_tab(tabs, self.tr_, N_("Follow-up"), self.follow_ups)
        for model, msgid, name in ((self.changes, N_("Changes"), N_("History of changes")),
                                   (self.statuses, N_("Status history"), N_("Status history"))):
            view = RecordTableView("", self.ctx.clipboard)
            view.setModel(model)
            self.tr_.bind(view.setAccessibleName, name)
            page = QWidget()
            QVBoxLayout(page).addWidget(view)
            add_tab(tabs, self.tr_, msgid, page)

    def _describe_record(self) -> None:
        stored = self.stored
        if stored is not None:
            self.about.setText(_(
                "Registered {created} by {creator}; last changed {updated} by {updater}.").format(
                created=format_datetime(stored.created_at, "short"), creator=stored.created_by,
                updated=format_datetime(stored.updated_at, "short"), updater=stored.updated_by))

    def _fill_codes(self) -> None:
        self._fill_countries()
        fill_codes(self.gender, GENDERS)
        fill_codes(self.honour_link, HONOUR_LINKS)
        fill_codes(self.status, CASE_STATUSES)

    def _show_case(self, case: AbroadCase, reduced: bool) -> None:
        self.case_ref.setText(case.case_ref or "")
        if self.reported_by.findData(case.reported_by) < 0:  # e.g. an inactive administration
            self.reported_by.addItem(case.reported_by, case.reported_by)
        select_data(self.reported_by, case.reported_by)
        self.known_date.setDate(QDate(case.known_date))
        self.departure_date.setText(case.departure_date or "")
        select_data(self.gender, case.gender)
        self.birth_year.setValue(case.birth_year if case.birth_year is not None else UNKNOWN_BIRTH_YEAR)
        self.purposes.set_checked(case.purposes)
        select_data(self.honour_link, case.honour_link)
        self.destination.setText(m49.country_shown(case.destination) if case.destination else "")
        select_data(self.status, case.status)
        self.reported_married.setChecked(case.reported_married)
        self.actions.set_checked(case.actions)
        self.follow_up_date.setText(case.follow_up_date.isoformat() if case.follow_up_date else "")
        self.no_school_since.setText(case.no_school_since.isoformat() if case.no_school_since else "")
        self.notes.setPlainText(case.notes or "")
        for field in (self.case_ref, self.notes):
            field.setReadOnly(reduced)

    def _status_changed(self) -> None:
        if self.stored is not None:
            self.status_date.setEnabled(self.status.currentData() != self.stored.case.status)

    def _fill_countries(self) -> None:
        chosen = self._destination_code()
        self._countries.setModel(QStringListModel(sorted(
            (m49.country_shown(code) for code in m49.COUNTRY_TO_SUB_REGION), key=str.casefold), self))
        if chosen:
            self.destination.setText(m49.country_shown(chosen))

    def _destination_code(self) -> str | None:
        return m49.country_from_text(self.destination.text())

    def _show_region(self) -> None:
        code = self._destination_code()
        if not self.destination.text().strip():
            self.region.setText(_("Unknown destination"))
        elif code is not None:
            region = m49.region_of(code)
            self.region.setText(_("Region: {region}").format(region=m49.region_name(region)) if region
                                else _("No region"))
        else:
            self.region.setText(_("Not a known country: choose one from the list"))

    # --- values and problems ----------------------------------------------------------

    def _destination(self) -> str | None:
        """The chosen country's code (ValidationError when the text names no country)."""
        if not self.destination.text().strip():
            return None
        code = self._destination_code()
        if code is None:
            raise ValidationError.single(_("Not a known country: choose one from the list."),
                                         field="destination")
        return code

    def _person_key(self) -> str | None:
        """The pseudonym of the number typed (ValidationError for ``person_key`` when it is
        not a valid number); the stored one when nothing was typed."""
        text = self.person.text().strip()
        if not text:
            return self.stored.case.person_key if self.stored else None
        return abroad_repo.person_pseudonym(self.ctx.db, text, self.known_date.date().toPython())

    def look_up_person(self) -> None:
        """Tell whether the child typed is already in the register (an audited lookup, once
        per number typed)."""
        text = self.person.text().strip()
        if not text or text == self._looked_up:
            return
        self._looked_up = text
        try:
            key = self._person_key()
        except ValidationError as error:
            self.show_field_problems(error.problems)
            return
        self.show_field_problems([])
        found = abroad_repo.cases_of_person(self.ctx.db, key,
                                            excluding=self.stored.case.id if self.stored else None)
        parts = []
        if found.visible:
            parts.append(_("This child is already in the register (case {cases}).").format(
                cases=", ".join(map(str, found.visible))))
        if found.elsewhere:
            parts.append(_("Other administrations have registered this child in {count} case(s) "
                           "that you cannot see.").format(count=found.elsewhere))
        self.person_found.setText(" ".join(parts) or _("This child is not yet in the register."))

    def case(self, person_key: str | None = None) -> AbroadCase:
        """The case as filled in (with ``person_key``, the pseudonym of the number typed)."""
        year = self.birth_year.value()
        return AbroadCase(
            id=self.stored.case.id if self.stored else None,
            person_key=person_key,
            case_ref=self.case_ref.text().strip() or None,
            reported_by=self.reported_by.currentData() or "",
            known_date=self.known_date.date().toPython(),
            departure_date=self.departure_date.text().strip() or None,
            gender=self.gender.currentData(),
            birth_year=None if year == UNKNOWN_BIRTH_YEAR else year,
            purposes=self.purposes.checked(),
            honour_link=self.honour_link.currentData(),
            destination=self._destination(),
            status=self.status.currentData(),
            reported_married=self.reported_married.isChecked(),
            actions=self.actions.checked(),
            follow_up_date=_day(self.follow_up_date, "follow_up_date"),
            no_school_since=_day(self.no_school_since, "no_school_since"),
            notes=self.notes.toPlainText().strip() or None)

    def field_problems(self) -> dict[str, str]:
        """Field name -> the problems shown under it (for tests and screen readers)."""
        return {field: label.text() for field, label in self.errors.items() if label.text()}

    def show_field_problems(self, problems: Sequence[Problem]) -> None:
        """Each problem under its field; the rest (and a summary) in the message line."""
        by_field: dict[str, list[str]] = {}
        general = []
        for problem in problems:
            if problem.field in self.errors:
                by_field.setdefault(problem.field, []).append(problem.reason)
            else:
                general.append(str(problem))
        for field, label in self.errors.items():
            reasons = by_field.get(field, [])
            label.setText("\n".join(reasons))
            label.setAccessibleName(_("Problem with {field}: {reasons}").format(
                field=field_title(field), reasons=" ".join(reasons)) if reasons else "")
            self.form.setRowVisible(label, bool(reasons))
        if problems:
            fields = list_text(field_title(f) for f in by_field)
            summary = _("The case was not saved. Correct: {fields}.").format(fields=fields) if by_field \
                else _("The case was not saved.")
            self.message.setText("\n".join([summary, *general]))
        else:
            self.message.clear()

    def work(self):
        try:
            case = self.case(self._person_key())
        except ValidationError as error:
            self.show_field_problems(error.problems)
            return None
        problems = validate_case(case, dt.date.today(), self.known_codes)
        self.show_field_problems(problems)
        if problems:
            return None
        db = self.ctx.db
        if self.stored is None:
            return lambda: abroad_repo.create_case(db, case)
        status_date = self.status_date.date().toPython() if case.status != self.stored.case.status else None
        return lambda: abroad_repo.update_case(db, case, status_date=status_date)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and exc.problems:
            self._set_busy(False)
            self.show_field_problems(exc.problems)
            return
        super()._failed(exc)

    def retranslate(self) -> None:
        super().retranslate()
        self._fill_codes()
        self.purposes.retranslate()
        self.actions.retranslate()
        self._show_region()
        self._describe_record()
        for model in self.findChildren(RecordTableModel):
            model.retranslate()


# --- the list -------------------------------------------------------------------------------


class CasesPanel(TabPanel):
    """The cases the user may see, filtered by period, status, reporter and purpose."""

    def __init__(self, section):
        super().__init__(section)
        self.can_edit = self.ctx.can(Permission.EDIT_CASES)
        self.model = RecordTableModel([
            Column(N_("No."), lambda s: s.case.id, align_right=True),
            Column(N_("Case reference"), lambda s: s.case.case_ref),
            Column(N_("Status"), lambda s: s.case.status, CASE_STATUSES.label),  # on screen at 1100 px
            Column(N_("Known date"), lambda s: s.case.known_date, format_date),
            Column(N_("Reported by"), lambda s: s.case.reported_by),
            Column(N_("Gender"), lambda s: s.case.gender, GENDERS.label),
            Column(N_("Birth year"), lambda s: s.case.birth_year, align_right=True),
            Column(N_("Suspected purposes"), lambda s: s.case.purposes, labels_text(PURPOSES)),
            Column(N_("Destination"), lambda s: s.case.destination, m49.country_name),
            Column(N_("Last changed"), lambda s: s.updated_at.date(), format_date),
        ], parent=self)
        layout = QVBoxLayout(self)
        self.period, self.status, self.reporter, self.purpose = (QComboBox() for _i in range(4))
        filters = QGridLayout()
        for position, (combo, msgid, name) in enumerate((
                (self.period, N_("&Period:"), N_("Reporting period")),
                (self.status, N_("S&tatus:"), N_("Status")),
                (self.reporter, N_("Reported b&y:"), N_("Reported by")),
                (self.purpose, N_("P&urpose:"), N_("Suspected purpose")))):
            row, column = divmod(position, 2)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            filters.addWidget(labelled(self.tr_, msgid, combo, name), row, 2 * column)
            filters.addWidget(combo, row, 2 * column + 1)
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        filters.setColumnStretch(4, 1)
        layout.addLayout(filters)
        self.view = self.table(N_("Cases"), self.model)
        self.view.activated.connect(lambda _index: self.open_case())
        layout.addWidget(self.view, 1)
        self.count = QLabel()
        layout.addWidget(self.count)
        buttons = [self.button(N_("&Open case…"), self.open_case,
                               N_("Show the selected case with its history (recorded in the audit log)"))]
        if self.can_edit:
            buttons.insert(0, self.button(N_("&New case…"), self.new_case))
            buttons.append(self.button(N_("&Delete case…"), self.delete_case))
        layout.addLayout(button_row(*buttons))
        self._fill_codes()

    # --- filters ----------------------------------------------------------------------

    def _fill_codes(self) -> None:
        fill_codes(self.status, CASE_STATUSES, _("All statuses"))
        fill_codes(self.purpose, PURPOSES, _("All purposes"))

    def _fill_reporters(self) -> None:
        session = self.ctx.session
        if self.ctx.can(Permission.VIEW_CASES, "*"):  # every administration
            items = [(f"{a.code} – {a.name}", a.code)
                     for a in organisation.administrations(self.ctx.db, include_inactive=True)]
            fill_combo(self.reporter, items, _("All administrations"))
        else:  # an editor: their own administration only
            fill_combo(self.reporter, [(session.administration, session.administration)])
            self.reporter.setEnabled(False)

    def filters(self) -> dict:
        year = self.period.currentData()
        return {"period": abroad_repo.period_for(self.ctx.db, year) if year is not None else None,
                "status": self.status.currentData(), "reported_by": self.reporter.currentData(),
                "purpose": self.purpose.currentData()}

    def refresh(self) -> None:
        fill_years(self.period, self.ctx.db, _("All periods"))
        self._fill_reporters()
        self.apply_filters()

    def apply_filters(self) -> None:
        if self.ctx.host.db is None or self.reporter.count() == 0:
            return
        self.model.set_rows(case_register.list_cases(self.ctx.db, **self.filters()))
        self._show_count()

    def _show_count(self) -> None:
        self.count.setText(_("{n} cases shown.").format(n=format_number(len(self.model.rows))))

    def select(self, case_id: int) -> None:
        self.view.select_row(lambda stored: stored.case.id == case_id)

    # --- records ----------------------------------------------------------------------

    def _selected(self) -> StoredCase | None:
        stored = self.view.current_row()
        if stored is None:
            self.ctx.dialogs.info(self.ctx.window, _("Cases"), _("Select a case in the list first."))
        return stored

    def _open(self, dialog: CaseDialog) -> CaseDialog:
        return self.open_form(dialog, lambda result: self._saved(dialog, result))

    def new_case(self) -> CaseDialog:
        return self._open(CaseDialog(self.ctx))

    def open_case(self) -> CaseDialog | None:
        """Read the selected case (audited as a view) and show it in the form."""
        selected = self._selected()
        if selected is None:
            return None
        db, case_id = self.ctx.db, selected.case.id
        try:
            stored = abroad_repo.get_case(db, case_id)
            changes = abroad_repo.change_history(db, case_id)
            statuses = abroad_repo.status_history(db, case_id)
        except HrvError as exc:
            self.ctx.show_error(exc, _("Open case"))
            return None
        return self._open(CaseDialog(self.ctx, stored, changes, statuses))

    def _saved(self, dialog: CaseDialog, result) -> None:
        if dialog.stored is None:
            text = _("Case {id} was registered.").format(id=result)
            case_id = result
        else:
            case_id = dialog.stored.case.id
            text = (_("Case {id} was saved; changed: {fields}.").format(
                id=case_id, fields=list_text(map(field_title, result))) if result
                else _("Case {id} had no changes to save.").format(id=case_id))
        self.changed()
        self.select(case_id)
        self.ctx.status(text)

    def delete_case(self) -> None:
        stored = self._selected()
        if stored is None:
            return
        title = _("Delete case")
        if not self.ctx.dialogs.question(self.ctx.window, title, _(
                "Delete case {id} and its history? The statistics of its reporting period change "
                "too.").format(id=stored.case.id)):
            return
        try:
            abroad_repo.delete_case(self.ctx.db, stored.case.id)
        except HrvError as exc:
            self.ctx.show_error(exc, title)
            return
        self.changed()
        self.ctx.status(_("Case {id} was deleted.").format(id=stored.case.id))

    def retranslate(self) -> None:
        super().retranslate()
        self._fill_codes()
        if self.ctx.host.db is not None:
            fill_years(self.period, self.ctx.db, _("All periods"))
            self._fill_reporters()
        self._show_count()


# --- the section ----------------------------------------------------------------------------


@register
class ChildrenAbroadSection(TabbedSection):
    key = "abroad"
    title = N_("Children taken abroad")
    description = N_("Children and young people at risk of being taken abroad, and the statistics")
    permission = Permission.VIEW_STATISTICS
    order = 20
    handles = frozenset({Act.NEW_RECORD})
    PANELS = (
        (Permission.VIEW_CASES, CasesPanel, N_("Cases")),
        (Permission.VIEW_CASES, FollowUpsPanel, N_("Follow-ups")),
        (Permission.VIEW_STATISTICS, StatisticsPanel, N_("Statistics")),
        (Permission.EXPORT_NATIONAL, ExportPanel, N_("Export for the national team")),
        (Permission.IMPORT, ImportPanel, N_("Import file")),
    )

    def __init__(self, ctx: SectionContext):
        super().__init__(ctx)
        if not ctx.can(Permission.EDIT_CASES):
            self.handles = frozenset()

    def trigger(self, act: Act) -> None:
        if act is Act.NEW_RECORD and CasesPanel in self.panels and self.ctx.can(Permission.EDIT_CASES):
            self.show_panel(CasesPanel).new_case()

    def figures(self) -> list[Figure]:
        db, out = self.ctx.db, []
        period = current_period(db)
        if self.ctx.can(Permission.VIEW_STATISTICS):
            total = abroad_repo.stats_for(db, period.year).total
            out.append(Figure(_("Children taken abroad this reporting period"), format_number(total),
                              _("cases known {period}").format(period=period_text(period))))
        if self.ctx.can(Permission.VIEW_CASES):
            statuses = abroad_repo.status_counts(db)
            scope = (_("in the whole register") if self.ctx.can(Permission.VIEW_CASES, "*")
                     else _("reported by your administration ({code})").format(
                         code=self.ctx.session.administration))
            out.append(Figure(_("Abroad now"), format_number(statuses.get("abroad", 0)), scope))
            out.append(Figure(_("At risk of being taken abroad now"),
                              format_number(statuses.get("at_risk", 0)), scope))
            late = followups_repo.overdue_count(db)
            out.append(Figure(_("Follow-ups overdue"), format_number(late), scope, attention=late > 0))
        return out
