"""The national package against an outside attacker written in the tests (``attacker.py``):
the attacker has teeth (it breaks what version 1 published), the attacks that broke version 1
are regressions (they must leave nothing pinned), and the two attackers (MILP, brute force)
agree."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hrvdesk.domain.abroad_stats import Period, build_tables
from tests.privacy import attacker
from tests.privacy.populations import (K, KINDS, YEAR, cells_by_person,
                                       one_child, package_of, person_key, population, released)


def tables(package) -> list[dict]:
    return package.to_json_dict()["tables"]


def table(tables_json, table_id) -> dict:
    return next(t for t in tables_json if t["id"] == table_id)


def hand_made(total: int, **counts) -> list[dict]:
    """A package written by hand: T and some tables as {table id: [(key, count), ...]}; the
    other tables wholly hidden."""
    shapes = {t.id: t for t in build_tables([], YEAR, KINDS).tables}
    out = [{"id": "total", "dimensions": [], "cells": [{"count": total}]}]
    for table_id, shape in shapes.items():
        if table_id == "total":
            continue
        given = dict(counts.get(table_id, ()))
        data = shape.to_json_dict()
        for cell, c in zip(data["cells"], shape.cells):
            grand = shape.partitions and all(part == "total" for part in c.key)
            cell["count"] = total if grand else given.get(c.key, attacker.MARKER)
        out.append(data)
    return out


# --- the attacker has teeth ----------------------------------------------------------------------


def test_the_milp_attacker_breaks_primary_suppression_alone():
    packages = exposed = 0
    for seed in range(10):
        stats = build_tables(population(22, seed), YEAR, KINDS)
        found = attacker.exposed(attacker.primary_only(stats, K), stats, K)
        packages += 1
        exposed += found > 0
    assert exposed == packages  # every such package gives cells away


def test_the_brute_force_breaks_primary_suppression_alone():
    found = []
    for seed in range(10):
        stats = build_tables(population(8, seed), YEAR, KINDS)
        if 2 * K <= stats.total <= 8:
            found += attacker.brute_force_exposures(attacker.primary_only(stats, K), stats, K)
    assert found


def test_a_table_whose_only_markers_are_primary_says_they_are_not_zero():
    """v1: at_risk 1, abroad 2 hidden, returned 3, unknown 4 shown. The equations allow 0 and
    3; the method (markers only around a primary cell) leaves 1 and 2 only."""
    package = hand_made(10, by_status=[(("returned",), 3), (("unknown",), 4)])
    bounds = attacker.package_bounds(package, K)
    assert bounds[("by_status", ("at_risk",))] == (1, 2)
    assert bounds[("by_status", ("abroad",))] == (1, 2)
    assert attacker.package_bounds(package, K, first_release=False)[
        ("by_status", ("at_risk",))] == (0, 3)
    brute = attacker.brute_force_bounds(package, K)
    assert brute[("by_status", ("at_risk",))] == (1, 2)


def test_the_record_rules_bound_the_hidden_cells():
    """Σ by_purpose ≥ T: with everything but one purpose shown below T, the hidden one is
    pinned from below; not_departed ≤ at_risk pins at_risk from below (the equations and
    record rules alone: as in a package that supersedes another)."""
    purposes = [((p,), 0 if p != "other" else 4) for p in
                ("child_marriage", "forced_marriage", "fgm", "upbringing_trip", "conversion",
                 "evade_authorities", "other")]
    timings = ("summer_holiday", "other_school_holiday", "school_term", "not_departed", "unknown")
    package = hand_made(6, by_purpose=purposes, by_departure_timing=[
        ((timing,), 6 if timing == "not_departed" else 0) for timing in timings])
    for bounds in (attacker.package_bounds(package, K, first_release=False),
                   attacker.brute_force_bounds(package, K, first_release=False)):
        assert bounds[("by_purpose", ("unknown",))] == (2, 2)
        assert bounds[("by_status", ("at_risk",))] == (6, 6)


def test_the_joint_attacker_breaks_a_second_package_protected_alone():
    """A late case, the second package protected as if it were the first: the pair of
    packages gives the late child away."""
    found = 0
    for seed in range(4):
        cases = population(18, seed=40 + seed)
        stats, records, first = package_of(cases, seed="aa")
        cases2 = cases + [late_case(seed)]
        stats2, records2, second = package_of(cases2, seed="bb")
        result = attacker.joint_exposures(tables(first), tables(second), cells_by_person(records),
                                          cells_by_person(records2), K)
        found += len(result["B"])
    assert found > 0


# --- the attacks on version 1 --------------------------------------------------------------------


def test_one_child_with_fgm_reveals_no_purpose():
    stats, _records, package = package_of([one_child()])
    published = tables(package)
    assert stats.total == 1
    assert all(c["count"] == attacker.MARKER for t in published if t["id"] != "total"
               for c in t["cells"] if any(v != "total" for k, v in c.items() if k != "count"))
    for bounds in (attacker.package_bounds(published, K),
                   attacker.brute_force_bounds(published, K)):
        purposes = {key: b for (t, key), b in bounds.items() if t == "by_purpose"}
        assert set(purposes.values()) == {(0, 1)}  # FGM looks like any other purpose
    assert attacker.exposures(published, stats, K) == []
    assert attacker.brute_force_exposures(published, stats, K) == []


def test_no_marker_is_implied_non_zero_by_the_method():
    """A population whose by_status has exactly the v1 shape (1, 2, 3, 4): the product's
    pattern must not let the method pin any marker above 0."""
    statuses = ["at_risk"] + ["abroad"] * 2 + ["returned"] * 3 + ["unknown"] * 4
    cases = [dataclasses.replace(case, status=status)
             for case, status in zip(population(10, 5), statuses)]
    cases = [dataclasses.replace(c, person_key=person_key(700 + n)) for n, c in enumerate(cases)]
    stats, _records, package = package_of(cases)
    assert stats.total == 10 and stats.table("by_status").count("at_risk") == 1
    published = tables(package)
    assert table(published, "by_status")["cells"][0]["count"] == attacker.MARKER
    bounds = attacker.package_bounds(published, K, exact=attacker.exact_of(stats))
    for (table_id, key), (low, _high) in bounds.items():  # every marker, every small cell
        if stats.table(table_id).count(*key) < K:
            assert low == 0, (table_id, key)
    assert attacker.exposures(published, stats, K) == []
    assert attacker.brute_force_exposures(published, stats, K) == []


def test_three_children_are_not_pinned_at_one_each():
    cases = [one_child(id=n, person_key=person_key(n), status=s, reported_by=r, gender=g,
                       honour_link=h)
             for n, (s, r, g, h) in enumerate([("at_risk", "SOC", "girl", "suspected"),
                                               ("abroad", "UBF", "boy", "confirmed"),
                                               ("returned", "KUL", "girl", "suspected")], start=1)]
    stats, _records, package = package_of(cases)
    assert stats.total == 3
    published = tables(package)
    assert attacker.exposures(published, stats, K) == []
    assert attacker.brute_force_exposures(published, stats, K) == []
    bounds = attacker.brute_force_bounds(published, K)
    assert bounds[("by_status", ("abroad",))] == (0, 3)
    assert bounds[("known_to", ("education",))] == (0, 3)


def test_the_departure_rule_and_the_method_together_pin_no_cell():
    """Found by this attacker in stop 21: by_status ('..', '..', '..', 0) beside
    by_departure_timing not_departed = 3 (T = 6, returned = 1). not_departed <= at_risk gives
    at_risk >= 3, so abroad + returned <= 3, and "one marker is a primary 1..2" then left
    returned in 0..2 < min(k, T) = 3, while each rule alone leaves 0..3."""
    spec = [("at_risk", None)] * 3 + [("at_risk", "2025-03-12")] * 2 + [("returned", "2025-03-12")]
    cases = [one_child(id=n, person_key=person_key(800 + n), status=status, departure_date=date)
             for n, (status, date) in enumerate(spec, start=1)]
    stats, _records, package = package_of(cases, seed="27")
    assert package.audit_passed and stats.total == 6
    published = tables(package)
    assert attacker.brute_force_exposures(published, stats, K) == []
    assert attacker.exposures(published, stats, K) == []


def late_case(n: int = 0):
    return one_child(id=900 + n, person_key=person_key(90_000 + n), honour_link="confirmed",
                     reported_by="UBF", gender="boy", birth_year=2009, reported_married=True,
                     destination="AF", status="returned", actions=("lvu",),
                     purposes=("forced_marriage",), known_date=dt.date(2025, 11, 30))


def late_case_of_a_new_child():
    cases = population(18, seed=3)
    return cases, cases + [late_case()], YEAR, YEAR


def late_case_of_a_known_child():
    """The late case belongs to a child already counted: the child's record changes (A and B
    one person each)."""
    cases = population(20, seed=12)
    child = cases[0]
    again = dataclasses.replace(late_case(1), person_key=child.person_key, gender=child.gender,
                                birth_year=child.birth_year)
    return cases, cases + [again], YEAR, YEAR


def moved_start_month():
    """Calendar 2025, then 1 July 2024 – 30 June 2025: half the children stay (C), the
    autumn of 2025 leaves (A), the autumn of 2024 comes in (B)."""
    cases = population(20, seed=7) + [
        dataclasses.replace(c, known_date=c.known_date.replace(year=2024, month=7 + c.id % 6))
        for c in population(6, seed=8, first_id=100)]
    return cases, cases, Period.for_year(2025), Period.for_year(2025, 7)


def two_releases(scenario):
    cases, cases2, period, period2 = scenario()
    stats, records, first = package_of(cases, period, seed="aa")
    stats2, records2, second = package_of(cases2, period2, seed="bb",
                                          earlier=[released(1, stats, records, first)])
    assert first.audit_passed and second.audit_passed
    return stats2, second, tables(first), cells_by_person(records), cells_by_person(records2)


@pytest.mark.parametrize("scenario", [
    late_case_of_a_new_child, late_case_of_a_known_child, moved_start_month],
    ids=lambda f: f.__name__)
def test_two_overlapping_releases_give_no_child_away(scenario):
    """Rule 5 holds in the second package too (a marker outside a wholly hidden table means
    fewer than k), and the joint attacker (C, A, B), reading the markers so, pins no cell of
    A, B or the new package."""
    stats2, second, first_json, records, records2 = two_releases(scenario)
    assert attacker.marker_meaning_broken(tables(second), stats2, K) == []
    result = attacker.joint_exposures(first_json, tables(second), records, records2, K)
    assert result == {"A": [], "B": [], "new": []}
