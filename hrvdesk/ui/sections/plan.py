"""Action plan: the plan's versions, goals with measures and activities, the yearly
follow-up, the pilot survey and the yearly report.

A plan version and a year are chosen at the top; every tab shows that year (measures,
follow-up, survey). Choosing a year selects the version in force that year; older versions
stay readable. Changing the plan (editing an activity, revising, entering measure values,
starting a year's follow-up, the survey's questions) is for the plan's coordinator — the
administration of the committee that owns the plan — and administrators. An activity's
follow-up can be changed by editors of its responsible committees' administrations; for
everyone else the table is read only. The store checks every change again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QSpinBox, QVBoxLayout, QWidget)

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.plan import (FOLLOWUP_STATUSES, MEASURE_SOURCES, MEASURE_UNITS, TARGET_STATES,
                                 TRENDS, Activity, FollowUp, Goal, Measure, MeasureValue, Plan,
                                 changes_since, next_revision)
from hrvdesk.domain.plan_seed import PARTNERS as NAMED_PARTNERS
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_, _, format_datetime, format_number
from hrvdesk.store import organisation, plan_repo
from hrvdesk.store.plan_repo import ActivityFollowUp, MeasureStatus
from hrvdesk.ui.models import Column, EditableTableModel, RecordTableModel
from hrvdesk.ui.sections import Figure, SectionContext, register
from hrvdesk.ui.sections.plan_proposals import ProposalsPanel
from hrvdesk.ui.sections.plan_round import RoundPanel
from hrvdesk.ui.sections.plan_survey import TITLE_WIDTH, PlanPanel, SurveyPanel, is_coordinator
from hrvdesk.ui.sections.tabbed import TabbedSection
from hrvdesk.ui.widgets import FormDialog, Page, form_row, message_label
from hrvdesk.ui.work_widgets import (NO_VALUE, CodeComboDelegate, add_labelled, button_row, fill_codes,
                                     fill_combo, format_share, list_text, make_button, select_data,
                                     years_text)
from hrvdesk.ui.yearly_report import PLAN_REPORT, open_report_dialog, report_button

YEARS_AHEAD = 1  # the year selector reaches this many years past the current one


@dataclass(frozen=True)
class PlanActivity:
    """An activity of the chosen version with the number of its goal."""

    goal: int
    activity: Activity


# --- goals and activities -------------------------------------------------------------------


PlanItem = Measure | Activity


def _with_goals(plan: Plan, change: Callable[[Goal], Goal]) -> Plan:
    return dataclasses.replace(plan, goals=tuple(change(g) for g in plan.goals))


def _items_field(item: PlanItem) -> str:
    return "measures" if isinstance(item, Measure) else "activities"


def with_item(plan: Plan, item: PlanItem, goal: int | None = None) -> Plan:
    """``plan`` with ``item`` added to goal ``goal``, or (``goal`` None) replacing the
    measure or activity of the same code."""
    field = _items_field(item)

    def change(g: Goal) -> Goal:
        items = getattr(g, field)
        if goal is None:
            items = tuple(item if x.code == item.code else x for x in items)
        elif g.number == goal:
            items = (*items, item)
        return dataclasses.replace(g, **{field: items})

    return _with_goals(plan, change)


def without_item(plan: Plan, code: str) -> Plan:
    """``plan`` without the measure or activity ``code``."""
    return _with_goals(plan, lambda g: dataclasses.replace(
        g, measures=tuple(m for m in g.measures if m.code != code),
        activities=tuple(a for a in g.activities if a.code != code)))


def saving(ctx: SectionContext, plan: Plan) -> Callable[[], Plan]:
    """The job that stores the edited structure ``plan``."""
    db = ctx.db
    return lambda: plan_repo.save_plan(db, plan)


class GoalDialog(FormDialog):
    """Change the title of a goal of the newest version."""

    def __init__(self, ctx: SectionContext, plan: Plan, goal: Goal):
        super().__init__(ctx.window, ctx.tasks, N_("Edit goal"), N_("&Save"))
        self.ctx, self.plan, self.goal = ctx, plan, goal
        self.title = QLineEdit(_(goal.title))
        form_row(self.form, self.tr_, N_("Goal:"), QLabel(str(goal.number)))
        form_row(self.form, self.tr_, N_("&Title:"), self.title)

    def work(self):
        if not self.title.text().strip():
            self.show_problems([_("Give a title.")])
            return None
        title = self.title.text()
        return saving(self.ctx, _with_goals(self.plan, lambda g: dataclasses.replace(g, title=title)
                                            if g.number == self.goal.number else g))


class PlanItemDialog(FormDialog):
    """Add a measure or activity of the newest version (a code and a goal are asked for)
    or edit one (``existing``; its code and goal stay)."""

    def __init__(self, ctx: SectionContext, plan: Plan, existing: PlanItem | None,
                 titles: tuple[str, str], goal: int | None = None):
        super().__init__(ctx.window, ctx.tasks, titles[0] if existing else titles[1], N_("&Save"))
        self.ctx, self.plan, self.existing = ctx, plan, existing
        self.code = QLineEdit()
        self.goal = QComboBox()
        if existing:
            form_row(self.form, self.tr_, N_("Code:"), QLabel(existing.code))
        else:
            fill_combo(self.goal, [(str(g.number), g.number) for g in plan.goals])
            select_data(self.goal, goal)
            form_row(self.form, self.tr_, N_("&Goal:"), self.goal)
            form_row(self.form, self.tr_, N_("&Code:"), self.code,
                     N_("A code not used elsewhere in the plan, such as A1.7 or M1.2"))
        self.title = QLineEdit(_(existing.title) if existing else "")
        form_row(self.form, self.tr_, N_("&Title:"), self.title)

    def item(self) -> PlanItem:
        raise NotImplementedError

    def work(self):
        code = self.existing.code if self.existing else self.code.text().strip()
        if not (code and self.title.text().strip()):
            self.show_problems([_("Give a code and a title.")])
            return None
        item = dataclasses.replace(self.item(), code=code)
        goal = None if self.existing else self.goal.currentData()
        return saving(self.ctx, with_item(self.plan, item, goal))


class MeasureDialog(PlanItemDialog):
    """Add or edit a measure: title, where its value comes from, its unit."""

    def __init__(self, ctx: SectionContext, plan: Plan, measure: Measure | None, goal: int | None = None):
        super().__init__(ctx, plan, measure, (N_("Edit measure"), N_("Add measure")), goal)
        self.source, self.unit = QComboBox(), QComboBox()
        self._fill()
        if measure:
            select_data(self.source, measure.source)
            select_data(self.unit, measure.unit)
        else:
            select_data(self.source, "manual")
        form_row(self.form, self.tr_, N_("&Source of the value:"), self.source)
        form_row(self.form, self.tr_, N_("&Unit:"), self.unit)

    def _fill(self) -> None:
        fill_codes(self.source, MEASURE_SOURCES)
        fill_codes(self.unit, MEASURE_UNITS)

    def retranslate(self) -> None:
        super().retranslate()
        self._fill()

    def item(self) -> Measure:
        return Measure("", self.title.text(), self.source.currentData(), self.unit.currentData())


class ActivityDialog(PlanItemDialog):
    """Add or edit an activity: title, responsible committees, lead, timeframe."""

    def __init__(self, ctx: SectionContext, plan: Plan, activity: Activity | None, goal: int | None = None):
        super().__init__(ctx, plan, activity, (N_("Edit activity"), N_("Add activity")), goal)
        self.committees = plan_repo.committees(ctx.db)
        responsible = activity.responsible if activity else ()
        self.responsible = QListWidget()
        for committee in self.committees:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, committee.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if committee.code in responsible
                               else Qt.CheckState.Unchecked)
            self.responsible.addItem(item)
        self.lead = QComboBox()
        self.timeframe = QLineEdit(_(activity.timeframe) if activity and activity.timeframe else "")
        self._fill()
        if activity:
            select_data(self.lead, activity.lead)
        form_row(self.form, self.tr_, N_("&Responsible committees:"), self.responsible,
                 N_("Tick the committees responsible (Space ticks)"))
        form_row(self.form, self.tr_, N_("&Lead committee:"), self.lead,
                 N_("The committee that starts the activity; one of the responsible"))
        form_row(self.form, self.tr_, N_("Time&frame:"), self.timeframe)

    def _fill(self) -> None:
        for i, committee in enumerate(self.committees):
            self.responsible.item(i).setText(f"{committee.code} – {_(committee.title)}")
        fill_combo(self.lead, [(_(c.title), c.code) for c in self.committees])

    def retranslate(self) -> None:
        super().retranslate()
        self._fill()

    def set_responsible(self, codes: set[str]) -> None:
        for i in range(self.responsible.count()):
            item = self.responsible.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in codes
                               else Qt.CheckState.Unchecked)

    def item(self) -> Activity:
        responsible = tuple(self.responsible.item(i).data(Qt.ItemDataRole.UserRole)
                            for i in range(self.responsible.count())
                            if self.responsible.item(i).checkState() == Qt.CheckState.Checked)
        values = dict(title=self.title.text(), responsible=responsible, lead=self.lead.currentData(),
                      timeframe=self.timeframe.text())
        return (dataclasses.replace(self.existing, **values) if self.existing
                else Activity("", **values))


class StructurePanel(PlanPanel):
    """The chosen version's goals and its activities with responsible and lead committees."""

    def __init__(self, section: "ActionPlanSection"):
        super().__init__(section)
        self._partners: dict[str, str] = {}  # code -> name in the register, read by refresh()
        self.goals = RecordTableModel([
            Column(N_("Goal"), lambda g: g.number, align_right=True),
            Column(N_("Title"), lambda g: _(g.title)),
            Column(N_("Measures"), lambda g: len(g.measures), align_right=True),
            Column(N_("Activities"), lambda g: len(g.activities), align_right=True),
        ], parent=self)
        self.activities = RecordTableModel([
            Column(N_("Goal"), lambda r: r.goal, align_right=True),
            Column(N_("Code"), lambda r: r.activity.code),
            Column(N_("Activity"), lambda r: _(r.activity.title), widest=TITLE_WIDTH),
            Column(N_("Lead committee"), lambda r: r.activity.lead, self.committee),
            Column(N_("Responsible committees"), lambda r: self._responsible(r.activity)),
            Column(N_("Partners"), lambda r: list_text(self.partner(p) for p in r.activity.partners)),
            Column(N_("Timeframe"), lambda r: _(r.activity.timeframe) if r.activity.timeframe else ""),
        ], parent=self)
        layout = QVBoxLayout(self)
        self.goals_view = self.table(N_("Goals"), self.goals)
        self.goals_view.setMaximumHeight(self.goals_view.verticalHeader().defaultSectionSize() * 7)
        self.goals_view.activated.connect(lambda _index: self.edit_goal())
        layout.addWidget(self.goals_view)
        self.goal_button = self.button(N_("Edit &goal…"), self.edit_goal,
                                       N_("Change the title of the selected goal of the newest plan version"))
        layout.addLayout(button_row(self.goal_button))
        self.activities_view = self.table(N_("Activities"), self.activities)
        self.activities_view.activated.connect(lambda _index: self.edit_activity())
        layout.addWidget(self.activities_view, 1)
        self.edit_button = self.button(N_("&Edit activity…"), self.edit_activity,
                                       N_("Change the selected activity of the newest plan version"))
        self.add_button = self.button(N_("&Add activity…"), self.add_activity,
                                      N_("Add an activity to the selected goal of the newest plan version"))
        self.remove_button = self.button(N_("Re&move activity…"), self.remove_activity,
                                         N_("Remove the selected activity; one with follow-ups stays"))
        self.plan_buttons = (self.goal_button, self.edit_button, self.add_button, self.remove_button)
        for button in self.plan_buttons:
            button.setVisible(is_coordinator(self.ctx))
        layout.addLayout(button_row(self.edit_button, self.add_button, self.remove_button))

    @staticmethod
    def _responsible(activity: Activity) -> str:
        """Committee codes, the lead first and marked in words."""
        return ", ".join(_("{committee} (lead)").format(committee=c) if c == activity.lead else c
                         for c in activity.responsible)

    def partner(self, code: str) -> str:
        """A partner's name from the register, else a named plan partner's translated name."""
        return self._partners.get(code) or NAMED_PARTNERS.label(code)

    def refresh(self) -> None:
        self._committees = {c.code: c.title for c in plan_repo.committees(self.ctx.db)}
        self._partners = {p.code: p.name for p in organisation.partners(self.ctx.db, include_inactive=True)}
        plan = self.plan
        self.goals.set_rows(plan.goals)
        self.activities.set_rows([PlanActivity(g.number, a) for g in plan.goals for a in g.activities])
        for button in self.plan_buttons:
            button.setEnabled(self.section.is_newest)

    def edit_goal(self) -> FormDialog | None:
        goal = self.goals_view.current_row()
        if goal is None or not self.section.may_edit_plan():
            return None
        return self.open_form(GoalDialog(self.ctx, self.plan, goal))

    def edit_activity(self) -> FormDialog | None:
        row = self.activities_view.current_row()
        if row is None or not self.section.may_edit_plan():
            return None
        return self.open_form(ActivityDialog(self.ctx, self.plan, row.activity))

    def add_activity(self) -> FormDialog | None:
        if not self.section.may_edit_plan():
            return None
        goal = self.goals_view.current_row()
        return self.open_form(ActivityDialog(self.ctx, self.plan, None, goal.number if goal else None))

    def remove_activity(self) -> None:
        row = self.activities_view.current_row()
        if row is None or not self.section.may_edit_plan():
            return
        self.section.remove_item(self, row.activity.code, _("Remove activity"), _(
            "Remove the activity {code} from plan version {version}?").format(
            code=row.activity.code, version=self.plan.version))


# --- measures -------------------------------------------------------------------------------


def _value_text(status: MeasureStatus) -> str:
    if status.value is None:
        return NO_VALUE
    text = format_share(status.value.value, status.measure.unit)
    return _("{value} (computed now, not recorded)").format(value=text) if status.computed_now else text


def _source_text(status: MeasureStatus) -> str:
    return MEASURE_SOURCES.label(status.value.source if status.value else status.measure.source)


def _earlier_text(status: MeasureStatus) -> str:
    return list_text(f"{v.year}: {format_share(v.value, status.measure.unit)}"
                     for v in status.values if status.value is None or v.year != status.value.year)


class MeasureValueDialog(FormDialog):
    """Enter a manual measure's value for a year: a percentage or a count."""

    TITLE, FIELD = N_("Enter a measure's value"), N_("&Value:")

    def __init__(self, ctx: SectionContext, status: MeasureStatus, year: int):
        super().__init__(ctx.window, ctx.tasks, self.TITLE, N_("&Save"))
        self.ctx, self.measure, self.year = ctx, status.measure, year
        self.value = QDoubleSpinBox()
        share = self.measure.unit == "share"
        self.value.setDecimals(1 if share else 0)
        self.value.setRange(0, 100 if share else 10_000_000)
        self.value.setSuffix(" %" if share else "")
        if (start := self.start(status)) is not None:
            self.value.setValue(start * 100 if share else start)
        measure_label = QLabel(f"{self.measure.code} {_(self.measure.title)}")
        measure_label.setWordWrap(True)
        form_row(self.form, self.tr_, N_("Measure:"), measure_label)
        form_row(self.form, self.tr_, N_("Year:"), QLabel(str(year)))
        form_row(self.form, self.tr_, self.FIELD, self.value,
                 N_("A percentage for shares, a whole number for counts"))

    @staticmethod
    def start(status: MeasureStatus) -> float | None:
        return status.value.value if status.value is not None else None

    def number(self) -> float:
        number = self.value.value()
        return number / 100 if self.measure.unit == "share" else round(number)

    def work(self):
        value = MeasureValue(self.measure.code, self.year, self.number())
        db = self.ctx.db
        return lambda: plan_repo.save_measure_value(db, value)


class TargetDialog(MeasureValueDialog):
    """Set a measure's target (for the whole plan): a percentage or a count."""

    TITLE, FIELD = N_("Set a measure's target"), N_("&Target:")

    @staticmethod
    def start(status: MeasureStatus) -> float | None:
        return status.target

    def work(self):
        code, target, db = self.measure.code, self.number(), self.ctx.db
        return lambda: plan_repo.set_measure_target(db, code, target)


# so that value, target and the state against it fit beside the measure at 1100 px (the whole
# text is the cell's tooltip)
MEASURE_WIDTH, VALUE_WIDTH = 260, 150


class MeasuresPanel(PlanPanel):
    """The measures of the version in force in the year: value, source, trend, earlier years."""

    def __init__(self, section: "ActionPlanSection"):
        super().__init__(section)
        self.model = RecordTableModel([
            Column(N_("Goal"), lambda m: m.goal, align_right=True),
            Column(N_("Code"), lambda m: m.measure.code),
            Column(N_("Measure"), lambda m: _(m.measure.title), widest=MEASURE_WIDTH),
            Column(N_("Value"), _value_text, widest=VALUE_WIDTH),
            Column(N_("Target value"), lambda m: NO_VALUE if m.target is None
                   else format_share(m.target, m.measure.unit)),
            Column(N_("Against the target"), lambda m: m.target_state, TARGET_STATES.label),
            Column(N_("Trend"), lambda m: m.trend, TRENDS.label),
            Column(N_("Source"), _source_text),
            Column(N_("Earlier years"), _earlier_text),
        ], parent=self)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
        self.view = self.table(N_("Measures"), self.model)
        self.view.activated.connect(lambda _index: self.enter_value())
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        layout.addWidget(self.view, 1)
        layout.addWidget(self.explanation(N_(
            "Computed measures are calculated from the registers (routines, training). Record "
            "them to keep the year's value; other measures are entered by hand.")))
        self.enter_button = self.button(N_("&Enter value…"), self.enter_value,
                                        N_("Enter the year's value of the selected measure"))
        self.target_button = self.button(N_("Set &target…"), self.set_target,
                                         N_("Set the target of the selected measure for the plan"))
        self.record_button = self.button(N_("&Record computed values"), self.record_computed,
                                         N_("Store the computed measures' values for the year"))
        self.add_button = self.button(N_("Add mea&sure…"), self.add_measure,
                                      N_("Add a measure to the newest plan version"))
        self.edit_button = self.button(N_("Ed&it measure…"), self.edit_measure,
                                       N_("Change the selected measure of the newest plan version"))
        self.remove_button = self.button(N_("Remove meas&ure…"), self.remove_measure,
                                         N_("Remove the selected measure; one with values stays"))
        self.plan_buttons = (self.add_button, self.edit_button, self.remove_button)
        for button in (self.enter_button, self.target_button, self.record_button, *self.plan_buttons):
            button.setVisible(is_coordinator(self.ctx))
        layout.addLayout(button_row(self.enter_button, self.target_button, self.record_button,
                                    *self.plan_buttons))

    def refresh(self) -> None:
        self.heading.setText(_("Measures in {year}").format(year=self.year))
        self.model.set_rows(plan_repo.measure_overview(self.ctx.db, self.year))
        self._enable()

    def _enable(self) -> None:
        current = self.view.current_row()
        self.enter_button.setEnabled(current is not None and current.measure.source == "manual")
        self.target_button.setEnabled(current is not None)
        for button in self.plan_buttons:
            button.setEnabled(self.section.is_newest)

    def add_measure(self) -> FormDialog | None:
        if not self.section.may_edit_plan():
            return None
        current = self.view.current_row()
        return self.open_form(MeasureDialog(self.ctx, self.plan, None, current.goal if current else None))

    def edit_measure(self) -> FormDialog | None:
        current = self.view.current_row()
        if current is None or not self.section.may_edit_plan():
            return None
        return self.open_form(MeasureDialog(self.ctx, self.plan, current.measure))

    def remove_measure(self) -> None:
        current = self.view.current_row()
        if current is None or not self.section.may_edit_plan():
            return
        self.section.remove_item(self, current.measure.code, _("Remove measure"), _(
            "Remove the measure {code} from plan version {version}?").format(
            code=current.measure.code, version=self.plan.version))

    def enter_value(self) -> FormDialog | None:
        current = self.view.current_row()
        if current is None or current.measure.source != "manual" or not is_coordinator(self.ctx):
            return None
        return self.open_form(MeasureValueDialog(self.ctx, current, self.year))

    def set_target(self) -> FormDialog | None:
        current = self.view.current_row()
        if current is None or not is_coordinator(self.ctx):
            return None
        return self.open_form(TargetDialog(self.ctx, current, self.year))

    def record_computed(self) -> None:
        db, year = self.ctx.db, self.year
        self.ctx.run(lambda: plan_repo.record_computed_values(db, year), self._recorded)

    def _recorded(self, values: dict[str, float]) -> None:
        self.changed()
        self.ctx.status(_("{n} computed values were recorded for {year}.").format(
            n=format_number(len(values)), year=self.year))


# --- follow-up ------------------------------------------------------------------------------


class FollowUpModel(EditableTableModel):
    """The year's follow-up sheet; the status and comment of the rows ``editable(row)``
    allows can be changed, each change saved at once with ``save(row, column, value)``."""

    STATUS, COMMENT = 3, 4  # beside the activity, so that both are on screen at 1100 px
    EDITABLE = (STATUS, COMMENT)

    def edit_value(self, row: ActivityFollowUp, column: int) -> str:
        return row.followup.status if column == self.STATUS else row.followup.comment


class FollowUpPanel(PlanPanel):
    """The follow-up of each activity in the year: status, comment, who changed it and when."""

    def __init__(self, section: "ActionPlanSection"):
        super().__init__(section)
        self._administrations: dict[str, str] = {}
        self.may_edit = self.ctx.can(Permission.EDIT_WORK)
        self.model = FollowUpModel([
            Column(N_("Goal"), lambda r: r.goal, align_right=True),
            Column(N_("Code"), lambda r: r.activity.code),
            Column(N_("Activity"), lambda r: _(r.activity.title), widest=TITLE_WIDTH),
            Column(N_("Status"), lambda line: line.status_text),
            Column(N_("Comment"), lambda r: r.followup.comment, widest=TITLE_WIDTH),
            Column(N_("Lead committee"), lambda r: r.activity.lead, self.committee),
            Column(N_("Updated by"), lambda r: r.followup.updated_by if r.recorded else None),
            Column(N_("Updated"), lambda r: r.followup.updated_at if r.recorded else None,
                   lambda when: format_datetime(when, "short")),
        ], self.editable, self.save, parent=self)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        layout.addWidget(self.heading)
        self.view = self.table(N_("Follow-up of the activities"), self.model)
        self.view.setItemDelegateForColumn(FollowUpModel.STATUS,
                                           CodeComboDelegate(FOLLOWUP_STATUSES, self.view))
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        layout.addWidget(self.view, 1)
        self.summary = message_label()
        layout.addWidget(self.summary)
        self.hint = self.explanation(N_(
            "To change a status or comment, select the cell and press F2 (or double-click it). "
            "You can change the activities of your administration's committee.") if self.may_edit
            else N_("Read only: your role cannot change the follow-up."))
        layout.addWidget(self.hint)
        self.start_button = self.button(
            N_("&Start the year's follow-up"), self.start_year,
            N_("Carry the activities left unfinished last year into this year's follow-up"))
        self.start_button.setVisible(is_coordinator(self.ctx))
        layout.addLayout(button_row(self.start_button))

    def editable(self, line: ActivityFollowUp) -> bool:
        """Whether the session may change this activity's follow-up (a responsible
        committee's administration is the editor's own; administrators always)."""
        return self.may_edit and any(self.ctx.can(Permission.EDIT_WORK, self._administrations.get(c, ""))
                                     for c in line.activity.responsible)

    def save(self, line: ActivityFollowUp, column: int, value: Any) -> ActivityFollowUp | None:
        """Store one changed status or comment; an error is shown and nothing is changed in
        the table."""
        status, comment = line.followup.status, line.followup.comment
        if column == FollowUpModel.STATUS:
            status = str(value)
        else:
            comment = str(value)
        followup = FollowUp(line.activity.code, line.followup.year, status, comment)
        try:
            saved = plan_repo.save_followup(self.ctx.db, followup)
        except Exception as exc:
            self.ctx.show_error(exc, _("The follow-up was not saved"))
            return None
        self.ctx.changed(self.section)
        return ActivityFollowUp(line.goal, line.activity, saved, True)

    def refresh(self) -> None:
        db, year = self.ctx.db, self.year
        committees = plan_repo.committees(db)
        self._committees = {c.code: c.title for c in committees}
        self._administrations = {c.code: c.administration for c in committees}
        sheet = plan_repo.year_followup(db, year)
        self.model.set_rows(sheet)
        self.heading.setText(_("Follow-up {year}, plan version {version}").format(
            year=year, version=self.plan.version))
        reported = sum(line.reported for line in sheet)
        carried = sum(line.followup.carried_from is not None for line in sheet)
        self.summary.setText(_("{reported} of {total} activities reported for {year}; {carried} carried "
                               "over unfinished from {previous}.").format(
            reported=format_number(reported), total=format_number(len(sheet)), year=year,
            carried=format_number(carried), previous=year - 1))

    def start_year(self) -> None:
        db, year = self.ctx.db, self.year
        self.ctx.run(lambda: plan_repo.carry_over_to(db, year), self._started)

    def _started(self, codes: list[str]) -> None:
        self.changed()
        self.ctx.status(_("{n} unfinished activities were carried over into {year}.").format(
            n=format_number(len(codes)), year=self.year))


# --- revision and report --------------------------------------------------------------------


class ReviseDialog(FormDialog):
    """Start a new version of the plan from a year (the old one ends the year before)."""

    def __init__(self, ctx: SectionContext, current: Plan, year: int):
        super().__init__(ctx.window, ctx.tasks, N_("Revise the action plan"), N_("&Revise"))
        self.ctx = ctx
        self.version = QLineEdit(str(int(current.version) + 1) if current.version.isdigit() else "")
        self.first_year = QSpinBox()
        self.first_year.setRange(current.valid_from + 1, year + 10)
        self.first_year.setValue(max(year, current.valid_from + 1))
        intro = message_label()
        self.tr_.bind(intro.setText, N_(
            "The new version starts with a copy of version {version}, which ends the year before "
            "and stays readable."), version=current.version)
        self.form.addRow(intro)
        form_row(self.form, self.tr_, N_("New &version:"), self.version)
        form_row(self.form, self.tr_, N_("In force &from year:"), self.first_year)

    def work(self):
        db, version, year = self.ctx.db, self.version.text(), self.first_year.value()
        return lambda: plan_repo.revise_plan(db, version, year)


# --- the section ----------------------------------------------------------------------------

@register
class ActionPlanSection(TabbedSection):
    key = "plan"
    title = N_("Action plan")
    description = N_("The action plan's measures and their follow-up")
    permission = Permission.VIEW_WORK
    order = 50
    PANELS = (
        (Permission.VIEW_WORK, StructurePanel, N_("Goals and activities")),
        (Permission.VIEW_WORK, MeasuresPanel, N_("Measures")),
        (Permission.VIEW_WORK, FollowUpPanel, N_("Follow-up")),
        (Permission.VIEW_WORK, RoundPanel, N_("Reporting round")),
        (Permission.VIEW_WORK, ProposalsPanel, N_("Proposals")),
        (Permission.VIEW_WORK, SurveyPanel, N_("Pilot survey")),
    )

    def __init__(self, ctx: SectionContext):
        super().__init__(ctx)
        self.versions: list[Plan] = []
        self._year_chosen_once = False

    def build_top(self, page: Page) -> None:
        """The version and year chosen, the plan's buttons, and what the version is."""
        top = QHBoxLayout()
        self.version = QComboBox()
        self.version.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year_box = QSpinBox()
        self.year_box.setKeyboardTracking(False)  # read the database once the year is typed
        add_labelled(top, self._tr, N_("Plan &version:"), self.version)
        add_labelled(top, self._tr, N_("&Year:"), self.year_box)
        self.revise_button = make_button(self._tr, N_("Re&vise plan…"), self.revise, N_(
            "Start a new version of the plan from a year; the current version stays readable"))
        self.revise_button.setVisible(is_coordinator(self.ctx))
        self.report_button = report_button(self, self._tr, PLAN_REPORT, self.report_dialog)
        top.addWidget(self.revise_button)
        top.addStretch(1)
        top.addWidget(self.report_button)
        page.body.addLayout(top)
        self.version_note = message_label()
        page.body.addWidget(self.version_note)

    def create_widget(self) -> QWidget:
        page = super().create_widget()
        self.version.currentIndexChanged.connect(lambda _i: self._version_chosen())
        self.year_box.valueChanged.connect(lambda _y: self._year_chosen())
        return page

    # --- the chosen version and year ---------------------------------------------------------

    @property
    def plan(self) -> Plan:
        return self.versions[max(0, self.version.currentIndex())]

    @property
    def year(self) -> int:
        return self.year_box.value()

    @property
    def is_newest(self) -> bool:
        return self.plan is self.versions[-1]

    def years(self) -> range:
        """The years one may choose: from the first version's start to next year."""
        last = max(dt.date.today().year + YEARS_AHEAD, self.versions[-1].valid_from)
        return range(self.versions[0].valid_from, last + 1)

    def _version_text(self, plan: Plan) -> str:
        return _("Version {version} ({years})").format(version=plan.version,
                                                       years=years_text(plan.valid_from, plan.valid_to))

    def _fill_versions(self) -> None:
        fill_combo(self.version, [(self._version_text(p), p.version) for p in self.versions])

    def show_year(self, year: int) -> None:
        """Choose ``year`` (and the version in force then) and show it."""
        self._set_year(year)
        self._year_chosen()

    def choose_version(self, version: str) -> None:
        """Choose a version (and a year in which it is in force) and show it."""
        self._set_version(version)
        self._version_chosen()

    def _version_chosen(self) -> None:
        plan = self.plan
        if not plan.in_force(self.year):
            last = plan.valid_to if plan.valid_to is not None else self.years().stop - 1
            self._set_year(min(max(dt.date.today().year, plan.valid_from), last))
        self._show()

    def _year_chosen(self) -> None:
        if not self.plan.in_force(self.year):
            in_force = next((p for p in reversed(self.versions) if p.in_force(self.year)), None)
            if in_force is not None:
                self._set_version(in_force.version)
        self._show()

    def _set_version(self, version: str) -> None:
        self.version.blockSignals(True)
        select_data(self.version, version)
        self.version.blockSignals(False)

    def _set_year(self, year: int) -> None:
        self.year_box.blockSignals(True)
        self.year_box.setValue(year)
        self.year_box.blockSignals(False)

    def _show(self) -> None:
        plan = self.plan
        note = _("{plan}. Version {version} is in force {years}.").format(
            plan=_(plan.name), version=plan.version, years=years_text(plan.valid_from, plan.valid_to))
        if not self.is_newest:
            note += " " + _("It has been replaced by a newer version and is shown read only.")
        else:
            note += " " + self._revision_text(plan)
        self.version_note.setText(note)
        self.revise_button.setEnabled(self.is_newest)
        self.refresh_shown(self.panels.values())

    def _revision_text(self, plan: Plan) -> str:
        """When the plan may next be revised (plan §8.1), and what changed since the last time."""
        text = _("The next opportunity to revise the plan (every other year) is {year}.").format(
            year=next_revision(self.versions[0].adopted_year, dt.date.today().year))
        if len(self.versions) > 1:
            added, removed = changes_since(self.versions[-2], plan)
            text += " " + _("Since version {version}: {added} activities added, {removed} removed.").format(
                version=self.versions[-2].version, added=format_number(len(added)),
                removed=format_number(len(removed)))
        return text

    def refresh(self) -> None:
        self.versions = plan_repo.plan_versions(self.ctx.db)
        if not self.versions:
            raise ValidationError.single(_("The database holds no action plan."))
        years = self.years()
        self.year_box.blockSignals(True)
        self.year_box.setRange(years.start, years.stop - 1)
        if not self._year_chosen_once:
            self.year_box.setValue(min(max(dt.date.today().year, years.start), years.stop - 1))
            self._year_chosen_once = True
        self.year_box.blockSignals(False)
        self._fill_versions()
        self._year_chosen()
        self.stale = False

    def retranslate(self) -> None:
        super().retranslate()
        if self.created and self.versions:
            self._fill_versions()
            self._show()

    # --- actions -----------------------------------------------------------------------------

    def may_edit_plan(self) -> bool:
        """Whether the session may change the chosen version now (the newest, coordinator)."""
        return is_coordinator(self.ctx) and self.is_newest

    def remove_item(self, panel: PlanPanel, code: str, title: str, question: str) -> None:
        """Remove the measure or activity ``code`` from the chosen version once the user
        agrees; the store's refusal (it has values or follow-ups) is shown."""
        if panel.confirmed_change(title, question, saving(self.ctx, without_item(self.plan, code))):
            panel.changed()

    def revise(self) -> FormDialog | None:
        if not self.may_edit_plan():
            return None
        dialog = ReviseDialog(self.ctx, self.plan, self.year)
        dialog.completed.connect(self._revised)
        dialog.open()
        return dialog

    def _revised(self, plan: Plan) -> None:
        self.changed()
        self.choose_version(plan.version)
        self.ctx.status(_("Version {version} of the plan was created.").format(version=plan.version))

    def report_dialog(self) -> FormDialog:
        return open_report_dialog(self, PLAN_REPORT, self.years(), self.year)

    def figures(self) -> list[Figure]:
        db, year = self.ctx.db, dt.date.today().year
        if plan_repo.plan_for_year(db, year) is None:
            return []
        sheet = plan_repo.year_followup(db, year)
        reported = sum(line.reported for line in sheet)
        return [Figure(_("Action plan follow-up {year}").format(year=year),
                       _("{reported} of {total}").format(reported=format_number(reported),
                                                         total=format_number(len(sheet))),
                       _("activities reported this year"))]
