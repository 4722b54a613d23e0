"""Training: the training log, completions per training (pseudonymous), headcounts, the
import of learning-platform and HR files, and the coverage the trainings give.

Tabs: Trainings (filters, the list, the selected training's completions and participants
counted without a list), Headcounts, Import (roles that may import), Coverage (chart,
table, units, trend, the action plan's measure). A change in one tab reads the others
again when they are shown. Buttons that change records exist only for roles that may
edit and are enabled only for records of the user's own administration; the store checks
the same again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QSplitter,
                               QVBoxLayout, QWidget)

from hrvdesk.domain.codes import TRAINING_FORMATS, TRAINING_TOPICS
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.settings import Key
from hrvdesk.domain.training import VPC_RULE_TOPIC, Training, vpc_rule_broken, vpc_rule_warning
from hrvdesk.i18n import N_, _, format_date, format_number, format_percent
from hrvdesk.store import organisation, training_repo
from hrvdesk.store.training_repo import AttendanceRow, CompletionRow
from hrvdesk.ui.actions import Act
from hrvdesk.ui.models import Column, RecordTableModel
from hrvdesk.ui.sections import Figure, SectionContext, register
from hrvdesk.ui.sections.tabbed import P, TabbedSection, TabPanel
from hrvdesk.ui.sections.training_coverage import CoveragePanel
from hrvdesk.ui.sections.training_dialogs import (WARNING_COLOURS, AttendanceDialog, CompletionDialog,
                                                  TrainingDialog, may_edit_all)
from hrvdesk.ui.sections.training_panels import HeadcountsPanel, ImportPanel, hours_text, year_range
from hrvdesk.ui.widgets import Banner, FormDialog, Page, message_label
from hrvdesk.ui.work_widgets import (NO_VALUE, IconTableModel, Panel, button_row, fill_codes, filter_rows,
                                     fill_combo, list_text, yes_no)
from hrvdesk.ui.yearly_report import TRAINING_REPORT, open_report_dialog, report_button

RULE_ICON = "SP_MessageBoxWarning"


@dataclass(frozen=True)
class TrainingRow:
    """A training in the list with its completions and participants counted without a list."""

    training: Training
    completions: int
    attendance: int


def _topics_text(training: Training) -> str:
    return list_text(TRAINING_TOPICS.label(t) for t in TRAINING_TOPICS.values if t in training.topics)


def _rule_text(training: Training) -> str:
    return _("Breaks the co-organisation rule") if vpc_rule_broken(training) else ""


# --- the training log -------------------------------------------------------------------------


class TrainingsPanel(TabPanel):
    """Filters, the list of trainings, and the selected training's participants."""

    def __init__(self, section: "TrainingSection"):
        super().__init__(section)
        self._names: dict[str, str] = {}
        self._shown_id: int | None = None  # the training whose participants are listed
        self.may_edit = self.ctx.can(Permission.EDIT_WORK)
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.model = IconTableModel([
            Column(N_("First day"), lambda r: r.training.start_date, format_date),
            Column(N_("Last day"), lambda r: r.training.end_date, format_date),
            Column(N_("Title"), lambda r: r.training.title),
            Column(N_("Topics"), lambda r: _topics_text(r.training)),
            Column(N_("Format"), lambda r: r.training.format, TRAINING_FORMATS.label),
            Column(N_("Hours"), lambda r: r.training.hours, hours_text, align_right=True),
            Column(N_("Organiser"), lambda r: r.training.organiser),
            Column(N_("Given to"), lambda r: list_text(r.training.administrations)),
            Column(N_("Co-organised by the centre"), lambda r: r.training.vpc_coorganised, yes_no),
            Column(N_("Co-organisation rule"), lambda r: _rule_text(r.training)),
            Column(N_("Completions"), lambda r: r.completions, align_right=True),
            Column(N_("Participants without a list"), lambda r: r.attendance, align_right=True),
        ], icon_column=9, icon_of=lambda r: RULE_ICON if vpc_rule_broken(r.training) else None, parent=self)
        self.view = self.table(N_("Trainings"), self.model)
        self.view.activated.connect(lambda _index: self.edit_training())
        top = QWidget()
        listing = QVBoxLayout(top)
        listing.setContentsMargins(0, 0, 0, 0)
        listing.addWidget(self.view, 1)
        self.count = QLabel()
        listing.addWidget(self.count)
        self.new_button = self.button(N_("&New training…"), self.new_training)
        self.edit_button = self.button(N_("&Edit training…"), self.edit_training)
        self.delete_button = self.button(N_("&Delete training…"), self.delete_training,
                                         N_("Delete the training with its completions"))
        for button in (self.new_button, self.edit_button, self.delete_button):
            button.setVisible(self.may_edit)
        listing.addLayout(button_row(self.new_button, self.edit_button, self.delete_button))
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("training_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self._participants())
        share = int(self.ctx.settings.get(Key.TRAINING_LIST_PERCENT))
        self.splitter.setSizes([share * 10, (100 - share) * 10])
        self.splitter.splitterMoved.connect(lambda _pos, _index: self._remember_split())
        layout.addWidget(self.splitter, 1)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self.show_selected())

    def _remember_split(self) -> None:
        """The list's share of the height, kept for the next start (this workstation)."""
        top, bottom = self.splitter.sizes()
        if top + bottom:
            self.ctx.settings.put(Key.TRAINING_LIST_PERCENT,
                                  min(85, max(20, round(100 * top / (top + bottom)))))

    # --- building ------------------------------------------------------------------------

    def _filters(self) -> QVBoxLayout:
        """The filters in one row (the list needs the height) that fits beside the navigation."""
        self.search = QLineEdit()
        self.tr_.bind(self.search.setPlaceholderText, N_("Find by title or organiser"))
        self.year_filter, self.topic_filter, self.administration_filter = QComboBox(), QComboBox(), QComboBox()
        return filter_rows(self.tr_, (
            ((N_("&Find:"), self.search), (N_("&Year:"), self.year_filter), (N_("To&pic:"), self.topic_filter),
             (N_("&Administration:"), self.administration_filter)),
        ), self.apply_filters)

    def _fill_filters(self) -> None:
        years = year_range(self.ctx.db)
        fill_combo(self.year_filter, [(str(y), y) for y in reversed(years)], _("All"))
        fill_codes(self.topic_filter, TRAINING_TOPICS, _("All"))
        fill_combo(self.administration_filter,
                   [(f"{code} – {name}", code) for code, name in self._names.items()], _("All"))

    def _participants(self) -> QWidget:
        box = QGroupBox()
        self.tr_.bind(box.setTitle, N_("Selected training"))
        layout = QVBoxLayout(box)
        self.rule_warning = Banner(*WARNING_COLOURS)
        self.rule_warning.setObjectName("rule_warning")
        self.rule_warning.hide()
        layout.addWidget(self.rule_warning)
        self.details = message_label()
        self.details.setObjectName("training_details")
        layout.addWidget(self.details)
        lists = QHBoxLayout()
        layout.addLayout(lists, 1)

        self.completions = RecordTableModel([
            Column(N_("Person (pseudonym)"), lambda c: c.person),
            Column(N_("Administration"), lambda c: c.administration),
            Column(N_("Unit"), lambda c: c.unit),
            Column(N_("Completed on"), lambda c: c.completed_date, format_date),
        ], parent=self)
        self.completions_view = self.table(N_("Completions"), self.completions)
        self.add_completion_button = self.button(
            N_("Add &completion…"), self.add_completion,
            N_("Record that a person completed the training; they are kept pseudonymous"))
        self.remove_completion_button = self.button(N_("Remove comp&letion…"), self.remove_completion)
        note = self.explanation(N_(
            "Persons are shown by a short pseudonym. Employee numbers and e-mail addresses are "
            "replaced by the pseudonym when entered or imported and are not stored."))
        lists.addWidget(self._list_box(N_("Completions (pseudonymous)"), self.completions_view, note,
                                       self.add_completion_button, self.remove_completion_button), 3)

        self.attendance = RecordTableModel([
            Column(N_("Administration"), lambda a: a.record.administration),
            Column(N_("Participants"), lambda a: a.record.count, format_number, align_right=True),
            Column(N_("Date"), lambda a: a.record.date, format_date),
        ], parent=self)
        self.attendance_view = self.table(N_("Participants without a list"), self.attendance)
        self.add_attendance_button = self.button(
            N_("Add partic&ipants…"), self.add_attendance,
            N_("A number of participants from an administration, for events without a list of persons"))
        self.remove_attendance_button = self.button(N_("Remo&ve participants…"), self.remove_attendance)
        attendance_note = self.explanation(N_(
            "Counted in the activity figures only, never in the coverage."))
        lists.addWidget(self._list_box(N_("Participants without a list"), self.attendance_view,
                                       attendance_note, self.add_attendance_button,
                                       self.remove_attendance_button), 2)
        for button in (self.add_completion_button, self.remove_completion_button,
                       self.add_attendance_button, self.remove_attendance_button):
            button.setVisible(self.may_edit)
        for view in (self.completions_view, self.attendance_view):
            view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        return box

    def _list_box(self, title: str, view, note: QLabel, *buttons) -> QGroupBox:
        box = QGroupBox()
        self.tr_.bind(box.setTitle, title)
        layout = QVBoxLayout(box)
        layout.addWidget(view, 1)
        layout.addWidget(note)
        layout.addLayout(button_row(*buttons))
        return box

    # --- reading -------------------------------------------------------------------------

    def refresh(self) -> None:
        self._names = {a.code: a.name for a in organisation.administrations(self.ctx.db, include_inactive=True)}
        self._fill_filters()
        self._shown_id = None  # read the selected training's participants again
        self.apply_filters()

    def apply_filters(self) -> None:
        """Read the trainings the filters choose (the store filters) and keep the selection."""
        selected = self.selected()
        db = self.ctx.db
        counts = training_repo.completion_counts(db)
        found = training_repo.trainings(
            db, year=self.year_filter.currentData(), topic=self.topic_filter.currentData(),
            administration=self.administration_filter.currentData(), search=self.search.text())
        self.model.set_rows([TrainingRow(t, *counts.get(t.id, (0, 0))) for t in found])
        self.count.setText(_("{shown} trainings shown.").format(shown=format_number(len(found))))
        self.select(selected.id if selected else None)

    def select(self, training_id: int | None) -> None:
        """Make the training with ``training_id`` current (the first one when it is not shown)."""
        self.view.select_row(lambda r: r.training.id == training_id, or_first=True)
        self.show_selected()

    def selected(self) -> Training | None:
        row = self.view.current_row()
        return row.training if row else None

    def _may_change(self, training: Training | None) -> bool:
        return training is not None and self.may_edit and may_edit_all(self.ctx, training.administrations)

    def show_selected(self) -> None:
        """Show the selected training; its participants are read (and the viewing of the
        completions audited) only when another training was selected or after a refresh."""
        training = self.selected()
        warning = vpc_rule_warning(training) if training else None
        self.rule_warning.setText(warning or "")
        self.rule_warning.setVisible(warning is not None)
        self.details.setText(self._details_text(training) if training else _("No training is selected."))
        training_id = training.id if training else None
        if training_id != self._shown_id:
            db = self.ctx.db
            self.completions.set_rows(training_repo.completions(db, training_id) if training else [])
            self.attendance.set_rows(training_repo.attendance(db, training_id) if training else [])
            self._shown_id = training_id
        self._enable()

    def _details_text(self, training: Training) -> str:
        rows = self.model.rows
        row = next((r for r in rows if r.training.id == training.id), None)
        return _("{title}: {completions} completions, {attendance} participants without a list.").format(
            title=training.title, completions=format_number(row.completions if row else 0),
            attendance=format_number(row.attendance if row else 0))

    def _enable(self) -> None:
        training = self.selected()
        mine = self._may_change(training)
        self.edit_button.setEnabled(mine)
        self.delete_button.setEnabled(mine)
        adding = training is not None and self.may_edit
        self.add_completion_button.setEnabled(adding)
        self.add_attendance_button.setEnabled(adding)
        completion = self.completions_view.current_row()
        attendance = self.attendance_view.current_row()
        self.remove_completion_button.setEnabled(
            completion is not None and self.ctx.can(Permission.EDIT_WORK, completion.administration))
        self.remove_attendance_button.setEnabled(
            attendance is not None and self.ctx.can(Permission.EDIT_WORK, attendance.record.administration))

    # --- changing --------------------------------------------------------------------------

    def _open(self, dialog: FormDialog, select_result: bool = False) -> FormDialog:
        current = self.selected()
        keep = current.id if current else None
        return self.open_form(dialog, lambda result: self._saved(result if select_result else keep))

    def _saved(self, training_id: int | None) -> None:
        self.changed()
        self.select(training_id)

    def new_training(self) -> FormDialog | None:
        if not self.may_edit:
            return None
        return self._open(TrainingDialog(self.ctx, None), select_result=True)

    def edit_training(self) -> FormDialog | None:
        training = self.selected()
        if not self._may_change(training):
            return None
        return self._open(TrainingDialog(self.ctx, training), select_result=True)

    def add_completion(self) -> FormDialog | None:
        training = self.selected()
        if training is None or not self.may_edit:
            return None
        return self._open(CompletionDialog(self.ctx, training))

    def add_attendance(self) -> FormDialog | None:
        training = self.selected()
        if training is None or not self.may_edit:
            return None
        return self._open(AttendanceDialog(self.ctx, training))

    def _remove(self, title: str, question: str, remove) -> None:
        current = self.selected()
        if self.confirmed_change(title, question, remove):
            self._saved(current.id if current else None)

    def delete_training(self) -> None:
        training = self.selected()
        if not self._may_change(training):
            return
        self._remove(_("Delete training"), _(
            "Delete “{title}” with its {completions} completions? This cannot be undone.").format(
            title=training.title, completions=format_number(len(self.completions.rows))),
            lambda: training_repo.delete_training(self.ctx.db, training.id))

    def remove_completion(self) -> None:
        completion: CompletionRow | None = self.completions_view.current_row()
        if completion is None or not self.ctx.can(Permission.EDIT_WORK, completion.administration):
            return
        self._remove(_("Remove completion"), _("Remove the completion of person {person}?").format(
            person=completion.person), lambda: training_repo.delete_completion(self.ctx.db, completion.id))

    def remove_attendance(self) -> None:
        row: AttendanceRow | None = self.attendance_view.current_row()
        if row is None or not self.ctx.can(Permission.EDIT_WORK, row.record.administration):
            return
        self._remove(_("Remove participants"), _(
            "Remove the {count} participants from {administration}?").format(
            count=format_number(row.record.count), administration=row.record.administration),
            lambda: training_repo.delete_attendance(self.ctx.db, row.id))

    def retranslate(self) -> None:
        super().retranslate()
        if self.ctx.host.db is not None:
            self._fill_filters()
            self.show_selected()


# --- the section ------------------------------------------------------------------------------

@register
class TrainingSection(TabbedSection):
    """The tabs are read lazily: the current one at once, the others when they are shown."""

    key = "training"
    title = N_("Training")
    description = N_("Training of staff and the coverage it gives")
    permission = Permission.VIEW_WORK
    order = 30
    handles = frozenset({Act.NEW_RECORD, Act.FIND})
    intro = N_("Trainings given to the administrations' staff, who completed them (pseudonymous), "
               "headcounts, and the share of staff with a valid training.")
    PANELS = (
        (Permission.VIEW_WORK, TrainingsPanel, N_("Trainings")),
        (Permission.VIEW_WORK, HeadcountsPanel, N_("Headcounts")),
        (Permission.IMPORT, ImportPanel, N_("Import")),
        (Permission.VIEW_WORK, CoveragePanel, N_("Coverage")),
    )

    def __init__(self, ctx: SectionContext):
        super().__init__(ctx)
        self._stale_panels: set[Panel] = set()

    def build_top(self, page: Page) -> None:
        self.report_button = report_button(self, self._tr, TRAINING_REPORT, self.report_dialog)

    def create_widget(self) -> QWidget:
        page = super().create_widget()
        # beside the tabs, not on a row of its own: at 720 px the training list needs the height
        self.tabs.setCornerWidget(self.report_button, Qt.Corner.TopRightCorner)
        self.tabs.currentChanged.connect(lambda _i: self._show_current())
        return page

    def show_panel(self, panel_class: type[P]) -> P:
        """Make the tab of ``panel_class`` current (read again when stale)."""
        panel = super().show_panel(panel_class)
        self._show_current()
        return panel

    def _show_current(self) -> None:
        panel = self.tabs.currentWidget()
        if panel in self._stale_panels:
            self._stale_panels.discard(panel)
            self.refresh_shown([panel])

    def refresh(self) -> None:
        """Read the current tab again now, the others when they are shown."""
        self._mark_stale(self.panels.values())

    def changed(self, source: Panel | None = None) -> None:
        """Something was saved: the tabs read again (all but ``source``, which shows the
        change already), and the other sections are told."""
        self._mark_stale(set(self.panels.values()) - {source})
        self.ctx.changed(self)

    def _mark_stale(self, panels: Iterable[Panel]) -> None:
        """``panels`` are read again: the current one now, the others when they are shown."""
        self._stale_panels = set(panels)
        self._show_current()
        self.stale = False

    def shutdown(self) -> None:
        """The window closes: drop the tabs (and a checked import file's rows with them)."""
        self._stale_panels = set()
        super().shutdown()

    def trigger(self, act: Act) -> None:
        if not self.created:
            return
        trainings = self.show_panel(TrainingsPanel)
        if act is Act.NEW_RECORD:
            trainings.new_training()
        elif act is Act.FIND:
            trainings.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
            trainings.search.selectAll()

    # --- report ------------------------------------------------------------------------------

    def report_year(self) -> int:
        coverage = self.panels.get(CoveragePanel)
        return coverage.year if coverage is not None else dt.date.today().year

    def report_dialog(self) -> FormDialog:
        return open_report_dialog(self, TRAINING_REPORT, year_range(self.ctx.db), self.report_year())

    # --- overview ----------------------------------------------------------------------------

    def figures(self) -> list[Figure]:
        db, year = self.ctx.db, dt.date.today().year
        result = training_repo.coverage_for(db, year, VPC_RULE_TOPIC)
        total, threshold = result.total, format_percent(result.threshold, 0)
        missing = [a.code for a in result.administrations if a.headcount is None and a.registered]
        plan = training_repo.required_coverage_for(db, year).total  # the plan's goal-4 measure
        measure = Figure(
            _("Administrations with ensured knowledge {year}").format(year=year),
            NO_VALUE if plan.target_ensured_share is None else format_percent(plan.target_ensured_share),
            _("{ensured} of {measured} administrations with a target-group figure reach {threshold} "
              "among staff who work with children, in every topic the plan requires (action plan "
              "measure)").format(ensured=format_number(plan.administrations_target_ensured),
                                 measured=format_number(plan.administrations_with_target_group),
                                 threshold=threshold))
        if missing:
            measure = Figure(measure.label, measure.value, "; ".join([measure.description, _(
                "No headcount for {year}: {codes}").format(year=year, codes=", ".join(missing))]), True)
        return [
            Figure(_("HRV training coverage {year}").format(year=year),
                   NO_VALUE if total.coverage is None else format_percent(total.coverage),
                   _("staff with a valid HRV training, in administrations with a headcount")),
            measure,
        ]
