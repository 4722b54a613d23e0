"""The national tables counted from cases: ids, categories, margins, periods, status."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pytest
from hypothesis import given, settings, strategies as st

from hrvdesk import i18n
from tests.domain.strategies import abroad_cases
from hrvdesk.domain.abroad import AbroadCase, StatusChange
from hrvdesk.domain.abroad_stats import (TABLE_IDS, Period, build_tables, category_label,
                                         dimension_title, table_title)
from hrvdesk.domain.codes import PURPOSES

KINDS = {"SOC": "social_services", "UBF": "education", "KLF": "other"}
YEAR = Period.for_year(2025)


def case(id, reported_by, known, gender, birth_year, purposes, honour_link, destination,
         status, married=False, actions=()):
    return AbroadCase(id=id, reported_by=reported_by, known_date=known, gender=gender,
                      birth_year=birth_year, purposes=purposes, honour_link=honour_link,
                      destination=destination, status=status, reported_married=married,
                      actions=actions)


D = dt.date
CASES = [
    case(1, "SOC", D(2025, 2, 1), "girl", 2010, ("child_marriage", "fgm"), "suspected", "SO",
         "abroad", True, ("concern_report", "travel_ban")),
    case(2, "UBF", D(2025, 6, 10), "girl", 2015, ("fgm", "fgm"), "confirmed", None, "at_risk"),
    case(3, "UBF", D(2025, 12, 31), "boy", None, ("upbringing_trip",), "suspected", "IQ",
         "returned", False, ("school_followup",)),
    case(4, "KLF", D(2025, 1, 1), "girl", 2005, ("forced_marriage",), "confirmed", "AF",
         "abroad", True, ("police_report", "concern_report")),
    case(5, "XYZ", D(2025, 8, 8), "other", 2012, ("unknown",), "suspected", "AQ", "unknown"),
    case(6, "SOC", D(2024, 12, 31), "girl", 2010, ("fgm",), "suspected", "SO", "abroad"),
    case(7, "SOC", D(2026, 1, 1), "girl", 2010, ("fgm",), "suspected", "SO", "abroad"),
]


def counts(table) -> dict:
    return {cell.key: cell.count for cell in table.cells}


class TestPeriod:
    def test_calendar_year(self):
        assert YEAR == Period(D(2025, 1, 1), D(2025, 12, 31)) and YEAR.year == 2025

    def test_other_twelve_month_periods_end_in_the_year(self):
        assert Period.for_year(2025, 10) == Period(D(2024, 10, 1), D(2025, 9, 30))
        assert Period.for_year(2024, 3) == Period(D(2023, 3, 1), D(2024, 2, 29))
        assert Period.for_year(2025, 12) == Period(D(2024, 12, 1), D(2025, 11, 30))
        with pytest.raises(ValueError):
            Period.for_year(2025, 13)

    def test_both_ends_are_included(self):
        assert D(2025, 1, 1) in YEAR and D(2025, 12, 31) in YEAR
        assert D(2024, 12, 31) not in YEAR and D(2026, 1, 1) not in YEAR

    @pytest.mark.parametrize("start_month", [1, 2, 7, 10, 12])
    def test_the_period_containing_a_day(self, start_month):
        day = D(2023, 1, 1)
        while day < D(2026, 1, 1):
            period = Period.containing(day, start_month)
            assert day in period and period == Period.for_year(period.year, start_month)
            day += dt.timedelta(days=11)
        assert Period.containing(D(2024, 9, 30), 10).year == 2024
        assert Period.containing(D(2024, 10, 1), 10).year == 2025


class TestHandCountedExample:
    stats = build_tables(CASES, YEAR, KINDS)

    def test_only_cases_known_in_the_period_count(self):
        assert self.stats.total == 5
        assert build_tables(CASES, Period.for_year(2025, 10), KINDS).total == 5  # 1,2,4,5,6

    def test_tables_and_dimensions_are_those_of_the_contract(self):
        assert [t.id for t in self.stats.tables] == list(TABLE_IDS) == [
            "total", "by_status", "by_gender_age", "by_honour_link", "known_to",
            "by_destination_region", "by_departure_timing", "by_purpose", "by_action",
            "reported_married"]
        assert {t.id: t.dimensions for t in self.stats.tables} == {
            "total": (), "by_status": ("status",), "by_gender_age": ("gender", "age_band"),
            "by_honour_link": ("honour_link",), "known_to": ("agency_kind",),
            "by_destination_region": ("region",), "by_departure_timing": ("timing",),
            "by_purpose": ("purpose",),
            "by_action": ("action",), "reported_married": ()}

    def test_one_dimensional_tables(self):
        t = self.stats.table
        assert counts(t("total")) == {(): 5}
        assert list(counts(t("by_status")).items()) == [
            (("at_risk",), 1), (("abroad",), 2), (("returned",), 1), (("unknown",), 1),
            (("total",), 5)]
        assert list(counts(t("by_honour_link")).items()) == [
            (("suspected",), 3), (("confirmed",), 2), (("total",), 5)]
        # XYZ is not a known administration: counted as "other"
        assert list(counts(t("known_to")).items()) == [  # no total: not a partition
            (("social_services",), 1), (("education",), 2), (("other",), 2)]
        assert counts(t("reported_married")) == {(): 2}

    def test_destinations_by_region_never_countries(self):
        regions = counts(self.stats.table("by_destination_region"))
        assert len(regions) == 22 + 2  # every sub-region, unknown, total
        nonzero = {key[0]: n for key, n in regions.items() if n}
        # SO Eastern Africa, IQ Western Asia, AF Southern Asia; no destination and AQ unknown
        assert nonzero == {"014": 1, "145": 1, "034": 1, "unknown": 2, "total": 5}
        assert list(regions)[-2:] == [("unknown",), ("total",)]

    def test_purposes_and_actions_count_persons_not_mentions(self):
        purposes = counts(self.stats.table("by_purpose"))
        assert list(purposes) == [(p,) for p in PURPOSES.values]  # no total: not a partition
        assert purposes == {("child_marriage",): 1, ("forced_marriage",): 1, ("fgm",): 2,
                            ("upbringing_trip",): 1, ("conversion",): 0,
                            ("evade_authorities",): 0, ("other",): 0, ("unknown",): 1}
        actions = counts(self.stats.table("by_action"))
        assert actions == {("concern_report",): 2, ("investigation",): 0, ("police_report",): 1,
                           ("travel_ban",): 1, ("lvu",): 0, ("school_followup",): 1,
                           ("consular_contact",): 0, ("placement",): 0,
                           ("protected_housing",): 0, ("no_action",): 0}

    def test_gender_by_age_with_every_margin(self):
        cells = counts(self.stats.table("by_gender_age"))
        genders = ("girl", "boy", "other", "unknown", "total")
        bands = ("0-12", "13-17", "18+", "unknown", "total")
        assert list(cells) == list(itertools.product(genders, bands))  # row-major, total last
        expected = {("girl", "0-12"): 1, ("girl", "13-17"): 1, ("girl", "18+"): 1,
                    ("girl", "total"): 3, ("boy", "unknown"): 1, ("boy", "total"): 1,
                    ("other", "13-17"): 1, ("other", "total"): 1,
                    ("total", "0-12"): 1, ("total", "13-17"): 2, ("total", "18+"): 1,
                    ("total", "unknown"): 1, ("total", "total"): 5}
        assert {k: v for k, v in cells.items() if v} == expected

    def test_status_at_the_end_of_the_period_from_history(self):
        histories = {
            1: [StatusChange("at_risk", D(2025, 2, 1)), StatusChange("abroad", D(2025, 9, 1)),
                StatusChange("returned", D(2026, 1, 10))],
            2: [StatusChange("at_risk", D(2025, 6, 10)), StatusChange("abroad", D(2025, 11, 1))],
        }
        with_history = build_tables(CASES, YEAR, KINDS, status_on=histories)
        assert counts(with_history.table("by_status")) == {
            ("at_risk",): 0, ("abroad",): 3, ("returned",): 1, ("unknown",): 1, ("total",): 5}
        def unknown_at_year_end(case, day):
            return "unknown" if day == YEAR.end else "abroad"
        by_function = build_tables(CASES, YEAR, KINDS, status_on=unknown_at_year_end)
        assert counts(by_function.table("by_status"))[("unknown",)] == 5

    def test_json_shape_of_stats_abroad(self):
        data = json.loads(json.dumps(self.stats.to_json_dict()))
        assert (data["year"], data["total"]) == (2025, 5)
        status = next(t for t in data["tables"] if t["id"] == "by_status")
        assert status == {"id": "by_status", "dimensions": ["status"], "cells": [
            {"status": "at_risk", "count": 1}, {"status": "abroad", "count": 2},
            {"status": "returned", "count": 1}, {"status": "unknown", "count": 1},
            {"status": "total", "count": 5}]}
        grid = next(t for t in data["tables"] if t["id"] == "by_gender_age")
        assert grid["cells"][1] == {"gender": "girl", "age_band": "13-17", "count": 1}
        assert grid["cells"][-1] == {"gender": "total", "age_band": "total", "count": 5}
        assert data["tables"][0] == {"id": "total", "dimensions": [], "cells": [{"count": 5}]}


def test_labels_for_reports_are_translated():
    try:
        i18n.set_language("en")
        english = (table_title("by_status"), dimension_title("region"),
                   category_label("region", "145"), category_label("gender", "girl"),
                   category_label("status", "total"))
        i18n.set_language("sv")
        swedish = category_label("region", "145"), category_label("region", "unknown")
    finally:
        i18n.set_language("sv")
    assert english == ("By status at the end of the period", "Destination region",
                       "Western Asia", "Girl", "Total")
    assert swedish == ("Västasien", "Okänd region")


def test_a_code_outside_the_categories_is_a_bug_not_a_silent_loss():
    bad = case(9, "SOC", D(2025, 5, 5), "girl", 2010, ("fgm",), "suspected", None, "lost")
    with pytest.raises(ValueError):
        build_tables([bad], YEAR, KINDS)


cases_strategy = abroad_cases(known_date=st.dates(D(2024, 10, 1), D(2026, 3, 31)),
                              reporters=["SOC", "UBF", "KLF", "VOF"], birth_years=(1995, 2024),
                              destinations=[None, "SO", "IQ", "AF", "SE", "AQ", "XK"],
                              max_purposes=3, max_size=40)


@settings(max_examples=60, deadline=None)
@given(cases=cases_strategy)
def test_partitioning_tables_add_up_and_the_others_stay_within_t(cases):
    stats = build_tables(cases, YEAR, KINDS)
    in_period = [c for c in cases if YEAR.start <= c.known_date <= YEAR.end]
    total = len(in_period)
    assert stats.total == total
    for table in stats.tables:
        cells = counts(table)
        if table.partitions and table.dimensions:
            categories = [table.categories(d) for d in range(len(table.dimensions))]
            assert len(cells) == len(list(itertools.product(*[c + ("total",)
                                                              for c in categories])))
            # every margin is the sum of the cells it stands for
            for key, value in cells.items():
                inner = itertools.product(*[categories[d] if part == "total" else (part,)
                                            for d, part in enumerate(key)])
                assert value == sum(cells[k] for k in inner)
            assert cells[("total",) * len(table.dimensions)] == total
        else:
            assert all(0 <= n <= total for n in cells.values())
    assert sum(counts(stats.table("by_purpose")).values()) >= total  # ≥ 1 purpose each
    married = sum(c.reported_married for c in in_period)
    assert counts(stats.table("reported_married")) == {(): married}
