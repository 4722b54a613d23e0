"""The departure timing of the national table: the municipality's school holidays, Swedish
defaults where none were entered, and the rule for month-only and missing dates."""

from __future__ import annotations

import datetime as dt

import pytest

from hrvdesk.domain.school_holidays import (KINDS, HolidayCalendar, Holiday, SchoolYear,
                                            default_school_year, departure_timing,
                                            easter_sunday, school_year_problems)


@pytest.mark.parametrize("year, easter", [(2024, dt.date(2024, 3, 31)), (2025, dt.date(2025, 4, 20)),
                                          (2026, dt.date(2026, 4, 5)), (2038, dt.date(2038, 4, 25))])
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_the_default_year_has_every_holiday_in_order_and_is_valid():
    year = default_school_year(2025)
    assert [h.kind for h in year.holidays] == list(KINDS) and year.default
    assert school_year_problems(year) == []
    assert year.holiday("summer").start.month == 6 and year.holiday("summer").end.month == 8
    assert year.holiday("autumn").start.isocalendar().week in (43, 44)


@pytest.mark.parametrize("departure, status, timing", [
    ("2026-07-01", "abroad", "summer_holiday"),
    ("2026-07", "abroad", "summer_holiday"),          # the whole month is summer holiday
    ("2026-06", "abroad", "unknown"),                 # part term, part holiday
    ("2025-11-04", "returned", "school_term"),
    ("2025-12-27", "abroad", "other_school_holiday"),
    ("2026-04-07", "abroad", "other_school_holiday"),  # the week after Easter 2026
    (None, "at_risk", "not_departed"),
    (None, "abroad", "unknown"),
])
def test_departure_timing(departure, status, timing):
    assert departure_timing(departure, status) == timing


def test_the_municipalitys_own_dates_win_over_the_defaults():
    own = SchoolYear(2025, tuple(
        Holiday(h.kind, h.start + dt.timedelta(days=7), h.end + dt.timedelta(days=7))
        if h.kind == "autumn" else h for h in default_school_year(2025).holidays))
    default_autumn = default_school_year(2025).holiday("autumn").start
    assert departure_timing(default_autumn.isoformat(), "abroad") == "other_school_holiday"
    calendar = HolidayCalendar({2025: own})
    assert departure_timing(default_autumn.isoformat(), "abroad", calendar) == "school_term"


def test_an_entered_year_with_overlapping_or_reversed_holidays_is_refused():
    year = default_school_year(2025)
    christmas = year.holiday("christmas")
    broken = SchoolYear(2025, tuple(Holiday("christmas", christmas.end, christmas.start)
                                    if h.kind == "christmas" else
                                    Holiday("sports", christmas.start, christmas.end)
                                    if h.kind == "sports" else h for h in year.holidays))
    assert len(school_year_problems(broken)) >= 2


@pytest.mark.parametrize("kind", KINDS)
def test_the_first_and_last_day_of_each_holiday_count_and_the_days_around_do_not(kind):
    holiday = default_school_year(2025).holiday(kind)
    expected = "summer_holiday" if kind == "summer" else "other_school_holiday"
    for day in (holiday.start, holiday.end):
        assert departure_timing(day.isoformat(), "abroad") == expected
    for day in (holiday.start - dt.timedelta(days=1), holiday.end + dt.timedelta(days=1)):
        assert departure_timing(day.isoformat(), "abroad") == "school_term"
