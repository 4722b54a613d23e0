"""The plan follow-up as a reporting round: the coordinator opens it with a deadline, each
responsible committee reports its share and marks it ready, the overview counts progress and
the representatives are reminded before the deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.plan import PLAN_KEY, FollowUp
from hrvdesk.domain.plan_round import REMINDER_DAYS
from hrvdesk.store import audit, plan_repo, plan_round_repo as rounds
from tests.store.plan_helpers import add_users, opened_as

YEAR = 2025
TODAY = dt.date(2026, 1, 10)
DEADLINE = dt.date(2026, 2, 15)


@pytest.fixture
def db(admin_db):
    i18n.set_language("en")
    add_users(admin_db)
    return admin_db


def share_of(db, committee):
    return next(s for s in rounds.shares(db, YEAR) if s.committee == committee)


def sn_activities(db):
    return [line.activity.code for line in plan_repo.year_followup(db, YEAR)
            if "SN" in line.activity.responsible]


def test_the_coordinator_opens_the_round_with_a_deadline(db):
    with opened_as(db, "SOC") as editor, pytest.raises(PermissionDenied):
        rounds.open_round(editor, YEAR, DEADLINE, today=TODAY)
    with pytest.raises(ValidationError, match="passed"):
        rounds.open_round(db, YEAR, TODAY - dt.timedelta(days=1), today=TODAY)
    with pytest.raises(ValidationError, match="2025 or 2026"):
        rounds.open_round(db, YEAR, dt.date(2027, 3, 1), today=TODAY)
    assert rounds.round_for(db, YEAR) is None
    opened = rounds.open_round(db, YEAR, DEADLINE, today=TODAY)
    assert (opened.deadline, opened.opened_by) == (DEADLINE, db.user)
    moved = rounds.open_round(db, YEAR, DEADLINE + dt.timedelta(days=7), today=TODAY)
    assert moved.deadline == DEADLINE + dt.timedelta(days=7) and moved.opened_at == opened.opened_at
    target = f"round:{PLAN_KEY}:{YEAR}"
    assert [e.action for e in audit.entries(db.conn) if e.target == target] == ["update", "create"]


def test_every_responsible_committee_has_its_share(db):
    sheet = plan_repo.year_followup(db, YEAR)
    by_committee = {s.committee: s for s in rounds.shares(db, YEAR)}
    # an activity with several responsible committees is in each one's share
    for committee, share in by_committee.items():
        assert share.activities == sum(committee in line.activity.responsible for line in sheet)
    assert sum(s.activities for s in by_committee.values()) > len(sheet)
    assert "KFN" in by_committee                 # not a lead anywhere, still responsible
    assert all(s.reported == 0 and not s.ready for s in by_committee.values())


def test_a_committee_marks_its_share_ready_once_everything_is_reported(db):
    rounds.open_round(db, YEAR, DEADLINE, today=TODAY)
    codes = sn_activities(db)
    with opened_as(db, "SOC") as editor:
        plan_repo.save_followup(editor, FollowUp(codes[0], YEAR, "ongoing", "Pågår"))
        with pytest.raises(ValidationError, match=f"{len(codes) - 1} of the committee's {len(codes)}"):
            rounds.mark_ready(editor, YEAR, "SN")
        for code in codes[1:]:
            plan_repo.save_followup(editor, FollowUp(code, YEAR, "done"))
        ready = rounds.mark_ready(editor, YEAR, "SN")
        assert ready.ready and ready.complete and ready.ready_by == "editor-soc"
        with pytest.raises(PermissionDenied):
            rounds.mark_ready(editor, YEAR, "UN")  # another administration's committee
    assert share_of(db, "SN").ready
    assert not share_of(db, "UN").ready and share_of(db, "UN").reported >= 1  # shared activities
    assert [e.fields for e in audit.entries(db.conn, action="update")
            if e.target == f"round:{PLAN_KEY}:{YEAR}:SN"] == [("ready",)]


def test_ready_needs_an_open_round(db):
    with opened_as(db, "SOC") as editor, pytest.raises(ValidationError, match="not been opened"):
        rounds.mark_ready(editor, YEAR, "SN")


def test_representatives_are_reminded_before_the_deadline_until_ready(db):
    rounds.open_round(db, YEAR, DEADLINE, today=TODAY)
    early = DEADLINE - dt.timedelta(days=REMINDER_DAYS + 1)
    near = DEADLINE - dt.timedelta(days=REMINDER_DAYS)
    with opened_as(db, "SOC") as editor:
        assert rounds.reminders(editor, early) == []
        [(round_, share)] = rounds.reminders(editor, near)
        assert (round_.year, share.committee) == (YEAR, "SN")
        late = DEADLINE + dt.timedelta(days=1)
        assert share.overdue(round_, late) and not share.overdue(round_, DEADLINE)
        for code in sn_activities(editor):
            plan_repo.save_followup(editor, FollowUp(code, YEAR, "done"))
        rounds.mark_ready(editor, YEAR, "SN")
        assert rounds.reminders(editor, late) == []
    assert rounds.reminders(db, near) == []     # the administrator follows the overview instead


def test_the_plan_report_shows_each_committees_progress(db):
    import io

    from pypdf import PdfReader

    from hrvdesk.io.report_plan import build_plan_report

    rounds.open_round(db, YEAR, DEADLINE, today=TODAY)
    for code in sn_activities(db):
        plan_repo.save_followup(db, FollowUp(code, YEAR, "done"))
    rounds.mark_ready(db, YEAR, "SN")
    pdf = build_plan_report(db, YEAR, now=dt.datetime(2026, 1, 20, 9, 0))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    total = len(rounds.shares(db, YEAR))
    assert f"The reporting round Deadline 15 Feb 2026; 1 of {total} responsible committees" in text
    sn = share_of(db, "SN")
    assert f"Social Services Committee {sn.activities} {sn.activities} Ready (" in text
    assert "Culture and Leisure Committee" in text


def test_a_measure_has_a_target_and_says_how_it_stands(db):
    from hrvdesk.domain.plan import MeasureValue, target_state

    assert (target_state(0.8, 0.8, None), target_state(0.5, 0.8, "up"),
            target_state(0.5, 0.8, "flat"), target_state(None, 0.8, "up")) == (
        "met", "on_track", "off_track", None)
    code = next(s.measure.code for s in plan_repo.measure_overview(db, YEAR)
                if s.measure.source == "manual" and s.measure.unit == "share")
    with opened_as(db, "SOC") as editor, pytest.raises(PermissionDenied):
        plan_repo.set_measure_target(editor, code, 0.8)
    with pytest.raises(ValidationError, match="from 0 to 100"):
        plan_repo.set_measure_target(db, code, 1.5)
    plan_repo.set_measure_target(db, code, 0.8)
    plan_repo.save_measure_value(db, MeasureValue(code, YEAR - 1, 0.4))
    plan_repo.save_measure_value(db, MeasureValue(code, YEAR, 0.6))
    status = next(s for s in plan_repo.measure_overview(db, YEAR) if s.measure.code == code)
    assert (status.target, status.trend, status.target_state) == (0.8, "up", "on_track")
    plan_repo.save_measure_value(db, MeasureValue(code, YEAR, 0.85))
    status = next(s for s in plan_repo.measure_overview(db, YEAR) if s.measure.code == code)
    assert status.target_state == "met"
    plan_repo.set_measure_target(db, code, None)
    assert plan_repo.measure_targets(db) == {}


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_the_plan_report_for_one_committee_holds_its_share(db, cli, tmp_path):
    from hrvdesk.io.report_plan import build_plan_report

    rounds.open_round(db, YEAR, DEADLINE, today=TODAY)
    sheet = plan_repo.year_followup(db, YEAR)
    kfn = [line.activity.code for line in sheet if "KFN" in line.activity.responsible]
    others = [line.activity.code for line in sheet if "KFN" not in line.activity.responsible]
    text = pdf_text(build_plan_report(db, YEAR, committee="KFN", now=dt.datetime(2026, 1, 20)))
    assert f"Action plan follow-up {YEAR}: Culture and Leisure Committee" in text
    assert "Responsible: Culture and Leisure Committee" in text
    assert all(f"{code} " in text for code in kfn) and not any(f" {code} " in text for code in others)
    assert "Routines due for review" not in text
    assert audit.entries(db.conn, action="report")[0].detail == {"year": YEAR, "committee": "KFN"}
    with pytest.raises(ValidationError, match="no committee XX"):
        build_plan_report(db, YEAR, committee="XX")
    out = tmp_path / "kfn.pdf"
    code, _out, _err = cli("report", "plan", "--year", YEAR, "--committee", "kfn", "--db", db.path,
                           "--out", out)
    assert code == 0 and "Culture and Leisure Committee" in pdf_text(out.read_bytes())
    assert cli("report", "training", "--year", YEAR, "--committee", "KFN", "--db", db.path,
               "--out", tmp_path / "t.pdf")[0] == 2
