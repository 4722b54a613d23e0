"""Cross-agency routines: review dates, validation, and the plan's cooperation measure."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.routines import (
    Attachment, ContactPath, Routine, RoutineVersion, add_months,
    committees_with_cooperation_routines_share, cooperating_parties, review_state,
    validate_routine,
)

D = dt.date
PERSONAL_NUMBER = "121212-1212"
SHA = "ab" * 32


def _routine(*participants: str, owner: str = "SOC", status: str = "adopted",
             adopted: dt.date | None = D(2023, 1, 31), **more) -> Routine:
    versions = (RoutineVersion(1, adopted, "Socialnämnden"),) if adopted else ()
    return Routine(None, "Samverkan vid misstanke om HRV", "act_on_suspicion", owner,
                   participants, status, versions, **more)


# --- review dates ---------------------------------------------------------------------


@pytest.mark.parametrize("start, months, expected", [
    (D(2023, 1, 31), 1, D(2023, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),
    (D(2023, 8, 31), 6, D(2024, 2, 29)),
    (D(2023, 3, 31), 1, D(2023, 4, 30)),
    (D(2023, 12, 15), 1, D(2024, 1, 15)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2023, 3, 31), -1, D(2023, 2, 28)),
    (D(2023, 5, 31), 24, D(2025, 5, 31)),
])
def test_add_months_clamps_to_the_end_of_shorter_months(start, months, expected):
    assert add_months(start, months) == expected


def test_next_review_counts_from_the_latest_adoption():
    routine = dataclasses.replace(_routine(), review_interval_months=12, versions=(
        RoutineVersion(2, D(2023, 8, 31), "Socialnämnden"),
        RoutineVersion(1, D(2021, 5, 3), "Socialnämnden"),
    ))
    assert routine.next_review == D(2024, 8, 31)
    planned = dataclasses.replace(routine, planned_review=D(2024, 1, 15))
    assert planned.next_review == D(2024, 1, 15)
    assert _routine(status="draft", adopted=None).next_review is None


@pytest.mark.parametrize("on, expected", [
    (D(2023, 1, 28), "ok"),        # 31 days before 28 February
    (D(2023, 1, 29), "due"),       # 30 days before
    (D(2023, 2, 28), "due"),       # the review day itself
    (D(2023, 3, 1), "overdue"),
])
def test_review_state_across_a_month_end(on, expected):
    routine = _routine("UBF", adopted=D(2023, 1, 31), review_interval_months=1)
    assert review_state(routine, on, within_days=30) == expected


def test_review_state_only_for_routines_in_force():
    on = D(2030, 1, 1)
    assert review_state(_routine("UBF", status="under_revision"), on) == "overdue"
    assert review_state(_routine("UBF", status="retired"), on) is None
    assert review_state(_routine("UBF", status="draft", adopted=None), on) is None


# --- validation -----------------------------------------------------------------------


def test_functional_contact_paths_are_accepted():
    routine = _routine("UBF", "police", contacts=(
        ContactPath("Socialjouren", "08-530 610 00, socialjour@botkyrka.se"),
        ContactPath("Våldspreventivt center", "vpc@botkyrka.se"),
    ), attachments=(Attachment("Rutin.pdf", "application/pdf", 120_000, SHA),))
    validate_routine(routine, known_parties={"SOC", "UBF", "police"})


@pytest.mark.parametrize("where", ["contact", "note", "title", "attachment"])
def test_personal_identity_numbers_are_refused_anywhere(where):
    text = f"ring {PERSONAL_NUMBER}"
    changes = {
        "contact": {"contacts": (ContactPath("Handläggare", text),)},
        "note": {"versions": (RoutineVersion(1, D(2023, 1, 31), "SN", note=text),)},
        "title": {"title": text},
        "attachment": {"attachments": (
            Attachment(f"{PERSONAL_NUMBER}.pdf", "application/pdf", 10, SHA),)},
    }[where]
    with pytest.raises(ValidationError) as err:
        validate_routine(dataclasses.replace(_routine("UBF"), **changes))
    assert len(err.value.problems) == 1
    assert PERSONAL_NUMBER not in str(err.value)


@pytest.mark.parametrize("attachment", [
    Attachment("Rutin.xlsx", "application/vnd.ms-excel", 10, SHA),
    Attachment("Rutin.pdf",
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document", 10, SHA),
    Attachment("Rutin.pdf", "application/pdf", 0, SHA),
    Attachment("Rutin.pdf", "application/pdf", 10, "not-a-hash"),
])
def test_attachment_metadata_is_checked(attachment):
    with pytest.raises(ValidationError):
        validate_routine(_routine("UBF", attachments=(attachment,)))


def test_structural_problems_are_all_listed():
    routine = Routine(None, " ", "gossip", "SOC", ("SOC", "XYZ"), "adopted",
                      review_interval_months=0, contacts=(ContactPath("Chef", ""),))
    with pytest.raises(ValidationError) as err:
        validate_routine(routine, known_parties={"SOC"})
    fields = [p.field for p in err.value.problems]
    assert set(fields) == {"title", "purpose", "versions", "participants",
                           "review_interval_months", "contacts"}


# --- the cooperation measure ----------------------------------------------------------


def test_cooperation_share_counts_owners_and_participants_of_routines_in_force():
    routines = [
        _routine("UBF", owner="SOC"),                              # SOC, UBF
        _routine("police", owner="AVUX", status="under_revision"),  # AVUX (with a partner)
        _routine(owner="KOF"),                                     # alone: no cooperation
        _routine("KOF", owner="KLF", status="draft", adopted=None),  # not adopted
        _routine("KOF", owner="SBF", status="retired"),            # no longer in force
    ]
    administrations = ["KLF", "UBF", "SOC", "AVUX", "KOF", "SBF", "VOF"]
    assert cooperating_parties(routines) == {"SOC", "UBF", "AVUX", "police"}
    assert committees_with_cooperation_routines_share(routines, administrations) == 3 / 7


def test_cooperation_share_edges():
    assert committees_with_cooperation_routines_share([], ["SOC", "UBF"]) == 0
    assert committees_with_cooperation_routines_share([_routine("UBF")], []) is None
    everyone = [_routine("UBF", "KLF")]
    assert committees_with_cooperation_routines_share(everyone, {"SOC", "UBF", "KLF"}) == 1


@pytest.mark.parametrize("mime, data, ok", [
    ("application/pdf", b"%PDF-1.7\n...", True),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04...", True),
    ("application/pdf", b"PK\x03\x04 a zip named .pdf", False),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"%PDF-1.7", False),
    ("application/pdf", b"", False),
])
def test_attachment_content_must_match_its_type(mime, data, ok):
    from hrvdesk.domain.routines import validate_attachment_content

    if ok:
        validate_attachment_content(mime, data)
    else:
        with pytest.raises(ValidationError):
            validate_attachment_content(mime, data)
