"""Cell suppression of the national package and the attacker audit that checks it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings, strategies as st

from hrvdesk.domain.abroad import AbroadCase
from hrvdesk.domain.abroad_stats import Period, build_tables
from hrvdesk.domain.codes import CASE_STATUSES
from hrvdesk.domain.disclosure_audit import COUPLED
from hrvdesk.domain.disclosure import (MARKER, apply_suppression, audit, check_threshold,
                                       primary_cells, protect, suppress,
                                       suppressed_refs)
from hrvdesk.domain.errors import ValidationError
from tests.domain.strategies import abroad_cases

KINDS = {"SOC": "social_services", "UBF": "education", "KLF": "other"}
YEAR = Period.for_year(2025)


def person(**fields) -> AbroadCase:
    """A case that, unless told otherwise, lands in the same category of every table."""
    defaults = dict(reported_by="SOC", known_date=dt.date(2025, 5, 5), gender="girl",
                    birth_year=2010, purposes=("fgm",), honour_link="suspected",
                    destination="SO", status="abroad")
    return AbroadCase(**{**defaults, **fields})


def people(counts: dict, **fixed) -> list[AbroadCase]:
    """``counts`` maps a tuple of field values (named by ``fields``) to a number of persons."""
    names = fixed.pop("fields")
    return [person(**dict(zip(names, values)), **fixed)
            for values, n in counts.items() for _ in range(n)]


def stats_for(cases):
    return build_tables(cases, YEAR, KINDS)


def suppressed_in(package, table_id) -> set:
    return {key for tid, key in suppressed_refs(package.tables) if tid == table_id}


def status_cases(at_risk, abroad, returned, unknown):
    counts = {("at_risk",): at_risk, ("abroad",): abroad, ("returned",): returned,
              ("unknown",): unknown}
    return people(counts, fields=("status",))


def test_two_primary_cells_alone_would_say_one_of_them_is_not_zero():
    stats = stats_for(status_cases(2, 2, 10, 0))
    # v1 published at_risk and abroad as ".." with 4 between them: an attacker who knows that
    # markers only appear around a primary cell (1..2) rules out at_risk = 0 (abroad = 4).
    v1 = apply_suppression(stats.tables, {("by_status", ("at_risk",)), ("by_status", ("abroad",))})
    assert not audit(v1, stats.tables, 3).bounds[("by_status", ("at_risk",))].protected
    package = protect(stats, k=3)
    # the zero joins them: at_risk 0, abroad 3, unknown 1 is now as possible as the truth
    assert suppressed_in(package, "by_status") == {("at_risk",), ("abroad",), ("unknown",)}
    assert package.audit_passed


def test_the_departure_rule_joins_status_and_timing_in_the_audit():
    """Three children at risk with no departure date, two at risk and one returned who left
    in term time: not_departed 3 ≤ at_risk. With the timing table shown, by_status
    (.., .., .., 0) leaves returned at most 2 (at_risk ≥ 3 and one marker a primary)."""
    cases = (people({("at_risk", None): 3, ("at_risk", "2025-03-12"): 2,
                     ("returned", "2025-03-12"): 1}, fields=("status", "departure_date")))
    stats = stats_for(cases)
    timing = stats.table("by_departure_timing")
    assert timing.count("not_departed") == 3 and timing.count("school_term") == 3
    status_markers = {("by_status", (s,)) for s in ("at_risk", "abroad", "returned")}
    shown = apply_suppression(stats.tables, status_markers)
    found = audit(shown, stats.tables, 3).bounds[("by_status", ("returned",))]
    assert not found.protected and found.high == 2
    # each table alone would pass: without the timing table the same status markers protect it
    hidden_timing = status_markers | {("by_departure_timing", (t,)) for t in timing.categories(0)}
    assert audit(apply_suppression(stats.tables, hidden_timing), stats.tables, 3).passed
    package = protect(stats, k=3, seed="27")
    assert package.audit_passed
    assert suppressed_in(package, "by_departure_timing") == {(t,) for t in timing.categories(0)}


def test_a_lonely_primary_cell_takes_a_large_partner_not_a_zero():
    stats = stats_for(status_cases(1, 0, 0, 16))
    package = protect(stats, k=3)
    hidden = suppressed_in(package, "by_status")
    # the large partner, and one zero chosen at random so that the marker never implies 1..2
    assert {("at_risk",), ("unknown",)} < hidden and len(hidden) == 3
    result = audit(package.tables, stats.tables, 3)
    assert result.passed and result.bounds[("by_status", ("at_risk",))].high >= 3


def test_a_small_population_publishes_t_only():
    stats = stats_for(status_cases(2, 0, 7, 0))  # T = 9 < 2k = 10
    package = protect(stats, k=5)
    assert package.tables[0].cells[0].count == 9  # T is published even below k
    for table in package.tables:
        for cell in table.cells:
            assert cell.count == (9 if table.partitions and cell.key == table.grand_key
                                  else MARKER)
    assert package.audit_passed


def test_a_two_way_table_prefers_four_inner_cells_to_any_margin():
    # girl 0-12: 5, girl 13-17: 1, boy 0-12: 5, boy 13-17: 5 (ages from known year 2025)
    cases = people({("girl", 2015): 5, ("girl", 2010): 1, ("boy", 2015): 5, ("boy", 2010): 5},
                   fields=("gender", "birth_year"))
    stats = stats_for(cases)
    assert {ref for ref in primary_cells(stats.tables, 3) if ref[0] == "by_gender_age"} == {
        ("by_gender_age", ("girl", "13-17"))}
    package = protect(stats, k=3)
    # four inner cells, not a margin; then (the four alone would say "one of them is 1..2")
    # zeros of the unused rows until the lonely cell can be 0
    hidden = suppressed_in(package, "by_gender_age")
    assert {("girl", "0-12"), ("girl", "13-17"), ("boy", "0-12"), ("boy", "13-17")} <= hidden
    assert package.audit_passed


def test_the_audit_sees_through_a_row_that_a_column_gives_away():
    cases = people({("girl", 2015): 5, ("girl", 2010): 1, ("boy", 2015): 5, ("boy", 2010): 5},
                   fields=("gender", "birth_year"))
    stats = stats_for(cases)
    row_only = {("by_gender_age", ("girl", "13-17")), ("by_gender_age", ("girl", "0-12"))}
    result = audit(apply_suppression(stats.tables, row_only), stats.tables, 3)
    assert not result.passed  # 13-17 total 6 minus boy 5: girl 13-17 is 1
    bounds = result.bounds[("by_gender_age", ("girl", "13-17"))]
    assert bounds.low >= 1 and bounds.high < 3


def test_non_partitioning_tables_hide_every_count_below_k_zeros_included():
    # 10 persons, one of them reported married, two with a travel ban
    cases = [person(reported_married=i == 0, actions=("travel_ban",) if i < 2 else ())
             for i in range(10)]
    stats = stats_for(cases)
    package = protect(stats, k=3)
    for table in package.tables:
        if not table.partitions:
            exact = stats.table(table.id)
            assert [c.count == MARKER for c in table.cells] == [c.count < 3 for c in exact.cells]
    assert package.audit_passed


@pytest.mark.parametrize("k", [2, 11, 3.5, True])
def test_threshold_outside_3_to_10_is_refused(k):
    with pytest.raises(ValidationError):
        check_threshold(k)


def test_thresholds_within_range():
    assert [check_threshold(k) for k in (3, 7, 10)] == [3, 7, 10]


def test_package_json_and_csv_carry_counts_only():
    package = protect(stats_for(status_cases(1, 0, 0, 16)), k=3)
    data = json.loads(json.dumps(package.to_json_dict()))
    assert data["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    assert data["disclosure_control"] == {"method": "cell suppression, LP-audited",
                                          "threshold": 3, "marker": "..",
                                          "suppressed_cells": package.suppressed_cells,
                                          "audit_passed": True}
    status = next(t for t in data["tables"] if t["id"] == "by_status")
    assert [c["status"] for c in status["cells"]] == ["at_risk", "abroad", "returned", "unknown",
                                                      "total"]
    assert sorted(map(str, [c["count"] for c in status["cells"]])) == ["..", "..", "..", "0", "17"]
    for table in data["tables"]:
        for cell in table["cells"]:
            assert set(cell) == set(table["dimensions"]) | {"count"}
    rows = package.csv_rows()
    assert rows[0] == ["table", "dimension_1", "category_1", "dimension_2", "category_2", "count"]
    assert rows[1] == ["total", "", "", "", "", "17"]
    assert ["by_status", "status", "at_risk", "", "", ".."] in rows
    assert ["by_gender_age", "gender", "girl", "age_band", "13-17", "17"] in rows
    assert len(rows) == 1 + sum(len(t["cells"]) for t in data["tables"])


# --- properties ---------------------------------------------------------------------------

cases_strategy = abroad_cases(known_date=st.just(dt.date(2025, 6, 1)), reporters=["SOC", "UBF", "KLF"],
                              birth_years=(2000, 2020),
                              destinations=[None, "SO", "ER", "IQ", "SY", "AF", "TR"],
                              max_purposes=2, max_size=30)


@settings(max_examples=60, deadline=None)
@given(cases=cases_strategy, k=st.integers(3, 10))
def test_what_suppression_publishes_always_passes_the_audit(cases, k):
    stats = stats_for(cases)
    total = stats.total
    hidden = suppress(stats.tables, k)  # without protect()'s safety net
    published = apply_suppression(stats.tables, hidden)

    assert audit(published, stats.tables, k).passed
    assert not primary_cells(stats.tables, k) - hidden  # no primary cell is published
    assert suppressed_refs(published) == hidden
    for exact, table in zip(stats.tables, published):
        if exact.partitions:  # the grand total is always published
            assert table.count(*exact.grand_key) == total
        for true_cell, cell in zip(exact.cells, table.cells):
            assert cell.count in (true_cell.count, MARKER)  # published counts are exact

    # Independent check for the one-way partitions: a primary cell p among the hidden cells S
    # can be 0 iff another hidden cell can absorb it (|S| ≥ 2), and at most the remainder
    # R = T − published, which must reach min(k, T).
    for exact, table in zip(stats.tables, published):
        if not exact.partitions or len(exact.dimensions) != 1:
            continue
        inner = [c for c in table.cells if c.key != ("total",)]
        hidden_here = [c for c in inner if c.count == MARKER]
        if any((exact.id, c.key) in primary_cells(stats.tables, k) for c in hidden_here):
            remainder = total - sum(c.count for c in inner if c.count != MARKER)
            assert len(hidden_here) >= 2 and remainder >= min(k, total)


@settings(max_examples=25, deadline=None)
@given(cases=cases_strategy, k=st.integers(3, 10))
def test_protect_publishes_the_suppression_and_records_the_audit(cases, k):
    stats = stats_for(cases)
    package = protect(stats, k, seed="5eed")
    assert package.tables == apply_suppression(stats.tables, suppress(stats.tables, k, "5eed"))
    assert package.audit_passed and package.threshold == k
    assert package.suppressed_cells == len(suppressed_refs(package.tables))


@settings(max_examples=60, deadline=None)
@given(k=st.integers(3, 10), data=st.data())
def test_primary_suppression_alone_fails_when_one_cell_of_a_partition_stands_out(k, data):
    small = data.draw(st.integers(1, k - 1))
    others = data.draw(st.lists(st.one_of(st.just(0), st.integers(k, 3 * k)),
                                min_size=3, max_size=3))
    position = data.draw(st.integers(0, 3))
    status_counts = others[:position] + [small] + others[position:]
    stats = stats_for(status_cases(*status_counts))
    lonely = ("by_status", (CASE_STATUSES.values[position],))
    assert [ref for ref in primary_cells(stats.tables, k) if ref[0] == "by_status"] == [lonely]

    naive = apply_suppression(stats.tables, primary_cells(stats.tables, k))
    result = audit(naive, stats.tables, k)
    assert not result.passed
    bounds = result.bounds[lonely]  # recovered by subtraction from the total
    assert bounds.low >= 1 and not bounds.protected

    assert audit(protect(stats, k).tables, stats.tables, k).passed


def test_the_solver_writes_nothing_to_standard_output(capfd):
    # A table on which HiGHS 1.12 printf()s a stray debug line during the MIP solve.
    bands = {"0-12": 2015, "13-17": 2010, "18+": 2000, "unknown": None}
    grid = {("girl", "0-12"): 6, ("girl", "13-17"): 8, ("girl", "18+"): 5, ("girl", "unknown"): 2,
            ("boy", "0-12"): 2, ("boy", "13-17"): 5, ("boy", "18+"): 2,
            ("other", "0-12"): 5, ("other", "13-17"): 5, ("other", "unknown"): 1,
            ("unknown", "0-12"): 5, ("unknown", "13-17"): 7, ("unknown", "18+"): 1,
            ("unknown", "unknown"): 3}
    cases = people({(g, bands[a]): n for (g, a), n in grid.items()},
                   fields=("gender", "birth_year"))
    package = protect(stats_for(cases), k=6)
    assert package.audit_passed
    assert capfd.readouterr().out == ""


def test_inner_cells_are_preferred_even_where_margins_would_need_fewer_cells():
    bands = {"0-12": 2015, "13-17": 2010, "18+": 2000}
    grid = {("girl", "0-12"): 1, ("girl", "13-17"): 9, ("girl", "18+"): 2,
            ("boy", "13-17"): 6, ("boy", "18+"): 9, ("other", "0-12"): 4, ("other", "13-17"): 6}
    stats = stats_for(people({(g, bands[a]): n for (g, a), n in grid.items()},
                             fields=("gender", "birth_year")))
    assert {key for tid, key in primary_cells(stats.tables, 3) if tid == "by_gender_age"} == {
        ("girl", "0-12"), ("girl", "18+")}
    package = protect(stats, k=3)
    hidden = suppressed_in(package, "by_gender_age")
    assert package.audit_passed
    assert not [key for key in hidden if "total" in key]


# --- an independent brute force agrees with the audit --------------------------------------


def brute_force_protected(exact_table, published_table, total, k):
    """Whether every primary cell of a partitioning table is protected, over all non-negative
    integer tables that match the published cells, add up (margins included) and — the
    method — have a count 1..k−1 among their markers (0..k−1 in a table that splits T in two,
    where the method hides an empty category like a small one: a published 0 would show that
    the other holds everyone), by enumeration."""
    from itertools import product

    from hrvdesk.domain.abroad_stats import TOTAL

    inner = [c.key for c in exact_table.cells if TOTAL not in c.key]
    shown = {c.key: c.count for c in published_table.cells}
    hidden = [key for key in inner if shown[key] == MARKER]
    markers = [key for key in shown if shown[key] == MARKER]
    values_seen = {c.key: set() for c in exact_table.cells}
    floor = 0 if len(exact_table.dimensions) == 1 and len(inner) == 2 else 1
    for values in product(range(total + 1), repeat=len(hidden)):
        cells = {key: shown[key] for key in inner if key not in hidden}
        cells.update(zip(hidden, values))
        if sum(cells.values()) != total:
            continue
        for dim in range(len(exact_table.dimensions)):  # margins: sums over the other dimension
            for category in exact_table.categories(dim):
                key = tuple(category if d == dim else TOTAL for d in range(len(exact_table.dimensions)))
                cells[key] = sum(v for k_, v in cells.items() if TOTAL not in k_ and k_[dim] == category)
        cells[exact_table.grand_key] = total
        if any(shown[key] != MARKER and cells[key] != shown[key] for key in cells):
            continue
        if total >= 2 * k and markers and not any(floor <= cells[key] < k for key in markers):
            continue
        for key, value in cells.items():
            values_seen[key].add(value)
    primaries = [c.key for c in exact_table.cells
                 if 1 <= c.count < k and c.key != exact_table.grand_key]
    return all(0 in values_seen[key] and max(values_seen[key]) >= min(k, total)
               for key in primaries)


@settings(max_examples=40, deadline=None)
@given(cases=cases_strategy.map(lambda cs: cs[:9]), k=st.integers(3, 5), data=st.data())
def test_brute_force_on_small_tables_agrees_with_the_audit(cases, k, data):
    from hypothesis import assume

    stats = stats_for(cases)
    total = stats.total
    assume(total > 0)
    primaries = primary_cells(stats.tables, k)
    # any suppression pattern that hides the primary cells
    extra = data.draw(st.sets(st.sampled_from([(t.id, c.key) for t in stats.tables for c in t.cells
                                               if c.key != t.grand_key or not t.partitions]),
                              max_size=4))
    published = apply_suppression(stats.tables, primaries | extra)
    result = audit(published, stats.tables, k)
    checked = 0
    for exact, shown in zip(stats.tables, published):
        hidden_inner = [c for c in shown.cells if c.count == MARKER and "total" not in c.key]
        if not exact.partitions or exact.id in COUPLED or len(hidden_inner) > 4:
            continue  # keep the enumeration small; tests/privacy enumerates the coupled pair
        found = [b.protected for (table_id, _key), b in result.bounds.items()
                 if table_id == exact.id]
        assert all(found) == brute_force_protected(exact, shown, total, k), exact.id
        checked += 1
    assume(checked)


def test_a_pair_of_markers_in_a_table_split_in_two_may_hide_an_empty_category():
    """The case hypothesis found against an earlier brute force: honour link suspected 5,
    confirmed 1 (T = 6 = 2k), both hidden. The method hides an empty category there too, so
    (6, 0) is as consistent as the truth: confirmed is protected, by the audit and by the
    enumeration alike."""
    stats = stats_for(people({("suspected",): 5, ("confirmed",): 1}, fields=("honour_link",)))
    published = apply_suppression(stats.tables, primary_cells(stats.tables, 3)
                                  | {("by_honour_link", ("suspected",))})
    exact = stats.table("by_honour_link")
    shown = next(t for t in published if t.id == "by_honour_link")
    assert audit(published, stats.tables, 3).bounds[("by_honour_link", ("confirmed",))].protected
    assert brute_force_protected(exact, shown, 6, 3)


def test_an_at_least_one_table_is_hidden_whole_only_where_the_markers_must_make_up_t():
    # known to: social services 7, education 2, other 1 (T = 10): the two markers must hold 3,
    # so neither could be 0 — the whole table goes
    kinds = {"SOC": "social_services", "UBF": "education", "KLF": "other"}
    cases = [person(reported_by=by) for by in ["SOC"] * 7 + ["UBF"] * 2 + ["KLF"]]
    package = protect(build_tables(cases, YEAR, kinds), k=3)
    assert [c.count for c in package.tables[4].cells] == [MARKER] * 3
    # purposes 6, 3, 3 published, the gap of 5 spread over five markers: published as usual
    purposes = ([("upbringing_trip",)] * 6 + [("forced_marriage",)] * 3 + [("child_marriage",)] * 3
                + [("conversion",)] * 2 + [("other",)] * 2 + [("evade_authorities",)])
    stats = stats_for([person(purposes=p) for p in purposes])
    table = protect(stats, k=3).tables[7]
    assert table.id == "by_purpose" and table.count("upbringing_trip") == 6
    assert audit(protect(stats, k=3).tables, stats.tables, 3).passed
