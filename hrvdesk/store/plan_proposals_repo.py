"""Proposed activities (:mod:`hrvdesk.domain.plan_proposals`): a committee's representative
(an editor of its administration) proposes an activity under a goal; the coordinator (the
plan owner's administration) accepts it into the plan version in force, in the same
transaction that marks it accepted, or declines it with a reason. Every step is audited."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.plan import PLAN_KEY, raise_problems
from hrvdesk.domain.plan_proposals import (Proposal, decision_problems, next_activity_code,
                                           proposal_problems, with_accepted)
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import _
from hrvdesk.store import plan_repo
from hrvdesk.store.audit import now_iso
from hrvdesk.store.database import Database

_COLUMNS = ("id, goal, title, committee, reason, proposed_by, proposed_at, state, decided_by,"
            " decided_at, note, activity")


def _target(proposal_id: int) -> str:
    return f"proposal:{proposal_id}"


def proposals(db: Database, *, open_only: bool = False, plan_id: str = PLAN_KEY) -> list[Proposal]:
    """The plan's proposals, those awaiting a decision first, then the newest."""
    db.require(Permission.VIEW_WORK, what=_("read the follow-up"))
    sql = f"SELECT {_COLUMNS} FROM plan_proposals WHERE plan_key = ?"
    if open_only:
        sql += " AND state = 'proposed'"
    sql += " ORDER BY state != 'proposed', id DESC"
    return [Proposal(*row) for row in db.conn.execute(sql, (plan_id,))]


def proposal(db: Database, proposal_id: int, plan_id: str = PLAN_KEY) -> Proposal:
    found = next((p for p in proposals(db, plan_id=plan_id) if p.id == proposal_id), None)
    if found is None:
        raise ValidationError.single(_("There is no proposal {id}.").format(id=proposal_id))
    return found


def awaiting_decision(db: Database, plan_id: str = PLAN_KEY) -> int:
    """How many proposals wait for the coordinator's decision, for the notice at unlock
    (0 for everyone else; an administrator is not reminded of the coordinator's work)."""
    if db.session.is_admin or not db.session.can(
            Permission.EDIT_WORK, plan_repo.coordinating_administration(db, plan_id) or ""):
        return 0
    return db.conn.execute("SELECT count(*) FROM plan_proposals WHERE plan_key = ? AND state = 'proposed'",
                           (plan_id,)).fetchone()[0]


def may_propose(db: Database) -> list[str]:
    """The committees the session may propose for (its administration's; all for the
    coordinator and administrators)."""
    return [c.code for c in plan_repo.committees(db)
            if db.session.can(Permission.EDIT_WORK, c.administration)]


def propose(db: Database, goal: int, title: str, committee: str, reason: str = "", *,
            year: int | None = None, plan_id: str = PLAN_KEY) -> Proposal:
    """A committee proposes an activity under ``goal`` of the plan in force in ``year``."""
    db.require(Permission.EDIT_WORK, plan_repo.committee_administrations(db).get(committee, ""),
               what=_("propose an activity for the committee"))
    plan = plan_repo.plan_in_force(db, year or dt.date.today().year, plan_id)
    new = Proposal(None, goal, title.strip(), committee, reason.strip(), db.user, now_iso())
    raise_problems(proposal_problems(new, plan, [c.code for c in plan_repo.committees(db)]))
    with db.transaction() as conn:
        row = conn.execute(
            "INSERT INTO plan_proposals(plan_key, goal, title, committee, reason, proposed_by,"
            " proposed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (plan_id, new.goal, new.title, new.committee, new.reason, new.proposed_by, new.proposed_at))
        db.audit("create", target=_target(row.lastrowid), fields=("goal", "title", "committee", "reason"))
    return dataclasses.replace(new, id=row.lastrowid)


def decide(db: Database, proposal_id: int, state: str, note: str = "", *,
           year: int | None = None, plan_id: str = PLAN_KEY) -> Proposal:
    """The coordinator accepts (``accepted``: the activity joins the plan in force in
    ``year`` from that year, with the next free code of its goal) or declines with a reason."""
    plan_repo.require_coordinator(db, _("decide on proposed activities"), plan_id)
    found = proposal(db, proposal_id, plan_id)
    raise_problems(decision_problems(found, state, note))
    year = year or dt.date.today().year
    decided = dataclasses.replace(found, state=state, decided_by=db.user, decided_at=now_iso(),
                                  note=note.strip())

    def record(conn) -> None:
        conn.execute("UPDATE plan_proposals SET state = ?, decided_by = ?, decided_at = ?,"
                     " note = ?, activity = ? WHERE id = ? AND state = 'proposed'",
                     (decided.state, decided.decided_by, decided.decided_at, decided.note,
                      decided.activity, proposal_id))
        db.audit("update", target=_target(proposal_id), fields=("state", "note"))

    if state == "declined":
        with db.transaction() as conn:
            record(conn)
        return decided
    plan = plan_repo.plan_in_force(db, year, plan_id)
    decided = dataclasses.replace(decided, activity=next_activity_code(plan, found.goal))
    plan_repo.save_plan(db, with_accepted(plan, found, decided.activity, year), also=record)
    return decided
