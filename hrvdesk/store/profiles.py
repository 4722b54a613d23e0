"""A municipality profile (:mod:`hrvdesk.domain.profile`) into a new database, and out of one.

:func:`apply_profile` writes a profile's organisation, committees, action plan, pilot survey,
school years and municipality settings into a database that has the schema and nothing
else; :meth:`Database.create <hrvdesk.store.database.Database.create>` calls it inside the
transaction that records the first administrator, so a new database has all of it or does
not exist. The rows are those that the migrations' Botkyrka seeds write on an upgrade
(same order, same positions), so a database set up from the Botkyrka profile and one
upgraded from before profiles agree.

:func:`export_profile` reads the organisation, the newest version of the plan and the
settings back as a profile, and :func:`write_profile` writes it as a file for an
administrator (audited, through the safe-write helper), for a neighbouring municipality to
start from.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.organisation import Administration, Partner
from hrvdesk.domain.profile import Profile, dump_profile
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.settings import Key
from hrvdesk.i18n import _
from hrvdesk.store import holidays_repo, organisation, plan_repo, settings, survey_repo
from hrvdesk.store.audit import now_iso
from hrvdesk.store.database import Database
from hrvdesk.safewrite import write_bytes

SETUP_USER = "hrvdesk"  # who "created" the plan: the program, as for the migrations' seed
AUDIT_TARGET = "profile"


def apply_profile(conn, profile: Profile) -> None:
    """Insert the profile into a new database, in the caller's transaction."""
    conn.executemany("INSERT INTO administrations(code, name, committee, kind) VALUES (?, ?, ?, ?)",
                     [(a.code, a.name, a.committee, a.kind) for a in profile.administrations])
    conn.executemany("INSERT INTO partners(code, name, kind) VALUES (?, ?, ?)",
                     [(p.code, p.name, p.kind) for p in profile.partners])
    conn.executemany("INSERT INTO committees(code, title, administration, position) VALUES (?, ?, ?, ?)",
                     [(c.code, c.title, c.administration, i) for i, c in enumerate(profile.committees, start=1)])
    plan = profile.plan
    plan_row = conn.execute(
        "INSERT INTO plans(plan_key, version, name, owner_committee, adopted_year, valid_from, valid_to,"
        " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (plan.id, plan.version, plan.name, profile.plan_owner, plan.adopted_year, plan.valid_from,
         plan.valid_to, now_iso(), SETUP_USER)).lastrowid
    position = 0  # measures and activities share one order, goal by goal
    for goal in plan.goals:
        goal_row = conn.execute("INSERT INTO plan_goals(plan, number, title) VALUES (?, ?, ?)",
                                (plan_row, goal.number, goal.title)).lastrowid
        for m in goal.measures:
            position += 1
            conn.execute("INSERT INTO plan_measures(plan, goal, code, title, source, unit, position)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (plan_row, goal_row, m.code, m.title, m.source, m.unit, position))
        for a in goal.activities:
            position += 1
            activity_row = conn.execute(
                "INSERT INTO plan_activities(plan, goal, code, title, lead, timeframe, first_year, last_year,"
                " position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (plan_row, goal_row, a.code, a.title, a.lead, a.timeframe, a.first_year, a.last_year,
                 position)).lastrowid
            conn.executemany("INSERT INTO plan_activity_committees(activity, committee, position) VALUES (?, ?, ?)",
                             [(activity_row, c, i) for i, c in enumerate(a.responsible)])
            conn.executemany("INSERT INTO plan_activity_partners(activity, partner, position) VALUES (?, ?, ?)",
                             [(activity_row, p, i) for i, p in enumerate(a.partners)])
    conn.execute("INSERT INTO survey_pilot(id, first_year, length) VALUES (1, ?, ?)",
                 (profile.pilot_first_year, profile.pilot_years))
    conn.executemany("INSERT INTO school_holidays(start_year, kind, first_day, last_day) VALUES (?, ?, ?, ?)",
                     [(y.start_year, h.kind, h.start.isoformat(), h.end.isoformat())
                      for y in profile.school_years for h in y.holidays])
    conn.executemany("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)",
                     [(key, json.dumps(value)) for key, value in profile.settings.items()])


def export_profile(db: Database) -> Profile:
    """The database's organisation (inactive entries too), committees, newest plan version,
    pilot period, entered school years and municipality settings, as a profile."""
    db.require(Permission.MANAGE_ORGANISATION, what=_("export the organisation and plan as a profile"))
    plan = plan_repo.load_plan(db)
    (owner,) = db.conn.execute("SELECT owner_committee FROM plans WHERE plan_key = ? AND version = ?",
                               (plan.id, plan.version)).fetchone()
    first_year, years = survey_repo.pilot_period(db)
    entered = [holidays_repo.school_year(db, start) for (start,) in db.conn.execute(
        "SELECT DISTINCT start_year FROM school_holidays ORDER BY start_year")]
    return Profile(
        code=settings.get(db, Key.MUNICIPALITY_CODE), name=settings.get(db, Key.MUNICIPALITY_NAME),
        administrations=tuple(Administration(a.code, a.name, a.committee, a.kind)
                              for a in organisation.administrations(db, include_inactive=True)),
        partners=tuple(Partner(p.code, p.name, p.kind)
                       for p in organisation.partners(db, include_inactive=True)),
        committees=tuple(plan_repo.committees(db)),
        plan=plan, plan_owner=owner, pilot_first_year=first_year, pilot_years=years,
        period_start_month=settings.get(db, Key.PERIOD_START_MONTH),
        school_years=tuple(y for y in entered if not y.default))


def write_profile(db: Database, out: str | os.PathLike) -> Profile:
    """Write :func:`export_profile` to ``out`` (JSON for ``.json``, else TOML), audited as an
    export with the file's SHA-256; a failed write rolls the audit entry back."""
    out = Path(out)
    if not out.parent.is_dir():
        raise ValidationError.single(_("The folder {folder} does not exist.").format(folder=str(out.parent)),
                                     field="--out")
    profile = export_profile(db)
    fmt = "json" if out.suffix.lower() == ".json" else "toml"
    data = dump_profile(profile, fmt, comment=_(
        "Municipality profile exported from hrvdesk: {name} ({code}).\n"
        "Check every name, code and title before setting up another municipality from it.").format(
            name=profile.name, code=profile.code)).encode("utf-8")
    with db.transaction():
        db.audit("export", target=AUDIT_TARGET, detail={
            "format": fmt, "sha256": hashlib.sha256(data).hexdigest(),
            "administrations": len(profile.administrations), "goals": len(profile.plan.goals)})
        write_bytes(out, data)
    return profile
