"""The yearly reporting round of the plan follow-up (:mod:`hrvdesk.domain.plan_round`):
opening it with a deadline (the coordinator), each committee's progress, marking a share
ready (an editor of the committee's administration), and the reminders shown at unlock."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hrvdesk.domain import plan_round as domain
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.plan import PLAN_KEY, raise_problems
from hrvdesk.domain.plan_round import Round, Share
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import _
from hrvdesk.store import plan_repo
from hrvdesk.store.audit import now_iso
from hrvdesk.store.database import Database


def _target(plan_id: str, year: int, committee: str | None = None) -> str:
    return f"round:{plan_id}:{year}" + (f":{committee}" if committee else "")


def round_for(db: Database, year: int, plan_id: str = PLAN_KEY) -> Round | None:
    """The round of ``year``, if it was opened."""
    db.require(Permission.VIEW_WORK, what=_("read the follow-up"))
    row = db.conn.execute("SELECT deadline, opened_by, opened_at FROM plan_rounds"
                          " WHERE plan_key = ? AND year = ?", (plan_id, year)).fetchone()
    return None if row is None else Round(year, dt.date.fromisoformat(row[0]), row[1], row[2])


def open_round(db: Database, year: int, deadline: dt.date, *, today: dt.date | None = None,
               plan_id: str = PLAN_KEY) -> Round:
    """Open (or move the deadline of) ``year``'s round; the coordinator's, audited."""
    plan_repo.require_coordinator(db, _("open the year's reporting round"), plan_id)
    raise_problems(domain.deadline_problems(year, deadline, today or dt.date.today()))
    old = round_for(db, year, plan_id)
    with db.transaction() as conn:
        conn.execute("INSERT INTO plan_rounds(plan_key, year, deadline, opened_by, opened_at)"
                     " VALUES (?, ?, ?, ?, ?) ON CONFLICT(plan_key, year) DO UPDATE SET"
                     " deadline = excluded.deadline",
                     (plan_id, year, deadline.isoformat(), db.user, now_iso()))
        db.audit("create" if old is None else "update", target=_target(plan_id, year),
                 fields=("deadline",))
    return round_for(db, year, plan_id)


def shares(db: Database, year: int, plan_id: str = PLAN_KEY) -> list[Share]:
    """Each responsible committee's share of ``year``'s follow-up, in register order."""
    lines = [(line.activity.responsible, line.reported)
             for line in plan_repo.year_followup(db, year, plan_id)]
    ready = {committee: (by, at) for committee, by, at in db.conn.execute(
        "SELECT committee, ready_by, ready_at FROM plan_round_ready WHERE plan_key = ? AND year = ?",
        (plan_id, year))}
    return domain.shares(lines, [c.code for c in plan_repo.committees(db)], ready)


def mark_ready(db: Database, year: int, committee: str, plan_id: str = PLAN_KEY) -> Share:
    """A committee's representative marks its share of the open round ready: every one of
    its activities must have been reported."""
    db.require(Permission.EDIT_WORK, plan_repo.committee_administrations(db).get(committee, ""),
               what=_("mark the committee's follow-up ready"))
    if round_for(db, year, plan_id) is None:
        raise ValidationError.single(_("The reporting round of {year} has not been opened.").format(
            year=year))
    share = next((s for s in shares(db, year, plan_id) if s.committee == committee), None)
    if share is None:
        raise ValidationError.single(_("The committee has no activities to report in {year}.").format(
            year=year), field="committee")
    if not share.complete:
        raise ValidationError.single(_(
            "{missing} of the committee's {total} activities are not reported yet.").format(
            missing=share.activities - share.reported, total=share.activities))
    if share.ready:
        return share
    ready = dataclasses.replace(share, ready_by=db.user, ready_at=now_iso())
    with db.transaction() as conn:
        conn.execute("INSERT INTO plan_round_ready(plan_key, year, committee, ready_by, ready_at)"
                     " VALUES (?, ?, ?, ?, ?)", (plan_id, year, committee, ready.ready_by, ready.ready_at))
        db.audit("update", target=_target(plan_id, year, committee), fields=("ready",))
    return ready


def own_committees(db: Database) -> list[str]:
    """The committees whose share the session may report (an editor's administration's)."""
    return [c.code for c in plan_repo.committees(db)
            if db.session.can(Permission.EDIT_WORK, c.administration)]


def reminders(db: Database, today: dt.date | None = None,
              plan_id: str = PLAN_KEY) -> list[tuple[Round, Share]]:
    """The open rounds' shares the session reports whose deadline is near or past and that
    are not ready (for the notice at unlock); an administrator is not reminded of others'."""
    if not db.session.can(Permission.EDIT_WORK) or db.session.is_admin:
        return []
    today = today or dt.date.today()
    mine = set(own_committees(db))
    found = []
    for (year,) in db.conn.execute("SELECT year FROM plan_rounds WHERE plan_key = ? ORDER BY year",
                                   (plan_id,)).fetchall():
        round_ = round_for(db, year, plan_id)
        found += [(round_, s) for s in shares(db, year, plan_id)
                  if s.committee in mine and s.reminder_due(round_, today)]
    return found
