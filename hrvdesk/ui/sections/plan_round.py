"""The Reporting round tab of the Action plan section (:mod:`hrvdesk.domain.plan_round`): the
year's deadline, every responsible committee's progress (activities reported, ready or not,
overdue), the coordinator's "Open the round…" and a representative's "Mark our part ready"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QVBoxLayout

from hrvdesk.domain.plan_round import Round, Share, share_state
from hrvdesk.i18n import N_, _, format_date, format_number
from hrvdesk.store import plan_repo, plan_round_repo
from hrvdesk.ui.models import Column, RecordTableModel
from hrvdesk.ui.sections.plan_survey import PlanPanel, is_coordinator
from hrvdesk.ui.widgets import FormDialog, form_row, message_label
from hrvdesk.ui.work_widgets import button_row

if TYPE_CHECKING:
    from hrvdesk.ui.sections import SectionContext
    from hrvdesk.ui.sections.plan import ActionPlanSection


@dataclass(frozen=True)
class ShareLine:
    """A committee's row: its share and the round's state of it, in words."""

    title: str
    share: Share
    state: str


class DeadlineDialog(FormDialog):
    """Open the year's round, or move its deadline."""

    def __init__(self, ctx: "SectionContext", year: int, current: Round | None):
        super().__init__(ctx.window, ctx.tasks, N_("Open the reporting round"), N_("&Open"))
        self.ctx, self.year = ctx, year
        self.deadline = QDateEdit()
        self.deadline.setCalendarPopup(True)
        start = current.deadline if current else dt.date(year + 1, 2, 15)
        self.deadline.setDate(QDate(start.year, start.month, start.day))
        form_row(self.form, self.tr_, N_("&Deadline:"), self.deadline, N_(
            "The day by which every responsible committee has reported its activities and "
            "marked its part ready"))

    def work(self):
        chosen = self.deadline.date().toPython()
        db, year = self.ctx.db, self.year
        return lambda: plan_round_repo.open_round(db, year, chosen)


class RoundPanel(PlanPanel):
    """The year's reporting round: deadline and each committee's progress."""

    def __init__(self, section: "ActionPlanSection"):
        super().__init__(section)
        self.round: Round | None = None
        self.model = RecordTableModel([
            Column(N_("Committee"), lambda line: line.title),
            Column(N_("Activities"), lambda line: line.share.activities, format_number, align_right=True),
            Column(N_("Reported"), lambda line: line.share.reported, format_number, align_right=True),
            Column(N_("State"), lambda line: line.state),
        ], parent=self)
        layout = QVBoxLayout(self)
        self.heading = message_label()
        layout.addWidget(self.heading)
        self.view = self.table(N_("Progress of the committees"), self.model)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.explanation(N_(
            "Each committee responsible for an activity reports its status and comment in the "
            "Follow-up tab; an activity with several responsible committees is in the share of "
            "each. Once all of its activities are reported, the committee's representative marks "
            "its part ready.")))
        self.open_button = self.button(N_("&Open the round…"), self.open_round,
                                       N_("Set the deadline of the year's reporting round"))
        self.open_button.setVisible(is_coordinator(self.ctx))
        self.ready_button = self.button(N_("Mark our part &ready"), self.mark_ready, N_(
            "Tell the coordinator that your committee's follow-up of the year is complete"))
        layout.addLayout(button_row(self.open_button, self.ready_button))

    def refresh(self) -> None:
        db, year, today = self.ctx.db, self.year, dt.date.today()
        self._committees = {c.code: c.title for c in plan_repo.committees(db)}
        self.round = plan_round_repo.round_for(db, year)
        shares = plan_round_repo.shares(db, year)
        self.model.set_rows([ShareLine(self.committee(s.committee), s, share_state(self.round, s, today))
                             for s in shares])
        mine = set(plan_round_repo.own_committees(db))
        self.ready_button.setVisible(self.round is not None and not db.session.is_admin and any(
            s.committee in mine and not s.ready for s in shares))
        if self.round is None:
            self.heading.setText(_("The reporting round of {year} has not been opened.").format(year=year))
            return
        ready = sum(s.ready for s in shares)
        late = sum(s.overdue(self.round, today) for s in shares)
        self.heading.setText(_("Reporting round {year}: deadline {deadline}. {ready} of {total} committees "
                               "ready, {late} overdue.").format(
            year=year, deadline=format_date(self.round.deadline), ready=format_number(ready),
            total=format_number(len(shares)), late=format_number(late)))

    def open_round(self) -> FormDialog:
        return self.open_form(DeadlineDialog(self.ctx, self.year, self.round))

    def mark_ready(self) -> None:
        db, year = self.ctx.db, self.year
        mine = set(plan_round_repo.own_committees(db))
        pending = [s.committee for s in plan_round_repo.shares(db, year) if s.committee in mine and not s.ready]
        try:
            for committee in pending:
                plan_round_repo.mark_ready(db, year, committee)
        except Exception as exc:
            self.ctx.show_error(exc, _("The part was not marked ready"))
        self.changed()
