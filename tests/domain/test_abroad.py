"""The abroad register's records: validation, age bands, status over time, M49 regions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from hrvdesk import i18n
from hrvdesk.domain import m49
from hrvdesk.domain.abroad import (AbroadCase, StatusChange, age_band, status_at,
                                   validate_case)

TODAY = dt.date(2025, 11, 15)
ADMINISTRATIONS = {"SOC": "social_services", "UBF": "education", "KLF": "other"}


def make(**changes) -> AbroadCase:
    base = AbroadCase(case_ref="SOC-2025-117", reported_by="SOC", known_date=dt.date(2025, 3, 4),
                      departure_date="2025-06", gender="girl", birth_year=2010,
                      purposes=("child_marriage", "upbringing_trip"), honour_link="suspected",
                      destination="SO", status="abroad", reported_married=False,
                      actions=("concern_report",), notes="Skolan larmade före sommarlovet.")
    return dataclasses.replace(base, **changes)


def fields_of(problems) -> list[str]:
    return [p.field for p in problems]


def test_field_order_is_the_import_spec_order():
    names = [f.name for f in dataclasses.fields(AbroadCase)]
    # the import format's columns, then (an extension) no_school_since before notes
    assert names == [
        "person_key", "case_ref", "reported_by", "known_date", "departure_date", "gender",
        "birth_year", "purposes", "honour_link", "destination", "status",
        "reported_married", "actions", "follow_up_date", "no_school_since", "notes", "id",
        "coarsened"]


def test_a_complete_case_is_valid_and_optional_fields_may_be_empty():
    assert validate_case(make(), TODAY, ADMINISTRATIONS) == []
    minimal = make(case_ref=None, departure_date=None, birth_year=None, destination=None,
                   actions=(), notes=None)
    assert validate_case(minimal, TODAY, ADMINISTRATIONS) == []


@pytest.mark.parametrize("changes, field", [
    ({"case_ref": "x" * 41}, "case_ref"),
    ({"reported_by": "POLIS"}, "reported_by"),
    ({"known_date": TODAY + dt.timedelta(days=1)}, "known_date"),
    ({"departure_date": "2025-13"}, "departure_date"),
    ({"departure_date": "2025-02-30"}, "departure_date"),
    ({"departure_date": "06/2025"}, "departure_date"),
    ({"gender": "flicka"}, "gender"),  # aliases are the importer's business: codes only here
    ({"birth_year": 2026}, "birth_year"),
    ({"birth_year": 201}, "birth_year"),
    ({"purposes": ()}, "purposes"),
    ({"purposes": ("fgm", "holiday")}, "purposes"),
    ({"honour_link": "maybe"}, "honour_link"),
    ({"destination": "XX"}, "destination"),
    ({"destination": "so"}, "destination"),
    ({"status": "missing"}, "status"),
    ({"actions": ("travel_ban", "prayer")}, "actions"),
])
def test_each_invalid_field_is_reported_by_name(changes, field):
    assert fields_of(validate_case(make(**changes), TODAY, ADMINISTRATIONS)) == [field]


def test_boundaries_that_are_still_valid():
    valid = [make(case_ref="x" * 40), make(known_date=TODAY), make(birth_year=2025),
             make(departure_date="2025-02-28"), make(departure_date="2024-02-29"),
             make(departure_date="2026-01")]  # a planned departure may lie ahead
    for case in valid:
        assert validate_case(case, TODAY, ADMINISTRATIONS) == [], case


def test_several_problems_are_all_reported_with_the_line():
    case = make(reported_by="X", gender="?", status="?", known_date=dt.date(2030, 1, 1))
    problems = validate_case(case, TODAY, ADMINISTRATIONS, line=7)
    assert sorted(fields_of(problems)) == ["gender", "known_date", "reported_by", "status"]
    assert {p.line for p in problems} == {7}


@pytest.mark.parametrize("field", ["notes", "case_ref"])
def test_personal_numbers_are_rejected_in_text_fields(field):
    case = make(**{field: "flickan 121212-1212 reste"})
    problems = validate_case(case, TODAY, ADMINISTRATIONS)
    assert fields_of(problems) == [field]
    assert not re.search(r"\d{6}", problems[0].reason)


def test_messages_never_repeat_rejected_values_and_are_swedish_by_default():
    i18n.set_language("sv")
    problems = validate_case(make(destination="QQ", reported_by="HEMLIG"), TODAY,
                             ADMINISTRATIONS)
    text = " ".join(str(p) for p in problems)
    assert "QQ" not in text and "HEMLIG" not in text
    assert "landskod" in text and "SOC" in text  # names the registered codes instead


@pytest.mark.parametrize("birth_year, band", [
    (2025, "0-12"), (2013, "0-12"), (2012, "13-17"), (2008, "13-17"), (2007, "18+"),
    (1990, "18+"), (None, "unknown"), (2026, "unknown"),
])
def test_age_band_from_the_year_the_case_became_known(birth_year, band):
    # known 2025-03-04: age = 2025 - birth_year, regardless of the birthday
    assert age_band(make(birth_year=birth_year)) == band


def test_status_at_follows_the_history():
    case = make(status="returned")
    history = [StatusChange("abroad", dt.date(2025, 7, 1)),
               StatusChange("at_risk", dt.date(2025, 3, 4)),
               StatusChange("returned", dt.date(2026, 2, 1))]
    assert status_at(case, history, dt.date(2025, 3, 4)) == "at_risk"
    assert status_at(case, history, dt.date(2025, 6, 30)) == "at_risk"
    assert status_at(case, history, dt.date(2025, 7, 1)) == "abroad"
    assert status_at(case, history, dt.date(2025, 12, 31)) == "abroad"
    assert status_at(case, history, dt.date(2026, 12, 31)) == "returned"
    # before the first recorded change: the status first registered
    assert status_at(case, history, dt.date(2025, 1, 1)) == "at_risk"
    # no history: the case's own status
    assert status_at(case, [], dt.date(2025, 1, 1)) == "returned"


def test_status_changes_on_the_same_day_the_later_entry_wins():
    history = [StatusChange("abroad", dt.date(2025, 5, 1)),
               StatusChange("returned", dt.date(2025, 5, 1))]
    assert status_at(make(), history, dt.date(2025, 5, 1)) == "returned"


class TestM49:
    def test_every_code_is_two_capital_letters_and_maps_to_a_listed_region(self):
        table = m49.COUNTRY_TO_SUB_REGION
        assert len(table) >= 249
        assert all(re.fullmatch("[A-Z]{2}", code) for code in table)
        assert set(table.values()) - {None} == set(m49.SUB_REGIONS)
        assert len(m49.SUB_REGIONS) == 22 and all(re.fullmatch(r"\d{3}", c)
                                                 for c in m49.SUB_REGIONS)

    @pytest.mark.parametrize("country, region", [
        ("SO", "014"), ("ER", "014"), ("ET", "014"), ("IQ", "145"), ("SY", "145"),
        ("TR", "145"), ("AF", "034"), ("IR", "034"), ("PK", "034"), ("MA", "015"),
        ("SE", "154"), ("GB", "154"), ("XK", "039"), ("BA", "039"), ("US", "021"),
        ("MX", "013"), ("AO", "017"), ("NG", "011"), ("ZA", "018"), ("CN", "030"),
        ("VN", "035"), ("UZ", "143"), ("RU", "151"), ("DE", "155"), ("NZ", "053"),
        ("FJ", "054"), ("GU", "057"), ("WS", "061"), ("BR", "005"), ("JM", "029"),
    ])
    def test_known_countries(self, country, region):
        assert m49.region_of(country) == region

    def test_parsing_and_unknowns(self):
        assert m49.parse_country(" so ") == "SO"
        assert m49.parse_country("XX") is None and m49.parse_country(None) is None
        assert m49.is_country("AQ") and m49.region_of("AQ") is None
        assert m49.region_of(None) is None and m49.region_of("XX") is None

    def test_region_names_are_translated(self):
        try:
            i18n.set_language("en")
            english = m49.region_name("014")
            i18n.set_language("sv")
            swedish = m49.region_name("014")
        finally:
            i18n.set_language("sv")
        assert (english, swedish) == ("Eastern Africa", "Östafrika")
        assert len({m49.region_name(code) for code in m49.SUB_REGIONS}) == 22
