"""Small random populations and the product calls the privacy tests share (public API only)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random

from hrvdesk.domain.abroad import AbroadCase
from hrvdesk.domain.abroad_stats import Period, build_tables, person_records
from hrvdesk.domain.disclosure import EarlierRelease, fingerprints, protect

KINDS = {"SOC": "social_services", "UBF": "education", "KUL": "other"}
YEAR = Period.for_year(2025)
K = 3
PURPOSES = ("child_marriage", "forced_marriage", "fgm", "upbringing_trip", "conversion",
            "evade_authorities", "other", "unknown")
GENDERS = ("girl", "girl", "boy", "other", "unknown")
BIRTH_YEARS = (None, 2006, 2009, 2011, 2014, 2017)
ACTIONS = ("concern_report", "investigation", "police_report", "travel_ban", "lvu",
           "school_followup", "placement")


def person_key(n: int) -> str:
    return hashlib.sha256(f"child {n}".encode()).hexdigest()


def population(size: int, seed: int, year: int = 2025, first_id: int = 1) -> list[AbroadCase]:
    """``size`` random case rows known in ``year``; about one in six is a further case of a
    person already drawn (so persons ≤ rows)."""
    rng = random.Random(seed)
    cases: list[AbroadCase] = []
    for n in range(size):
        first = rng.choice(cases) if cases and rng.random() < 0.17 else None
        departure = (None if rng.random() < 0.4 else f"{year}-{rng.randint(1, 12):02d}"
                     + (f"-{rng.randint(1, 28):02d}" if rng.random() < 0.7 else ""))
        cases.append(AbroadCase(
            id=first_id + n,
            person_key=first.person_key if first else person_key(seed * 1000 + first_id + n),
            reported_by=rng.choice(list(KINDS)),
            known_date=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            departure_date=departure,
            gender=first.gender if first else rng.choice(GENDERS),
            birth_year=first.birth_year if first else rng.choice(BIRTH_YEARS),
            purposes=tuple(rng.sample(PURPOSES[:4] + ("other", "unknown"), rng.choice([1, 1, 2]))),
            honour_link=rng.choice(["suspected", "suspected", "confirmed"]),
            destination=rng.choice([None, "IQ", "SO", "AF", "SY", "TR", "ER"]),
            status=rng.choice(["at_risk", "at_risk", "abroad", "returned", "unknown"]),
            reported_married=rng.random() < 0.2,
            actions=tuple(rng.sample(ACTIONS, rng.randint(0, 2)))))
    return cases


def one_child(**fields) -> AbroadCase:
    defaults = dict(id=1, person_key=person_key(1), reported_by="SOC",
                    known_date=dt.date(2025, 5, 5), gender="girl", birth_year=2012,
                    purposes=("fgm",), honour_link="suspected", destination="SO", status="abroad")
    return AbroadCase(**{**defaults, **fields})


def package_of(cases, period=YEAR, seed="5eed", earlier=(), k=K):
    """(exact stats, person records, protected package) of ``cases`` in ``period``."""
    stats = build_tables(cases, period, KINDS)
    records = person_records(cases, period, KINDS)
    return stats, records, protect(stats, k, persons=records, earlier=earlier, seed=seed)


def released(release_id: int, stats, records, package) -> EarlierRelease:
    return EarlierRelease(release_id, package.tables, stats.tables, fingerprints(records))


def cells_by_person(records) -> dict:
    """person key -> table id -> inner keys: what the joint attacker's truth is made of."""
    return {r.key: dict(r.cells) for r in records}
