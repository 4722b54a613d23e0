"""The action plan: the seeded Botkyrka structure, validation, carry-over, trend, revision."""

from __future__ import annotations

import dataclasses

import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.plan import (
    FOLLOWUP_STATUSES, Activity, FollowUp, MeasureValue, carry_over, changes_since, next_revision,
    revise, trend,
    validate_activity, validate_followup, validate_measure_value, validate_plan,
)
from hrvdesk.domain.plan_seed import BOTKYRKA_PLAN, COMMITTEE_ADMINISTRATION, COMMITTEES, PARTNERS

PLAN = BOTKYRKA_PLAN
# import-formats.md, "Administrations"
SPEC_ADMINISTRATIONS = {"KLF", "UBF", "SOC", "AVUX", "KOF", "SBF", "VOF"}
PERSONAL_NUMBER = "19121212-1212"  # the Tax Agency's well-known test number


# --- the seeded plan ------------------------------------------------------------------


def test_seed_has_four_goals_and_eighteen_activities():
    assert [g.number for g in PLAN.goals] == [1, 2, 3, 4]
    # Section 4 of the plan: 6 + 5 + 3 + 4 activity rows under the four goals.
    assert [len(g.activities) for g in PLAN.goals] == [6, 5, 3, 4]
    assert len(PLAN.activities) == 18
    assert len({a.code for a in PLAN.activities}) == 18


def test_seed_measures_follow_section_4():
    assert [len(g.measures) for g in PLAN.goals] == [1, 2, 2, 1]
    sources = {m.code: m.source for m in PLAN.measures}
    assert sources.pop("M3.1") == "routines_share"
    assert sources.pop("M4.1") == "training_coverage"
    assert set(sources.values()) == {"manual"}
    assert {m.unit for m in PLAN.measures} == {"share"}


def test_every_seeded_activity_is_led_by_one_of_its_responsible_committees():
    for activity in PLAN.activities:
        assert activity.lead in activity.responsible, activity.code
        assert set(activity.responsible) <= set(COMMITTEES.values), activity.code
        assert set(activity.partners) <= set(PARTNERS.values), activity.code
    validate_plan(PLAN, COMMITTEES.values)


def test_activities_for_all_committees_include_every_committee():
    staff_training = PLAN.activity("A4.2")
    assert set(staff_training.responsible) == set(COMMITTEES.values)
    assert staff_training.lead == "KS"


def test_every_committee_maps_to_a_registered_administration():
    assert set(COMMITTEE_ADMINISTRATION) == set(COMMITTEES.values)
    assert set(COMMITTEE_ADMINISTRATION.values()) == SPEC_ADMINISTRATIONS
    assert COMMITTEE_ADMINISTRATION[COMMITTEES.parse("Socialnämnden")] == "SOC"


def test_seeded_titles_are_translated_into_swedish():
    titles = [PLAN.name] + [g.title for g in PLAN.goals]
    titles += [x.title for x in PLAN.measures + PLAN.activities]
    i18n.set_language("sv")
    assert [t for t in titles if i18n._(t) == t] == []


# --- validation -----------------------------------------------------------------------


def test_lead_outside_the_responsible_committees_is_rejected():
    activity = Activity("X1", "t", responsible=("SN", "UN"), lead="KS")
    with pytest.raises(ValidationError) as err:
        validate_activity(activity)
    assert [p.field for p in err.value.problems] == ["X1"]


def test_unknown_and_repeated_committees_are_rejected():
    activity = Activity("X1", "t", responsible=("SN", "SN", "XX"), lead="SN")
    validate_activity(dataclasses.replace(activity, responsible=("SN", "XX")))  # no register
    with pytest.raises(ValidationError) as err:
        validate_activity(activity, COMMITTEES.values)
    assert len(err.value.problems) == 2


def test_plan_with_a_repeated_code_is_rejected():
    goal = PLAN.goals[0]
    twice = dataclasses.replace(goal, activities=goal.activities + goal.activities[:1])
    broken = dataclasses.replace(PLAN, goals=(twice,) + PLAN.goals[1:])
    with pytest.raises(ValidationError):
        validate_plan(broken)


def test_followup_validation():
    validate_followup(FollowUp("A3.3", 2023, "ongoing", comment="Två föräldragrupper"), PLAN)
    with pytest.raises(ValidationError) as err:
        validate_followup(FollowUp("A9.9", 2021, "finished",
                                   comment=f"gäller {PERSONAL_NUMBER}"), PLAN)
    assert {p.field for p in err.value.problems} == {"activity", "year", "status", "comment"}
    assert PERSONAL_NUMBER not in str(err.value)


@pytest.mark.parametrize("code, value, ok", [
    ("M3.1", 0.0, True), ("M3.1", 1.0, True), ("M3.1", 1.2, False), ("M3.1", -0.1, False),
    ("M9.9", 0.5, False),
])
def test_measure_value_must_fit_the_unit(code, value, ok):
    record = MeasureValue(code, 2023, value)
    if ok:
        validate_measure_value(record, PLAN)
    else:
        with pytest.raises(ValidationError):
            validate_measure_value(record, PLAN)


def test_count_measure_takes_whole_numbers_only():
    goal = PLAN.goals[0]
    counted = dataclasses.replace(goal.measures[0], unit="count")
    plan = dataclasses.replace(PLAN, goals=(dataclasses.replace(goal, measures=(counted,)),))
    validate_measure_value(MeasureValue("M1.1", 2023, 12), plan)
    for bad in (2.5, -1, float("nan")):
        with pytest.raises(ValidationError):
            validate_measure_value(MeasureValue("M1.1", 2023, bad), plan)


# --- carry-over -----------------------------------------------------------------------


def _followups(year: int, **statuses: str) -> list[FollowUp]:
    return [FollowUp(code.replace("_", "."), year, status) for code, status in statuses.items()]


def test_unfinished_activities_carry_over_to_next_year():
    followups = _followups(2023, A1_1="done", A1_2="ongoing", A1_3="cancelled",
                           A1_4="not_started", A1_5="started")
    assert carry_over(followups) == ["A1.2", "A1.4", "A1.5"]


def test_activities_without_followup_carry_over_in_plan_order():
    followups = _followups(2023, A1_2="done", A3_3="ongoing")
    codes = [a.code for a in PLAN.activities]
    carried = carry_over(followups, codes)
    assert len(carried) == 17 and "A1.2" not in carried
    assert carried == [c for c in codes if c != "A1.2"]


def test_carry_over_refuses_mixed_years_and_repeated_activities():
    with pytest.raises(ValueError):
        carry_over(_followups(2023, A1_1="done") + _followups(2024, A1_2="done"))
    with pytest.raises(ValueError):
        carry_over(_followups(2023, A1_1="done") + _followups(2023, A1_1="ongoing"))


def test_followup_status_labels_are_translated():
    try:
        i18n.set_language("sv")
        swedish = {FOLLOWUP_STATUSES.label(s) for s in FOLLOWUP_STATUSES.values}
        i18n.set_language("en")
        english = {FOLLOWUP_STATUSES.label(s) for s in FOLLOWUP_STATUSES.values}
    finally:
        i18n.set_language("sv")
    assert len(swedish) == len(english) == 5
    assert not swedish & english


# --- trend ----------------------------------------------------------------------------


def _series(*values: float, first_year: int = 2022) -> list[MeasureValue]:
    return [MeasureValue("M3.1", first_year + i, v) for i, v in enumerate(values)]


def test_trend_follows_the_whole_series_not_the_last_step():
    assert trend(_series(0.2, 0.6, 0.5)) == "up"          # last step falls
    assert trend(_series(0.8, 0.3, 0.4)) == "down"        # last step rises
    assert trend(list(reversed(_series(0.1, 0.3)))) == "up"  # input order does not matter


def test_trend_of_equal_values_is_flat_and_needs_two_years():
    assert trend(_series(0.1, 0.1, 0.1, 0.1)) == "flat"
    assert trend(_series(0.50, 0.51), tolerance=0.02) == "flat"
    assert trend(_series(0.4)) is None
    assert trend([]) is None


def test_trend_refuses_mixed_measures_and_repeated_years():
    with pytest.raises(ValueError):
        trend(_series(0.1, 0.2) + [MeasureValue("M4.1", 2025, 0.3)])
    with pytest.raises(ValueError):
        trend(_series(0.1) + _series(0.2))


# --- revision -------------------------------------------------------------------------


def test_revision_closes_the_old_version_and_copies_the_structure():
    old, new = revise(PLAN, "2", 2024)
    assert (old.version, old.valid_from, old.valid_to) == ("1", 2022, 2023)
    assert (new.version, new.valid_from, new.valid_to) == ("2", 2024, None)
    assert new.id == old.id and new.goals == PLAN.goals
    assert PLAN.valid_to is None  # the seeded object itself is untouched


def test_followups_belong_to_the_version_in_force():
    old, new = revise(PLAN, "2", 2024)
    validate_followup(FollowUp("A1.1", 2023, "done"), old)
    validate_followup(FollowUp("A1.1", 2024, "done"), new)
    with pytest.raises(ValidationError):
        validate_followup(FollowUp("A1.1", 2024, "done"), old)
    with pytest.raises(ValidationError):
        validate_followup(FollowUp("A1.1", 2023, "done"), new)


@pytest.mark.parametrize("version, year", [("1", 2024), ("2", 2022), ("2", 2021)])
def test_revision_needs_a_new_version_after_the_start(version, year):
    with pytest.raises(ValidationError):
        revise(PLAN, version, year)


def test_closed_plan_cannot_be_revised_after_its_end():
    old, _ = revise(PLAN, "2", 2024)
    with pytest.raises(ValidationError):
        revise(old, "3", 2026)


@pytest.mark.parametrize("year, due", [(2022, 2024), (2024, 2024), (2025, 2026), (2026, 2026),
                                       (2027, 2028)])
def test_the_plan_may_be_revised_every_other_year_from_2024(year, due):
    """Plan §8.1: "Möjlighet till revidering … vartannat år … Första tillfälle … är 2024"."""
    assert next_revision(BOTKYRKA_PLAN.adopted_year, year) == due


def test_what_a_revision_changed():
    old, new = revise(BOTKYRKA_PLAN, "2", 2025)
    goal = new.goals[0]
    extra = Activity("A1.9", "Ny aktivitet", ("SN",), "SN")
    changed = dataclasses.replace(new, goals=(dataclasses.replace(
        goal, activities=(*goal.activities[1:], extra)), *new.goals[1:]))
    assert changes_since(old, changed) == (["A1.9"], [goal.activities[0].code])
