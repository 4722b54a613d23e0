"""The cross-agency routines register in the database: routines, versions, documents, reviews.

A routine belongs to its owner administration: creating or changing it needs ``EDIT_WORK``
for that administration (for both the old and the new owner when it changes hands).
Adopted versions are history: they are only ever added (the table refuses updates and
deletes). Attached documents live as BLOBs inside the encrypted database; they reach the
disk only through :func:`save_attachment_copy`, when the user saves a copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from dataclasses import dataclass

from hrvdesk.domain.errors import DamagedDatabaseError, ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.routines import (
    DEFAULT_DUE_WITHIN_DAYS, Attachment, ContactPath, Routine, RoutineVersion, review_state,
    validate_attachment_content, validate_routine,
)
from hrvdesk.i18n import N_, _
from hrvdesk import safewrite
from hrvdesk.store import organisation
from hrvdesk.store.database import Database, now_iso

#: Fields compared to tell the audit log which ones a save changed.
AUDITED_FIELDS = ("title", "purpose", "owner", "participants", "status", "versions",
                  "review_interval_months", "planned_review", "contacts")


@dataclass(frozen=True)
class ReviewDue:
    """A routine whose review is overdue or falls due soon."""

    routine: Routine
    state: str        # "overdue" | "due" (domain.routines.REVIEW_STATES)
    due: dt.date


# --- reading ------------------------------------------------------------------------------


def _grouped(conn, sql: str, ids: list[int]) -> dict[int, list[tuple]]:
    """Rows of a child table (first column the routine id) grouped by routine."""
    out: dict[int, list[tuple]] = {}
    if not ids:
        return out
    marks = ", ".join("?" * len(ids))
    for row in conn.execute(sql.format(ids=marks), ids):
        out.setdefault(row[0], []).append(row[1:])
    return out


def _load_many(db: Database, where: str = "1 = 1", params: tuple = ()) -> list[Routine]:
    conn = db.conn
    rows = conn.execute(
        "SELECT id, title, purpose, owner, status, review_interval_months, planned_review"
        f" FROM routines WHERE {where} ORDER BY title COLLATE NOCASE, id", params).fetchall()
    ids = [r[0] for r in rows]
    participants = _grouped(conn, "SELECT routine, party FROM routine_participants"
                                  " WHERE routine IN ({ids}) ORDER BY position", ids)
    versions = _grouped(conn, "SELECT routine, number, adopted_on, adopted_by, note"
                              " FROM routine_versions WHERE routine IN ({ids}) ORDER BY number", ids)
    contacts = _grouped(conn, "SELECT routine, role, how_to_reach FROM routine_contacts"
                              " WHERE routine IN ({ids}) ORDER BY position", ids)
    attachments = _grouped(conn, "SELECT routine, name, mime, size, sha256, id"
                                 " FROM routine_attachments WHERE routine IN ({ids}) ORDER BY id", ids)
    return [Routine(
        id=rid, title=title, purpose=purpose, owner=owner,
        participants=tuple(p for (p,) in participants.get(rid, [])),
        status=status,
        versions=tuple(RoutineVersion(n, dt.date.fromisoformat(on), by, note)
                       for n, on, by, note in versions.get(rid, [])),
        review_interval_months=interval,
        planned_review=dt.date.fromisoformat(planned) if planned else None,
        contacts=tuple(ContactPath(*c) for c in contacts.get(rid, [])),
        attachments=tuple(Attachment(*a) for a in attachments.get(rid, [])),
    ) for rid, title, purpose, owner, status, interval, planned in rows]


def list_routines(db: Database, include_retired: bool = True) -> list[Routine]:
    """Every routine (by title), with versions, contacts and attachment metadata."""
    db.require(Permission.VIEW_WORK, what=_("read the routines register"))
    return _load_many(db, "1 = 1" if include_retired else "status <> 'retired'")


def load_routine(db: Database, routine_id: int) -> Routine:
    db.require(Permission.VIEW_WORK, what=_("read the routines register"))
    found = _load_many(db, "id = ?", (routine_id,))
    if not found:
        raise ValidationError.single(_("There is no routine number {id}.").format(id=routine_id),
                                     field="routine")
    return found[0]


def known_parties(db: Database) -> set[str]:
    """The administration and partner codes a routine may name."""
    return ({a.code for a in organisation.administrations(db, include_inactive=True)}
            | {p.code for p in organisation.partners(db, include_inactive=True)})


# --- changing -----------------------------------------------------------------------------

_EDIT = N_("change a routine")


def _require_owner(db: Database, *owners: str) -> None:
    for owner in dict.fromkeys(owners):
        db.require(Permission.EDIT_WORK, administration=owner, what=_(_EDIT))


def _merged_versions(stored: tuple[RoutineVersion, ...],
                     given: tuple[RoutineVersion, ...]) -> tuple[RoutineVersion, ...]:
    """The stored versions followed by the given new ones; an adopted version never changes."""
    kept = {v.number: v for v in stored}
    for v in given:
        if v.number in kept and kept[v.number] != v:
            raise ValidationError.single(_("An adopted version cannot be changed; add a new "
                                           "version instead."), field="versions")
    return stored + tuple(sorted((v for v in given if v.number not in kept), key=lambda v: v.number))


def _clean(routine: Routine) -> Routine:
    return dataclasses.replace(
        routine, title=routine.title.strip(),
        owner=routine.owner.strip().upper(),
        participants=tuple(p.strip().upper() for p in routine.participants),
        contacts=tuple(ContactPath(c.role.strip(), c.how_to_reach.strip()) for c in routine.contacts),
        versions=tuple(dataclasses.replace(v, adopted_by=v.adopted_by.strip(), note=v.note.strip())
                       for v in routine.versions))


def save_routine(db: Database, routine: Routine) -> Routine:
    """Create (``id`` None) or update a routine; returns it as stored.

    Versions in ``routine`` that are not stored yet are added; stored versions stay as
    they are. Attachments are handled by :func:`save_attachment`.
    """
    routine = _clean(routine)
    old = None if routine.id is None else load_routine(db, routine.id)
    _require_owner(db, *((old.owner,) if old else ()), routine.owner)
    routine = dataclasses.replace(
        routine,
        versions=_merged_versions(old.versions if old else (), routine.versions),
        attachments=old.attachments if old else ())
    validate_routine(routine, known_parties(db))
    fields = [f for f in AUDITED_FIELDS if old is None or getattr(old, f) != getattr(routine, f)]
    if old is not None and not fields:
        return old
    now = now_iso()
    values = (routine.title, routine.purpose, routine.owner, routine.status,
              routine.review_interval_months,
              routine.planned_review.isoformat() if routine.planned_review else None, now, db.user)
    with db.transaction() as conn:
        if old is None:
            routine_id = conn.execute(
                "INSERT INTO routines(title, purpose, owner, status, review_interval_months,"
                " planned_review, updated_at, updated_by, created_at, created_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*values, now, db.user)).lastrowid
        else:
            routine_id = routine.id
            conn.execute(
                "UPDATE routines SET title = ?, purpose = ?, owner = ?, status = ?,"
                " review_interval_months = ?, planned_review = ?, updated_at = ?, updated_by = ?"
                " WHERE id = ?", (*values, routine_id))
        conn.execute("DELETE FROM routine_participants WHERE routine = ?", (routine_id,))
        conn.executemany("INSERT INTO routine_participants(routine, party, position) VALUES (?, ?, ?)",
                         [(routine_id, p, i) for i, p in enumerate(routine.participants)])
        conn.execute("DELETE FROM routine_contacts WHERE routine = ?", (routine_id,))
        conn.executemany("INSERT INTO routine_contacts(routine, position, role, how_to_reach)"
                         " VALUES (?, ?, ?, ?)",
                         [(routine_id, i, c.role, c.how_to_reach) for i, c in enumerate(routine.contacts)])
        stored_numbers = {v.number for v in old.versions} if old else set()
        conn.executemany(
            "INSERT INTO routine_versions(routine, number, adopted_on, adopted_by, note, recorded_at,"
            " recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(routine_id, v.number, v.adopted_on.isoformat(), v.adopted_by, v.note, now, db.user)
             for v in routine.versions if v.number not in stored_numbers])
        db.audit("create" if old is None else "update", target=f"routine:{routine_id}", fields=fields)
    return load_routine(db, routine_id)


def adopt_version(db: Database, routine_id: int, adopted_on: dt.date, adopted_by: str,
                  note: str = "") -> Routine:
    """Record a newly adopted version (the next number) and mark the routine adopted."""
    routine = load_routine(db, routine_id)
    number = max((v.number for v in routine.versions), default=0) + 1
    return save_routine(db, dataclasses.replace(
        routine, status="adopted",
        versions=routine.versions + (RoutineVersion(number, adopted_on, adopted_by, note),)))


def delete_routine(db: Database, routine_id: int) -> None:
    """Delete a routine that was never adopted (an adopted one is retired instead)."""
    routine = load_routine(db, routine_id)
    _require_owner(db, routine.owner)
    if routine.versions:
        raise ValidationError.single(_("A routine with adopted versions cannot be deleted; retire "
                                       "it instead."), field="status")
    with db.transaction() as conn:
        conn.execute("DELETE FROM routines WHERE id = ?", (routine_id,))
        db.audit("delete", target=f"routine:{routine_id}")


# --- attached documents -------------------------------------------------------------------


def save_attachment(db: Database, routine_id: int, name: str, mime: str, data: bytes) -> Attachment:
    """Store a PDF or DOCX document with the routine, inside the encrypted database."""
    routine = load_routine(db, routine_id)
    _require_owner(db, routine.owner)
    name = os.path.basename(name.strip())
    data = bytes(data)
    attachment = Attachment(name, mime, len(data), hashlib.sha256(data).hexdigest())
    validate_routine(dataclasses.replace(routine, attachments=(attachment,)), None)
    validate_attachment_content(mime, data)
    with db.transaction() as conn:
        attachment_id = conn.execute(
            "INSERT INTO routine_attachments(routine, name, mime, size, sha256, data, added_at,"
            " added_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (routine_id, attachment.name, mime, attachment.size, attachment.sha256, data,
             now_iso(), db.user)).lastrowid
        db.audit("create", target=f"attachment:{attachment_id}", fields=("name", "mime", "data"),
                 detail={"routine": routine_id, "size": attachment.size})
    return dataclasses.replace(attachment, id=attachment_id)


def _attachment_row(db: Database, attachment_id: int) -> tuple:
    row = db.conn.execute("SELECT routine, sha256, data FROM routine_attachments WHERE id = ?",
                          (attachment_id,)).fetchone()
    if row is None:
        raise ValidationError.single(_("There is no document number {id}.").format(id=attachment_id),
                                     field="attachment")
    return row


def attachment_bytes(db: Database, attachment_id: int) -> bytes:
    """The document's content, checked against its stored checksum (in memory only)."""
    db.require(Permission.VIEW_WORK, what=_("read the routines register"))
    _routine, sha256, data = _attachment_row(db, attachment_id)
    data = bytes(data)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise DamagedDatabaseError(_("Document number {id} is damaged: its content does not match "
                                     "its checksum.").format(id=attachment_id))
    return data


def save_attachment_copy(db: Database, attachment_id: int, path: str | os.PathLike) -> None:
    """Write a copy of the document to ``path`` because the user asked to (audited export)."""
    data = attachment_bytes(db, attachment_id)
    with db.transaction():
        db.audit("export", target=f"attachment:{attachment_id}", detail={"size": len(data)})
        safewrite.write_bytes(path, data)


def delete_attachment(db: Database, attachment_id: int) -> None:
    routine_id = _attachment_row(db, attachment_id)[0]
    _require_owner(db, load_routine(db, routine_id).owner)
    with db.transaction() as conn:
        conn.execute("DELETE FROM routine_attachments WHERE id = ?", (attachment_id,))
        db.audit("delete", target=f"attachment:{attachment_id}", detail={"routine": routine_id})


# --- reviews ------------------------------------------------------------------------------


def reviews_due(db: Database, on: dt.date, within_days: int = DEFAULT_DUE_WITHIN_DAYS) -> list[ReviewDue]:
    """Routines in force whose review is overdue on ``on`` or due within ``within_days``
    (the last day included), the earliest first — for the Overview page and the report."""
    due = []
    for routine in list_routines(db, include_retired=False):
        state = review_state(routine, on, within_days)
        if state in ("overdue", "due"):
            due.append(ReviewDue(routine, state, routine.next_review))
    return sorted(due, key=lambda r: (r.due, r.routine.title.casefold()))
