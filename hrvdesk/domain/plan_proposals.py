"""Activities that a committee proposes under a goal of the plan, and the coordinator's
decision (issue 16): a committee knows its own work best, the committee that owns the plan
(plan section 8) decides what the plan holds. An accepted proposal becomes an activity of
the plan version in force, with the proposing committee as its lead; a declined one keeps
the coordinator's reason, so that the committee learns why."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass

from hrvdesk.domain.codes import Code, CodeList
from hrvdesk.domain.errors import Problem
from hrvdesk.domain.plan import Activity, Plan, personal_number_problems
from hrvdesk.i18n import N_, _

PROPOSAL_STATES = CodeList("proposal_state", N_("Decision"), [
    Code("proposed", "föreslagen", N_("Awaiting decision")),
    Code("accepted", "antagen", N_("Accepted")),
    Code("declined", "avslagen", N_("Declined")),
])

MAX_TITLE = 300
MAX_REASON = 2000


@dataclass(frozen=True)
class Proposal:
    """A proposed activity; ``activity`` is the code it was given when accepted."""

    id: int | None
    goal: int
    title: str
    committee: str
    reason: str = ""
    proposed_by: str = ""
    proposed_at: str = ""
    state: str = "proposed"
    decided_by: str | None = None
    decided_at: str | None = None
    note: str = ""
    activity: str | None = None

    @property
    def open(self) -> bool:
        return self.state == "proposed"


def proposal_problems(proposal: Proposal, plan: Plan, committees: Collection[str]) -> list[Problem]:
    """What is wrong with a new proposal: the goal, the committee, the texts."""
    problems = []
    if not any(g.number == proposal.goal for g in plan.goals):
        problems.append(Problem(_("The plan has no goal {number}.").format(number=proposal.goal),
                                field=_("Goal")))
    if proposal.committee not in committees:
        problems.append(Problem(_("Unknown committee: {code}.").format(code=proposal.committee),
                                field=_("Committee")))
    if not proposal.title.strip():
        problems.append(Problem(_("Describe the activity."), field=_("Activity")))
    for field, text, limit in ((_("Activity"), proposal.title, MAX_TITLE),
                               (_("Why"), proposal.reason, MAX_REASON)):
        if len(text) > limit:
            problems.append(Problem(_("At most {n} characters.").format(n=limit), field=field))
    problems += personal_number_problems([(_("Activity"), proposal.title), (_("Why"), proposal.reason)])
    return problems


def decision_problems(proposal: Proposal, state: str, note: str) -> list[Problem]:
    """A decision is taken once; declining says why (the committee reads it)."""
    problems = []
    if not proposal.open:
        problems.append(Problem(_("This proposal has already been decided: {state}.").format(
            state=PROPOSAL_STATES.label(proposal.state))))
    if state not in ("accepted", "declined"):
        problems.append(Problem(_("Unknown decision: {code}.").format(code=state)))
    if state == "declined" and not note.strip():
        problems.append(Problem(_("Say why the proposal is declined."), field=_("Reason for the decision")))
    if len(note) > MAX_REASON:
        problems.append(Problem(_("At most {n} characters.").format(n=MAX_REASON), field=_("Reason for the decision")))
    problems += personal_number_problems([(_("Reason for the decision"), note)])
    return problems


_NUMBERED = re.compile(r"^A(\d+)\.(\d+)$")


def next_activity_code(plan: Plan, goal: int) -> str:
    """The next free code under the goal in the plan's own numbering (A2.6 after A2.5)."""
    used = {a.code for a in plan.activities}
    numbers = [int(m.group(2)) for g in plan.goals if g.number == goal
               for a in g.activities if (m := _NUMBERED.match(a.code)) and int(m.group(1)) == goal]
    n = max(numbers, default=0) + 1
    while f"A{goal}.{n}" in used:
        n += 1
    return f"A{goal}.{n}"


def with_accepted(plan: Plan, proposal: Proposal, code: str, first_year: int) -> Plan:
    """The plan with the proposal added as the last activity of its goal, from ``first_year``."""
    activity = Activity(code=code, title=proposal.title.strip(), responsible=(proposal.committee,),
                        lead=proposal.committee, first_year=first_year)
    goals = tuple(dataclasses.replace(g, activities=(*g.activities, activity))
                  if g.number == proposal.goal else g for g in plan.goals)
    return dataclasses.replace(plan, goals=goals)
