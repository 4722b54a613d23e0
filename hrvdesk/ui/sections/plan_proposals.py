"""The Proposals tab of the Action plan section (:mod:`hrvdesk.domain.plan_proposals`): a
committee's representative proposes an activity under a goal; the coordinator accepts it into
the plan or declines it with a reason, which the committee then reads here."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout

from hrvdesk.domain.plan_proposals import MAX_REASON, PROPOSAL_STATES, Proposal
from hrvdesk.i18n import N_, _, format_datetime, format_number, ngettext
from hrvdesk.store import plan_proposals_repo as repo
from hrvdesk.store import plan_repo
from hrvdesk.ui.models import Column, RecordTableModel
from hrvdesk.ui.sections.plan_survey import TITLE_WIDTH, PlanPanel, is_coordinator
from hrvdesk.ui.widgets import FormDialog, form_row, message_label
from hrvdesk.ui.work_widgets import button_row, fill_combo

if TYPE_CHECKING:
    from hrvdesk.ui.sections import SectionContext
    from hrvdesk.ui.sections.plan import ActionPlanSection


class ProposeDialog(FormDialog):
    """Propose an activity: the goal, what to do, which committee proposes it, and why."""

    def __init__(self, ctx: "SectionContext", panel: "ProposalsPanel", year: int):
        super().__init__(ctx.window, ctx.tasks, N_("Propose an activity"), N_("&Propose"))
        self.ctx, self.year = ctx, year
        self.goal, self.committee = QComboBox(), QComboBox()
        fill_combo(self.goal, [(_("{number}. {title}").format(number=g.number, title=_(g.title)), g.number)
                               for g in panel.plan.goals])
        fill_combo(self.committee, [(panel.committee(code), code) for code in repo.may_propose(ctx.db)])
        self.title = QLineEdit()
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        form_row(self.form, self.tr_, N_("&Goal:"), self.goal)
        form_row(self.form, self.tr_, N_("&Activity:"), self.title,
                 N_("What the committee will do, as it would stand in the plan"))
        form_row(self.form, self.tr_, N_("&Committee:"), self.committee,
                 N_("The committee that proposes the activity and would lead it"))
        form_row(self.form, self.tr_, N_("&Why:"), self.reason,
                 N_("What the activity achieves for the goal (no names or personal identity numbers)"))

    def work(self):
        db, year = self.ctx.db, self.year
        goal, committee = self.goal.currentData(), self.committee.currentData()
        title, reason = self.title.text(), self.reason.toPlainText()
        return lambda: repo.propose(db, goal, title, committee, reason, year=year)


class DeclineDialog(FormDialog):
    """Decline a proposal: the reason is required, the committee reads it."""

    def __init__(self, ctx: "SectionContext", proposal: Proposal):
        super().__init__(ctx.window, ctx.tasks, N_("Decline the proposal"), N_("&Decline"))
        self.ctx, self.proposal = ctx, proposal
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        form_row(self.form, self.tr_, N_("Activity:"), QLabel(proposal.title))
        form_row(self.form, self.tr_, N_("&Reason:"), self.note,
                 N_("Why the plan does not take the activity up (the committee reads this)"))

    def work(self):
        note = self.note.toPlainText()
        if not note.strip():
            self.show_problems([_("Say why the proposal is declined.")])
            return None
        if len(note) > MAX_REASON:
            self.show_problems([_("At most {n} characters.").format(n=MAX_REASON)])
            return None
        db, proposal_id = self.ctx.db, self.proposal.id
        return lambda: repo.decide(db, proposal_id, "declined", note)


def _decision(p: Proposal) -> str:
    state = PROPOSAL_STATES.label(p.state)
    return _("{state}: {code}").format(state=state, code=p.activity) if p.activity else state


class ProposalsPanel(PlanPanel):
    """Every proposal, those awaiting a decision first; proposing and deciding."""

    def __init__(self, section: "ActionPlanSection"):
        super().__init__(section)
        self.coordinator = is_coordinator(self.ctx)
        self.model = RecordTableModel([
            Column(N_("Goal"), lambda p: p.goal, align_right=True),
            Column(N_("Proposed activity"), lambda p: p.title, widest=TITLE_WIDTH),
            Column(N_("Committee"), lambda p: p.committee, self.committee),
            Column(N_("Decision"), _decision),
            Column(N_("Proposed by"), lambda p: p.proposed_by),
            Column(N_("Proposed"), lambda p: dt.datetime.fromisoformat(p.proposed_at),
                   lambda when: format_datetime(when, "short")),
            Column(N_("Why"), lambda p: p.reason, widest=TITLE_WIDTH),
            Column(N_("Reason for the decision"), lambda p: p.note),
        ], parent=self)
        layout = QVBoxLayout(self)
        self.heading = message_label()
        layout.addWidget(self.heading)
        self.view = self.table(N_("Proposed activities"), self.model)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        layout.addWidget(self.view, 1)
        layout.addWidget(self.explanation(N_(
            "A committee proposes an activity of its own under a goal; the committee that owns the "
            "plan decides. An accepted activity joins the plan version in force from the chosen "
            "year, with the proposing committee as its lead; a declined one shows the reason here.")))
        self.propose_button = self.button(N_("&Propose an activity…"), self.propose,
                                          N_("Propose an activity of your committee under a goal"))
        self.accept_button = self.button(N_("&Accept"), self.accept,
                                         N_("Take the selected proposal into the plan"))
        self.decline_button = self.button(N_("&Decline…"), self.decline,
                                          N_("Decline the selected proposal and say why"))
        for button in (self.accept_button, self.decline_button):
            button.setVisible(self.coordinator)
        layout.addLayout(button_row(self.propose_button, self.accept_button, self.decline_button))

    def refresh(self) -> None:
        db = self.ctx.db
        self._committees = {c.code: c.title for c in plan_repo.committees(db)}
        rows = repo.proposals(db)
        self.model.set_rows(rows)
        waiting = sum(p.open for p in rows)
        self.heading.setText(ngettext("{n} proposal awaits a decision.", "{n} proposals await a decision.",
                                      waiting).format(n=format_number(waiting)) if rows
                             else _("No activity has been proposed yet."))
        self.propose_button.setEnabled(bool(repo.may_propose(db)) and self.section.is_newest)
        self._enable()

    def selected(self) -> Proposal | None:
        return self.view.current_row()

    def _enable(self) -> None:
        chosen = self.selected()
        # into the newest version only, as for proposing (an older one is the record of its years)
        may_decide = self.coordinator and chosen is not None and chosen.open and self.section.is_newest
        self.accept_button.setEnabled(may_decide)
        self.decline_button.setEnabled(may_decide)

    def propose(self) -> FormDialog:
        return self.open_form(ProposeDialog(self.ctx, self, self.year))

    def accept(self) -> None:
        chosen, db, year = self.selected(), self.ctx.db, self.year
        if chosen is None:
            return
        if not self.ctx.dialogs.question(self.ctx.window, _("Accept the proposal"), _(
                "Add \u201c{title}\u201d to goal {goal} of the plan from {year}?").format(
                title=chosen.title, goal=chosen.goal, year=year), default_yes=True):
            return
        self.ctx.run(lambda: repo.decide(db, chosen.id, "accepted", year=year),
                     lambda decided: (self.ctx.status(_("Added to the plan as {code}.").format(
                         code=decided.activity)), self.changed()))

    def decline(self) -> FormDialog | None:
        chosen = self.selected()
        return None if chosen is None else self.open_form(DeclineDialog(self.ctx, chosen))
