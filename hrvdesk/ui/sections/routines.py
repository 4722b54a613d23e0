"""Routines: the register of cross-agency routines, their versions, documents and reviews.

The list shows each routine's review state in words and with an icon; the selected
routine's details, adopted versions and attached documents are shown below it. Documents
are read into memory and stored inside the encrypted database; they reach the disk again
only through "Save a copy…". Buttons that change a routine exist only for roles that may
edit, and are enabled only for routines of an administration the user works for (the
store checks the same again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QSpinBox, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.routines import (
    ATTACHMENT_TYPES, DEFAULT_DUE_WITHIN_DAYS, DEFAULT_REVIEW_INTERVAL_MONTHS, MAX_ATTACHMENT_BYTES,
    REVIEW_STATES, ROUTINE_PURPOSES, ROUTINE_STATUSES, Attachment, ContactPath, Routine, review_state,
)
from hrvdesk.i18n import N_, _, format_date, format_number, format_percent
from hrvdesk.services.outputs import written
from hrvdesk.store import organisation, plan_repo, routines_repo
from hrvdesk.ui.actions import Act
from hrvdesk.ui.models import Column, RecordTableModel
from hrvdesk.ui.sections import Figure, Section, SectionContext, register
from hrvdesk.ui.widgets import FormDialog, Page, Retranslator, form_row, message_label
from hrvdesk.ui.work_widgets import (NO_VALUE, IconTableModel, Panel, add_tab, button_row, filter_rows,
                                     fill_codes, fill_combo, list_text, make_button, select_data)

#: Icons that go with the review states (the state is also said in words).
REVIEW_ICONS = {"overdue": "SP_MessageBoxCritical", "due": "SP_MessageBoxWarning"}
# the register's columns: a long title is shortened so that status and review stay on screen
TITLE_WIDTH, REVIEW_COLUMN = 320, 3
#: File name extension -> MIME type of the documents that can be attached.
DOCUMENT_TYPES = {extension: mime for mime, extension in ATTACHMENT_TYPES.items()}
DOCUMENT_NAMES = {".pdf": N_("PDF document"), ".docx": N_("Word document")}
MAX_INTERVAL_MONTHS = 120

# review filter choices
OVERDUE_OR_DUE, OVERDUE_ONLY = "overdue_or_due", "overdue"


@dataclass(frozen=True)
class RoutineRow:
    """A routine in the list with its review state on the day the list was read."""

    routine: Routine
    state: str | None


def _document_kind(attachment: Attachment) -> str:
    extension = ATTACHMENT_TYPES.get(attachment.mime, "")
    return _(DOCUMENT_NAMES[extension]) if extension in DOCUMENT_NAMES else attachment.mime


def _size(size: int) -> str:
    return _("{size} kB").format(size=format_number(max(1, round(size / 1024))))


def read_document(path: Path) -> tuple[str, bytes]:
    """(MIME type, content) of a document to attach, read into memory; at most one byte
    more than allowed is read, so an oversized file is refused without loading it."""
    mime = DOCUMENT_TYPES.get(path.suffix.lower())
    if mime is None:
        raise ValidationError.single(_("Only PDF and Word (.docx) documents can be attached."))
    try:
        with open(path, "rb") as fh:
            return mime, fh.read(MAX_ATTACHMENT_BYTES + 1)
    except OSError:
        raise ValidationError.single(_("The file {file} could not be read.").format(
            file=path.name)) from None


def _documents_filter() -> str:
    return _("PDF and Word documents (*.pdf *.docx)")


# --- dialogs --------------------------------------------------------------------------------


class RoutineDialog(FormDialog):
    """Create or edit a routine: title, purpose, owner, participants, status, review,
    contact paths. Adopted versions are added with :class:`AdoptDialog`."""

    def __init__(self, ctx: SectionContext, existing: Routine | None):
        super().__init__(ctx.window, ctx.tasks,
                         N_("Edit routine") if existing else N_("New routine"), N_("&Save"))
        self.ctx = ctx
        self.existing = existing
        db = ctx.db
        chosen = set(existing.participants) if existing else set()
        # active parties, and inactive ones the routine already names (kept when saving)
        self.administrations = [a for a in organisation.administrations(db, include_inactive=True)
                                if a.active or a.code in chosen]
        self.partners = [p for p in organisation.partners(db, include_inactive=True)
                         if p.active or p.code in chosen]
        self.title = QLineEdit(existing.title if existing else "")
        self.purpose = QComboBox()
        self.owner = QComboBox()
        self.status = QComboBox()
        self._fill_codes()
        owners = [a for a in self.administrations if a.active and ctx.can(Permission.EDIT_WORK, a.code)]
        fill_combo(self.owner, [(f"{a.code} – {a.name}", a.code) for a in owners])
        self.participants = QListWidget()
        for party in [*self.administrations, *self.partners]:
            item = QListWidgetItem(f"{party.code} – {party.name}")
            item.setData(Qt.ItemDataRole.UserRole, party.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if party.code in chosen else Qt.CheckState.Unchecked)
            self.participants.addItem(item)
        self.interval = QSpinBox()
        self.interval.setRange(1, MAX_INTERVAL_MONTHS)
        self.interval.setValue(existing.review_interval_months if existing
                               else DEFAULT_REVIEW_INTERVAL_MONTHS)
        self.use_planned = QCheckBox()
        self.planned = QDateEdit()
        self.planned.setCalendarPopup(True)
        planned = existing.planned_review if existing else None
        self.use_planned.setChecked(planned is not None)
        self.planned.setDate(QDate(planned) if planned else QDate.currentDate())
        self.planned.setEnabled(planned is not None)
        self.use_planned.toggled.connect(self.planned.setEnabled)
        self.tr_.bind(self.use_planned.setText, N_("Set the next review date by hand:"))
        planned_row = QWidget()
        planned_layout = QHBoxLayout(planned_row)
        planned_layout.setContentsMargins(0, 0, 0, 0)
        planned_layout.addWidget(self.use_planned)
        planned_layout.addWidget(self.planned)
        planned_layout.addStretch(1)
        self.tr_.bind(self.planned.setAccessibleName, N_("Next review date"))
        self.contacts = QTableWidget(0, 2)
        self.contacts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.contacts.setTabKeyNavigation(False)
        for contact in existing.contacts if existing else ():
            self.add_contact(contact.role, contact.how_to_reach)
        contacts_box = QWidget()
        contacts_layout = QVBoxLayout(contacts_box)
        contacts_layout.setContentsMargins(0, 0, 0, 0)
        contacts_layout.addWidget(self.contacts)
        contacts_layout.addLayout(button_row(
            make_button(self.tr_, N_("Add contact &path"), self.add_contact),
            make_button(self.tr_, N_("Remo&ve contact path"), self.remove_contact)))

        form_row(self.form, self.tr_, N_("&Title:"), self.title)
        form_row(self.form, self.tr_, N_("&Purpose:"), self.purpose)
        form_row(self.form, self.tr_, N_("&Owner:"), self.owner,
                 N_("The administration that owns and reviews the routine"))
        form_row(self.form, self.tr_, N_("Pa&rticipants:"), self.participants,
                 N_("Other administrations and partners taking part (tick with Space)"))
        form_row(self.form, self.tr_, N_("&Status:"), self.status,
                 N_("Adopting a new version is done under Version history"))
        form_row(self.form, self.tr_, N_("Review &interval (months):"), self.interval)
        form_row(self.form, self.tr_, N_("Next review:"), planned_row)
        form_row(self.form, self.tr_, N_("&Contact paths:"), contacts_box,
                 N_("A role and a shared way to reach it, such as a switchboard or a shared "
                    "mailbox; no names of private persons"))
        self._contact_headers()
        if existing:
            select_data(self.purpose, existing.purpose)
            select_data(self.status, existing.status)
            if self.owner.findData(existing.owner) < 0:  # shown, even if not the user's own
                self.owner.addItem(existing.owner, existing.owner)
            select_data(self.owner, existing.owner)
        self.owner.currentIndexChanged.connect(lambda _i: self._owner_changed())
        self._owner_changed()

    def _fill_codes(self) -> None:
        fill_codes(self.purpose, ROUTINE_PURPOSES)
        fill_codes(self.status, ROUTINE_STATUSES)

    def _contact_headers(self) -> None:
        self.contacts.setHorizontalHeaderLabels([_("Role"), _("How to reach")])
        self.contacts.setAccessibleName(_("Contact paths"))

    def _owner_changed(self) -> None:
        """The owner is no participant of its own routine: its line is unticked and disabled."""
        owner = self.owner.currentData()
        for i in range(self.participants.count()):
            item = self.participants.item(i)
            is_owner = item.data(Qt.ItemDataRole.UserRole) == owner
            if is_owner:
                item.setCheckState(Qt.CheckState.Unchecked)
            flags = item.flags()
            enabled = Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags & ~enabled if is_owner else flags | enabled)

    def _party_items(self) -> list[QListWidgetItem]:
        """The participant lines that can be ticked (not the owner's)."""
        items = [self.participants.item(i) for i in range(self.participants.count())]
        return [item for item in items if item.flags() & Qt.ItemFlag.ItemIsEnabled]

    def set_participants(self, codes: set[str]) -> None:
        for item in self._party_items():
            wanted = item.data(Qt.ItemDataRole.UserRole) in codes
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def chosen_participants(self) -> tuple[str, ...]:
        return tuple(item.data(Qt.ItemDataRole.UserRole) for item in self._party_items()
                     if item.checkState() == Qt.CheckState.Checked)

    def add_contact(self, role: str = "", how: str = "") -> None:
        row = self.contacts.rowCount()
        self.contacts.insertRow(row)
        self.contacts.setItem(row, 0, QTableWidgetItem(role))
        self.contacts.setItem(row, 1, QTableWidgetItem(how))
        self.contacts.setCurrentCell(row, 0)

    def remove_contact(self) -> None:
        row = self.contacts.currentRow()
        if row >= 0:
            self.contacts.removeRow(row)

    def chosen_contacts(self) -> tuple[ContactPath, ...]:
        def text(row: int, column: int) -> str:
            item = self.contacts.item(row, column)
            return item.text().strip() if item else ""
        pairs = [(text(r, 0), text(r, 1)) for r in range(self.contacts.rowCount())]
        return tuple(ContactPath(role, how) for role, how in pairs if role or how)

    def retranslate(self) -> None:
        super().retranslate()
        self._fill_codes()
        self._contact_headers()

    def work(self):
        existing = self.existing
        routine = Routine(
            id=existing.id if existing else None,
            title=self.title.text(),
            purpose=self.purpose.currentData(),
            owner=self.owner.currentData() or "",
            participants=self.chosen_participants(),
            status=self.status.currentData(),
            versions=existing.versions if existing else (),
            review_interval_months=self.interval.value(),
            planned_review=self.planned.date().toPython() if self.use_planned.isChecked() else None,
            contacts=self.chosen_contacts())
        db = self.ctx.db
        return lambda: routines_repo.save_routine(db, routine)


class AdoptDialog(FormDialog):
    """Record that a new version of the routine was adopted: when, by which body, a note."""

    def __init__(self, ctx: SectionContext, routine: Routine):
        super().__init__(ctx.window, ctx.tasks, N_("Adopt a new version"), N_("&Adopt"))
        self.ctx = ctx
        self.routine = routine
        number = max((v.number for v in routine.versions), default=0) + 1
        self.number = QLabel(str(number))
        self.adopted_on = QDateEdit(QDate.currentDate())
        self.adopted_on.setCalendarPopup(True)
        committee = next((a.committee for a in organisation.administrations(ctx.db, include_inactive=True)
                          if a.code == routine.owner), "")
        self.adopted_by = QLineEdit(committee)
        self.note = QLineEdit()
        form_row(self.form, self.tr_, N_("Version:"), self.number)
        form_row(self.form, self.tr_, N_("Adopted &on:"), self.adopted_on)
        form_row(self.form, self.tr_, N_("Adopted &by:"), self.adopted_by,
                 N_("The body that adopted it, e.g. the committee; not a person"))
        form_row(self.form, self.tr_, N_("&Note:"), self.note)

    def work(self):
        db, routine_id = self.ctx.db, self.routine.id
        on, by, note = self.adopted_on.date().toPython(), self.adopted_by.text(), self.note.text()
        return lambda: routines_repo.adopt_version(db, routine_id, on, by, note)


# --- the register -------------------------------------------------------------------------


class RoutinesPanel(Panel):
    """Filters, the list of routines, and the selected routine's details, versions and documents."""

    def __init__(self, section: Section):
        super().__init__(section)
        self._names: dict[str, str] = {}
        self.today = dt.date.today()
        self.all_rows: list[RoutineRow] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._filters())
        self.model = IconTableModel([
            Column(N_("Title"), lambda r: r.routine.title, widest=TITLE_WIDTH),
            Column(N_("Status"), lambda r: r.routine.status, ROUTINE_STATUSES.label),
            Column(N_("Next review"), lambda r: r.routine.next_review, format_date),
            Column(N_("Review"), lambda r: r.state, REVIEW_STATES.label),
            Column(N_("Purpose"), lambda r: r.routine.purpose, ROUTINE_PURPOSES.label),
            Column(N_("Owner"), lambda r: r.routine.owner, self._name),
        ], icon_column=REVIEW_COLUMN, icon_of=lambda r: REVIEW_ICONS.get(r.state), parent=self)
        self.view = self.table(N_("Routines"), self.model)
        self.view.activated.connect(lambda _index: self.edit_routine())
        layout.addWidget(self.view, 3)
        self.count = QLabel()
        layout.addWidget(self.count)
        self.may_edit = self.ctx.can(Permission.EDIT_WORK)
        self.new_button = self.button(N_("&New routine…"), self.new_routine)
        self.edit_button = self.button(N_("&Edit routine…"), self.edit_routine)
        self.delete_button = self.button(N_("De&lete routine…"), self.delete_routine,
                                         N_("Delete a routine that was never adopted; retire an adopted one"))
        for button in (self.new_button, self.edit_button, self.delete_button):
            button.setVisible(self.may_edit)
        layout.addLayout(button_row(self.new_button, self.edit_button, self.delete_button))
        layout.addWidget(self._details(), 2)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self.show_selected())

    # --- building ------------------------------------------------------------------------

    def _filters(self) -> QVBoxLayout:
        """The filters in two rows, so that the tab fits beside the navigation."""
        self.search = QLineEdit()
        self.tr_.bind(self.search.setPlaceholderText, N_("Find by title"))
        self.status_filter, self.purpose_filter = QComboBox(), QComboBox()
        self.owner_filter, self.review_filter = QComboBox(), QComboBox()
        rows = filter_rows(self.tr_, (
            ((N_("&Find:"), self.search), (N_("Stat&us:"), self.status_filter),
             (N_("&Purpose:"), self.purpose_filter)),
            ((N_("&Owner:"), self.owner_filter), (N_("Re&view:"), self.review_filter)),
        ), self.apply_filters)
        self._fill_filters()
        return rows

    def _fill_filters(self) -> None:
        fill_codes(self.status_filter, ROUTINE_STATUSES, _("All"))
        fill_codes(self.purpose_filter, ROUTINE_PURPOSES, _("All"))
        fill_combo(self.review_filter, [(_("Overdue or due within {days} days").format(
            days=DEFAULT_DUE_WITHIN_DAYS), OVERDUE_OR_DUE), (_("Overdue"), OVERDUE_ONLY)], _("All"))
        fill_combo(self.owner_filter, [(f"{code} – {name}", code) for code, name in self._names.items()],
                   _("All"))

    def _details(self) -> QWidget:
        box = QGroupBox()
        self.tr_.bind(box.setTitle, N_("Selected routine"))
        layout = QVBoxLayout(box)
        self.tabs = QTabWidget()
        self.tr_.bind(self.tabs.setAccessibleName, N_("Selected routine"))
        layout.addWidget(self.tabs)
        self.details = message_label()
        self.details.setObjectName("routine_details")
        self.details.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._add_tab(N_("Details"), self.details)

        self.versions = RecordTableModel([
            Column(N_("Version"), lambda v: v.number, align_right=True),
            Column(N_("Adopted on"), lambda v: v.adopted_on, format_date),
            Column(N_("Adopted by"), lambda v: v.adopted_by),
            Column(N_("Note"), lambda v: v.note),
        ], parent=self)
        self.versions_view = self.table(N_("Version history"), self.versions)
        self.adopt_button = self.button(N_("&Adopt new version…"), self.adopt_version,
                                        N_("Record that a new version of the routine was adopted"))
        self.adopt_button.setVisible(self.may_edit)
        self._add_tab(N_("Version history"), self.versions_view, self.adopt_button)

        self.documents = RecordTableModel([
            Column(N_("Document"), lambda a: a.name),
            Column(N_("Type"), _document_kind),
            Column(N_("Size"), lambda a: a.size, _size, align_right=True),
        ], parent=self)
        self.documents_view = self.table(N_("Documents"), self.documents)
        self.add_document_button = self.button(
            N_("A&dd document…"), self.add_document,
            N_("Store a PDF or Word document inside the encrypted database"))
        self.save_copy_button = self.button(
            N_("&Save a copy…"), self.save_copy,
            N_("Write a copy of the selected document to a file you choose"))
        self.remove_document_button = self.button(N_("&Remove document…"), self.remove_document)
        for button in (self.add_document_button, self.remove_document_button):
            button.setVisible(self.may_edit)
        self._add_tab(N_("Documents"), self.documents_view, self.add_document_button,
                      self.save_copy_button, self.remove_document_button)
        return box

    def _add_tab(self, title: str, content: QWidget, *buttons) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(content, 1)
        if buttons:
            layout.addLayout(button_row(*buttons))
        add_tab(self.tabs, self.tr_, title, page)

    # --- reading -------------------------------------------------------------------------

    def _name(self, code: str) -> str:
        return self._names.get(code, code)

    def refresh(self) -> None:
        db = self.ctx.db
        self.today = dt.date.today()
        self._names = {a.code: a.name for a in organisation.administrations(db, include_inactive=True)}
        self._names.update({p.code: p.name for p in organisation.partners(db, include_inactive=True)
                            if p.code not in self._names})
        self._fill_filters()
        self.all_rows = [RoutineRow(r, review_state(r, self.today))
                         for r in routines_repo.list_routines(db)]
        self.apply_filters()

    def _wanted(self, row: RoutineRow) -> bool:
        routine, text = row.routine, self.search.text().strip().casefold()
        review = self.review_filter.currentData()
        return ((not text or text in routine.title.casefold())
                and self.status_filter.currentData() in (None, routine.status)
                and self.purpose_filter.currentData() in (None, routine.purpose)
                and self.owner_filter.currentData() in (None, routine.owner)
                and (review is None or row.state == "overdue"
                     or (review == OVERDUE_OR_DUE and row.state == "due")))

    def apply_filters(self) -> None:
        selected = self.selected()
        self.model.set_rows([r for r in self.all_rows if self._wanted(r)])
        self.count.setText(_("{shown} of {total} routines shown.").format(
            shown=format_number(len(self.model.rows)), total=format_number(len(self.all_rows))))
        self.select(selected.id if selected else None)

    def select(self, routine_id: int | None) -> None:
        """Make the routine with ``routine_id`` current (the first one when it is not shown)."""
        self.view.select_row(lambda r: r.routine.id == routine_id, or_first=True)
        self.show_selected()

    def selected(self) -> Routine | None:
        row = self.view.current_row()
        return row.routine if row else None

    def _may_change(self, routine: Routine | None) -> bool:
        return routine is not None and self.ctx.can(Permission.EDIT_WORK, routine.owner)

    def show_selected(self) -> None:
        routine = self.selected()
        self.details.setText(self._details_text(routine) if routine else _("No routine is selected."))
        self.versions.set_rows(routine.versions if routine else ())
        self.documents.set_rows(routine.attachments if routine else ())
        mine = self._may_change(routine)
        for button in (self.edit_button, self.delete_button, self.adopt_button, self.add_document_button,
                       self.remove_document_button):
            button.setEnabled(mine)
        self.save_copy_button.setEnabled(bool(routine and routine.attachments))
        self.remove_document_button.setEnabled(mine and bool(routine.attachments))

    def _details_text(self, routine: Routine) -> str:
        lines = [
            routine.title,
            _("Owner: {owner}").format(owner=self._name(routine.owner)),
            _("Participants: {parties}").format(
                parties=list_text(self._name(p) for p in routine.participants)),
            _("Review every {months} months; next review: {date}.").format(
                months=routine.review_interval_months,
                date=format_date(routine.next_review) if routine.next_review else NO_VALUE),
            _("Contact paths:") if routine.contacts else _("No contact paths are given."),
        ]
        lines += [_("{role}: {how}").format(role=c.role, how=c.how_to_reach) for c in routine.contacts]
        return "\n".join(lines)

    # --- changing --------------------------------------------------------------------------

    def _open(self, dialog: FormDialog) -> FormDialog:
        return self.open_form(dialog, self._saved)

    def _saved(self, routine) -> None:
        self.changed()
        if isinstance(routine, Routine):
            self.select(routine.id)

    def changed(self) -> None:
        selected = self.selected()
        super().changed()
        self.select(selected.id if selected else None)

    def new_routine(self) -> FormDialog | None:
        if not self.may_edit:
            return None
        return self._open(RoutineDialog(self.ctx, None))

    def edit_routine(self) -> FormDialog | None:
        routine = self.selected()
        if not self._may_change(routine):
            return None
        return self._open(RoutineDialog(self.ctx, routine))

    def delete_routine(self) -> None:
        routine = self.selected()
        if not self._may_change(routine):
            return
        if self.confirmed_change(_("Delete routine"), _(
                "Delete the routine {title}? It is removed from the register.").format(title=routine.title),
                lambda: routines_repo.delete_routine(self.ctx.db, routine.id)):
            self.changed()

    def adopt_version(self) -> FormDialog | None:
        routine = self.selected()
        if not self._may_change(routine):
            return None
        return self._open(AdoptDialog(self.ctx, routine))

    def add_document(self) -> None:
        routine = self.selected()
        if not self._may_change(routine):
            return
        path = self.ctx.dialogs.open_file(self.ctx.window, _("Attach a document"), str(Path.home()),
                                          _documents_filter())
        if path is None:
            return
        db, routine_id = self.ctx.db, routine.id

        def attach() -> Attachment:
            mime, data = read_document(path)
            return routines_repo.save_attachment(db, routine_id, path.name, mime, data)

        self.ctx.run(attach, lambda attachment: (
            self.changed(), self.ctx.status(_("{file} was attached.").format(file=attachment.name))))

    def _selected_document(self) -> Attachment | None:
        document = self.documents_view.current_row()
        if document is None:
            self.ctx.dialogs.info(self.ctx.window, _("Documents"), _("Select a document in the list first."))
        return document

    def save_copy(self) -> None:
        document = self._selected_document()
        if document is None:
            return
        path = self.ctx.dialogs.save_file(self.ctx.window, _("Save a copy of the document"),
                                          str(Path.home() / document.name), _documents_filter())
        if path is None:
            return
        db = self.ctx.db
        self.ctx.run(lambda: written(path, lambda: routines_repo.save_attachment_copy(db, document.id, path)),
                     lambda _result: self.ctx.status(_("A copy was saved as {file}.").format(file=path.name)))

    def remove_document(self) -> None:
        document = self._selected_document()
        if document is None or not self._may_change(self.selected()):
            return
        if self.confirmed_change(_("Remove document"), _(
                "Remove {file} from the routine? It is deleted from the database.").format(file=document.name),
                lambda: routines_repo.delete_attachment(self.ctx.db, document.id)):
            self.changed()

    def retranslate(self) -> None:
        super().retranslate()
        self._fill_filters()
        self.apply_filters()


@register
class RoutinesSection(Section):
    key = "routines"
    title = N_("Routines")
    description = N_("The administrations' routines and their review dates")
    permission = Permission.VIEW_WORK
    order = 40
    handles = frozenset({Act.NEW_RECORD, Act.FIND})

    def create_widget(self) -> QWidget:
        self._tr = Retranslator()
        page = Page(self._tr, self.title, N_(
            "Routines for cooperating across administrations and with partners. Documents are "
            "kept inside the encrypted database."))
        self.panel = RoutinesPanel(self)
        page.body.addWidget(self.panel)
        return page

    def refresh(self) -> None:
        self.panel.refresh()
        self.stale = False

    def retranslate(self) -> None:
        if self.created:
            self._tr.retranslate()
            self.panel.retranslate()

    def trigger(self, act: Act) -> None:
        if not self.created:
            return
        if act is Act.NEW_RECORD:
            self.panel.new_routine()
        elif act is Act.FIND:
            self.panel.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.panel.search.selectAll()

    def figures(self) -> list[Figure]:
        db, today = self.ctx.db, dt.date.today()
        due = routines_repo.reviews_due(db, today)
        overdue = sum(r.state == "overdue" for r in due)
        upcoming = len(due) - overdue
        share = plan_repo.measure_value_routines(db, today.year)
        return [
            Figure(_("Routine reviews overdue"), format_number(overdue),
                   _("routines in force whose review date has passed"), overdue > 0),
            Figure(_("Routine reviews due soon"), format_number(upcoming),
                   _("within {days} days").format(days=DEFAULT_DUE_WITHIN_DAYS)),
            Figure(_("Committees with cooperation routines"),
                   NO_VALUE if share is None else format_percent(share),
                   _("share of the committees with a routine in force for cooperating with "
                     "other bodies (action plan measure)")),
        ]
