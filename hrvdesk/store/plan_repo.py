"""The action plan in the database: versions, structure, yearly follow-up and measure values.

A plan (``plan_key``, e.g. ``botkyrka-hrv``) has versions; one version is in force each
year. Revising (:func:`revise_plan`) closes the newest version and copies its structure
into a new one, so everything recorded against the old version stays readable.

Plan-wide work (editing the structure, revising, entering measure values, starting a
year's follow-up, the survey's questions) belongs to the committee that owns the plan
(the Municipal Executive Board, plan section 8): it needs ``EDIT_WORK`` for that
committee's administration (:func:`require_coordinator`). An activity's follow-up may be
written for any of its responsible committees' administrations.

Seeded titles are English message ids (show them with ``_()``); a title that a user
types is stored as typed, and a title handed back unchanged or as its translation keeps
its message id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hrvdesk.domain import plan as domain
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.organisation import Committee
from hrvdesk.domain.plan import FOLLOWUP_STATUSES, PLAN_KEY, Activity, FollowUp, Goal, Measure, MeasureValue, Plan
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.routines import committees_with_cooperation_routines_share
from hrvdesk.i18n import _
from hrvdesk.store import routines_repo
from hrvdesk.store.database import Database, now_iso

TRAINING_TABLE = "trainings"


@dataclass(frozen=True)
class ActivityFollowUp:
    """One line of a year's follow-up sheet.

    ``followup`` is the stored follow-up when ``recorded``; otherwise the state carried
    over from last year (``followup.carried_from`` set) or a blank "not started".
    ``finished_in`` is the earlier year in which the activity was done or cancelled, when
    it has no follow-up of its own this year.
    """

    goal: int
    activity: Activity
    followup: FollowUp
    recorded: bool
    finished_in: int | None = None

    @property
    def reported(self) -> bool:
        """Reported for this year by someone: stored, and not merely carried over unfinished
        from last year (saving a carried-over line is a report)."""
        return self.recorded and self.followup.carried_from is None

    @property
    def status_text(self) -> str:
        """The activity's state in the year, in words (carried over, finished, not reported)."""
        if self.finished_in is not None:
            return _("Finished in {year}").format(year=self.finished_in)
        if not self.recorded and self.followup.carried_from is None:
            return _("Not reported")
        text = FOLLOWUP_STATUSES.label(self.followup.status)
        if self.followup.carried_from is not None:
            text += " " + _("(carried over from {year})").format(year=self.followup.carried_from)
        return text


@dataclass(frozen=True)
class MeasureStatus:
    """A measure in a year: its recorded values up to that year, the year's value, trend.

    ``value`` is the stored value of the year, or for a computed measure without one the
    value computed now (``computed_now``).
    """

    goal: int
    measure: Measure
    values: tuple[MeasureValue, ...]
    value: MeasureValue | None
    computed_now: bool
    trend: str | None
    target: float | None = None

    @property
    def target_state(self) -> str | None:
        """Met, not yet but rising, or off track (:func:`hrvdesk.domain.plan.target_state`)."""
        return domain.target_state(self.value.value if self.value else None, self.target, self.trend)


# --- committees and permissions -----------------------------------------------------------


def committees(db: Database) -> list[Committee]:
    return [Committee(*row) for row in db.conn.execute(
        "SELECT code, title, administration FROM committees ORDER BY position, code")]


def committee_administrations(db: Database) -> dict[str, str]:
    """committee code -> administration code"""
    return {c.code: c.administration for c in committees(db)}


def coordinating_administration(db: Database, plan_id: str = PLAN_KEY) -> str | None:
    """The administration of the committee that owns the plan's newest version."""
    row = db.conn.execute(
        "SELECT c.administration FROM plans p JOIN committees c ON c.code = p.owner_committee"
        " WHERE p.plan_key = ? ORDER BY p.valid_from DESC, p.id DESC LIMIT 1", (plan_id,)).fetchone()
    return row[0] if row else None


def require_coordinator(db: Database, what: str, plan_id: str = PLAN_KEY) -> None:
    """``EDIT_WORK`` for the plan owner's administration (administrators always pass)."""
    # without a plan no editor's administration matches "", so only administrators pass
    db.require(Permission.EDIT_WORK, administration=coordinating_administration(db, plan_id) or "",
               what=what)


def _require_responsible(db: Database, activity: Activity, what: str) -> None:
    """``EDIT_WORK`` for the administration of one of the activity's responsible committees."""
    admins = committee_administrations(db)
    if any(db.session.can(Permission.EDIT_WORK, admins.get(c, "")) for c in activity.responsible):
        return
    db.require(Permission.EDIT_WORK, administration=admins.get(activity.lead, ""), what=what)


# --- reading plans ------------------------------------------------------------------------

_PLAN_COLUMNS = "id, plan_key, version, name, adopted_year, valid_from, valid_to"


def _per_activity(conn, table: str, column: str, plan_row: int) -> dict[int, list[str]]:
    """activity row -> the codes of ``table.column`` in their order (committees, partners)."""
    out: dict[int, list[str]] = {}
    for activity, code in conn.execute(
            f"SELECT x.activity, x.{column} FROM {table} x JOIN plan_activities a ON a.id = x.activity"
            " WHERE a.plan = ? ORDER BY x.position", (plan_row,)):
        out.setdefault(activity, []).append(code)
    return out


def _load(conn, row) -> Plan:
    plan_row, key, version, name, adopted, valid_from, valid_to = row
    committees_of = _per_activity(conn, "plan_activity_committees", "committee", plan_row)
    partners_of = _per_activity(conn, "plan_activity_partners", "partner", plan_row)
    measures: dict[int, list[Measure]] = {}
    for goal, code, title, source, unit in conn.execute(
            "SELECT goal, code, title, source, unit FROM plan_measures WHERE plan = ?"
            " ORDER BY position, code", (plan_row,)):
        measures.setdefault(goal, []).append(Measure(code, title, source, unit))
    activities: dict[int, list[Activity]] = {}
    for act_row, goal, code, title, lead, timeframe, first, last in conn.execute(
            "SELECT id, goal, code, title, lead, timeframe, first_year, last_year"
            " FROM plan_activities WHERE plan = ? ORDER BY position, code", (plan_row,)):
        activities.setdefault(goal, []).append(Activity(
            code, title, tuple(committees_of.get(act_row, ())), lead,
            tuple(partners_of.get(act_row, ())), timeframe, first, last))
    goals = tuple(Goal(number, title, tuple(measures.get(goal_row, ())),
                       tuple(activities.get(goal_row, ())))
                  for goal_row, number, title in conn.execute(
                      "SELECT id, number, title FROM plan_goals WHERE plan = ? ORDER BY number",
                      (plan_row,)))
    return Plan(key, name, version, adopted, valid_from, valid_to, goals)


def _rows(db: Database, plan_id: str) -> list[tuple]:
    return db.conn.execute(f"SELECT {_PLAN_COLUMNS} FROM plans WHERE plan_key = ?"
                           " ORDER BY valid_from, id", (plan_id,)).fetchall()


def _row_id(db: Database, plan: Plan) -> int:
    row = db.conn.execute("SELECT id FROM plans WHERE plan_key = ? AND version = ?",
                          (plan.id, plan.version)).fetchone()
    if row is None:
        raise ValidationError.single(_("There is no plan version {version}.").format(
            version=plan.version), field="version")
    return row[0]


def plan_versions(db: Database, plan_id: str = PLAN_KEY) -> list[Plan]:
    """Every version of the plan, oldest first."""
    db.require(Permission.VIEW_WORK, what=_("read the action plan"))
    return [_load(db.conn, row) for row in _rows(db, plan_id)]


def load_plan(db: Database, version: str | None = None, plan_id: str = PLAN_KEY) -> Plan:
    """One version of the plan (the newest when ``version`` is None)."""
    versions = plan_versions(db, plan_id)
    found = [p for p in versions if version is None or p.version == version]
    if not found:
        raise ValidationError.single(_("There is no plan version {version}.").format(
            version=version or ""), field="version")
    return found[-1]


def plan_for_year(db: Database, year: int, plan_id: str = PLAN_KEY) -> Plan | None:
    """The version in force in ``year``, or None."""
    return next((p for p in reversed(plan_versions(db, plan_id)) if p.in_force(year)), None)


def plan_in_force(db: Database, year: int, plan_id: str = PLAN_KEY) -> Plan:
    """The version in force in ``year``; ValidationError when there is none."""
    plan = plan_for_year(db, year, plan_id)
    if plan is None:
        raise ValidationError.single(_("No version of the action plan is in force in {year}.")
                                     .format(year=year), field="year")
    return plan


# --- editing the structure ----------------------------------------------------------------


def kept_text(stored: str, given: str) -> str:
    """The stored text when ``given`` is it or its translation (keeps message ids)."""
    return stored if given in (stored, _(stored)) else given.strip()


def _changed(prefix: str, old, new, names: tuple[str, ...]) -> list[str]:
    return [f"{prefix}.{n}" for n in names if getattr(old, n) != getattr(new, n)]


def _kept_plan(stored: Plan, plan: Plan) -> Plan:
    """``plan`` with unchanged titles (given as message id or translation) kept as stored."""
    old_goals = {g.number: g for g in stored.goals}
    old_measures = {m.code: m for m in stored.measures}
    old_activities = {a.code: a for a in stored.activities}

    def goal(g: Goal) -> Goal:
        old = old_goals.get(g.number)
        return dataclasses.replace(
            g, title=kept_text(old.title, g.title) if old else g.title.strip(),
            measures=tuple(dataclasses.replace(m, title=kept_text(old_measures[m.code].title, m.title))
                           if m.code in old_measures else m for m in g.measures),
            activities=tuple(dataclasses.replace(
                a, title=kept_text(old_activities[a.code].title, a.title),
                timeframe=kept_text(old_activities[a.code].timeframe, a.timeframe))
                if a.code in old_activities else a for a in g.activities))

    return dataclasses.replace(plan, name=kept_text(stored.name, plan.name),
                               goals=tuple(goal(g) for g in plan.goals))


def save_plan(db: Database, plan: Plan, *, also: Callable[[Any], object] | None = None) -> Plan:
    """Store an edited structure of an existing version: titles, goals, measures, activities.

    The version's years change only through :func:`revise_plan`. A measure with values or
    an activity with follow-ups cannot be removed. ``also(conn)`` runs in the same
    transaction (what else the change decides). Returns the stored version.
    """
    require_coordinator(db, _("edit the action plan"), plan.id)
    stored = load_plan(db, plan.version, plan.id)
    if (plan.adopted_year, plan.valid_from, plan.valid_to) != (
            stored.adopted_year, stored.valid_from, stored.valid_to):
        raise ValidationError.single(_("The years of a plan version change only through a revision."),
                                     field="year")
    plan = _kept_plan(stored, plan)
    domain.validate_plan(plan, [c.code for c in committees(db)])
    plan_row = _row_id(db, plan)
    fields: list[str] = ["name"] if plan.name != stored.name else []
    with db.transaction() as conn:
        conn.execute("UPDATE plans SET name = ? WHERE id = ?", (plan.name, plan_row))
        goal_rows = _save_goals(conn, plan_row, stored, plan, fields)
        _save_measures(conn, plan_row, goal_rows, stored, plan, fields)
        _save_activities(conn, plan_row, goal_rows, stored, plan, fields)
        removed = sorted({g.number for g in stored.goals} - {g.number for g in plan.goals})
        for number in removed:
            conn.execute("DELETE FROM plan_goals WHERE plan = ? AND number = ?", (plan_row, number))
        if fields:
            db.audit("update", target=f"plan:{plan.id}:{plan.version}", fields=fields)
        if also is not None:
            also(conn)
    return load_plan(db, plan.version, plan.id)


def _save_goals(conn, plan_row: int, stored: Plan, plan: Plan, fields: list[str]) -> dict[int, int]:
    old = {g.number: g for g in stored.goals}
    for g in plan.goals:
        if g.number not in old:
            conn.execute("INSERT INTO plan_goals(plan, number, title) VALUES (?, ?, ?)",
                         (plan_row, g.number, g.title))
            fields.append(f"goal {g.number}")
        elif g.title != old[g.number].title:
            conn.execute("UPDATE plan_goals SET title = ? WHERE plan = ? AND number = ?",
                         (g.title, plan_row, g.number))
            fields.append(f"goal {g.number}.title")
    fields += [f"goal {n}" for n in sorted(set(old) - {g.number for g in plan.goals})]
    return {number: row for row, number in conn.execute(
        "SELECT id, number FROM plan_goals WHERE plan = ?", (plan_row,))}


def _positions(plan: Plan) -> dict[str, int]:
    codes = [x.code for g in plan.goals for x in (*g.measures, *g.activities)]
    return {code: i for i, code in enumerate(codes, start=1)}


def _goal_of(plan: Plan) -> dict[str, int]:
    return {x.code: g.number for g in plan.goals for x in (*g.measures, *g.activities)}


def _save_measures(conn, plan_row: int, goal_rows: dict[int, int], stored: Plan, plan: Plan,
                   fields: list[str]) -> None:
    old = {m.code: m for m in stored.measures}
    old_goal, new_goal, position = _goal_of(stored), _goal_of(plan), _positions(plan)
    for m in plan.measures:
        values = (goal_rows[new_goal[m.code]], m.title, m.source, m.unit, position[m.code])
        if m.code in old:
            changes = _changed(m.code, old[m.code], m, ("title", "source", "unit"))
            changes += [f"{m.code}.goal"] if old_goal[m.code] != new_goal[m.code] else []
            conn.execute("UPDATE plan_measures SET goal = ?, title = ?, source = ?, unit = ?,"
                         " position = ? WHERE plan = ? AND code = ?", (*values, plan_row, m.code))
            fields += changes
        else:
            conn.execute("INSERT INTO plan_measures(goal, title, source, unit, position, plan, code)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)", (*values, plan_row, m.code))
            fields.append(m.code)
    for code in sorted(set(old) - {m.code for m in plan.measures}):
        if conn.execute("SELECT 1 FROM plan_measure_values v JOIN plan_measures m ON m.id = v.measure"
                        " WHERE m.plan = ? AND m.code = ?", (plan_row, code)).fetchone():
            raise ValidationError.single(_("The measure {code} has recorded values and cannot be "
                                           "removed.").format(code=code), field=code)
        conn.execute("DELETE FROM plan_measures WHERE plan = ? AND code = ?", (plan_row, code))
        fields.append(code)


def _save_activities(conn, plan_row: int, goal_rows: dict[int, int], stored: Plan, plan: Plan,
                     fields: list[str]) -> None:
    old = {a.code: a for a in stored.activities}
    old_goal, new_goal, position = _goal_of(stored), _goal_of(plan), _positions(plan)
    for a in plan.activities:
        values = (goal_rows[new_goal[a.code]], a.title, a.lead, a.timeframe, a.first_year,
                  a.last_year, position[a.code])
        if a.code in old:
            changes = _changed(a.code, old[a.code], a, ("title", "responsible", "lead", "partners",
                                                        "timeframe", "first_year", "last_year"))
            changes += [f"{a.code}.goal"] if old_goal[a.code] != new_goal[a.code] else []
            conn.execute("UPDATE plan_activities SET goal = ?, title = ?, lead = ?, timeframe = ?,"
                         " first_year = ?, last_year = ?, position = ? WHERE plan = ? AND code = ?",
                         (*values, plan_row, a.code))
            fields += changes
        else:
            conn.execute("INSERT INTO plan_activities(goal, title, lead, timeframe, first_year,"
                         " last_year, position, plan, code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (*values, plan_row, a.code))
            fields.append(a.code)
        row = conn.execute("SELECT id FROM plan_activities WHERE plan = ? AND code = ?",
                           (plan_row, a.code)).fetchone()[0]
        conn.execute("DELETE FROM plan_activity_committees WHERE activity = ?", (row,))
        conn.executemany("INSERT INTO plan_activity_committees(activity, committee, position)"
                         " VALUES (?, ?, ?)", [(row, c, i) for i, c in enumerate(a.responsible)])
        conn.execute("DELETE FROM plan_activity_partners WHERE activity = ?", (row,))
        conn.executemany("INSERT INTO plan_activity_partners(activity, partner, position)"
                         " VALUES (?, ?, ?)", [(row, p, i) for i, p in enumerate(a.partners)])
    for code in sorted(set(old) - {a.code for a in plan.activities}):
        if conn.execute("SELECT 1 FROM plan_followups f JOIN plan_activities a ON a.id = f.activity"
                        " WHERE a.plan = ? AND a.code = ?", (plan_row, code)).fetchone():
            raise ValidationError.single(_("The activity {code} has follow-ups and cannot be "
                                           "removed.").format(code=code), field=code)
        conn.execute("DELETE FROM plan_activities WHERE plan = ? AND code = ?", (plan_row, code))
        fields.append(code)


_COPY_STRUCTURE = (
    "INSERT INTO plan_goals(plan, number, title)"
    " SELECT :new, number, title FROM plan_goals WHERE plan = :old",
    "INSERT INTO plan_measures(plan, goal, code, title, source, unit, position)"
    " SELECT :new, ng.id, m.code, m.title, m.source, m.unit, m.position FROM plan_measures m"
    " JOIN plan_goals og ON og.id = m.goal"
    " JOIN plan_goals ng ON ng.plan = :new AND ng.number = og.number WHERE m.plan = :old",
    "INSERT INTO plan_activities(plan, goal, code, title, lead, timeframe, first_year, last_year,"
    " position) SELECT :new, ng.id, a.code, a.title, a.lead, a.timeframe, a.first_year,"
    " a.last_year, a.position FROM plan_activities a JOIN plan_goals og ON og.id = a.goal"
    " JOIN plan_goals ng ON ng.plan = :new AND ng.number = og.number WHERE a.plan = :old",
    "INSERT INTO plan_activity_committees(activity, committee, position)"
    " SELECT na.id, x.committee, x.position FROM plan_activity_committees x"
    " JOIN plan_activities oa ON oa.id = x.activity"
    " JOIN plan_activities na ON na.plan = :new AND na.code = oa.code WHERE oa.plan = :old",
    "INSERT INTO plan_activity_partners(activity, partner, position)"
    " SELECT na.id, x.partner, x.position FROM plan_activity_partners x"
    " JOIN plan_activities oa ON oa.id = x.activity"
    " JOIN plan_activities na ON na.plan = :new AND na.code = oa.code WHERE oa.plan = :old",
)


def revise_plan(db: Database, new_version: str, year: int, plan_id: str = PLAN_KEY) -> Plan:
    """Start version ``new_version`` in ``year`` with a copy of the newest version's structure
    (edit it with :func:`save_plan`). The old version ends the year before and stays readable.
    """
    require_coordinator(db, _("revise the action plan"), plan_id)
    new_version = new_version.strip()
    current = load_plan(db, plan_id=plan_id)
    old, new = domain.revise(current, new_version, year)
    if new_version in {p.version for p in plan_versions(db, plan_id)}:
        raise ValidationError.single(_("The plan already has a version {version}.").format(
            version=new_version), field="version")
    old_row = _row_id(db, current)
    if db.conn.execute(
            "SELECT 1 FROM plan_followups f JOIN plan_activities a ON a.id = f.activity"
            " WHERE a.plan = ? AND f.year >= ? UNION ALL"
            " SELECT 1 FROM plan_measure_values v JOIN plan_measures m ON m.id = v.measure"
            " WHERE m.plan = ? AND v.year >= ?", (old_row, year, old_row, year)).fetchone():
        raise ValidationError.single(_("Version {version} already has follow-ups or values for "
                                       "{year} or later.").format(version=current.version, year=year),
                                     field="year")
    owner = db.conn.execute("SELECT owner_committee FROM plans WHERE id = ?", (old_row,)).fetchone()[0]
    with db.transaction() as conn:
        conn.execute("UPDATE plans SET valid_to = ? WHERE id = ?", (old.valid_to, old_row))
        new_row = conn.execute(
            "INSERT INTO plans(plan_key, version, name, owner_committee, adopted_year, valid_from,"
            " valid_to, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (new.id, new.version, new.name, owner, new.adopted_year, new.valid_from, new.valid_to,
             now_iso(), db.user)).lastrowid
        for statement in _COPY_STRUCTURE:
            conn.execute(statement, {"new": new_row, "old": old_row})
        db.audit("update", target=f"plan:{plan_id}:{current.version}", fields=("valid_to",))
        db.audit("create", target=f"plan:{plan_id}:{new_version}",
                 detail={"revision_of": current.version, "year": year})
    return load_plan(db, new_version, plan_id)


# --- yearly follow-up ---------------------------------------------------------------------


def _followup(code: str, year: int, status: str, comment: str, carried_from, by: str,
              at: str) -> FollowUp:
    return FollowUp(code, year, status, comment, by, dt.datetime.fromisoformat(at), carried_from)


def _stored_followups(db: Database, year: int, plan_id: str) -> dict[str, FollowUp]:
    """code -> the stored follow-up of ``year`` (of whichever version it was recorded on)."""
    return {row[0]: _followup(row[0], year, *row[1:]) for row in db.conn.execute(
        "SELECT a.code, f.status, f.comment, f.carried_from, f.updated_by, f.updated_at"
        " FROM plan_followups f JOIN plan_activities a ON a.id = f.activity"
        " JOIN plans p ON p.id = a.plan WHERE p.plan_key = ? AND f.year = ? ORDER BY a.position",
        (plan_id, year))}


def _latest_before(db: Database, year: int, plan_id: str) -> dict[str, tuple[int, str]]:
    """code -> (year, status) of its latest follow-up before ``year``."""
    latest: dict[str, tuple[int, str]] = {}
    for code, y, status in db.conn.execute(
            "SELECT a.code, f.year, f.status FROM plan_followups f"
            " JOIN plan_activities a ON a.id = f.activity JOIN plans p ON p.id = a.plan"
            " WHERE p.plan_key = ? AND f.year < ? ORDER BY f.year", (plan_id, year)):
        latest[code] = (y, status)
    return latest


def _carried_into(db: Database, year: int, plan_id: str) -> dict[str, str]:
    """code -> status of the activities left unfinished in ``year - 1`` (plan order).

    An activity active last year counts unless last year's follow-up, or without one the
    latest earlier follow-up, finished it.
    """
    previous = plan_for_year(db, year - 1, plan_id)
    if previous is None:
        return {}
    last_year = _stored_followups(db, year - 1, plan_id)
    earlier = _latest_before(db, year - 1, plan_id)
    codes = [a.code for a in previous.activities if a.active_in(year - 1)
             and (a.code in last_year or earlier.get(a.code, (0, ""))[1] not in domain.FINISHED_STATUSES)]
    unfinished = domain.carry_over([f for c, f in last_year.items() if c in codes], codes)
    return {c: last_year[c].status if c in last_year else earlier.get(c, (0, "not_started"))[1]
            for c in unfinished}


def followups(db: Database, year: int, plan_id: str = PLAN_KEY) -> list[FollowUp]:
    """The follow-ups stored for ``year``, in plan order."""
    db.require(Permission.VIEW_WORK, what=_("read the follow-up"))
    return list(_stored_followups(db, year, plan_id).values())


def year_followup(db: Database, year: int, plan_id: str = PLAN_KEY) -> list[ActivityFollowUp]:
    """The follow-up sheet of ``year``: every activity of the version in force that runs that
    year, with its stored, carried-over or blank follow-up."""
    plan = plan_in_force(db, year, plan_id)
    stored = _stored_followups(db, year, plan_id)
    carried = _carried_into(db, year, plan_id)
    earlier = _latest_before(db, year, plan_id)
    sheet = []
    for goal in plan.goals:
        for a in goal.activities:
            if not a.active_in(year):
                continue
            if a.code in stored:
                sheet.append(ActivityFollowUp(goal.number, a, stored[a.code], True))
            elif a.code in carried:
                sheet.append(ActivityFollowUp(goal.number, a, FollowUp(
                    a.code, year, carried[a.code], carried_from=year - 1), False))
            else:
                done_year, status = earlier.get(a.code, (None, ""))
                finished = done_year if status in domain.FINISHED_STATUSES else None
                sheet.append(ActivityFollowUp(goal.number, a, FollowUp(a.code, year), False, finished))
    return sheet


def _activity_row(db: Database, plan: Plan, code: str) -> int:
    return db.conn.execute("SELECT a.id FROM plan_activities a JOIN plans p ON p.id = a.plan"
                           " WHERE p.plan_key = ? AND p.version = ? AND a.code = ?",
                           (plan.id, plan.version, code)).fetchone()[0]


def save_followup(db: Database, followup: FollowUp, plan_id: str = PLAN_KEY) -> FollowUp:
    """Record an activity's status and comment for a year (who and when are set here)."""
    plan = plan_for_year(db, followup.year, plan_id) or load_plan(db, plan_id=plan_id)
    followup = dataclasses.replace(followup, comment=followup.comment.strip())
    domain.validate_followup(followup, plan)
    activity = plan.activity(followup.activity_code)
    _require_responsible(db, activity, _("follow up an activity"))
    old = _stored_followups(db, followup.year, plan_id).get(followup.activity_code)
    fields = [n for n in ("status", "comment")
              if old is None or getattr(old, n) != getattr(followup, n)]
    if not fields and old.carried_from is None:
        return old
    fields = fields or ["status"]  # confirming a carried-over status is a report too
    row = _activity_row(db, plan, followup.activity_code)
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO plan_followups(activity, year, status, comment, carried_from, updated_by,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(activity, year) DO UPDATE SET"
            " status = excluded.status, comment = excluded.comment, carried_from = NULL,"
            " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (row, followup.year, followup.status, followup.comment, None, db.user, now_iso()))
        db.audit("create" if old is None else "update",
                 target=f"followup:{plan_id}:{followup.activity_code}:{followup.year}", fields=fields)
    return _stored_followups(db, followup.year, plan_id)[followup.activity_code]


def carry_over_to(db: Database, year: int, plan_id: str = PLAN_KEY) -> list[str]:
    """Start ``year``'s follow-up: store the activities left unfinished last year (with last
    year's status) for those not yet followed up this year. Returns their codes; running it
    again adds nothing."""
    require_coordinator(db, _("start the year's follow-up"), plan_id)
    plan = plan_in_force(db, year, plan_id)
    stored = _stored_followups(db, year, plan_id)
    carried = {c: s for c, s in _carried_into(db, year, plan_id).items()
               if c not in stored and plan.activity(c) is not None and plan.activity(c).active_in(year)}
    if not carried:
        return []
    now = now_iso()
    with db.transaction() as conn:
        conn.executemany(
            "INSERT INTO plan_followups(activity, year, status, comment, carried_from, updated_by,"
            " updated_at) VALUES (?, ?, ?, '', ?, ?, ?)",
            [(_activity_row(db, plan, c), year, s, year - 1, db.user, now) for c, s in carried.items()])
        db.audit("create", target=f"followup:{plan_id}:{year}", fields=("status",),
                 detail={"carried_over": len(carried), "from": year - 1})
    return list(carried)


# --- measure values -----------------------------------------------------------------------


def measure_value_routines(db: Database, year: int) -> float | None:
    """Measure "share of committees with routines for cooperating with other bodies".

    Counted over the committees' administrations with the routines in force now that had a
    version adopted by the end of ``year`` (the rule is in :mod:`hrvdesk.domain.routines`).
    """
    year_end = dt.date(year, 12, 31)
    routines = [r for r in routines_repo.list_routines(db)
                if r.versions and min(v.adopted_on for v in r.versions) <= year_end]
    return committees_with_cooperation_routines_share(
        routines, set(committee_administrations(db).values()))


def measure_value_training(db: Database, year: int) -> float | None:
    """HOOK for the measure "share of administrations whose staff have knowledge of domestic
    violence, FGM and HRV" (goal 4), computed from training coverage.

    None while the database has no training tables; otherwise the training store's value
    (:func:`hrvdesk.store.training_repo.measure_value_training`).
    """
    has_training = db.conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TRAINING_TABLE,)).fetchone()
    if not has_training:
        return None
    from hrvdesk.store import training_repo  # only where the training schema exists

    return training_repo.measure_value_training(db, year)


#: How each computed measure source gets its value for a year.
COMPUTED_SOURCES = {
    "routines_share": measure_value_routines,
    "training_coverage": measure_value_training,
}


def computed_value(db: Database, measure: Measure, year: int) -> float | None:
    """The value of a computed measure as the register says now; None for manual ones."""
    compute = COMPUTED_SOURCES.get(measure.source)
    return None if compute is None else compute(db, year)


def _stored_values(db: Database, year: int, plan_id: str) -> dict[str, list[MeasureValue]]:
    """code -> stored values up to ``year`` (any version of the plan), oldest first."""
    values: dict[str, list[MeasureValue]] = {}
    for code, y, value, source in db.conn.execute(
            "SELECT m.code, v.year, v.value, v.source FROM plan_measure_values v"
            " JOIN plan_measures m ON m.id = v.measure JOIN plans p ON p.id = m.plan"
            " WHERE p.plan_key = ? AND v.year <= ? ORDER BY v.year", (plan_id, year)):
        values.setdefault(code, []).append(MeasureValue(code, y, value, source))
    return values


def measure_overview(db: Database, year: int, plan_id: str = PLAN_KEY) -> list[MeasureStatus]:
    """Every measure of the version in force in ``year`` with values, the year's value and trend."""
    db.require(Permission.VIEW_WORK, what=_("read the action plan"))
    plan = plan_in_force(db, year, plan_id)
    stored = _stored_values(db, year, plan_id)
    targets = measure_targets(db, plan_id)
    out = []
    for goal in plan.goals:
        for m in goal.measures:
            values = stored.get(m.code, [])
            current = next((v for v in values if v.year == year), None)
            computed_now = False
            if current is None:
                live = computed_value(db, m, year)
                if live is not None:
                    current, computed_now = MeasureValue(m.code, year, live, m.source), True
            series = values + ([current] if computed_now else [])
            out.append(MeasureStatus(goal.number, m, tuple(values), current, computed_now,
                                     domain.trend(series), targets.get(m.code)))
    return out


def measure_targets(db: Database, plan_id: str = PLAN_KEY) -> dict[str, float]:
    """measure code -> its target (a share in 0..1 or a count)."""
    return dict(db.conn.execute("SELECT measure, target FROM plan_measure_targets WHERE plan_key = ?",
                                (plan_id,)))


def set_measure_target(db: Database, code: str, target: float | None, plan_id: str = PLAN_KEY) -> None:
    """Set (or with None remove) a measure's target; the coordinator's, audited."""
    require_coordinator(db, _("set the targets of the action plan"), plan_id)
    plan = load_plan(db, plan_id=plan_id)
    measure = next((m for g in plan.goals for m in g.measures if m.code == code), None)
    if measure is None:
        raise ValidationError.single(_("The plan has no measure {code}.").format(code=code), field="measure")
    if target is not None:
        domain.raise_problems(domain.target_problems(measure, target))
    old = measure_targets(db, plan_id).get(code)
    if old == target:
        return
    with db.transaction() as conn:
        if target is None:
            conn.execute("DELETE FROM plan_measure_targets WHERE plan_key = ? AND measure = ?", (plan_id, code))
        else:
            conn.execute("INSERT INTO plan_measure_targets(plan_key, measure, target, updated_by, updated_at)"
                         " VALUES (?, ?, ?, ?, ?) ON CONFLICT(plan_key, measure) DO UPDATE SET"
                         " target = excluded.target, updated_by = excluded.updated_by,"
                         " updated_at = excluded.updated_at", (plan_id, code, target, db.user, now_iso()))
        db.audit("delete" if target is None else ("create" if old is None else "update"),
                 target=f"target:{plan_id}:{code}", fields=("target",))


def _upsert_value(db: Database, plan: Plan, value: MeasureValue) -> None:
    db.conn.execute(
        "INSERT INTO plan_measure_values(measure, year, value, source, updated_by, updated_at)"
        " SELECT m.id, ?, ?, ?, ?, ? FROM plan_measures m JOIN plans p ON p.id = m.plan"
        " WHERE p.plan_key = ? AND p.version = ? AND m.code = ?"
        " ON CONFLICT(measure, year) DO UPDATE SET value = excluded.value, source = excluded.source,"
        " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        (value.year, float(value.value), value.source, db.user, now_iso(), plan.id, plan.version,
         value.measure_code))


def save_measure_value(db: Database, value: MeasureValue, plan_id: str = PLAN_KEY) -> None:
    """Record a measure's value for a year (a share in 0..1 or a count) with its source."""
    require_coordinator(db, _("enter measure values"), plan_id)
    plan = plan_for_year(db, value.year, plan_id) or load_plan(db, plan_id=plan_id)
    domain.validate_measure_value(value, plan)
    with db.transaction():
        _upsert_value(db, plan, value)
        db.audit("update", target=f"measure:{plan_id}:{value.measure_code}:{value.year}",
                 fields=("value", "source"))


def record_computed_values(db: Database, year: int, plan_id: str = PLAN_KEY) -> dict[str, float]:
    """Store the computed measures' values for ``year`` as the registers give them now, so
    that later changes to the registers do not rewrite the year. Returns code -> value."""
    require_coordinator(db, _("enter measure values"), plan_id)
    plan = plan_in_force(db, year, plan_id)
    values = {m.code: v for m in plan.measures
              if (v := computed_value(db, m, year)) is not None}
    if not values:
        return {}
    with db.transaction():
        for m in plan.measures:
            if m.code in values:
                _upsert_value(db, plan, MeasureValue(m.code, year, values[m.code], m.source))
        db.audit("update", target=f"measures:{plan_id}:{year}", fields=tuple(values),
                 detail={"computed": len(values)})
    return values
