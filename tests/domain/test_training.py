"""Training coverage, pseudonymisation and the action plan's co-organisation rule."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.training import (
    AggregateAttendance, Completion, Headcount, TrainedCount, Training, attendance_problems,
    count_activity, count_trained, coverage, coverage_all_topics, coverage_from_counts, headcount_problems,
    normalise_identifier, pseudonymise, training_problems, trend, validity_window, vpc_rule_broken,
    vpc_rule_warning,
)
from hrvdesk.i18n import set_language

ADMINS = {"KLF": "Kommunledningsförvaltningen", "UBF": "Utbildningsförvaltningen",
          "SOC": "Socialförvaltningen"}
HRV_WEB = Training(1, "Grundkurs heder", frozenset({"hrv"}), "web", dt.date(2020, 1, 1))
FGM_DAY = Training(2, "Könsstympning", frozenset({"fgm"}), "classroom", dt.date(2020, 1, 1))
BOTH = Training(3, "Heder och könsstympning", frozenset({"hrv", "fgm"}), "conference",
                dt.date(2020, 1, 1))
TRAININGS = (HRV_WEB, FGM_DAY, BOTH)
KEY = bytes(range(32))


def done(person, admin, when, training=1, unit=None):
    return Completion(person, admin, unit, training, when)


def hrv(year, completions, headcounts=(), **kw):
    return coverage(year, "hrv", completions, TRAININGS, headcounts, ADMINS, **kw)


def row(result, code):
    return next(a for a in result.administrations if a.code == code)


# --- the validity window ----------------------------------------------------------------------


@pytest.mark.parametrize("when, counted", [
    (dt.date(2022, 12, 31), False),   # the year before the window
    (dt.date(2023, 1, 1), True),      # first day of the window (2025 - 3 + 1)
    (dt.date(2025, 12, 31), True),    # last day of the year
    (dt.date(2026, 1, 1), False),     # after the year
])
def test_window_boundaries(when, counted):
    result = hrv(2025, [done("p", "UBF", when)])
    assert row(result, "UBF").trained == (1 if counted else 0)
    assert result.total.trained == (1 if counted else 0)


def test_window_follows_validity_years():
    assert validity_window(2025, 1) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    record = [done("p", "UBF", dt.date(2024, 6, 1))]
    assert hrv(2025, record, validity_years=1).total.trained == 0
    assert hrv(2025, record, validity_years=2).total.trained == 1
    with pytest.raises(ValueError):
        validity_window(2025, 0)


# --- who counts where --------------------------------------------------------------------------


def test_person_counted_once_despite_many_completions():
    records = [done("p", "UBF", dt.date(2024, m, 1)) for m in (1, 5, 9)]
    records.append(done("p", "UBF", dt.date(2025, 2, 1), training=3))
    result = hrv(2025, records)
    assert row(result, "UBF").trained == 1
    assert result.total.trained == 1


def test_person_moving_between_administrations_belongs_to_latest():
    records = [done("p", "UBF", dt.date(2023, 3, 1), unit="Skolan"),
               done("p", "SOC", dt.date(2025, 4, 1), unit="Barn och unga")]
    result = hrv(2025, records)
    assert (row(result, "UBF").trained, row(result, "SOC").trained) == (0, 1)
    assert [(u.unit, u.trained) for u in row(result, "SOC").units] == [("Barn och unga", 1)]
    # in 2024 the later record does not exist yet: the person was at UBF
    earlier = hrv(2024, records)
    assert (row(earlier, "UBF").trained, row(earlier, "SOC").trained) == (1, 0)


def test_later_record_of_other_topic_does_not_move_person():
    records = [done("p", "UBF", dt.date(2024, 3, 1)),
               done("p", "SOC", dt.date(2025, 3, 1), training=2)]  # fgm only
    result = hrv(2025, records)
    assert (row(result, "UBF").trained, row(result, "SOC").trained) == (1, 0)


def test_topic_filter():
    records = [done("a", "UBF", dt.date(2025, 1, 1), training=1),
               done("b", "UBF", dt.date(2025, 1, 1), training=2),
               done("c", "UBF", dt.date(2025, 1, 1), training=3)]
    hrv_result = coverage(2025, "hrv", records, TRAININGS, [], ADMINS)
    fgm_result = coverage(2025, "könsstympning", records, TRAININGS, [], ADMINS)
    dv_result = coverage(2025, "DV", records, TRAININGS, [], ADMINS)
    assert (hrv_result.total.trained, fgm_result.total.trained, dv_result.total.trained) == (2, 2, 0)
    assert fgm_result.topic == "fgm"
    with pytest.raises(ValidationError):
        coverage(2025, "cooking", records, TRAININGS, [], ADMINS)


def test_completion_of_unknown_training_does_not_qualify():
    assert hrv(2025, [done("p", "UBF", dt.date(2025, 1, 1), training=99)]).total.trained == 0


def test_units_only_where_known():
    records = [done("a", "UBF", dt.date(2025, 1, 1), unit="Skolan"),
               done("b", "UBF", dt.date(2025, 1, 1), unit="skolan "),
               done("c", "UBF", dt.date(2025, 1, 1), unit="Förskolan"),
               done("d", "UBF", dt.date(2025, 1, 1))]
    units = row(hrv(2025, records), "UBF").units
    # one unit however it is spelt (spaces, letter case), named by the first spelling in order
    assert {(u.unit, u.trained) for u in units} == {("Skolan", 2), ("Förskolan", 1)}
    assert sum(u.trained for u in units) == 3  # the person without a unit is not in a unit


def test_unit_coverage_against_the_units_own_headcount():
    """Skolan: 2 of 8 staff trained (25 %), 2 of its 4 who work with children (50 %);
    Förskolan has a figure but nobody trained (0 %); Fritids has trained staff but no figure
    (unknown, not 0 %); a unit figure is not the administration's."""
    records = [done("a", "UBF", dt.date(2025, 1, 1), unit="Skolan"),
               done("b", "UBF", dt.date(2025, 2, 1), unit=" skolan"),
               done("c", "UBF", dt.date(2025, 3, 1), unit="Fritids")]
    heads = [Headcount(2025, "UBF", 40, 20), Headcount(2025, "UBF", 8, 4, unit="SKOLAN"),
             Headcount(2025, "UBF", 5, None, unit="Förskolan"),
             Headcount(2024, "UBF", 9, 9, unit="Fritids")]   # another year: not this one's
    ubf = row(hrv(2025, records, heads), "UBF")
    assert (ubf.trained, ubf.headcount, ubf.coverage, ubf.target_coverage) == (3, 40, 0.075, 0.15)
    units = {u.unit: (u.trained, u.headcount, u.coverage, u.target_group, u.target_coverage)
             for u in ubf.units}
    assert units == {"SKOLAN": (2, 8, 0.25, 4, 0.5), "Förskolan": (0, 5, 0.0, None, None),
                     "Fritids": (1, None, None, None, None)}
    assert [u.unit for u in ubf.units] == ["Fritids", "Förskolan", "SKOLAN"]
    assert row(hrv(2025, records, heads[1:]), "UBF").headcount is None  # units do not add up to it
    as_json = json.loads(json.dumps(hrv(2025, records, heads).to_json_dict()))
    fritids = next(u for a in as_json["administrations"] for u in a["units"] if u["unit"] == "Fritids")
    assert fritids == {"unit": "Fritids", "trained": 1, "headcount": None, "coverage": None,
                       "target_group": None, "target_coverage": None}


# --- headcount ----------------------------------------------------------------------------------


def test_every_registered_administration_listed_and_missing_headcount_flagged():
    result = hrv(2025, [done("p", "UBF", dt.date(2025, 1, 1))],
                 [Headcount(2025, "UBF", 4, 2)])
    assert [a.code for a in result.administrations] == list(ADMINS)
    soc = row(result, "SOC")
    assert (soc.headcount, soc.coverage, soc.ensured) == (None, None, None)
    ubf = row(result, "UBF")
    assert (ubf.headcount, ubf.target_group, ubf.coverage, ubf.ensured) == (4, 2, 0.25, False)


def test_headcount_of_other_year_not_used():
    result = hrv(2025, [done("p", "UBF", dt.date(2025, 1, 1))], [Headcount(2024, "UBF", 4)])
    assert row(result, "UBF").headcount is None


def test_later_headcount_figure_replaces_earlier():
    result = hrv(2025, [done("p", "UBF", dt.date(2025, 1, 1))],
                 [Headcount(2025, "UBF", 10), Headcount(2025, "UBF", 2)])
    assert row(result, "UBF").coverage == 0.5


def test_zero_headcount_never_divides():
    result = hrv(2025, [done("p", "KLF", dt.date(2025, 1, 1))], [Headcount(2025, "KLF", 0)])
    klf = row(result, "KLF")
    assert (klf.trained, klf.headcount, klf.coverage, klf.ensured) == (1, 0, None, None)
    assert result.total.coverage is None
    assert result.total.ensured_share is None


def test_threshold_and_share_of_administrations_ensured():
    records = ([done(f"u{i}", "UBF", dt.date(2025, 1, 1)) for i in range(8)]
               + [done(f"s{i}", "SOC", dt.date(2025, 1, 1)) for i in range(3)]
               + [done("k", "KLF", dt.date(2025, 1, 1))])
    heads = [Headcount(2025, "UBF", 10), Headcount(2025, "SOC", 10)]  # KLF: no headcount
    result = hrv(2025, records, heads)
    assert row(result, "UBF").ensured is True          # exactly 0.8 is ensured
    assert row(result, "SOC").ensured is False
    t = result.total
    assert (t.trained, t.headcount, t.trained_with_headcount) == (12, 20, 11)
    assert t.coverage == pytest.approx(11 / 20)       # KLF's person does not inflate it
    assert (t.administrations_with_headcount, t.administrations_ensured, t.ensured_share) == (2, 1, 0.5)
    assert hrv(2025, records, heads, threshold=0.3).total.ensured_share == 1.0


def test_coverage_of_target_group_beside_whole_headcount():
    # UBF: 8 trained of 40 staff, target group 10 -> 0.2 of all, 0.8 of the group (ensured).
    # SOC: 3 trained of 10 staff, target group 6 -> 0.3 / 0.5 (not ensured).
    # KLF: 2 trained of 4 staff, no target-group figure -> no target coverage at all.
    records = ([done(f"u{i}", "UBF", dt.date(2025, 1, 1)) for i in range(8)]
               + [done(f"s{i}", "SOC", dt.date(2025, 1, 1)) for i in range(3)]
               + [done(f"k{i}", "KLF", dt.date(2025, 1, 1)) for i in range(2)])
    heads = [Headcount(2025, "UBF", 40, 10), Headcount(2025, "SOC", 10, 6),
             Headcount(2025, "KLF", 4)]
    result = hrv(2025, records, heads)
    ubf, soc, klf = row(result, "UBF"), row(result, "SOC"), row(result, "KLF")
    assert (ubf.coverage, ubf.target_coverage, ubf.target_ensured) == (0.2, 0.8, True)
    assert (soc.coverage, soc.target_coverage, soc.target_ensured) == (0.3, 0.5, False)
    assert (klf.coverage, klf.target_coverage, klf.target_ensured) == (0.5, None, None)
    t = result.total
    assert t.target_coverage == pytest.approx(11 / 16)  # KLF not counted against its staff
    assert (t.administrations_with_target_group, t.administrations_target_ensured) == (2, 1)
    data = result.to_json_dict()
    assert list(data["administrations"][0])[:5] == ["code", "name", "trained", "headcount",
                                                   "coverage"]
    assert data["total"]["target_coverage"] == round(11 / 16, 4)


def test_combined_measure_counts_only_persons_trained_in_every_topic():
    records = [done("a", "UBF", dt.date(2024, 5, 1), training=1),   # a: hrv then fgm -> both
               done("a", "SOC", dt.date(2025, 2, 1), training=2),   # ... latest record in SOC
               done("b", "UBF", dt.date(2025, 1, 1), training=3),   # b: one training, both
               done("c", "UBF", dt.date(2025, 1, 1), training=1),   # c: hrv only
               done("d", "UBF", dt.date(2021, 1, 1), training=2),   # d: fgm outside the window
               done("d", "UBF", dt.date(2025, 1, 1), training=1)]
    heads = [Headcount(2025, "UBF", 4, 2), Headcount(2025, "SOC", 2)]
    both = coverage_all_topics(2025, ["hrv", "könsstympning"], records, TRAININGS, heads, ADMINS)
    assert both.topic == "hrv+fgm"
    assert [(a.code, a.trained) for a in both.administrations if a.trained] == [("UBF", 1), ("SOC", 1)]
    assert (row(both, "UBF").coverage, row(both, "UBF").target_coverage) == (0.25, 0.5)
    assert row(both, "SOC").coverage == 0.5
    assert hrv(2025, records, heads).total.trained == 4     # each topic alone beside it
    assert coverage_all_topics(2025, ["dv", "hrv"], records, TRAININGS, heads,
                               ADMINS).total.trained == 0
    with pytest.raises(ValidationError):
        coverage_all_topics(2025, ["hrv", "cooking"], records, TRAININGS, heads, ADMINS)


# --- aggregate attendance -------------------------------------------------------------------


def test_aggregate_attendance_only_in_activity_figures():
    records = [done("p", "UBF", dt.date(2025, 2, 1)), done("p", "UBF", dt.date(2024, 2, 1))]
    heads = [Headcount(2025, "UBF", 10)]
    attendance = [AggregateAttendance(1, "UBF", 40, dt.date(2025, 5, 1)),
                  AggregateAttendance(1, "SOC", 7, dt.date(2025, 5, 1)),
                  AggregateAttendance(2, "SOC", 5, dt.date(2025, 5, 1)),   # other topic
                  AggregateAttendance(1, "SOC", 9, dt.date(2024, 5, 1))]   # other year
    without = hrv(2025, records, heads)
    with_attendance = hrv(2025, records, heads, attendance=attendance)
    assert [a.trained for a in with_attendance.administrations] == \
        [a.trained for a in without.administrations]
    assert with_attendance.total.coverage == without.total.coverage == 0.1
    assert row(with_attendance, "UBF").activity.completions == 1   # only 2025's completion
    assert row(with_attendance, "UBF").activity.attendance == 40
    assert row(with_attendance, "SOC").activity.attendance == 7
    assert with_attendance.total.activity.participants == 48


# --- records outside the register -----------------------------------------------------------


def test_unregistered_administration_kept_so_rows_add_up():
    result = hrv(2025, [done("p", "XYZ", dt.date(2025, 1, 1)), done("q", "UBF", dt.date(2025, 1, 1))])
    assert [a.code for a in result.administrations] == [*ADMINS, "XYZ"]
    assert row(result, "XYZ").registered is False
    assert result.total.trained == 2


# --- JSON contract (cli.md) -------------------------------------------------------------------


def test_json_shape_matches_cli_contract():
    records = [done(f"p{i}", "UBF", dt.date(2025, 1, 1)) for i in range(412)]
    result = hrv(2025, records, [Headcount(2025, "UBF", 2980)])
    data = json.loads(json.dumps(result.to_json_dict()))
    assert list(data)[:5] == ["year", "topic", "validity_years", "administrations", "total"]
    assert (data["year"], data["topic"], data["validity_years"]) == (2025, "hrv", 3)
    ubf = next(a for a in data["administrations"] if a["code"] == "UBF")
    assert list(ubf)[:5] == ["code", "name", "trained", "headcount", "coverage"]
    assert ubf["name"] == "Utbildningsförvaltningen"
    assert (ubf["trained"], ubf["headcount"], ubf["coverage"]) == (412, 2980, 0.1383)
    soc = next(a for a in data["administrations"] if a["code"] == "SOC")
    assert (soc["trained"], soc["headcount"], soc["coverage"]) == (0, None, None)
    assert list(data["total"])[:3] == ["trained", "headcount", "coverage"]
    assert (data["total"]["trained"], data["total"]["headcount"],
            data["total"]["coverage"]) == (412, 2980, 0.1383)


# --- trend ------------------------------------------------------------------------------------


def test_trend_per_year():
    records = [done("a", "UBF", dt.date(2021, 6, 1)), done("b", "UBF", dt.date(2023, 6, 1))]
    results = trend([2025, 2022, 2023, 2024, 2023], "hrv", iter(records), TRAININGS,
                    iter([Headcount(y, "UBF", 2) for y in range(2020, 2026)]), ADMINS)
    assert [r.year for r in results] == [2022, 2023, 2024, 2025]
    assert [r.total.trained for r in results] == [1, 2, 1, 1]
    assert [row(r, "UBF").coverage for r in results] == [0.5, 1.0, 0.5, 0.5]
    assert results[1] == hrv(2023, records, [Headcount(2023, "UBF", 2)])


# --- properties ---------------------------------------------------------------------------------

dates = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2027, 12, 31))
completions = st.lists(st.builds(
    Completion,
    person_key=st.sampled_from([f"p{i}" for i in range(12)]),
    administration=st.sampled_from([*ADMINS, "XYZ"]),
    unit=st.sampled_from([None, "Skolan", "Förskolan"]),
    training_id=st.sampled_from([1, 2, 3, 4]),
    completed_date=dates), max_size=40)


@settings(max_examples=200, deadline=None)
@given(records=completions, year=st.integers(2019, 2027), validity=st.integers(1, 4),
       topic=st.sampled_from(["hrv", "fgm", "dv"]), seed=st.integers(0, 1000))
def test_counts_are_distinct_qualifying_persons(records, year, validity, topic, seed):
    topic_ids = {t.id for t in TRAININGS if topic in t.topics}
    expected = {c.person_key for c in records
                if c.training_id in topic_ids and year - validity < c.completed_date.year <= year}
    result = coverage(year, topic, records, TRAININGS, [], ADMINS, validity_years=validity)
    assert result.total.trained == len(expected)
    assert sum(a.trained for a in result.administrations) == result.total.trained
    for a in result.administrations:
        assert sum(u.trained for u in a.units) <= a.trained
    shuffled = list(records)
    random.Random(seed).shuffle(shuffled)
    assert coverage(year, topic, shuffled, TRAININGS, [], ADMINS,
                    validity_years=validity) == result
    if validity > 1:
        shorter = coverage(year, topic, records, TRAININGS, [], ADMINS,
                           validity_years=validity - 1)
        assert shorter.total.trained <= result.total.trained


# --- pseudonymisation ---------------------------------------------------------------------------


def test_pseudonym_is_stable_and_normalised():
    p = pseudonymise("Anna.Larsson@botkyrka.se", KEY)
    assert len(p) == 64 and int(p, 16) >= 0
    assert pseudonymise(" anna.larsson@BOTKYRKA.se\xa0", KEY) == p
    assert pseudonymise("anna.larsson @botkyrka.se", KEY) == p
    assert "anna" not in p.lower()
    assert pseudonymise("12 345", KEY) == pseudonymise("12345", KEY)
    assert pseudonymise("12345", KEY) != pseudonymise("12346", KEY)
    # the decomposed and the composed form of "ö" are one person
    assert pseudonymise("o\u0308berg@x.se", KEY) == pseudonymise("\u00f6berg@x.se", KEY)


def test_employee_number_case_and_spaces_are_one_person():
    p = pseudonymise("E99001", KEY)
    assert pseudonymise("e99001", KEY) == p
    assert pseudonymise(" e99001\t", KEY) == p
    assert pseudonymise("E99001", KEY) != pseudonymise("E99002", KEY)
    assert normalise_identifier(" e99001 ") == "E99001"
    assert normalise_identifier(" Anna.Larsson@Botkyrka.SE ") == "anna.larsson@botkyrka.se"


def test_pseudonym_depends_on_key():
    other = bytes(reversed(range(32)))
    assert pseudonymise("12345", KEY) != pseudonymise("12345", other)


def test_pseudonymise_rejects_bad_input():
    with pytest.raises(ValueError):
        pseudonymise("12345", b"short")
    with pytest.raises(ValueError):
        pseudonymise("  \t ", KEY)


# --- violence-prevention centre rule ------------------------------------------------------------


def training(admins, vpc=False, topics=("hrv",)):
    return Training(9, "Heder i skolan", frozenset(topics), "classroom", dt.date(2025, 3, 1),
                    organiser="UBF", administrations=tuple(admins), vpc_coorganised=vpc)


@pytest.mark.parametrize("admins, vpc, topics, broken", [
    (["UBF"], False, ("hrv",), False),
    (["UBF", "SOC"], False, ("hrv",), True),
    (["UBF", "SOC"], True, ("hrv",), False),
    (["UBF", "UBF"], False, ("hrv",), False),        # one administration listed twice
    (["UBF", "SOC"], False, ("hrv", "fgm"), True),
    (["UBF", "SOC"], False, ("dv",), False),         # the rule is about HRV training
])
def test_vpc_rule(admins, vpc, topics, broken):
    assert vpc_rule_broken(training(admins, vpc, topics)) is broken
    assert (vpc_rule_warning(training(admins, vpc, topics)) is not None) is broken


def test_vpc_warning_is_translated():
    t = training(["UBF", "SOC", "KOF"])
    try:
        set_language("en")
        english = vpc_rule_warning(t)
        set_language("sv")
        swedish = vpc_rule_warning(t)
    finally:
        set_language("sv")
    assert "Heder i skolan" in english and "3" in english
    assert "Heder i skolan" in swedish and "3" in swedish
    assert swedish != english


# --- the two steps apart, and checking records as entered -----------------------------------


def test_counts_then_coverage_is_the_same_as_coverage_from_records():
    records = [done("a", "UBF", dt.date(2024, 1, 1), unit="Skolan"),
               done("a", "SOC", dt.date(2025, 1, 1), training=3),
               done("b", "SOC", dt.date(2025, 1, 1), training=2),     # fgm only
               done("c", "KLF", dt.date(2021, 1, 1))]                 # outside the window
    counted = count_trained(records, {1, 3}, dt.date(2023, 1, 1), dt.date(2025, 12, 31))
    assert counted == [TrainedCount("SOC", None, 1)]
    heads = [Headcount(2025, "SOC", 4)]
    activity = count_activity(2025, {1, 3}, records, [])
    assert coverage_from_counts(2025, "hrv", counted, activity, heads, ADMINS) == hrv(2025, records, heads)


@pytest.mark.parametrize("change, field", [
    ({"title": " "}, "title"), ({"topics": frozenset()}, "topics"), ({"topics": {"x"}}, "topics"),
    ({"format": "radio"}, "format"), ({"end_date": dt.date(2019, 12, 31)}, "end date"),
    ({"hours": Decimal("-0.5")}, "hours"), ({"hours": Decimal("NaN")}, "hours"),
])
def test_training_problems_name_the_field(change, field):
    set_language("en")
    assert training_problems(HRV_WEB) == []
    assert [p.field for p in training_problems(Training(**{**HRV_WEB.__dict__, **change}))] == [field]


def test_headcount_and_attendance_problems():
    set_language("en")
    assert headcount_problems(Headcount(2025, "UBF", 10, 10)) == []
    assert [p.field for p in headcount_problems(Headcount(2025, "UBF", -1))] == ["headcount"]
    assert [p.field for p in headcount_problems(Headcount(2025, "UBF", 10, 11))] == ["target group"]
    assert [p.field for p in headcount_problems(Headcount(25, "UBF", 10))] == ["year"]
    assert attendance_problems(AggregateAttendance(1, "UBF", 1, dt.date(2025, 1, 1))) == []
    assert [p.field for p in attendance_problems(AggregateAttendance(1, "UBF", 0, dt.date(2025, 1, 1)))] == \
        ["participants"]
