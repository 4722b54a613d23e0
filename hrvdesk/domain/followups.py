"""Following each child up (issue 11): the follow-up log's entries and the work list.

Each case has a next follow-up date (``AbroadCase.follow_up_date``) and a log of dated
entries of what was done (:data:`FOLLOW_UP_KINDS`, with an optional note). The work list
(:func:`work_list`) holds every case whose follow-up date has passed or falls within the
coming days, and every case of a child abroad or at risk without any follow-up date (it is
itself a reason to look), most overdue first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from hrvdesk.domain.abroad import AbroadCase
from hrvdesk.domain.codes import CASE_STATUSES, Code, CodeList
from hrvdesk.domain.errors import Problem
from hrvdesk.domain.pii import personal_number_problem
from hrvdesk.i18n import N_, _

DEFAULT_DAYS = 14
#: Statuses whose cases must always have a next follow-up date.
NEEDS_FOLLOW_UP = frozenset({"abroad", "at_risk"})
NOTE_MAX_LENGTH = 2000

FOLLOW_UP_KINDS = CodeList("follow_up", N_("What was done"), [
    Code("attendance_officer", "elevhälsa_närvaro",
         N_("Contact with the school's compulsory-attendance officer")),
    Code("social_services", "socialtjänst", N_("Contact with social services")),
    Code("home_visit", "hembesök", N_("Home visit")),
    Code("police", "polis", N_("Contact with the police")),
    Code("embassy", "ambassad_ud", N_("Contact with the embassy or the Foreign Ministry")),
    Code("returned", "återkommit", N_("The child has returned")),
    Code("other", "annat", N_("Other")),
])


@dataclass(frozen=True)
class FollowUpEntry:
    """One entry of a case's follow-up log."""

    done_on: dt.date
    kind: str
    note: str | None = None
    recorded_by: str = ""
    id: int | None = None


def entry_problems(entry: FollowUpEntry, today: dt.date) -> list[Problem]:
    """Everything wrong with an entry as written (the note never repeated)."""
    problems = []
    if entry.kind not in FOLLOW_UP_KINDS:
        problems.append(Problem(_("Not a valid value; allowed: {values}.").format(
            values=", ".join(FOLLOW_UP_KINDS.values)), field="kind"))
    if entry.done_on > today:
        problems.append(Problem(_("The date is in the future."), field="done_on"))
    if entry.note is not None:
        if len(entry.note) > NOTE_MAX_LENGTH:
            problems.append(Problem(_("At most {max} characters are allowed.").format(
                max=NOTE_MAX_LENGTH), field="note"))
        if found := personal_number_problem(entry.note, "note"):
            problems.append(found)
    return problems


@dataclass(frozen=True)
class WorkItem:
    """A case on the work list: why it is there and how late it is (days; negative: due in
    that many days; None: no follow-up date at all)."""

    case: AbroadCase
    overdue_days: int | None
    earlier_cases: tuple[int, ...] = ()   # the same child's other cases the user may see

    @property
    def reason(self) -> str:
        if self.overdue_days is None:
            return _("No follow-up date although the child is {status}").format(
                status=_status_label(self.case.status))
        if self.overdue_days > 0:
            return _("{days} days overdue").format(days=self.overdue_days)
        if self.overdue_days == 0:
            return _("Due today")
        return _("Due in {days} days").format(days=-self.overdue_days)

    def days_without_school(self, today: dt.date) -> int | None:
        since = self.case.no_school_since
        return None if since is None else (today - since).days


def _status_label(status: str) -> str:
    return CASE_STATUSES.label(status).lower()


def work_list(cases: Iterable[AbroadCase], today: dt.date, days: int = DEFAULT_DAYS) -> list[WorkItem]:
    """The cases to follow up now: follow-up date on or before ``today + days``, or no date
    while the child is abroad or at risk; those without a date first, then most overdue."""
    items = []
    for case in cases:
        if case.follow_up_date is None:
            if case.status in NEEDS_FOLLOW_UP:
                items.append(WorkItem(case, None))
        elif case.follow_up_date <= today + dt.timedelta(days=days):
            items.append(WorkItem(case, (today - case.follow_up_date).days))
    return sorted(items, key=lambda i: (i.overdue_days is not None, -(i.overdue_days or 0),
                                        i.case.id or 0))


def overdue(items: Iterable[WorkItem]) -> int:
    """How many items are late (past their date, or without one)."""
    return sum(1 for i in items if i.overdue_days is None or i.overdue_days > 0)
