"""The follow-up log of each case and the work list of due follow-ups (issue 11).

An entry says what was done on which day (:data:`hrvdesk.domain.followups.FOLLOW_UP_KINDS`),
with an optional note; recording one may also set the case's next follow-up date. Entries are
never changed; each is audited (``create``, target ``case:<id>``, field ``follow_up``) and kept
in the case's own history. Who may: as for the case itself (an editor for her own
administration's cases). The work list (:func:`work_list`) is what the register section, the
overview tile, the notice after unlock and ``hrvdesk followups`` show; listing it is audited.
"""

from __future__ import annotations

import datetime as dt

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.followups import DEFAULT_DAYS, FollowUpEntry, WorkItem, entry_problems, work_list as _work_list
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_, _
from hrvdesk.store import abroad_repo
from hrvdesk.store.database import Database

_EDIT = N_("record a follow-up of a child taken abroad")
FIELD = "follow_up"


def _case_administration(db: Database, case_id: int) -> str:
    row = db.conn.execute("SELECT reported_by FROM abroad_cases WHERE id = ?", (case_id,)).fetchone()
    if row is None:
        raise ValidationError.single(_("There is no case number {id}.").format(id=case_id), field="case")
    return row[0]


def add_entry(db: Database, case_id: int, entry: FollowUpEntry, *,
              next_date: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Record what was done (and, if given, the next follow-up date); returns the entry's id."""
    db.require(Permission.EDIT_CASES, administration=_case_administration(db, case_id), what=_(_EDIT))
    stamp = (now or dt.datetime.now()).astimezone().replace(microsecond=0)
    note = (entry.note or "").strip() or None
    entry = FollowUpEntry(entry.done_on, entry.kind, note)
    problems = entry_problems(entry, stamp.date())
    if problems:
        raise ValidationError("; ".join(str(p) for p in problems), problems)
    fields = (FIELD, "follow_up_date") if next_date is not None else (FIELD,)
    at = stamp.isoformat()
    with db.transaction() as conn:
        entry_id = conn.execute(
            "INSERT INTO abroad_followups(case_id, done_on, kind, note, recorded_at, recorded_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (case_id, entry.done_on.isoformat(), entry.kind, note, at, db.user)).lastrowid
        if next_date is not None:
            conn.execute("UPDATE abroad_cases SET follow_up_date = ?, updated_at = ?, updated_by = ?"
                         " WHERE id = ?", (next_date.isoformat(), at, db.user, case_id))
        conn.execute("INSERT INTO abroad_changes(case_id, at, user, kind, fields) VALUES (?, ?, ?, ?, ?)",
                     (case_id, at, db.user, "follow_up", f'["{FIELD}"]'))
        db.audit("create", target=abroad_repo.case_target(case_id), fields=fields)
    return entry_id


def entries(db: Database, case_id: int) -> list[FollowUpEntry]:
    """A case's follow-up log, oldest first (for one the user may see)."""
    db.require(Permission.VIEW_CASES, administration=_case_administration(db, case_id),
               what=_("see the cases of children taken abroad"))
    return [FollowUpEntry(dt.date.fromisoformat(day), kind, note, by, eid)
            for eid, day, kind, note, by in db.conn.execute(
                "SELECT id, done_on, kind, note, recorded_by FROM abroad_followups WHERE case_id = ?"
                " ORDER BY done_on, id", (case_id,))]


def overdue_count(db: Database, today: dt.date | None = None) -> int:
    """How many of the work list's follow-ups are late (the overview and the notice after
    unlock), counted in the database, not audited as a view: late is due by yesterday (a
    follow-up date before today, or none while the child is abroad or at risk)."""
    return abroad_repo.count_due(db, (today or dt.date.today()) - dt.timedelta(days=1))


def work_list(db: Database, today: dt.date | None = None, days: int = DEFAULT_DAYS, *,
              audited: bool = True) -> list[WorkItem]:
    """The follow-ups due within ``days`` (and those overdue or missing) of the cases the user
    may see, most overdue first, each with the same child's other cases."""
    if days < 0:
        raise ValidationError.single(_("The number of days must be 0 or more."), field="--days")
    today = today or dt.date.today()
    cases = [s.case for s in abroad_repo.list_cases(db, due_by=today + dt.timedelta(days=days))]
    items = _work_list(cases, today, days)
    keys = {i.case.person_key for i in items if i.case.person_key}
    others: dict[str, list[int]] = {}
    for stored in abroad_repo.list_cases(db, person_keys=keys) if keys else ():
        others.setdefault(stored.case.person_key, []).append(stored.case.id)
    items = [WorkItem(i.case, i.overdue_days,
                      tuple(c for c in others.get(i.case.person_key, ()) if c != i.case.id))
             for i in items]
    if audited:
        db.audited("view", target="abroad:followups", detail={"rows": len(items), "days": days})
    return items
