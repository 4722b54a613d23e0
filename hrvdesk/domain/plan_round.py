"""The plan follow-up as a reporting round (issue 16), as Stratsys users know it.

The coordinator opens the year's round with a **deadline**. Every committee responsible for
an activity that runs that year has a **share**: those activities. Its representative (an
editor of the committee's administration) reports status and comment for each, then marks
the share **ready**, which is possible once every activity of it is reported. The overview
shows each committee's progress and which shares are overdue; a representative is reminded at
unlock from :data:`REMINDER_DAYS` before the deadline until the share is ready.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from hrvdesk.domain.errors import Problem
from hrvdesk.i18n import _, format_date

REMINDER_DAYS = 14


@dataclass(frozen=True)
class Round:
    """A year's reporting round."""

    year: int
    deadline: dt.date
    opened_by: str
    opened_at: str


@dataclass(frozen=True)
class Share:
    """One committee's part of a round: its activities that run in the year, how many of
    them are reported, and who marked it ready when (None: not yet)."""

    committee: str
    activities: int
    reported: int
    ready_by: str | None = None
    ready_at: str | None = None

    @property
    def ready(self) -> bool:
        return self.ready_by is not None

    @property
    def complete(self) -> bool:
        return self.reported >= self.activities

    def overdue(self, round_: Round, today: dt.date) -> bool:
        return not self.ready and today > round_.deadline

    def reminder_due(self, round_: Round, today: dt.date) -> bool:
        return not self.ready and today >= round_.deadline - dt.timedelta(days=REMINDER_DAYS)


def share_state(round_: Round | None, share: Share, today: dt.date) -> str:
    """A share's state in words: ready (by whom, when), overdue, complete or in progress."""
    if share.ready:
        return _("Ready ({user}, {date})").format(
            user=share.ready_by, date=format_date(dt.datetime.fromisoformat(share.ready_at).date()))
    if round_ is not None and share.overdue(round_, today):
        return _("Overdue")
    return _("Reported in full, not marked ready") if share.complete else _("In progress")


def shares(lines: Iterable[tuple[Sequence[str], bool]], committees: Sequence[str],
           ready: Mapping[str, tuple[str, str]]) -> list[Share]:
    """Each committee's share, in ``committees`` order (only those with activities), from the
    year's lines as (responsible committees, reported?) and ``ready`` (committee -> (by, at)):
    an activity with several responsible committees is in the share of each."""
    counts: dict[str, list[int]] = {}
    for responsible, reported in lines:
        for committee in dict.fromkeys(responsible):
            count = counts.setdefault(committee, [0, 0])
            count[0] += 1
            count[1] += bool(reported)
    return [Share(c, *counts[c], *ready.get(c, (None, None))) for c in committees if c in counts]


def deadline_problems(year: int, deadline: dt.date, today: dt.date) -> list[Problem]:
    """A round's deadline falls after today, in the year followed up or the next."""
    if deadline < today:
        return [Problem(_("The deadline has passed."), field="deadline")]
    if not year <= deadline.year <= year + 1:
        return [Problem(_("The deadline of the {year} follow-up must be in {year} or {next}.").format(
            year=year, next=year + 1), field="deadline")]
    return []
