"""The national package against an outside attacker written in the tests (``attacker.py``):
the attacks that broke version 1, random small populations (T from 1 to 25) audited by an
LP/MILP attacker and, for T ≤ 8, by brute force, and differencing pairs of releases."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random

import pytest

from hrvdesk.domain.abroad import AbroadCase
from hrvdesk.domain.abroad_stats import Period, build_tables, person_records
from hrvdesk.domain.disclosure import EarlierRelease, fingerprints, protect, suppressed_refs
from tests.privacy import attacker

KINDS = {"SOC": "social_services", "UBF": "education", "KLF": "other"}
YEAR = Period.for_year(2025)
K = 3


def person_key(n: int) -> str:
    return hashlib.sha256(f"child {n}".encode()).hexdigest()


def population(size: int, seed: int, year: int = 2025) -> list[AbroadCase]:
    """``size`` random cases known in ``year``; about one child in six has a second case."""
    rng = random.Random(seed)
    cases = []
    for n in range(size):
        again = cases and rng.random() < 0.17
        first = rng.choice(cases) if again else None
        known = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        status = rng.choice(["at_risk", "at_risk", "abroad", "returned", "unknown"])
        departure = (None if rng.random() < 0.4 else
                     f"{year}-{rng.randint(1, 12):02d}" + (f"-{rng.randint(1, 28):02d}" if rng.random() < 0.7 else ""))
        cases.append(AbroadCase(
            id=n + 1, person_key=first.person_key if first else person_key(seed * 1000 + n),
            reported_by=rng.choice(list(KINDS)), known_date=known, departure_date=departure,
            gender=first.gender if first else rng.choice(["girl", "girl", "boy", "other", "unknown"]),
            birth_year=first.birth_year if first else rng.choice([None, 2005, 2009, 2011, 2013, 2016]),
            purposes=tuple(rng.sample(["child_marriage", "forced_marriage", "fgm", "upbringing_trip",
                                       "other", "unknown"], rng.choice([1, 1, 2]))),
            honour_link=rng.choice(["suspected", "suspected", "confirmed"]),
            destination=rng.choice([None, "IQ", "SO", "AF", "SY", "TR", "ER"]), status=status,
            reported_married=rng.random() < 0.2,
            actions=tuple(rng.sample(["concern_report", "investigation", "travel_ban", "lvu",
                                      "placement"], rng.randint(0, 2)))))
    return cases


def package_of(cases, period=YEAR, seed="5eed", earlier=()):
    stats = build_tables(cases, period, KINDS)
    records = person_records(cases, period, KINDS)
    package = protect(stats, K, persons=records, earlier=earlier, seed=seed)
    return stats, records, package


def released(release_id, stats, records, package) -> EarlierRelease:
    return EarlierRelease(release_id, package.tables, stats.tables, fingerprints(records))


# --- the attacker has teeth -----------------------------------------------------------------


def test_the_attacker_breaks_primary_suppression_alone():
    exposed = total = 0
    for seed in range(12):
        stats = build_tables(population(20, seed), YEAR, KINDS)
        exposed += len(attacker.single_exposures(attacker.primary_only(stats, K), stats, K))
        total += 1
    assert exposed >= total  # every such package gives cells away


def test_the_brute_force_breaks_primary_suppression_alone():
    found = 0
    for seed in range(12):
        stats = build_tables(population(8, seed), YEAR, KINDS)
        found += len(attacker.brute_force_exposures(attacker.primary_only(stats, K), stats, K)[0])
    assert found > 0


# --- the attacks on version 1 ------------------------------------------------------------------


def one_child(**fields):
    defaults = dict(id=1, reported_by="SOC", known_date=dt.date(2025, 5, 5), gender="girl",
                    birth_year=2012, purposes=("fgm",), honour_link="suspected", destination="SO",
                    status="abroad")
    return AbroadCase(**{**defaults, **fields})


def test_one_child_with_fgm_reveals_no_purpose():
    stats, _records, package = package_of([one_child()])
    document = package.to_json_dict()
    purposes = next(t for t in document["tables"] if t["id"] == "by_purpose")
    assert {c["count"] for c in purposes["cells"]} == {".."}
    assert attacker.single_exposures(document, stats, K) == []


def test_three_children_are_not_pinned_at_one_each():
    cases = [one_child(id=n, status=s, reported_by=r, gender=g)
             for n, (s, r, g) in enumerate([("at_risk", "SOC", "girl"), ("abroad", "UBF", "boy"),
                                            ("returned", "KLF", "girl")], start=1)]
    stats, _records, package = package_of(cases)
    assert attacker.single_exposures(package.to_json_dict(), stats, K) == []
    assert attacker.brute_force_exposures(package.to_json_dict(), stats, K)[0] == []


def test_a_late_case_is_not_given_away_by_the_second_package():
    cases = population(18, seed=3)
    stats, records, first = package_of(cases, seed="aa")
    late = dataclasses.replace(one_child(id=99, person_key=person_key(99999), honour_link="confirmed",
                                         reported_by="UBF", gender="boy", reported_married=True),
                               known_date=dt.date(2025, 11, 30))
    stats2, records2, second = package_of(cases + [late], seed="bb",
                                          earlier=[released(1, stats, records, first)])
    assert second.audit_passed
    group = attacker.exact_tables(build_tables([late], YEAR, KINDS))
    exposed = attacker.joint_exposures(first.to_json_dict(), second.to_json_dict(),
                                       (stats.total, 0, 1), group, K)
    assert exposed == []


def test_a_moved_start_month_is_audited_jointly():
    cases = population(22, seed=7) + [dataclasses.replace(c, id=c.id + 100, known_date=dt.date(
        2024, 10 + c.id % 3, 10), person_key=person_key(5000 + c.id)) for c in population(6, seed=8)]
    calendar, july = Period.for_year(2025), Period.for_year(2025, 7)
    stats, records, first = package_of(cases, calendar, seed="cc")
    stats2, records2, second = package_of(cases, july, seed="dd",
                                          earlier=[released(1, stats, records, first)])
    assert second.audit_passed and second.joint_with == (1,)
    before = {r.key: r for r in records}
    changed = [r for r in records2 if fingerprints([r]) != fingerprints([before.get(r.key, r)])
               or r.key not in before]
    common = len(records2) - len(changed)
    group_cases = [c for c in cases if c.person_key in {r.key for r in changed}]
    group = attacker.exact_tables(build_tables(group_cases, july, KINDS))
    exposed = attacker.joint_exposures(first.to_json_dict(), second.to_json_dict(),
                                       (common, stats.total - common, len(changed)), group, K)
    assert exposed == []


# --- random small populations ----------------------------------------------------------------


@pytest.mark.parametrize("size", range(1, 26))
def test_random_populations_expose_nothing(size):
    checked = cells = 0
    for seed in range(3):
        stats, _records, package = package_of(population(size, seed * 97 + size), seed=f"{seed:x}")
        assert package.audit_passed
        document = package.to_json_dict()
        assert attacker.single_exposures(document, stats, K) == [], seed
        if stats.total <= 8:
            exposed, _skipped = attacker.brute_force_exposures(document, stats, K)
            assert exposed == [], seed
        checked += 1
        cells += len(suppressed_refs(package.tables))
    assert checked == 3 and cells > 0


def test_another_seed_chooses_another_pattern_among_equal_ones():
    patterns = set()
    for seed in range(8):
        _stats, _records, package = package_of(population(24, 11), seed=f"{seed:02x}")
        patterns.add(frozenset(suppressed_refs(package.tables)))
    assert len(patterns) > 1
