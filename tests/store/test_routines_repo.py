"""The routines register in the database: versions, documents inside the database, reviews."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os

import pytest

from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.routines import ContactPath, RoutineVersion
from hrvdesk.store import audit, connection, routines_repo
from tests.store.plan_helpers import add_users, opened_as, routine

D = dt.date
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def db(admin_db):
    add_users(admin_db)
    return admin_db


def _audit(db, target: str):
    return [e for e in audit.entries(db.conn) if e.target == target]


def test_a_routine_round_trips(db):
    given = routine("SOC", ("UBF", "KOF", "POL"), planned_review=D(2024, 1, 15), contacts=(
        ContactPath("Socialjouren", "Via kommunens växel"),
        ContactPath("Elevhälsan", "Funktionsbrevlåda elevhalsan@kommun.example")))
    stored = routines_repo.save_routine(db, given)
    assert stored.id is not None
    assert dataclasses.replace(stored, id=None) == given
    assert routines_repo.list_routines(db) == [stored]
    assert routines_repo.load_routine(db, stored.id).next_review == D(2024, 1, 15)


def test_versions_are_history(db):
    stored = routines_repo.save_routine(db, routine(adopted=D(2021, 5, 3)))
    routines_repo.save_routine(db, dataclasses.replace(stored, status="under_revision"))
    revised = routines_repo.adopt_version(db, stored.id, D(2023, 8, 31), "Socialnämnden", "Ny bilaga")
    assert [(v.number, v.adopted_on, v.note) for v in revised.versions] == [
        (1, D(2021, 5, 3), ""), (2, D(2023, 8, 31), "Ny bilaga")]
    assert revised.status == "adopted"
    assert revised.next_review == D(2024, 8, 31)           # from the latest adoption
    # an adopted version cannot be rewritten through the store …
    rewritten = dataclasses.replace(revised, versions=(
        RoutineVersion(1, D(2022, 1, 1), "Socialnämnden"), revised.versions[1]))
    with pytest.raises(ValidationError):
        routines_repo.save_routine(db, rewritten)
    # … nor behind its back
    for sql in ("UPDATE routine_versions SET adopted_on = '2020-01-01'", "DELETE FROM routine_versions"):
        with pytest.raises(connection.IntegrityError):
            with db.transaction() as conn:
                conn.execute(sql)
    # leaving versions out of a save does not remove them
    kept = routines_repo.save_routine(db, dataclasses.replace(revised, title="Ny titel", versions=()))
    assert kept.versions == revised.versions
    assert [e.fields for e in _audit(db, f"routine:{stored.id}")] == [
        ("title",), ("status", "versions"), ("status",),
        ("contacts", "owner", "participants", "planned_review", "purpose",
         "review_interval_months", "status", "title", "versions")]
    assert "Ny titel" not in repr(audit.entries(db.conn))


def test_a_routine_must_be_valid(db):
    with pytest.raises(ValidationError) as err:
        routines_repo.save_routine(db, routine("SOC", ("SOC", "XYZ"), status="adopted", adopted=None))
    assert {p.field for p in err.value.problems} == {"participants", "versions"}
    with pytest.raises(ValidationError):
        routines_repo.save_routine(db, routine(contacts=(ContactPath("Handläggare 19121212-1212", "x"),)))
    assert routines_repo.list_routines(db) == []


def test_only_a_never_adopted_routine_can_be_deleted(db):
    draft = routines_repo.save_routine(db, routine(status="draft", adopted=None))
    adopted = routines_repo.save_routine(db, routine())
    with pytest.raises(ValidationError):
        routines_repo.delete_routine(db, adopted.id)
    routines_repo.delete_routine(db, draft.id)
    assert [r.id for r in routines_repo.list_routines(db)] == [adopted.id]


# --- roles ----------------------------------------------------------------------------------


def test_routines_are_changed_by_their_owner_administration(db):
    stored = routines_repo.save_routine(db, routine("SOC"))
    with opened_as(db, "viewer") as viewer:
        assert routines_repo.list_routines(viewer) == [stored]
        with pytest.raises(PermissionDenied):
            routines_repo.save_routine(viewer, routine("SOC"))
    with opened_as(db, "UBF") as ubf:
        with pytest.raises(PermissionDenied):
            routines_repo.save_routine(ubf, dataclasses.replace(stored, title="Kapad"))
        with pytest.raises(PermissionDenied):        # nor take it over
            routines_repo.save_routine(ubf, dataclasses.replace(stored, owner="UBF", participants=()))
        with pytest.raises(PermissionDenied):
            routines_repo.save_attachment(ubf, stored.id, "r.pdf", PDF, b"%PDF-1.4 x")
        with pytest.raises(PermissionDenied):
            routines_repo.save_routine(ubf, routine("SOC"))
        routines_repo.save_routine(ubf, routine("UBF", ("SOC",)))
    with opened_as(db, "SOC") as soc:
        assert routines_repo.save_routine(soc, dataclasses.replace(stored, title="Ny titel")).title == "Ny titel"
    assert len(routines_repo.list_routines(db)) == 2


# --- documents ------------------------------------------------------------------------------


def _files_containing(folder, needle: bytes) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_attachment_round_trip_never_touches_the_disk(db, tmp_path):
    stored = routines_repo.save_routine(db, routine())
    marker = b"HRVDESK-ATTACHMENT-" + os.urandom(16).hex().encode()
    data = b"%PDF-1.7\n" + marker + os.urandom(64 * 1024) + marker + b"\n%%EOF\n"
    attachment = routines_repo.save_attachment(db, stored.id, "Rutin samverkan.pdf", PDF, data)
    assert (attachment.name, attachment.size, attachment.sha256) == (
        "Rutin samverkan.pdf", len(data), hashlib.sha256(data).hexdigest())
    assert routines_repo.load_routine(db, stored.id).attachments == (attachment,)
    assert routines_repo.attachment_bytes(db, attachment.id) == data
    chunk = data[4096:4160]
    assert _files_containing(tmp_path, marker) == [] and _files_containing(tmp_path, chunk) == []
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _files_containing(tmp_path, marker) == []
    # saving a copy is the one way out, and it is audited
    copy = tmp_path / "out" / "kopia.pdf"
    copy.parent.mkdir()
    routines_repo.save_attachment_copy(db, attachment.id, copy)
    assert copy.read_bytes() == data
    assert _files_containing(tmp_path, marker) == [str(copy)]
    [export] = _audit(db, f"attachment:{attachment.id}")[:1]
    assert export.action == "export"
    routines_repo.delete_attachment(db, attachment.id)
    assert routines_repo.load_routine(db, stored.id).attachments == ()


def test_docx_attachments_and_rejected_documents(db):
    stored = routines_repo.save_routine(db, routine())
    docx = b"PK\x03\x04" + b"\x00" * 100
    saved = routines_repo.save_attachment(db, stored.id, "Rutin.docx", DOCX, docx)
    assert routines_repo.attachment_bytes(db, saved.id) == docx
    for name, mime, data in (
            ("Rutin.xlsx", "application/vnd.ms-excel", b"PK\x03\x04"),
            ("Rutin.pdf", PDF, b"PK\x03\x04 renamed zip"),     # content is not a PDF
            ("Rutin.docx", PDF, b"%PDF-1.4"),                   # extension does not match
            ("Rutin.pdf", PDF, b""),
            ("19121212-1212.pdf", PDF, b"%PDF-1.4")):
        with pytest.raises(ValidationError):
            routines_repo.save_attachment(db, stored.id, name, mime, data)
    assert len(routines_repo.load_routine(db, stored.id).attachments) == 1


def test_a_damaged_attachment_is_reported(db):
    stored = routines_repo.save_routine(db, routine())
    saved = routines_repo.save_attachment(db, stored.id, "Rutin.pdf", PDF, b"%PDF-1.4 original")
    with db.transaction() as conn:
        conn.execute("UPDATE routine_attachments SET data = ? WHERE id = ?", (b"%PDF-1.4 altered", saved.id))
    from hrvdesk.domain.errors import DamagedDatabaseError

    with pytest.raises(DamagedDatabaseError):
        routines_repo.attachment_bytes(db, saved.id)


# --- reviews ----------------------------------------------------------------------------------


@pytest.mark.parametrize("on, expected", [
    (D(2023, 1, 28), []),                    # 31 days before the review date
    (D(2023, 1, 29), ["due"]),               # 30 days before
    (D(2023, 2, 28), ["due"]),               # the review day itself
    (D(2023, 3, 1), ["overdue"]),            # the day after
])
def test_reviews_due_at_the_date_edges(db, on, expected):
    # adopted 31 January with a one-month interval: review on 28 February
    routines_repo.save_routine(db, routine(adopted=D(2023, 1, 31), review_interval_months=1))
    assert [r.state for r in routines_repo.reviews_due(db, on, within_days=30)] == expected


def test_reviews_due_lists_routines_in_force_earliest_first(db):
    late = routines_repo.save_routine(db, routine(adopted=D(2022, 6, 1)))                # 2023-06-01
    early = routines_repo.save_routine(db, routine("UBF", ("SOC",), adopted=D(2022, 3, 1)))  # 2023-03-01
    routines_repo.save_routine(db, routine("KOF", ("SOC",), status="retired", adopted=D(2021, 1, 1)))
    routines_repo.save_routine(db, routine("AVUX", ("SOC",), status="draft", adopted=None))
    planned = routines_repo.save_routine(db, routine("VOF", ("SOC",), adopted=D(2022, 1, 1),
                                                     planned_review=D(2023, 7, 15)))
    due = routines_repo.reviews_due(db, D(2023, 6, 20), within_days=30)
    assert [(r.routine.id, r.state, r.due) for r in due] == [
        (early.id, "overdue", D(2023, 3, 1)), (late.id, "overdue", D(2023, 6, 1)),
        (planned.id, "due", D(2023, 7, 15))]
