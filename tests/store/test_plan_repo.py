"""The action plan in the database: seeded structure, editing, revision, follow-up, measures."""

from __future__ import annotations

import dataclasses

import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.plan import FollowUp, MeasureValue
from hrvdesk.domain.plan_seed import BOTKYRKA_PLAN, COMMITTEE_ADMINISTRATION, COMMITTEES
from hrvdesk.store import audit, plan_repo, routines_repo
from tests.store.plan_helpers import add_users, opened_as, routine

PERSONAL_NUMBER = "19121212-1212"


@pytest.fixture
def db(admin_db):
    add_users(admin_db)
    return admin_db


def _audit(db, target: str):
    return [e for e in audit.entries(db.conn) if e.target == target]


# --- the seeded plan ----------------------------------------------------------------------


def test_new_database_holds_the_botkyrka_plan(db):
    stored = plan_repo.load_plan(db)
    assert [len(g.activities) for g in stored.goals] == [6, 5, 3, 4]
    assert [len(g.measures) for g in stored.goals] == [1, 2, 2, 1]
    assert len(stored.activities) == 18
    assert stored.activity("A4.2").lead == "KS" and len(stored.activity("A4.2").responsible) == 7
    # everything round-trips: titles as message ids, committees in order, partners, years
    assert stored == BOTKYRKA_PLAN
    assert {c.code: c.administration for c in plan_repo.committees(db)} == COMMITTEE_ADMINISTRATION
    assert [c.code for c in plan_repo.committees(db)] == list(COMMITTEES.values)
    # the plan belongs to the Municipal Executive Board, whose administration coordinates
    assert plan_repo.coordinating_administration(db) == "KLF"


def test_seeded_titles_are_shown_in_the_ui_language(db):
    goal = plan_repo.load_plan(db).goals[0]
    i18n.set_language("en")
    assert i18n._(goal.title) == "Services work to prevent honour-related violence"
    i18n.set_language("sv")
    assert i18n._(goal.title) == "Verksamheterna arbetar förebyggande mot hedersrelaterat våld och förtryck"


# --- editing ------------------------------------------------------------------------------


def test_edit_keeps_message_ids_of_unchanged_titles_and_stores_typed_ones(db):
    plan = plan_repo.load_plan(db)
    i18n.set_language("sv")
    # the editor hands every title back as shown (translated) and changes one
    shown = dataclasses.replace(plan, name=i18n._(plan.name), goals=tuple(
        dataclasses.replace(g, title=i18n._(g.title), activities=tuple(
            dataclasses.replace(a, title="Ny egen rubrik" if a.code == "A1.1" else i18n._(a.title))
            for a in g.activities)) for g in plan.goals))
    stored = plan_repo.save_plan(db, shown)
    assert stored.goals[0].title == BOTKYRKA_PLAN.goals[0].title       # still the message id
    assert stored.name == BOTKYRKA_PLAN.name
    assert stored.activity("A1.1").title == "Ny egen rubrik"
    assert stored.activity("A1.2").title == BOTKYRKA_PLAN.activity("A1.2").title
    [entry] = _audit(db, "plan:botkyrka-hrv:1")
    assert entry.fields == ("A1.1.title",)
    assert "Ny egen rubrik" not in repr(entry)


def test_edit_moves_responsibility_and_adds_an_activity(db):
    plan = plan_repo.load_plan(db)
    goal = plan.goals[2]
    moved = dataclasses.replace(goal.activities[2], responsible=("SN", "VON"), lead="VON")
    added = dataclasses.replace(moved, code="A3.4", title="Samordnad föräldrautbildning")
    plan = dataclasses.replace(plan, goals=(*plan.goals[:2], dataclasses.replace(
        goal, activities=(*goal.activities[:2], moved, added)), plan.goals[3]))
    stored = plan_repo.save_plan(db, plan)
    assert stored.activity("A3.3").lead == "VON"
    assert stored.activity("A3.4").responsible == ("SN", "VON")
    assert len(stored.activities) == 19
    [entry] = _audit(db, "plan:botkyrka-hrv:1")
    assert set(entry.fields) == {"A3.3.lead", "A3.3.responsible", "A3.4"}


def test_an_activity_with_follow_ups_cannot_be_removed(db):
    plan_repo.save_followup(db, FollowUp("A1.1", 2023, "started"))
    plan = plan_repo.load_plan(db)
    first = plan.goals[0]
    trimmed = dataclasses.replace(plan, goals=(
        dataclasses.replace(first, activities=first.activities[1:]), *plan.goals[1:]))
    with pytest.raises(ValidationError) as err:
        plan_repo.save_plan(db, trimmed)
    assert err.value.problems[0].field == "A1.1"
    assert plan_repo.load_plan(db) == plan


def test_lead_outside_responsible_committees_is_rejected(db):
    plan = plan_repo.load_plan(db)
    first = plan.goals[0]
    broken = dataclasses.replace(first.activities[0], lead="UN")
    with pytest.raises(ValidationError):
        plan_repo.save_plan(db, dataclasses.replace(plan, goals=(
            dataclasses.replace(first, activities=(broken, *first.activities[1:])), *plan.goals[1:])))


def test_only_the_coordinating_administration_edits_the_plan(db):
    plan = plan_repo.load_plan(db)
    renamed = dataclasses.replace(plan, name="Handlingsplan, reviderad")
    for user in ("SOC", "viewer"):
        with opened_as(db, user) as other, pytest.raises(PermissionDenied):
            plan_repo.save_plan(other, renamed)
    with opened_as(db, "KLF") as coordinator:
        assert plan_repo.save_plan(coordinator, renamed).name == "Handlingsplan, reviderad"


# --- revision -----------------------------------------------------------------------------


def test_revision_starts_a_new_version_and_keeps_the_old_one_readable(db):
    plan_repo.save_followup(db, FollowUp("A1.1", 2023, "started", "Första året"))
    new = plan_repo.revise_plan(db, "2", 2024)
    assert (new.version, new.valid_from, new.valid_to) == ("2", 2024, None)
    assert new.goals == BOTKYRKA_PLAN.goals
    old, current = plan_repo.plan_versions(db)
    assert (old.version, old.valid_from, old.valid_to) == ("1", 2022, 2023)
    assert plan_repo.plan_for_year(db, 2023).version == "1"
    assert plan_repo.plan_for_year(db, 2024).version == "2"
    # editing the new version leaves the old one as it was
    first = current.goals[0]
    edited = dataclasses.replace(current, goals=(dataclasses.replace(first, title="Nytt mål 1"),
                                                 *current.goals[1:]))
    plan_repo.save_plan(db, edited)
    assert plan_repo.load_plan(db, "1").goals[0].title == BOTKYRKA_PLAN.goals[0].title
    assert plan_repo.load_plan(db, "2").goals[0].title == "Nytt mål 1"
    # last year's follow-up is still there, on the old version
    assert [(f.activity_code, f.comment) for f in plan_repo.followups(db, 2023)] == [("A1.1", "Första året")]
    # and this year's follow-up goes to the new version
    plan_repo.save_followup(db, FollowUp("A1.1", 2024, "ongoing"))
    assert plan_repo.followups(db, 2024)[0].status == "ongoing"
    assert [e.action for e in _audit(db, "plan:botkyrka-hrv:2")] == ["update", "create"]


def test_revision_is_refused_over_recorded_years_and_existing_versions(db):
    plan_repo.save_followup(db, FollowUp("A1.1", 2024, "started"))
    with pytest.raises(ValidationError):
        plan_repo.revise_plan(db, "2", 2024)        # 2024 was followed up on version 1
    plan_repo.revise_plan(db, "2", 2025)
    with pytest.raises(ValidationError):
        plan_repo.revise_plan(db, "2", 2026)        # the version exists
    with pytest.raises(ValidationError):
        plan_repo.revise_plan(db, "3", 2025)        # must start after version 2 does
    with opened_as(db, "SOC") as editor, pytest.raises(PermissionDenied):
        plan_repo.revise_plan(editor, "3", 2027)
    assert [p.version for p in plan_repo.plan_versions(db)] == ["1", "2"]


# --- follow-up and carry-over ---------------------------------------------------------------


def _statuses(sheet):
    return {line.activity.code: (line.followup.status, line.followup.carried_from, line.finished_in)
            for line in sheet}


def test_unfinished_activities_carry_over_into_the_next_year(db):
    for code, status in {"A1.1": "started", "A1.2": "done", "A1.3": "cancelled",
                         "A1.4": "ongoing"}.items():
        plan_repo.save_followup(db, FollowUp(code, 2023, status))
    expected = [a.code for a in BOTKYRKA_PLAN.activities if a.code not in ("A1.2", "A1.3")]
    # the sheet shows the carried state before anyone stores it …
    before = _statuses(plan_repo.year_followup(db, 2024))
    assert before["A1.1"] == ("started", 2023, None)
    assert before["A1.2"] == ("not_started", None, 2023)
    # … and starting the year stores it, once
    assert plan_repo.carry_over_to(db, 2024) == expected
    assert plan_repo.carry_over_to(db, 2024) == []
    sheet = plan_repo.year_followup(db, 2024)
    assert _statuses(sheet) == before
    stored = {f.activity_code: f for f in plan_repo.followups(db, 2024)}
    assert list(stored) == expected
    assert (stored["A1.1"].status, stored["A1.4"].status, stored["A2.1"].status) == (
        "started", "ongoing", "not_started")
    assert {f.carried_from for f in stored.values()} == {2023}
    assert {f.comment for f in stored.values()} == {""}
    # carried over is not reported: nobody has reported anything for 2024 yet
    assert sum(line.reported for line in sheet) == 0
    plan_repo.save_followup(db, FollowUp("A1.1", 2024, "done"))
    plan_repo.save_followup(db, FollowUp("A1.4", 2024, "ongoing"))  # the carried status, confirmed
    lines = {line.activity.code: line for line in plan_repo.year_followup(db, 2024)}
    assert sum(line.reported for line in lines.values()) == 2
    assert lines["A1.1"].followup.carried_from is None and "carried" not in lines["A1.1"].status_text


def test_carry_over_follows_the_chain_of_years(db):
    plan_repo.save_followup(db, FollowUp("A1.2", 2022, "done"))
    plan_repo.save_followup(db, FollowUp("A1.1", 2022, "started"))
    plan_repo.save_followup(db, FollowUp("A1.1", 2023, "done"))
    plan_repo.save_followup(db, FollowUp("A1.5", 2023, "started"))
    carried = plan_repo.carry_over_to(db, 2024)
    assert "A1.2" not in carried           # done in 2022, never reopened
    assert "A1.1" not in carried           # done in 2023
    assert "A1.5" in carried
    sheet = _statuses(plan_repo.year_followup(db, 2024))
    assert sheet["A1.2"] == ("not_started", None, 2022)
    # an activity reopened after being done is carried again
    plan_repo.save_followup(db, FollowUp("A1.2", 2024, "started"))
    assert "A1.2" in plan_repo.carry_over_to(db, 2025)


def test_carry_over_into_a_revised_plan_follows_the_activity_codes(db):
    plan_repo.save_followup(db, FollowUp("A3.3", 2023, "ongoing"))
    plan_repo.save_followup(db, FollowUp("A3.2", 2023, "started"))
    plan = plan_repo.revise_plan(db, "2", 2024)
    goal = plan.goals[2]
    plan_repo.save_plan(db, dataclasses.replace(plan, goals=(
        *plan.goals[:2], dataclasses.replace(goal, activities=goal.activities[:2]), plan.goals[3])))
    carried = plan_repo.carry_over_to(db, 2024)
    assert "A3.2" in carried and "A3.3" not in carried     # A3.3 left the plan at revision
    assert plan_repo.followups(db, 2023)[-1].activity_code == "A3.3"


def test_follow_up_is_written_by_the_responsible_administrations(db):
    with opened_as(db, "SOC") as soc:
        # Social Services Committee is responsible for A1.1 (not the lead, A3.1 neither)
        plan_repo.save_followup(soc, FollowUp("A1.1", 2024, "started"))
        plan_repo.save_followup(soc, FollowUp("A3.1", 2024, "ongoing"))
        with pytest.raises(PermissionDenied):
            plan_repo.save_followup(soc, FollowUp("A1.3", 2024, "started"))   # UN and KS
        with pytest.raises(PermissionDenied):
            plan_repo.carry_over_to(soc, 2025)
    with opened_as(db, "UBF") as ubf:
        plan_repo.save_followup(ubf, FollowUp("A1.3", 2024, "done"))
    with opened_as(db, "viewer") as viewer:
        assert len(plan_repo.followups(viewer, 2024)) == 3
        with pytest.raises(PermissionDenied):
            plan_repo.save_followup(viewer, FollowUp("A1.1", 2024, "done"))
    stored = {f.activity_code: f for f in plan_repo.followups(db, 2024)}
    assert stored["A1.1"].updated_by == "editor-soc"
    assert stored["A1.3"].updated_by == "editor-ubf"
    assert stored["A1.1"].updated_at is not None


def test_follow_up_audit_names_the_changed_fields_only(db):
    plan_repo.save_followup(db, FollowUp("A2.3", 2024, "started", "Metodstöd beställt"))
    plan_repo.save_followup(db, FollowUp("A2.3", 2024, "started", "Metodstöd införs i höst"))
    plan_repo.save_followup(db, FollowUp("A2.3", 2024, "started", "Metodstöd införs i höst"))
    entries = _audit(db, "followup:botkyrka-hrv:A2.3:2024")
    assert [(e.action, e.fields) for e in entries] == [("update", ("comment",)),
                                                       ("create", ("comment", "status"))]
    assert "Metodstöd" not in repr(audit.entries(db.conn))


def test_follow_up_comment_with_personal_number_is_rejected(db):
    with pytest.raises(ValidationError) as err:
        plan_repo.save_followup(db, FollowUp("A2.3", 2024, "started", f"Gäller {PERSONAL_NUMBER}"))
    assert PERSONAL_NUMBER not in str(err.value)
    assert plan_repo.followups(db, 2024) == []


def test_follow_up_outside_the_plan_years_is_rejected(db):
    with pytest.raises(ValidationError):
        plan_repo.save_followup(db, FollowUp("A2.3", 2021, "started"))
    with pytest.raises(ValidationError):
        plan_repo.year_followup(db, 2021)


# --- measures -------------------------------------------------------------------------------


def test_measure_values_with_source_and_trend(db):
    for year, value in ((2022, 0.30), (2023, 0.42), (2024, 0.41)):
        plan_repo.save_measure_value(db, MeasureValue("M1.1", year, value))
    overview = {m.measure.code: m for m in plan_repo.measure_overview(db, 2024)}
    m11 = overview["M1.1"]
    assert [(v.year, v.value, v.source) for v in m11.values] == [
        (2022, 0.30, "manual"), (2023, 0.42, "manual"), (2024, 0.41, "manual")]
    assert m11.trend == "up" and not m11.computed_now
    assert plan_repo.measure_overview(db, 2023)[0].value.value == 0.42
    assert overview["M2.1"].value is None and overview["M2.1"].trend is None
    with pytest.raises(ValidationError):
        plan_repo.save_measure_value(db, MeasureValue("M1.1", 2024, 1.5))
    with pytest.raises(ValidationError):
        plan_repo.save_measure_value(db, MeasureValue("M9.9", 2024, 0.5))
    with opened_as(db, "SOC") as editor, pytest.raises(PermissionDenied):
        plan_repo.save_measure_value(editor, MeasureValue("M1.1", 2024, 0.5))
    assert _audit(db, "measure:botkyrka-hrv:M1.1:2024")[0].fields == ("source", "value")


def test_routines_share_is_computed_from_the_register(db):
    import datetime as dt

    assert plan_repo.measure_value_routines(db, 2024) == 0.0
    routines_repo.save_routine(db, routine("SOC", ("UBF", "POL"), adopted=dt.date(2023, 5, 2)))
    routines_repo.save_routine(db, routine("KOF", ("POL",), adopted=dt.date(2024, 2, 1)))
    routines_repo.save_routine(db, routine("AVUX", ("KLF",), status="draft", adopted=None))
    committees = len(COMMITTEE_ADMINISTRATION)
    assert plan_repo.measure_value_routines(db, 2022) == 0.0
    assert plan_repo.measure_value_routines(db, 2023) == pytest.approx(2 / committees)
    assert plan_repo.measure_value_routines(db, 2024) == pytest.approx(3 / committees)
    m31 = next(m for m in plan_repo.measure_overview(db, 2024) if m.measure.code == "M3.1")
    assert m31.computed_now and m31.value.value == pytest.approx(3 / committees)
    assert m31.value.source == "routines_share"
    # recording freezes the year's value
    assert plan_repo.record_computed_values(db, 2024)["M3.1"] == pytest.approx(3 / committees)
    routines_repo.save_routine(db, routine("VOF", ("SOC",), adopted=dt.date(2024, 6, 1)))
    m31 = next(m for m in plan_repo.measure_overview(db, 2024) if m.measure.code == "M3.1")
    assert not m31.computed_now and m31.value.value == pytest.approx(3 / committees)


def test_training_measure_hook_without_training_tables(db, monkeypatch):
    monkeypatch.setattr(plan_repo, "TRAINING_TABLE", "no_such_table")
    assert plan_repo.measure_value_training(db, 2024) is None
    m41 = next(m for m in plan_repo.measure_overview(db, 2024) if m.measure.code == "M4.1")
    assert m41.value is None and m41.measure.source == "training_coverage"
