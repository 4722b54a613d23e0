"""The training log in the database: trainings, completions, attendance, headcounts, coverage.

Every function checks the session's role first: reading needs ``VIEW_WORK``; changing needs
``EDIT_WORK``, which an editor holds only for records of their own administration (a
training belongs to an administration when it is given to that administration alone).
Changes are audited with the names of the changed fields, never their values.

Persons are pseudonymous: a raw employee number or e-mail is turned into a keyed hash
(:func:`hrvdesk.domain.training.pseudonymise`) with the database's own key before anything
is stored, and completions refer to the hash by number. The raw value is never stored,
logged or returned.

Coverage (:func:`coverage_for`) reads only the validity window of one topic through a
covering index: SQL counts the persons by the rule of
:func:`hrvdesk.domain.training.count_trained` and the year's activity, and
:func:`hrvdesk.domain.training.coverage_from_counts` does the rest (headcounts, shares,
threshold, totals).
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from hrvdesk.domain.codes import TOPIC_SEPARATOR, TRAINING_TOPICS
from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.domain.pii import personal_number_problem
from hrvdesk.domain.settings import Key
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.training import (
    VPC_RULE_TOPIC, Activity, AggregateAttendance, CoverageResult, Headcount, Training,
    TrainedCount, attendance_problems, coverage_from_counts, headcount_problems, parse_topic,
    pseudonymise, training_problems, unit_key, validity_window,
)
from hrvdesk.i18n import _
from hrvdesk.domain.import_formats import HEADCOUNT, TRAINING
from hrvdesk.store import importing, pseudonym_keys, settings
from hrvdesk.store.database import Database
from hrvdesk.store.importing import ImportRows, Progress, WriteOutcome

#: The ``meta`` entry holding the pseudonymisation key (created by the training migration).
#: Stands for "the whole municipality" in scope checks: only administrators pass.
_MUNICIPALITY = "*"
_SEP = "\x1f"   # below every printable character, so concatenated keys sort like tuples
PERSON_LABEL_LENGTH = 10


# --- rows as listed ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompletionRow:
    """A completion as listed in the app: ``person`` is a short pseudonym, never the raw id."""

    id: int
    person: str
    administration: str
    unit: str | None
    training_id: int
    completed_date: dt.date


@dataclass(frozen=True)
class AttendanceRow:
    """An aggregate attendance figure with its number."""

    id: int
    record: AggregateAttendance


# --- helpers ------------------------------------------------------------------------------------


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _rejected(problems: list[Problem]) -> None:
    if problems:
        raise ValidationError("; ".join(str(p) for p in problems), problems)


def _require_scope(db: Database, administrations: Iterable[str], what: str) -> None:
    """EDIT_WORK for every administration (none at all: the whole municipality)."""
    for code in sorted(set(administrations)) or [_MUNICIPALITY]:
        db.require(Permission.EDIT_WORK, code, what)


def _registered(db: Database) -> set[str]:
    return {code for (code,) in db.conn.execute("SELECT code FROM administrations")}


def _check_registered(db: Database, codes: Iterable[str], field: str) -> None:
    unknown = sorted(set(codes) - _registered(db))
    _rejected([Problem(_("Unknown administration {code}.").format(code=code), field=field)
               for code in unknown])


# --- pseudonymous persons -------------------------------------------------------------------


_CHUNK = 500  # values per "IN (...)" query (SQLite allows 32 766 parameters)


class PersonRegister:
    """Turns raw person identifiers into the numbers of their pseudonyms, creating them as
    needed. Use inside a transaction; the raw identifiers are not kept."""

    def __init__(self, conn):
        self._conn = conn
        self._key = pseudonym_keys.load(conn, pseudonym_keys.TRAINING)

    def pseudonym(self, identifier: str) -> str:
        return pseudonymise(identifier, self._key)

    def number(self, identifier: str) -> int:
        """The number of the person's pseudonym (created when new)."""
        key = self.pseudonym(identifier)
        row = self._conn.execute("SELECT id FROM training_persons WHERE person_key = ?", (key,)).fetchone()
        if row is not None:
            return row[0]
        return self._conn.execute("INSERT INTO training_persons(person_key) VALUES (?)", (key,)).lastrowid

    def numbers(self, identifiers: Sequence[str]) -> list[int]:
        """:meth:`number` for many identifiers at once (bulk, for large imports): only these
        persons' rows are read, so the cost follows the file, not the register. Each
        distinct identifier is hashed once; new persons get their numbers in the order of
        their pseudonyms, as one by one."""
        keys = {i: self.pseudonym(i) for i in dict.fromkeys(identifiers)}
        distinct = sorted(set(keys.values()))
        before = self._conn.execute("SELECT coalesce(max(id), 0) FROM training_persons").fetchone()[0]
        index: dict[str, int] = {}
        if before <= len(distinct):  # a register no larger than the file: read it whole
            index.update(self._conn.execute("SELECT person_key, id FROM training_persons"))
        else:
            for start in range(0, len(distinct), _CHUNK):
                chunk = distinct[start:start + _CHUNK]
                index.update(self._conn.execute(
                    "SELECT person_key, id FROM training_persons"
                    f" WHERE person_key IN ({','.join('?' * len(chunk))})", chunk))
        # the numbers one by one would give: each new person the next after the greatest
        new = {k: number for number, k in enumerate((k for k in distinct if k not in index),
                                                    start=before + 1)}
        self._conn.executemany("INSERT INTO training_persons(id, person_key) VALUES (?, ?)",
                               ((number, k) for k, number in new.items()))
        index.update(new)
        return [index[keys[i]] for i in identifiers]


# --- trainings ---------------------------------------------------------------------------------

_TRAINING_COLUMNS = "id, title, format, start_date, end_date, hours, organiser, vpc_coorganised"


def _trainings_where(conn, where: str = "", params: Sequence = ()) -> list[Training]:
    rows = conn.execute(f"SELECT {_TRAINING_COLUMNS} FROM trainings t {where} "
                        "ORDER BY start_date DESC, id DESC", params).fetchall()
    if not rows:
        return []
    chosen = f"training_id IN (SELECT id FROM trainings t {where})"
    topics: dict[int, set[str]] = {}
    admins: dict[int, list[str]] = {}
    for tid, topic in conn.execute(f"SELECT training_id, topic FROM training_topics WHERE {chosen}", params):
        topics.setdefault(tid, set()).add(topic)
    for tid, code in conn.execute(f"SELECT training_id, administration FROM training_administrations"
                                  f" WHERE {chosen} ORDER BY administration", params):
        admins.setdefault(tid, []).append(code)
    return [Training(id=tid, title=title, topics=frozenset(topics.get(tid, ())), format=fmt,
                     start_date=_date(start), end_date=_date(end),
                     hours=None if hours is None else Decimal(hours), organiser=organiser,
                     administrations=tuple(admins.get(tid, ())), vpc_coorganised=bool(vpc))
            for tid, title, fmt, start, end, hours, organiser, vpc in rows]


def trainings(db: Database, *, year: int | None = None, topic: str | None = None,
              administration: str | None = None, search: str = "") -> list[Training]:
    """The training log, newest first, filtered by year (of any of its days), topic,
    administration it was given to and a word in the title or organiser."""
    db.require(Permission.VIEW_WORK, what=_("see the training log"))
    clauses, params = [], []
    if year is not None:
        clauses.append("start_date <= ? AND coalesce(end_date, start_date) >= ?")
        params += [f"{year}-12-31", f"{year}-01-01"]
    if topic:
        clauses.append("id IN (SELECT training_id FROM training_topics WHERE topic = ?)")
        params.append(parse_topic(topic))
    if administration:
        clauses.append("id IN (SELECT training_id FROM training_administrations WHERE administration = ?)")
        params.append(administration.upper())
    if search.strip():
        clauses.append("(instr(lower(title), ?) > 0 OR instr(lower(organiser), ?) > 0)")
        params += [search.strip().lower()] * 2
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return _trainings_where(db.conn, where, params)


def training(db: Database, training_id: int) -> Training:
    db.require(Permission.VIEW_WORK, what=_("see the training log"))
    found = _trainings_where(db.conn, "WHERE id = ?", (training_id,))
    if not found:
        raise ValidationError.single(_("The training no longer exists."))
    return found[0]


def completion_counts(db: Database) -> dict[int, tuple[int, int]]:
    """training id -> (completions, aggregate participants), for the trainings list."""
    db.require(Permission.VIEW_WORK, what=_("see the training log"))
    counts = {tid: (n, 0) for tid, n in db.conn.execute(
        "SELECT training_id, count(*) FROM completions GROUP BY training_id")}
    for tid, n in db.conn.execute(
            "SELECT training_id, sum(participants) FROM training_attendance GROUP BY training_id"):
        counts[tid] = (counts.get(tid, (0, 0))[0], n)
    return counts


def _write_training_links(conn, training_id: int, item: Training, changed: Iterable[str]) -> None:
    """Rewrite the topics and administrations that changed (a topic change updates the
    coverage summary of every completion of the training)."""
    for field, table, column in (("topics", "training_topics", "topic"),
                                 ("administrations", "training_administrations", "administration")):
        if field in changed:
            conn.execute(f"DELETE FROM {table} WHERE training_id = ?", (training_id,))
            conn.executemany(f"INSERT INTO {table}(training_id, {column}) VALUES (?, ?)",
                             [(training_id, value) for value in sorted(set(getattr(item, field)))])


def _training_values(item: Training) -> dict:
    return {"title": item.title.strip(), "format": item.format, "start_date": _iso(item.start_date),
            "end_date": _iso(item.end_date),
            "hours": None if item.hours is None else str(item.hours),
            "organiser": item.organiser.strip(), "vpc_coorganised": int(item.vpc_coorganised),
            "topics": sorted(item.topics), "administrations": sorted(set(item.administrations))}


def save_training(db: Database, item: Training) -> int:
    """Create (``item.id == 0``) or update a training; returns its id.

    An editor may only save trainings given to their own administration alone."""
    what = _("change the training log")
    item = replace(item, administrations=tuple(a.strip().upper() for a in item.administrations))
    _require_scope(db, item.administrations, what)
    _rejected(training_problems(item))
    _check_registered(db, item.administrations, _("administrations"))
    new = _training_values(item)
    columns = [c for c in new if c not in ("topics", "administrations")]
    with db.transaction() as conn:
        if item.id:
            old = _trainings_where(conn, "WHERE id = ?", (item.id,))
            if not old:
                raise ValidationError.single(_("The training no longer exists."))
            _require_scope(db, old[0].administrations, what)
            before = _training_values(old[0])
            conn.execute(f"UPDATE trainings SET {', '.join(c + ' = ?' for c in columns)} WHERE id = ?",
                         [new[c] for c in columns] + [item.id])
            training_id = item.id
            changed = [c for c in new if new[c] != before[c]]
            action = "update"
        else:
            training_id = conn.execute(
                f"INSERT INTO trainings({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [new[c] for c in columns]).lastrowid
            changed, action = list(new), "create"
        _write_training_links(conn, training_id, item, changed)
        db.audit(action, target=f"training:{training_id}", fields=changed)
    return training_id


def delete_training(db: Database, training_id: int) -> None:
    """Delete a training with its completions and attendance figures."""
    what = _("change the training log")
    with db.transaction() as conn:
        old = _trainings_where(conn, "WHERE id = ?", (training_id,))
        if not old:
            raise ValidationError.single(_("The training no longer exists."))
        _require_scope(db, old[0].administrations, what)
        completions = conn.execute("SELECT count(*) FROM completions WHERE training_id = ?",
                                   (training_id,)).fetchone()[0]
        conn.execute("DELETE FROM trainings WHERE id = ?", (training_id,))
        db.audit("delete", target=f"training:{training_id}", detail={"completions": completions})


# --- completions ---------------------------------------------------------------------------------


_INSERT_COMPLETION = ("INSERT INTO completions(person, training_id, administration, unit, completed_date)"
                      " VALUES (?, ?, ?, ?, ?)")

#: The trigger that keeps ``training_person_years`` for each inserted completion, as
#: migration 2 created it (spaces aside; a trigger changed since is left to do its work),
#: and the same statement for all completions numbered after ``?`` at once: each topic,
#: person and year keeps its latest "date<US>administration<US>unit". New completions'
#: numbers are greater than every stored one (INTEGER PRIMARY KEY). No GROUP BY: the
#: upsert keeps the greatest, and sorting first would take longer than it saves.
_SUMMARY_TRIGGER = "completions_summary_insert"
_SUMMARY_TRIGGER_SQL = (
    "CREATE TRIGGER completions_summary_insert AFTER INSERT ON completions BEGIN"
    " INSERT INTO training_person_years(topic, person, year, latest)"
    " SELECT topic, NEW.person, CAST(substr(NEW.completed_date, 1, 4) AS INTEGER),"
    " NEW.completed_date || char(31) || NEW.administration || char(31) || NEW.unit"
    " FROM training_topics WHERE training_id = NEW.training_id"
    " ON CONFLICT (topic, year, person) DO UPDATE SET latest = max(latest, excluded.latest); END")
_SUMMARY_OF_NEW = """
INSERT INTO training_person_years(topic, person, year, latest)
SELECT t.topic, c.person, CAST(substr(c.completed_date, 1, 4) AS INTEGER),
       c.completed_date || char(31) || c.administration || char(31) || c.unit
FROM completions c JOIN training_topics t ON t.training_id = c.training_id
WHERE c.id > ?
ON CONFLICT (topic, year, person) DO UPDATE SET latest = max(latest, excluded.latest)
"""


def completions(db: Database, training_id: int) -> list[CompletionRow]:
    """The pseudonymous completions of one training (audited as a view)."""
    db.require(Permission.VIEW_WORK, what=_("see the training log"))
    rows = db.conn.execute(
        "SELECT c.id, p.person_key, c.administration, c.unit, c.training_id, c.completed_date"
        " FROM completions c JOIN training_persons p ON p.id = c.person"
        " WHERE c.training_id = ? ORDER BY c.completed_date, c.administration, c.unit, p.person_key",
        (training_id,)).fetchall()
    db.audited("view", target=f"training:{training_id}", fields=("completions",),
               detail={"rows": len(rows)})
    return [CompletionRow(cid, key[:PERSON_LABEL_LENGTH], adm, unit or None, tid, _date(day))
            for cid, key, adm, unit, tid, day in rows]


def add_completion(db: Database, training_id: int, person_id: str, administration: str,
                   completed_date: dt.date, unit: str | None = None) -> int:
    """Record that a person (employee number or e-mail, pseudonymised here) completed a
    training; returns the completion's number."""
    administration = administration.strip().upper()
    db.require(Permission.EDIT_WORK, administration, _("change the training log"))
    problems = []
    if not person_id.strip():
        problems.append(Problem(_("The employee number or e-mail is required."), field=_("person")))
    if completed_date > dt.date.today():
        problems.append(Problem(_("The date is in the future."), field=_("date")))
    if unit_problem := personal_number_problem(unit, _("unit")):
        problems.append(unit_problem)
    _rejected(problems)
    _check_registered(db, [administration], _("administration"))
    with db.transaction() as conn:
        if conn.execute("SELECT 1 FROM trainings WHERE id = ?", (training_id,)).fetchone() is None:
            raise ValidationError.single(_("The training no longer exists."))
        person = PersonRegister(conn).number(person_id)
        if conn.execute("SELECT 1 FROM completions WHERE person = ? AND training_id = ? AND completed_date = ?",
                        (person, training_id, completed_date.isoformat())).fetchone():
            raise ValidationError.single(_("This person's completion on that date is already recorded."))
        completion_id = conn.execute(_INSERT_COMPLETION, (person, training_id, administration, (unit or "").strip(),
                                                          completed_date.isoformat())).lastrowid
        db.audit("create", target=f"completion:{completion_id}",
                 fields=("person", "administration", "unit", "training", "completed_date"))
    return completion_id


def insert_completions(conn, rows: Iterable[tuple[int, int, str, str, str]]) -> None:
    """Bulk insert of (person number, training id, administration, unit, ISO date), for the
    store's own writers (import, demo) inside their transaction.

    Inside a transaction the coverage summary is brought up to date once for the whole
    batch (:data:`_SUMMARY_OF_NEW`) instead of by the trigger for each row (a quarter of a
    large import's time): the trigger is dropped for the batch and created again from its
    stored text before the transaction ends, so the schema is unchanged. Should anything
    fail in between, the transaction's rollback brings the trigger back."""
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                           (_SUMMARY_TRIGGER,)).fetchone() if conn.in_transaction else None
    if trigger is None or " ".join(trigger[0].split()) != _SUMMARY_TRIGGER_SQL:
        conn.executemany(_INSERT_COMPLETION, rows)
        return
    first = conn.execute("SELECT coalesce(max(id), 0) FROM completions").fetchone()[0]
    conn.execute(f"DROP TRIGGER {_SUMMARY_TRIGGER}")
    conn.executemany(_INSERT_COMPLETION, rows)
    conn.execute(_SUMMARY_OF_NEW, (first,))
    conn.execute(trigger[0])


def delete_completion(db: Database, completion_id: int) -> None:
    with db.transaction() as conn:
        row = conn.execute("SELECT administration FROM completions WHERE id = ?", (completion_id,)).fetchone()
        if row is None:
            raise ValidationError.single(_("The completion no longer exists."))
        db.require(Permission.EDIT_WORK, row[0], _("change the training log"))
        conn.execute("DELETE FROM completions WHERE id = ?", (completion_id,))
        db.audit("delete", target=f"completion:{completion_id}")


# --- aggregate attendance ---------------------------------------------------------------------------


def attendance(db: Database, training_id: int | None = None) -> list[AttendanceRow]:
    db.require(Permission.VIEW_WORK, what=_("see the training log"))
    sql = "SELECT id, training_id, administration, participants, attended_date FROM training_attendance"
    params: tuple = ()
    if training_id is not None:
        sql, params = sql + " WHERE training_id = ?", (training_id,)
    return [AttendanceRow(aid, AggregateAttendance(tid, adm, n, _date(day)))
            for aid, tid, adm, n, day in db.conn.execute(sql + " ORDER BY attended_date, administration", params)]


def add_attendance(db: Database, record: AggregateAttendance) -> int:
    """Record a number of participants from one administration (no person identifiers)."""
    record = AggregateAttendance(record.training_id, record.administration.strip().upper(),
                                 record.count, record.date)
    db.require(Permission.EDIT_WORK, record.administration, _("change the training log"))
    _rejected(attendance_problems(record))
    _check_registered(db, [record.administration], _("administration"))
    with db.transaction() as conn:
        if conn.execute("SELECT 1 FROM trainings WHERE id = ?", (record.training_id,)).fetchone() is None:
            raise ValidationError.single(_("The training no longer exists."))
        if conn.execute("SELECT 1 FROM training_attendance WHERE training_id = ? AND administration = ?"
                        " AND attended_date = ?", (record.training_id, record.administration,
                                                   record.date.isoformat())).fetchone():
            raise ValidationError.single(_(
                "Attendance from this administration on that date is already recorded."))
        aid = conn.execute(
            "INSERT INTO training_attendance(training_id, administration, attended_date, participants)"
            " VALUES (?, ?, ?, ?)",
            (record.training_id, record.administration, record.date.isoformat(), record.count)).lastrowid
        db.audit("create", target=f"attendance:{aid}",
                 fields=("training", "administration", "participants", "date"))
    return aid


def delete_attendance(db: Database, attendance_id: int) -> None:
    with db.transaction() as conn:
        row = conn.execute("SELECT administration FROM training_attendance WHERE id = ?",
                           (attendance_id,)).fetchone()
        if row is None:
            raise ValidationError.single(_("The attendance figure no longer exists."))
        db.require(Permission.EDIT_WORK, row[0], _("change the training log"))
        conn.execute("DELETE FROM training_attendance WHERE id = ?", (attendance_id,))
        db.audit("delete", target=f"attendance:{attendance_id}")


# --- headcounts -----------------------------------------------------------------------------------


_HEADCOUNTS_SQL = """
SELECT year, administration, headcount, target_group, NULL FROM headcounts WHERE {where}
UNION ALL
SELECT year, administration, headcount, target_group, unit FROM unit_headcounts WHERE {where}
ORDER BY 1, 2, 5
"""


def _headcounts_where(conn, year: int | None = None) -> list[Headcount]:
    """Every figure (administrations' and units'), or those of ``year``."""
    where, params = ("year = ?", (year, year)) if year is not None else ("1", ())
    return [Headcount(*row) for row in conn.execute(_HEADCOUNTS_SQL.format(where=where), params)]


def headcounts(db: Database, year: int | None = None) -> list[Headcount]:
    db.require(Permission.VIEW_WORK, what=_("see the training log"))
    return _headcounts_where(db.conn, year)


_HEADCOUNT_SQL = {  # (read, write) of an administration's figure (False) and a unit's (True)
    False: ("SELECT headcount, target_group FROM headcounts WHERE year = ? AND administration = ?",
            "INSERT OR REPLACE INTO headcounts(year, administration, headcount, target_group)"
            " VALUES (?, ?, ?, ?)"),
    True: ("SELECT headcount, target_group FROM unit_headcounts"
           " WHERE year = ? AND administration = ? AND unit_key = ?",
           "INSERT OR REPLACE INTO unit_headcounts(year, administration, headcount, target_group,"
           " unit_key, unit) VALUES (?, ?, ?, ?, ?, ?)"),
}


def store_headcount(conn, figure: Headcount) -> str | None:
    """Insert or replace one figure (an administration's, or a unit's when ``figure.unit``);
    returns None (unchanged), "create" or "update". For the store's writers, inside a
    transaction (the caller audits)."""
    read, write = _HEADCOUNT_SQL[bool(figure.unit)]
    unit = (unit_key(figure.unit), figure.unit.strip()) if figure.unit else ()
    old = conn.execute(read, (figure.year, figure.administration, *unit[:1])).fetchone()
    if old == (figure.headcount, figure.target_group):
        return None
    conn.execute(write, (figure.year, figure.administration, figure.headcount, figure.target_group, *unit))
    return "create" if old is None else "update"


def save_headcount(db: Database, figure: Headcount) -> None:
    """Enter or replace the headcount of an administration for a year."""
    figure = Headcount(figure.year, figure.administration.strip().upper(), figure.headcount,
                       figure.target_group)
    db.require(Permission.EDIT_WORK, figure.administration, _("change headcounts"))
    _rejected(headcount_problems(figure))
    _check_registered(db, [figure.administration], _("administration"))
    with db.transaction() as conn:
        action = store_headcount(conn, figure)
        if action:
            db.audit(action, target=headcount_target(figure.year, figure.administration),
                     fields=("headcount", "target_group"))


def headcount_place(figure: Headcount) -> str:
    """The administration, or "unit (administration)", for a message."""
    return f"{figure.unit.strip()} ({figure.administration})" if figure.unit else figure.administration


def headcount_target(year: int, administration: str, unit: str | None = None) -> str:
    return f"headcount:{year}:{administration}" + (f":{unit.strip()}" if unit else "")


def delete_headcount(db: Database, year: int, administration: str) -> None:
    administration = administration.strip().upper()
    db.require(Permission.EDIT_WORK, administration, _("change headcounts"))
    with db.transaction() as conn:
        gone = conn.execute("DELETE FROM headcounts WHERE year = ? AND administration = ?",
                            (year, administration)).rowcount
        if not gone:
            raise ValidationError.single(_("The headcount no longer exists."))
        db.audit("delete", target=headcount_target(year, administration))


# --- coverage -------------------------------------------------------------------------------------

_TOPIC_TRAININGS = "training_id IN (SELECT training_id FROM training_topics WHERE topic IN ({topics}))"

# The coverage rule of hrvdesk.domain.training.count_trained, in SQL: each person with a
# completion of the topic in the window counts once, where their latest record is. The
# summary table holds each person's latest record per topic and year as
# "date<US>administration<US>unit" (it orders like the domain's (date, administration,
# unit)), so the window's latest is the greatest of at most validity_years rows.
# tests/store/test_training_repo.py checks that this gives what the domain gives.
# For several topics (the plan's required set) a person counts when trained in each of them
# in the window, where the latest of those records is.
_TRAINED_SQL = """
SELECT substr(latest, 12), count(*) FROM (  -- after "YYYY-MM-DD<US>": administration<US>unit
    SELECT max(latest) AS latest FROM (
        SELECT person, max(latest) AS latest FROM training_person_years
        WHERE topic IN ({topics}) AND year BETWEEN :first_year AND :year
        GROUP BY person, topic
    ) GROUP BY person HAVING count(*) = :topic_count
) GROUP BY 1
"""
_ACTIVITY_SQL = f"""
SELECT administration, count(*), 0 FROM completions
WHERE {_TOPIC_TRAININGS} AND completed_date BETWEEN :year_start AND :end
GROUP BY administration
UNION ALL
SELECT administration, 0, sum(participants) FROM training_attendance
WHERE {_TOPIC_TRAININGS} AND attended_date BETWEEN :year_start AND :end
GROUP BY administration
"""


def _place(place: str) -> tuple[str, str | None]:
    """"administration<US>unit" -> (administration, unit or None)."""
    administration, unit = place.split(_SEP, 1)
    return administration, unit or None


def _activity(conn, sql: str, params: dict) -> dict[str, Activity]:
    activity: dict[str, Activity] = {}
    for code, completed, attended in conn.execute(sql, params):
        activity[code] = activity.get(code, Activity()) + Activity(completed, attended)
    return activity


def _administration_names(conn, year: int, in_records: set[str]) -> dict[str, str]:
    """Active administrations, and inactive ones with a headcount or records that year."""
    with_headcount = {code for (code,) in conn.execute(
        "SELECT administration FROM headcounts WHERE year = ?", (year,))}
    return {code: name for code, name, active in conn.execute(
        "SELECT code, name, active FROM administrations ORDER BY code")
        if active or code in in_records or code in with_headcount}


def _codes(topic: str) -> list[str]:
    """The topic codes of ``topic`` ("hrv", or several joined by ``+``), each once, in the
    register's order."""
    return sorted({parse_topic(t) for t in topic.split(TOPIC_SEPARATOR)},
                  key=TRAINING_TOPICS.values.index)


Counted = tuple[list[TrainedCount], dict[str, Activity]]
"""What a coverage computation counts in the training records: the persons trained per
administration and unit, and the year's activity per administration."""


def _counted(conn, codes: Sequence[str], year: int, validity_years: int) -> Counted:
    start, end = validity_window(year, validity_years)
    params = {"first_year": start.year, "year": year, "topic_count": len(codes),
              "year_start": f"{year}-01-01", "end": end.isoformat(),
              **{f"topic{i}": code for i, code in enumerate(codes)}}
    topics = ", ".join(f":topic{i}" for i in range(len(codes)))
    trained = [TrainedCount(*_place(place), n)
               for place, n in conn.execute(_TRAINED_SQL.format(topics=topics), params)]
    return trained, _activity(conn, _ACTIVITY_SQL.format(topics=topics), params)


def _coverage(conn, year: int, codes: Sequence[str], counted: Counted, validity_years: int,
              threshold: float) -> CoverageResult:
    """The result from the counts, with the year's headcounts and administrations (small
    tables, always read afresh)."""
    trained, activity = counted
    names = _administration_names(conn, year, {c.administration for c in trained} | set(activity))
    return coverage_from_counts(year, TOPIC_SEPARATOR.join(codes), trained, activity,
                                _headcounts_where(conn, year), names,
                                validity_years=validity_years, threshold=threshold)


def load_coverage(conn, year: int, topic: str, validity_years: int, threshold: float) -> CoverageResult:
    """Coverage from a connection (no permission check), counted in the records every time
    (not kept): see :func:`coverage_for`.

    Separate so that the benchmark can run the very same code on a plain SQLite copy.
    """
    codes = _codes(topic)
    return _coverage(conn, year, codes, _counted(conn, codes, year, validity_years),
                     validity_years, threshold)


#: The version of the counting rule (``_TRAINED_SQL``, ``_ACTIVITY_SQL``, :func:`_counted`)
#: whose counts ``coverage_cache`` keeps: raise it when the rule changes, and counts kept by
#: the old rule are counted again.
_CACHE_RULE = 1
_STAMP_SQL = ("SELECT coalesce(sum(n), 0) FROM coverage_changes"
              " WHERE topic IN ({topics}) AND (year = 0 OR year BETWEEN ? AND ?)")


def _encode(counted: Counted) -> str:
    trained, activity = counted
    return json.dumps({"trained": [[c.administration, c.unit, c.persons] for c in trained],
                       "activity": [[code, a.completions, a.attendance] for code, a in activity.items()]})


def _decode(text: str) -> Counted:
    data = json.loads(text)
    return ([TrainedCount(*row) for row in data["trained"]],
            {code: Activity(completions, attendance) for code, completions, attendance in data["activity"]})


def _kept_counts(db: Database, codes: Sequence[str], year: int, validity_years: int) -> Counted:
    """:func:`_counted`, kept in ``coverage_cache`` (migration 15) while the data it came from
    is unchanged. The stamp is read before counting: a change made meanwhile leaves a stamp
    older than the counts, so they are counted again next time, never the other way round.
    Kept only by a session that may write and is not inside a transaction (counts made
    inside one may see its uncommitted changes)."""
    conn, key = db.conn, (TOPIC_SEPARATOR.join(codes), validity_years, year)
    stamp = conn.execute(_STAMP_SQL.format(topics=", ".join("?" * len(codes))),
                         (*codes, year - validity_years + 1, year)).fetchone()[0]
    row = conn.execute("SELECT rule, stamp, counts FROM coverage_cache"
                       " WHERE topics = ? AND validity = ? AND year = ?", key).fetchone()
    if row is not None and (row[0], row[1]) == (_CACHE_RULE, stamp):
        return _decode(row[2])
    counted = _counted(conn, codes, year, validity_years)
    if not db.read_only and not conn.in_transaction:
        with db.transaction() as tx:
            tx.execute("INSERT OR REPLACE INTO coverage_cache(topics, validity, year, rule, stamp, counts)"
                       " VALUES (?, ?, ?, ?, ?, ?)", (*key, _CACHE_RULE, stamp, _encode(counted)))
    return counted


def coverage_for(db: Database, year: int, topic: str = VPC_RULE_TOPIC) -> CoverageResult:
    """Training coverage for ``year`` and ``topic`` (or several topics joined by ``+``: the
    persons trained in each) with the database's validity window and threshold (settings
    ``validity_years`` and ``coverage_threshold_percent``). The counts are kept between
    calls while the training records they come from are unchanged (:func:`_kept_counts`)."""
    db.require(Permission.VIEW_WORK, what=_("see training coverage"))
    validity_years = settings.get(db, Key.VALIDITY_YEARS)
    codes = _codes(topic)
    return _coverage(db.conn, year, codes, _kept_counts(db, codes, year, validity_years),
                     validity_years, settings.get(db, Key.COVERAGE_THRESHOLD_PERCENT) / 100)


def trend_for(db: Database, years: Iterable[int], topic: str = VPC_RULE_TOPIC) -> tuple[CoverageResult, ...]:
    """:func:`coverage_for` for each of ``years`` (ascending, each once)."""
    return tuple(coverage_for(db, year, topic) for year in sorted(set(years)))


def required_coverage_for(db: Database, year: int) -> CoverageResult:
    """Coverage of the persons trained in every topic the plan requires (setting
    ``required_topics``, by default HRV, FGM and violence in close relationships)."""
    return coverage_for(db, year, settings.get(db, Key.REQUIRED_TOPICS))


def measure_value_training(db: Database, year: int) -> float | None:
    """The action plan's measure for goal 4 ("administrations where the knowledge of staff
    who work with children and young people is ensured"): among the administrations with a
    target-group figure, the share whose target group's coverage in all required topics
    reaches the threshold; None where HR gave no target group (never the whole staff)."""
    return required_coverage_for(db, year).total.target_ensured_share


def years_with_data(db: Database) -> list[int]:
    """Years with completions, attendance or headcounts, ascending (for year selectors)."""
    db.require(Permission.VIEW_WORK, what=_("see the training log"))
    rows = db.conn.execute(
        "SELECT DISTINCT CAST(substr(completed_date, 1, 4) AS INTEGER) FROM completions"
        " UNION SELECT DISTINCT CAST(substr(attended_date, 1, 4) AS INTEGER) FROM training_attendance"
        " UNION SELECT DISTINCT year FROM headcounts")
    return sorted(y for (y,) in rows)


# --- import (``hrvdesk import training|headcount``, see hrvdesk.store.importing) ----------------


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


@dataclass
class _CatalogueEntry:
    id: int
    start: dt.date
    end: dt.date
    hours: Decimal | None
    administrations: set[str]
    changed: bool = False

    def include(self, day: dt.date, administration: str) -> None:
        if day < self.start or day > self.end or administration not in self.administrations:
            self.start, self.end = min(self.start, day), max(self.end, day)
            self.administrations.add(administration)
            self.changed = True


class _Catalogue:
    """The trainings an import's rows belong to, found by title (case and spaces ignored),
    format and topics. A row belongs to a training of that kind whose days include its date;
    a web course is ongoing, so it also takes later or earlier completions (its days grow);
    for an event on another day a new training is created. New trainings get the
    administrations of their rows and their first row's hours."""

    def __init__(self, conn):
        self.conn = conn
        self.by_key: dict[tuple, list[_CatalogueEntry]] = {}
        self._keys: dict[tuple, tuple] = {}  # (title, format, topics) as written -> by_key's key
        # (title, format, topics, date, administration) as written -> the entry found for
        # it; an entry's days change only when it is created or a web course grows, and
        # then this is forgotten, so a remembered answer is the one a search would give
        self._found: dict[tuple, _CatalogueEntry] = {}
        self.created = 0
        for t in _trainings_where(conn):
            self.by_key.setdefault((_title_key(t.title), t.format, t.topics), []).append(_CatalogueEntry(
                t.id, t.start_date, t.end_date or t.start_date, t.hours, set(t.administrations)))

    def training_for(self, row: dict) -> int:
        day, administration = row["completed_date"], row["administration"]
        written = (row["training"], row["format"], row["topics"], day, administration)
        entry = self._found.get(written)
        if entry is not None:
            return entry.id
        given = written[:3]
        key = self._keys.get(given)
        if key is None:
            key = self._keys[given] = (_title_key(given[0]), given[1], frozenset(given[2]))
        candidates = self.by_key.setdefault(key, [])
        entry = next((e for e in candidates if e.start <= day <= e.end), None)
        if entry is None:
            self._found.clear()  # days change below
            if row["format"] == "web" and candidates:
                entry = max(candidates, key=lambda e: e.start)
            else:
                entry = self._create(row)
                candidates.append(entry)
        entry.include(day, administration)
        self._found[written] = entry
        return entry.id

    def _create(self, row: dict) -> _CatalogueEntry:
        day, hours = row["completed_date"], row.get("hours")
        tid = self.conn.execute(
            "INSERT INTO trainings(title, format, start_date, hours) VALUES (?, ?, ?, ?)",
            (" ".join(row["training"].split()), row["format"], day.isoformat(),
             None if hours is None else str(hours))).lastrowid
        self.conn.executemany("INSERT INTO training_topics(topic, training_id) VALUES (?, ?)",
                              [(t, tid) for t in row["topics"]])
        self.created += 1
        return _CatalogueEntry(tid, day, day, hours, set(), changed=True)

    def save(self) -> int:
        """Write the grown days and administrations; returns how many existing trainings changed."""
        changed = [e for entries in self.by_key.values() for e in entries if e.changed]
        for e in changed:
            self.conn.execute("UPDATE trainings SET start_date = ?, end_date = ? WHERE id = ?",
                              (e.start.isoformat(), None if e.end == e.start else e.end.isoformat(), e.id))
            self.conn.executemany(
                "INSERT OR IGNORE INTO training_administrations(training_id, administration) VALUES (?, ?)",
                [(e.id, a) for a in sorted(e.administrations)])
        return len(changed) - self.created


_PROGRESS_EVERY = 1000


def _report_progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None and (done % _PROGRESS_EVERY == 0 or done == total):
        progress(done, total)


def _stored_places(conn, persons: set[int]) -> dict[tuple[int, int, str], tuple[str, str]]:
    """(person, training, date) -> (administration, unit) of the stored completions of ``persons``."""
    places: dict[tuple[int, int, str], tuple[str, str]] = {}
    ordered = sorted(persons)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        for person, training, day, adm, unit in conn.execute(
                "SELECT person, training_id, completed_date, administration, unit FROM completions"
                f" WHERE person IN ({','.join('?' * len(chunk))})", chunk):
            places[(person, training, day)] = (adm, unit)
    return places


def _write_training_rows(db: Database, rows: ImportRows, progress: Progress | None) -> WriteOutcome:
    """Completions from a learning platform or attendance list; persons pseudonymised first."""
    conn = db.conn
    catalogue, outcome = _Catalogue(conn), WriteOutcome()
    numbers = PersonRegister(conn).numbers([row["person_id"] for _line, row in rows.rows])
    places = _stored_places(conn, set(numbers))  # one query per 500 persons, not one per row
    new = []
    total = len(rows.rows)
    for done, ((line, row), person) in enumerate(zip(rows.rows, numbers), start=1):
        key = (person, catalogue.training_for(row), row["completed_date"].isoformat())
        place = (row["administration"], row["unit"] or "")
        stored = places.get(key)
        if stored is None:
            places[key] = place
            new.append((person, key[1], *place, key[2]))
        elif tuple(stored) == place:
            outcome.already_present += 1
        else:
            outcome.problems.append(Problem(_(
                "This person's completion of the training on that date is already recorded for "
                "another administration or unit."), line, rows.label("administration")))
        if progress is not None:
            _report_progress(progress, done, total)
    # in the order of the index by training and date (a third faster than file order)
    new.sort(key=operator.itemgetter(1, 4, 2))
    insert_completions(conn, new)
    outcome.added = len(new)
    outcome.detail = {"trainings_created": catalogue.created, "trainings_changed": catalogue.save()}
    return outcome


def _write_headcount_rows(db: Database, rows: ImportRows, progress: Progress | None) -> WriteOutcome:
    """Headcounts from HR; a figure for the same year and administration replaces the stored one."""
    outcome = WriteOutcome()
    seen: dict[tuple[int, str], Headcount] = {}
    for done, (line, row) in enumerate(rows.rows, start=1):
        figure = Headcount(row["year"], row["administration"], row["headcount"], row["target_group"],
                           row["unit"] or None)
        key = (figure.year, figure.administration, unit_key(figure.unit) if figure.unit else None)
        if key in seen:
            if seen[key] == figure:
                outcome.already_present += 1
            else:
                outcome.problems.append(Problem(_(
                    "The file has another figure for {administration} in {year} on an earlier "
                    "line.").format(administration=headcount_place(figure), year=figure.year),
                    line, rows.label("headcount")))
            continue
        seen[key] = figure
        action = store_headcount(db.conn, figure)
        if action is None:
            outcome.already_present += 1
        elif action == "create":
            outcome.added += 1
        else:
            outcome.replaced += 1
            db.audit("update", target=headcount_target(figure.year, figure.administration, figure.unit),
                     fields=("headcount", "target_group"),
                     detail={"source": "import"})
        _report_progress(progress, done, len(rows.rows))
    return outcome


importing.register(importing.ImportKind("training", TRAINING, _write_training_rows))
importing.register(importing.ImportKind("headcount", HEADCOUNT, _write_headcount_rows))
