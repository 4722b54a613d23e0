"""The register of children taken abroad in the database: cases, status history, statistics.

Who may do what (:mod:`hrvdesk.domain.roles`): an editor may list, view, create, change,
delete and import only the cases reported by their own administration; an administrator
may do so for all; a viewer sees the statistics (``VIEW_STATISTICS``) but not the cases.
Viewing a case is audited (``view``, target ``case:<id>``); every change is audited with the
*names* of the changed fields, never their values, and also kept as the case's own history
(:func:`change_history`). A value shaped like a personal identity number is refused in every
field (:func:`hrvdesk.domain.abroad.validate_case`).

A status change is dated, so that the statistics can take the status at the end of a
reporting period (:func:`stats_for`). Retention (:func:`apply_retention`, run at unlock by
:func:`on_unlock`) reduces cases whose last change is older than the ``retention_years``
setting to their statistical content: the case reference and the notes are erased, nothing
that the statistics count changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hrvdesk.domain.abroad import (ERASED_BY_RETENTION, AbroadCase, Coarsened, StatusChange,
                                   coarsened, status_at, validate_case, years_before)
from hrvdesk.domain.school_holidays import departure_timing
from hrvdesk.domain import personnummer
from hrvdesk.domain.abroad_stats import Period, PersonRecord, StatTables, build_tables, person_records
from hrvdesk.domain.codes import ACTIONS, PURPOSES
from hrvdesk.domain.followups import NEEDS_FOLLOW_UP
from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_, _, format_date
from hrvdesk.domain.import_formats import ABROAD
from hrvdesk.domain.settings import Key
from hrvdesk.store import holidays_repo, importing, organisation, pseudonym_keys, settings
from hrvdesk.store.database import Database
from hrvdesk.store.importing import ImportRows, Progress, WriteOutcome

#: The fields of a case (without its id), in the order of the import format.
CASE_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(AbroadCase)
                                     if f.name not in ("id", "coarsened"))
#: What a re-imported row and a stored case are compared without (the fields that can be
#: erased or changed by hand after the import: see :func:`reduced`).
NOT_FINGERPRINTED_WHEN_REDUCED: tuple[str, ...] = ("case_ref", "notes")
#: Target of the audit entries of retention (single cases: ``case:<id>``; imports: the kind).
REGISTER_TARGET = "abroad"
#: Kinds of entries in a case's own history.
CHANGE_KINDS = ("create", "import", "update", "retention", "follow_up")
#: Fields added after cases were first stored: left out of a case's fingerprint while empty,
#: so that a file imported before they existed is still recognised as already present.
LATER_FIELDS = ("person_key", "follow_up_date", "no_school_since")

_VIEW = N_("see the cases of children taken abroad")
_EDIT = N_("change a case of a child taken abroad")
_STATS = N_("see the statistics on children taken abroad")


@dataclass(frozen=True)
class StoredCase:
    """A case as stored, with its bookkeeping. In lists, ``case.notes`` is left out (None):
    use :func:`get_case` (audited) before editing."""

    case: AbroadCase
    reduced: bool
    created_at: dt.datetime
    created_by: str
    updated_at: dt.datetime
    updated_by: str


@dataclass(frozen=True)
class CaseChange:
    """One entry of a case's history: who, when, what kind of change, which fields."""

    at: dt.datetime
    user: str
    kind: str                   # one of CHANGE_KINDS
    fields: tuple[str, ...]


def case_target(case_id: int) -> str:
    """The audit target of one case."""
    return f"case:{case_id}"


# --- small helpers --------------------------------------------------------------------------


def _stamp(now: dt.datetime | None) -> dt.datetime:
    """``now`` (or the current time) with the local offset, to the second."""
    return (now or dt.datetime.now()).astimezone().replace(microsecond=0)


def _rejected(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError("; ".join(str(p) for p in problems), problems)


def _not_found(case_id: int) -> ValidationError:
    return ValidationError.single(_("There is no case number {id}.").format(id=case_id), field="case")


_RANKS = {name: {code: rank for rank, code in enumerate(codes.values)}
          for name, codes in (("purposes", PURPOSES), ("actions", ACTIONS))}


def _ordered(codes: Iterable[str], field: str) -> tuple[str, ...]:
    """Distinct codes in the code list's order (unknown codes last, as given)."""
    ranks = _RANKS[field]
    return tuple(sorted(dict.fromkeys(codes), key=lambda c: ranks.get(c, len(ranks))))


def _text_or_none(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None


def normalised(case: AbroadCase) -> AbroadCase:
    """The form a case is stored in: lists distinct and in code-list order, empty texts None."""
    return dataclasses.replace(
        case, case_ref=_text_or_none(case.case_ref), notes=_text_or_none(case.notes),
        purposes=_ordered(case.purposes, "purposes"), actions=_ordered(case.actions, "actions"),
        destination=case.destination.upper() if case.destination else None)


def fingerprint(case: AbroadCase) -> str:
    """Identifies a case's content (not its id): equal for identical import rows."""
    case = normalised(case)
    content = {name: getattr(case, name) for name in CASE_FIELDS
               if not (name in LATER_FIELDS and getattr(case, name) is None)}
    for name, value in content.items():
        if isinstance(value, dt.date):
            content[name] = value.isoformat()
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


def reduced(case: AbroadCase) -> AbroadCase:
    """``case`` without its reference and notes: the fingerprint a re-imported row is
    recognised by once the stored case was reduced."""
    return dataclasses.replace(case, **dict.fromkeys(NOT_FINGERPRINTED_WHEN_REDUCED))


def _registered(db: Database) -> set[str]:
    return {a.code for a in organisation.administrations(db, include_inactive=True)}


def _person_key(conn) -> bytes:
    return pseudonym_keys.load(conn, pseudonym_keys.ABROAD_PERSONS)


def person_pseudonym(db: Database, number: str, reference: dt.date) -> str:
    """The pseudonym a personal identity or coordination number is stored as; ``reference``
    (the case's known date) decides the century of a ten-digit number. A number that is not
    valid is a :class:`ValidationError` for the field ``person_key`` (never repeating it)."""
    try:
        twelve = personnummer.normalise(number, reference)
    except personnummer.PersonnummerError as error:
        raise ValidationError.single(error.reason, field="person_key") from None
    return personnummer.pseudonym(twelve, _person_key(db.conn))


@dataclass(frozen=True)
class PersonMatch:
    """What the register holds on one child: the cases the user may see, and how many
    further cases other administrations registered."""

    visible: tuple[int, ...]
    elsewhere: int


def cases_of_person(db: Database, person_key: str, *, excluding: int | None = None) -> PersonMatch:
    """The cases registered with ``person_key`` (the pseudonym of the number typed into the
    form), but ``excluding`` (the case being edited). Audited as ``lookup``: looking a child
    up is as sensitive as viewing a case."""
    db.require(Permission.VIEW_CASES, what=_(_VIEW))
    rows = db.conn.execute("SELECT id, reported_by FROM abroad_cases WHERE person_key = ?"
                           " AND id IS NOT ? ORDER BY id", (person_key, excluding)).fetchall()
    visible = tuple(cid for cid, by in rows if db.session.can(Permission.VIEW_CASES, by))
    with db.transaction():
        db.audit("lookup", target=REGISTER_TARGET, detail={"found": len(rows)})
    return PersonMatch(visible, len(rows) - len(visible))


# --- reading ----------------------------------------------------------------------------------

_SELECT = ("SELECT c.id, c.person_key, c.case_ref, c.reported_by, c.known_date, c.departure_date, c.gender,"
           " c.birth_year, c.honour_link, c.destination, c.status, c.reported_married,"
           " c.follow_up_date, c.no_school_since, c.notes,"
           " c.coarse_age_band, c.coarse_region, c.coarse_timing,"
           " c.reduced, c.created_at, c.created_by, c.updated_at, c.updated_by"
           " FROM abroad_cases c")


def _grouped(conn, sql: str, params: Sequence) -> dict[int, list]:
    out: dict[int, list] = {}
    for case_id, value in conn.execute(sql, params):
        out.setdefault(case_id, []).append(value)
    return out


def _load(conn, where: str = "1 = 1", params: Sequence = (), *, notes: bool = True,
          case_ref: bool = True) -> list[StoredCase]:
    """Cases matching ``where`` (on alias ``c``), by known date; texts left out on request."""
    rows = conn.execute(f"{_SELECT} WHERE {where} ORDER BY c.known_date, c.id", params).fetchall()
    if not rows:
        return []
    join = "JOIN abroad_cases c ON c.id = x.case_id WHERE " + where
    purposes = _grouped(conn, f"SELECT x.case_id, x.purpose FROM abroad_case_purposes x {join}", params)
    actions = _grouped(conn, f"SELECT x.case_id, x.action FROM abroad_case_actions x {join}", params)
    out = []
    for (cid, person, ref, by, known, departure, gender, birth_year, link, destination, status, married,
         follow_up, no_school, note, coarse_age, coarse_region, coarse_timing,
         is_reduced, created_at, created_by, updated_at, updated_by) in rows:
        case = AbroadCase(
            id=cid, person_key=person, case_ref=ref if case_ref else None, reported_by=by,
            known_date=dt.date.fromisoformat(known), departure_date=departure, gender=gender,
            birth_year=birth_year, purposes=_ordered(purposes.get(cid, ()), "purposes"),
            honour_link=link, destination=destination, status=status,
            reported_married=bool(married), actions=_ordered(actions.get(cid, ()), "actions"),
            follow_up_date=_date_or_none(follow_up), no_school_since=_date_or_none(no_school),
            notes=note if notes else None,
            coarsened=Coarsened(coarse_age, coarse_region, coarse_timing) if is_reduced else None)
        out.append(StoredCase(case, bool(is_reduced), dt.datetime.fromisoformat(created_at),
                              created_by, dt.datetime.fromisoformat(updated_at), updated_by))
    return out


def _stored(db: Database, case_id: int) -> StoredCase:
    found = _load(db.conn, "c.id = ?", (case_id,))
    if not found:
        raise _not_found(case_id)
    return found[0]


def list_cases(db: Database, *, period: Period | None = None, status: str | None = None,
               reported_by: str | None = None, purpose: str | None = None,
               due_by: dt.date | None = None,
               person_keys: Collection[str] | None = None) -> list[StoredCase]:
    """The cases the user may see, by known date, filtered by reporting period (known date
    in it), current status, reporting administration, purpose, follow-up due by a day
    (``due_by``: follow-up date on or before it, or none while the child is abroad or at
    risk) and children (``person_keys``). Notes are left out.

    An editor sees the cases of their own administration only.
    """
    where, params = _case_filter(db, period=period, status=status, reported_by=reported_by,
                                 purpose=purpose, due_by=due_by, person_keys=person_keys)
    return _load(db.conn, where, params, notes=False)


def count_due(db: Database, due_by: dt.date) -> int:
    """How many of the cases the user may see are due for follow-up by ``due_by`` (as
    :func:`list_cases` selects them), counted in the database."""
    where, params = _case_filter(db, due_by=due_by)
    return db.conn.execute(f"SELECT count(*) FROM abroad_cases c WHERE {where}", params).fetchone()[0]


def _case_filter(db: Database, *, period: Period | None = None, status: str | None = None,
                 reported_by: str | None = None, purpose: str | None = None,
                 due_by: dt.date | None = None,
                 person_keys: Collection[str] | None = None) -> tuple[str, list]:
    """The WHERE clause (on alias ``c``) of :func:`list_cases`, with the user's scope."""
    db.require(Permission.VIEW_CASES, administration=reported_by, what=_(_VIEW))
    own = db.session.administration if not db.session.can(Permission.VIEW_CASES, "*") else None
    conditions, params = [], []
    for column, value in (("c.reported_by", reported_by or own), ("c.status", status)):
        if value is not None:
            conditions.append(f"{column} = ?")
            params.append(value)
    if period is not None:
        conditions.append("c.known_date BETWEEN ? AND ?")
        params += [period.start.isoformat(), period.end.isoformat()]
    if purpose is not None:
        conditions.append("EXISTS (SELECT 1 FROM abroad_case_purposes p"
                          " WHERE p.case_id = c.id AND p.purpose = ?)")
        params.append(purpose)
    if due_by is not None:
        waiting = ", ".join("?" * len(NEEDS_FOLLOW_UP))
        conditions.append(f"(c.follow_up_date <= ? OR (c.follow_up_date IS NULL"
                          f" AND c.status IN ({waiting})))")
        params += [due_by.isoformat(), *sorted(NEEDS_FOLLOW_UP)]
    if person_keys is not None:
        keys = sorted(person_keys)
        conditions.append(f"c.person_key IN ({', '.join('?' * len(keys)) or 'NULL'})")
        params += keys
    return " AND ".join(conditions) or "1 = 1", params


def status_counts(db: Database) -> dict[str, int]:
    """How many of the cases the user may see have each current status (the overview)."""
    where, params = _case_filter(db)
    return dict(db.conn.execute(f"SELECT c.status, count(*) FROM abroad_cases c WHERE {where}"
                                " GROUP BY c.status", params))


def get_case(db: Database, case_id: int) -> StoredCase:
    """One case with its notes; audited as a view."""
    stored = _stored(db, case_id)
    db.require(Permission.VIEW_CASES, administration=stored.case.reported_by, what=_(_VIEW))
    db.audited("view", target=case_target(case_id))
    return stored


def _history(conn, case_id: int) -> list[StatusChange]:
    return [StatusChange(status, dt.date.fromisoformat(day)) for status, day in conn.execute(
        "SELECT status, changed_on FROM abroad_status_changes WHERE case_id = ?"
        " ORDER BY changed_on, id", (case_id,))]


def _require_view(db: Database, case_id: int) -> None:
    row = db.conn.execute("SELECT reported_by FROM abroad_cases WHERE id = ?", (case_id,)).fetchone()
    if row is None:
        raise _not_found(case_id)
    db.require(Permission.VIEW_CASES, administration=row[0], what=_(_VIEW))


def status_history(db: Database, case_id: int) -> list[StatusChange]:
    """The case's dated status changes, oldest first (the first is the status when it
    became known)."""
    _require_view(db, case_id)
    return _history(db.conn, case_id)


def change_history(db: Database, case_id: int) -> list[CaseChange]:
    """Who changed the case when, and which fields (names only), oldest first."""
    _require_view(db, case_id)
    return [CaseChange(dt.datetime.fromisoformat(at), user, kind, tuple(json.loads(fields)))
            for at, user, kind, fields in db.conn.execute(
                "SELECT at, user, kind, fields FROM abroad_changes WHERE case_id = ? ORDER BY id",
                (case_id,))]


# --- writing ----------------------------------------------------------------------------------


def _record_change(conn, case_id: int, at: str, user: str, kind: str, fields: Iterable[str]) -> None:
    conn.execute("INSERT INTO abroad_changes(case_id, at, user, kind, fields) VALUES (?, ?, ?, ?, ?)",
                 (case_id, at, user, kind, json.dumps(list(fields))))


def _add_status(conn, case_id: int, change: StatusChange, at: str, user: str) -> None:
    conn.execute("INSERT INTO abroad_status_changes(case_id, status, changed_on, recorded_at, recorded_by)"
                 " VALUES (?, ?, ?, ?, ?)", (case_id, change.status, change.date.isoformat(), at, user))


def _write_lists(conn, case_id: int, case: AbroadCase) -> None:
    conn.execute("DELETE FROM abroad_case_purposes WHERE case_id = ?", (case_id,))
    conn.execute("DELETE FROM abroad_case_actions WHERE case_id = ?", (case_id,))
    conn.executemany("INSERT INTO abroad_case_purposes(case_id, purpose) VALUES (?, ?)",
                     [(case_id, p) for p in case.purposes])
    conn.executemany("INSERT INTO abroad_case_actions(case_id, action) VALUES (?, ?)",
                     [(case_id, a) for a in case.actions])


def _columns(case: AbroadCase) -> dict[str, Any]:
    """The case's own columns (lists are child tables)."""
    return {"person_key": case.person_key, "case_ref": case.case_ref,
            "reported_by": case.reported_by,
            "known_date": case.known_date.isoformat(), "departure_date": case.departure_date,
            "gender": case.gender, "birth_year": case.birth_year, "honour_link": case.honour_link,
            "destination": case.destination, "status": case.status,
            "reported_married": int(case.reported_married),
            "follow_up_date": _iso_or_none(case.follow_up_date),
            "no_school_since": _iso_or_none(case.no_school_since), "notes": case.notes}


def _iso_or_none(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date_or_none(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def filled_fields(case: AbroadCase) -> tuple[str, ...]:
    """The names of the fields that have a value (what a new case records)."""
    return tuple(name for name in CASE_FIELDS if getattr(case, name) not in (None, (), False))


def insert_case(conn, case: AbroadCase, *, at: dt.datetime, user: str, kind: str = "create",
                history: Sequence[StatusChange] | None = None,
                updated_at: dt.datetime | None = None) -> int:
    """Insert a valid, normalised case inside a transaction; its history starts with
    ``history`` (default: its status from its known date). No permission check and no audit
    entry: the callers (:func:`create_case`, the import writer, the demo) do both."""
    history = list(history or [StatusChange(case.status, case.known_date)])
    if history[-1].status != case.status:
        raise ValueError("the last status change must be the case's status")
    columns = _columns(case)
    columns.update(fingerprint=fingerprint(case), reduced_fingerprint=fingerprint(reduced(case)),
                   created_at=at.isoformat(), created_by=user,
                   updated_at=(updated_at or at).isoformat(), updated_by=user)
    names = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    case_id = conn.execute(f"INSERT INTO abroad_cases({names}) VALUES ({marks})",
                           list(columns.values())).lastrowid
    _write_lists(conn, case_id, case)
    for change in history:
        _add_status(conn, case_id, change, (updated_at or at).isoformat(), user)
    _record_change(conn, case_id, at.isoformat(), user, kind, filled_fields(case))
    return case_id


def _problems(db: Database, case: AbroadCase, today: dt.date, line: int | None = None) -> list[Problem]:
    return validate_case(case, today, _registered(db), line)


def create_case(db: Database, case: AbroadCase, *, now: dt.datetime | None = None) -> int:
    """Register a new case (its status dated from its known date); returns its number."""
    case = normalised(case)
    db.require(Permission.EDIT_CASES, administration=case.reported_by, what=_(_EDIT))
    stamp = _stamp(now)
    _rejected(_problems(db, case, stamp.date()))
    with db.transaction() as conn:
        case_id = insert_case(conn, case, at=stamp, user=db.user)
        db.audit("create", target=case_target(case_id), fields=filled_fields(case))
    return case_id


def _status_problems(case: AbroadCase, history: list[StatusChange], changed: Sequence[str],
                     day: dt.date, today: dt.date) -> list[Problem]:
    """A new status must be dated from the known date up to today, and not before the last
    recorded change; a new known date must not come after a later status change."""
    problems = []
    if "status" in changed:
        last = max((c.date for c in history[1:]), default=case.known_date)
        if day > today:
            problems.append(Problem(_("The date of the status change is in the future."), field="status"))
        elif day < max(last, case.known_date):
            problems.append(Problem(_(
                "The status change cannot be dated before {date} (the known date or the last "
                "recorded change).").format(date=format_date(max(last, case.known_date))),
                field="status"))
    if "known_date" in changed and any(c.date < case.known_date for c in history[1:]):
        problems.append(Problem(_("The known date cannot be after a recorded status change."),
                                field="known_date"))
    return problems


def update_case(db: Database, case: AbroadCase, *, status_date: dt.date | None = None,
                now: dt.datetime | None = None) -> tuple[str, ...]:
    """Save changes to a stored case (``case.id``); returns the names of the changed fields.

    A new status takes effect on ``status_date`` (default: today). Moving a case to another
    administration needs the right to edit cases of both.
    """
    if case.id is None:
        raise ValueError("update_case needs a stored case")
    old = _stored(db, case.id)
    case = normalised(case)
    for code in dict.fromkeys((old.case.reported_by, case.reported_by)):
        db.require(Permission.EDIT_CASES, administration=code, what=_(_EDIT))
    stamp = _stamp(now)
    changed = tuple(n for n in CASE_FIELDS if getattr(old.case, n) != getattr(case, n))
    if not changed:
        return ()
    history = _history(db.conn, case.id)
    day = status_date or stamp.date()
    problems = _problems(db, case, stamp.date())
    problems += _status_problems(case, history, changed, day, stamp.date())
    if old.reduced:
        problems += [Problem(_("The case has been reduced by retention; this field can no longer "
                               "be filled in."), field=name)
                     for name in ERASED_BY_RETENTION if getattr(case, name) is not None]
    _rejected(problems)
    at = stamp.isoformat()
    with db.transaction() as conn:
        columns = {n: v for n, v in _columns(case).items() if n in changed}
        columns.update(updated_at=at, updated_by=db.user)
        assignments = ", ".join(f"{n} = ?" for n in columns)
        conn.execute(f"UPDATE abroad_cases SET {assignments} WHERE id = ?", [*columns.values(), case.id])
        if {"purposes", "actions"} & set(changed):
            _write_lists(conn, case.id, case)
        if "known_date" in changed:
            conn.execute("UPDATE abroad_status_changes SET changed_on = ? WHERE id = (SELECT min(id)"
                         " FROM abroad_status_changes WHERE case_id = ?)",
                         (case.known_date.isoformat(), case.id))
        if "status" in changed:
            _add_status(conn, case.id, StatusChange(case.status, day), at, db.user)
        _record_change(conn, case.id, at, db.user, "update", changed)
        db.audit("update", target=case_target(case.id), fields=changed)
    return changed


def delete_case(db: Database, case_id: int) -> None:
    """Remove a case and its history (audited; the statistics of its period change)."""
    stored = _stored(db, case_id)
    db.require(Permission.EDIT_CASES, administration=stored.case.reported_by, what=_(_EDIT))
    with db.transaction() as conn:
        conn.execute("DELETE FROM abroad_cases WHERE id = ?", (case_id,))
        db.audit("delete", target=case_target(case_id))


# --- import (``hrvdesk import abroad``, see hrvdesk.store.importing) -------------------------


def case_from_row(row: Mapping[str, Any], person_key: bytes) -> AbroadCase:
    """A case from a checked import row (:data:`hrvdesk.domain.import_formats.ABROAD`); the
    normalised personal identity number, if any, becomes its pseudonym under ``person_key``."""
    number = row.get("person")
    return normalised(AbroadCase(
        person_key=personnummer.pseudonym(number, person_key) if number else None,
        case_ref=row.get("case_ref"), reported_by=row["reported_by"], known_date=row["known_date"],
        departure_date=row.get("departure_date"), gender=row["gender"],
        birth_year=row.get("birth_year"), purposes=tuple(row["purposes"]),
        honour_link=row["honour_link"], destination=row.get("destination"), status=row["status"],
        reported_married=bool(row.get("reported_married")), actions=tuple(row.get("actions") or ()),
        follow_up_date=row.get("follow_up_date"), no_school_since=row.get("no_school_since"),
        notes=row.get("notes")))


def _stored_fingerprints(conn) -> Counter:
    """(reduced, fingerprint) -> how many cases have it."""
    return Counter({(bool(r), f): n for r, f, n in conn.execute(
        "SELECT reduced, fingerprint, count(*) FROM abroad_cases GROUP BY reduced, fingerprint")})


def _write_rows(db: Database, rows: ImportRows, progress: Progress | None) -> WriteOutcome:
    """The ``abroad`` writer, inside the import's transaction (:func:`importing.apply_import`).

    Every row is validated again as a case; a row identical to a stored case (or, for a case
    reduced by retention, to what is left of it) is already present, once per stored case,
    so importing the same file twice adds nothing.
    """
    outcome = WriteOutcome()
    stamp = _stamp(None)
    registered = _registered(db)
    key = _person_key(db.conn)
    cases = [(line, case_from_row(values, key)) for line, values in rows.rows]
    for line, case in cases:
        outcome.problems += [dataclasses.replace(p, field=rows.label(p.field or ""))
                             for p in validate_case(case, stamp.date(), registered, line)]
    if outcome.problems:
        return outcome
    stored = _stored_fingerprints(db.conn)
    for done, (line, case) in enumerate(cases, start=1):
        for key in ((False, fingerprint(case)), (True, fingerprint(reduced(case)))):
            if stored[key] > 0:
                stored[key] -= 1
                outcome.already_present += 1
                break
        else:
            insert_case(db.conn, case, at=stamp, user=db.user, kind="import")
            outcome.added += 1
        if progress is not None and done % 500 == 0:
            progress(done, len(cases))
    return outcome


importing.register(importing.ImportKind("abroad", ABROAD, _write_rows, scope_column="reported_by"))


# --- retention --------------------------------------------------------------------------------


def retention_cutoff(db: Database, today: dt.date) -> dt.date:
    """Cases whose last change was before this day are due for reduction."""
    return years_before(today, settings.get(db, Key.RETENTION_YEARS))


def due_for_retention(db: Database, today: dt.date, years: int) -> int:
    """How many cases a retention period of ``years`` would reduce on ``today``."""
    cutoff = years_before(today, years)
    return db.conn.execute("SELECT count(*) FROM abroad_cases WHERE reduced = 0 AND updated_at < ?",
                           (cutoff.isoformat(),)).fetchone()[0]


def apply_retention(db: Database, today: dt.date | None = None) -> int:
    """Reduce every case whose last change is older than ``retention_years`` to what the
    statistics still need (:func:`hrvdesk.domain.abroad.coarsened`): the pseudonym, case
    reference, dates finer than the month, birth year, country and notes erased, the
    follow-up log and the field-level history deleted (one ``retention`` entry remains), the
    status history reduced to the status at the end of its reporting period. Returns how many.

    A policy of the register, not a user's choice: it needs no permission, and it is
    audited (``retention``) under the unlocking user when it reduced anything. The freed pages
    are overwritten (``secure_delete``) and the write-ahead log is emptied afterwards.
    """
    today = today or dt.date.today()
    cutoff = retention_cutoff(db, today)
    due = [s.case for s in _load(db.conn, "c.reduced = 0 AND c.updated_at < ?", (cutoff.isoformat(),))]
    if not due:
        return 0
    at = _stamp(None).isoformat()
    holidays, start_month = holidays_repo.calendar(db), settings.get(db, Key.PERIOD_START_MONTH)
    with db.transaction() as conn:
        for case in due:
            status = status_at(case, _history(conn, case.id),
                               Period.containing(case.known_date, start_month).end)
            kept = coarsened(case, status, departure_timing(case.departure_date, status, holidays))
            erased = ", ".join(f"{name} = NULL" for name in ERASED_BY_RETENTION)
            conn.execute(f"UPDATE abroad_cases SET {erased}, known_date = ?, status = ?,"
                         " coarse_age_band = ?, coarse_region = ?, coarse_timing = ?, reduced = 1,"
                         " reduced_at = ?, fingerprint = reduced_fingerprint WHERE id = ?",
                         (kept.known_date.isoformat(), status, kept.coarsened.age_band,
                          kept.coarsened.region, kept.coarsened.timing, at, case.id))
            for table in ("abroad_followups", "abroad_status_changes", "abroad_changes"):
                conn.execute(f"DELETE FROM {table} WHERE case_id = ?", (case.id,))
            _add_status(conn, case.id, StatusChange(status, kept.known_date), at, db.user)
            _record_change(conn, case.id, at, db.user, "retention", ERASED_BY_RETENTION)
        db.audit("retention", target=REGISTER_TARGET, fields=ERASED_BY_RETENTION,
                 detail={"cases": len(due), "retention_years": settings.get(db, Key.RETENTION_YEARS),
                         "changed_before": cutoff.isoformat()})
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(due)


def on_unlock(db: Database) -> int:
    """What the register does whenever a database is unlocked (and by ``hrvdesk check``):
    apply retention. Returns the number of cases reduced."""
    return apply_retention(db, dt.date.today())


# --- statistics -------------------------------------------------------------------------------


def period_for(db: Database, year: int) -> Period:
    """The reporting period that ends in ``year`` (setting ``period_start_month``)."""
    return Period.for_year(year, settings.get(db, Key.PERIOD_START_MONTH))


def load_period(conn, period: Period) -> tuple[list[AbroadCase], dict[int, list[StatusChange]]]:
    """The cases known in ``period`` (without case reference and notes) and their status
    histories. Takes a bare connection so that the benchmark can compare with plain SQLite."""
    where, params = "c.known_date BETWEEN ? AND ?", (period.start.isoformat(), period.end.isoformat())
    cases = [s.case for s in _load(conn, where, params, notes=False, case_ref=False)]
    history: dict[int, list[StatusChange]] = {}
    for case_id, status, day in conn.execute(
            "SELECT s.case_id, s.status, s.changed_on FROM abroad_status_changes s"
            f" JOIN abroad_cases c ON c.id = s.case_id WHERE {where} ORDER BY s.case_id, s.changed_on, s.id",
            params):
        history.setdefault(case_id, []).append(StatusChange(status, dt.date.fromisoformat(day)))
    return cases, history


def _counted(db: Database, period: Period, reported_by: str | None) -> tuple:
    """The arguments of :func:`build_tables` and :func:`person_records` for ``period``."""
    db.require(Permission.VIEW_STATISTICS, what=_(_STATS))
    cases, history = load_period(db.conn, period)
    if reported_by is not None:
        cases = [c for c in cases if c.reported_by == reported_by]
    return cases, period, organisation.kind_of(db), history, holidays_repo.calendar(db)


def stats_for(db: Database, year: int, reported_by: str | None = None, *,
              cases_too: bool = False, period: Period | None = None) -> StatTables:
    """The exact (unsuppressed) national tables for the reporting period ending in ``year``
    (or ``period``), counting persons, each with their status at the end of the period; only
    the cases ``reported_by`` one administration when given. ``cases_too``: the case rows
    counted as well (the internal statistics show both)."""
    return build_tables(*_counted(db, period or period_for(db, year), reported_by),
                        cases_too=cases_too)


def persons_for(db: Database, period: Period) -> list[PersonRecord]:
    """The person records of ``period`` (what a joint audit of overlapping releases compares)."""
    return person_records(*_counted(db, period, None))


def totals_by_year(db: Database) -> dict[int, int]:
    """Reporting year -> number of cases known in its period, for every year with cases."""
    db.require(Permission.VIEW_STATISTICS, what=_(_STATS))
    start_month = settings.get(db, Key.PERIOD_START_MONTH)
    totals: Counter = Counter()
    for month, count in db.conn.execute(
            "SELECT substr(known_date, 1, 7), count(*) FROM abroad_cases GROUP BY 1"):
        day = dt.date.fromisoformat(month + "-01")
        totals[Period.containing(day, start_month).year] += count
    return dict(sorted(totals.items()))
