"""Demo data for the training log: a fictitious staff, its trainings and headcounts.

``small``: a mid-size municipality, about 7 000 staff over three years (about 40 trainings
and a few thousand completions). ``large``: a city of 50 000 staff over ten years (about
500 000 completions), for the coverage benchmark. Staff change: every year some leave,
others are hired and a few move to another administration, so coverage and headcounts
move as they would. Participation differs between administrations so that some reach the
coverage threshold and some do not; a few trainings break the co-organisation rule.

Persons are invented identifiers ("demo-person-00042") that are pseudonymised like real
ones; nothing looks like a name. Everything is written with bulk inserts in one
transaction, audited as one entry.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from hrvdesk.domain.training import unit_key
from hrvdesk.store import connection, organisation
from hrvdesk.store.training_repo import PersonRegister, insert_completions

_VPC = "Våldspreventivt center"


@dataclass(frozen=True)
class _Scale:
    staff: int
    years: int
    activity: float             # multiplies each administration's yearly share of trainees
    web_courses: int            # how many of the web courses run
    classroom: int              # classroom trainings per year
    conferences: int
    network_meetings: int


SCALES = {
    "small": _Scale(staff=7_000, years=3, activity=0.9, web_courses=2, classroom=10,
                    conferences=1, network_meetings=2),
    "large": _Scale(staff=50_000, years=10, activity=1.0, web_courses=5, classroom=100,
                    conferences=4, network_meetings=10),
}

# administration -> (share of staff, share in the target group, share of its staff who
# train in a year, kinds of units)
_PROFILE = {
    "UBF": (0.44, 0.85, 0.45, ("Förskola", "Grundskola", "Gymnasium", "Elevhälsa")),
    "VOF": (0.19, 0.03, 0.12, ("Hemtjänst", "Vård- och omsorgsboende")),
    "SOC": (0.12, 0.45, 0.75, ("Barn och unga", "Vuxen", "Försörjningsstöd", "Familjestöd")),
    "KOF": (0.06, 0.60, 0.70, ("Fritidsgård", "Bibliotek", "Kulturskola")),
    "AVUX": (0.07, 0.25, 0.30, ("Vuxenutbildning", "Arbetsmarknad", "Aktivitetsansvar")),
    "SBF": (0.06, 0.02, 0.10, ("Bygglov", "Gata och park")),
    "KLF": (0.06, 0.05, 0.28, ("Kansli", "Våldspreventivt center", "HR")),
}
_UNITS_PER_KIND = {"small": 4, "large": 12}
_UNIT_HEADCOUNTS = ("UBF", "SOC", "KOF")  # HR gives these administrations' units a headcount too
_LEAVE, _MOVE, _GROWTH = 0.08, 0.02, 0.01
_OTHERS_TRAINED = 0.03  # the rate of training among staff outside the target group, relative
_BULK_CACHE_KIB = 256 * 1024

_WEB = (  # (title, topics, chance that one of the year's trainees takes it)
    ("Grundkurs om hedersrelaterat våld, könsstympning och våld i nära relationer",
     ("hrv", "fgm", "dv"), 0.85),
    ("Våld i nära relationer – webbutbildning med avsnitt om heder", ("dv", "hrv"), 0.60),
    ("Könsstympning – det alla anställda behöver veta", ("fgm",), 0.50),
    ("Barnäktenskap och tvångsäktenskap – webbkurs", ("hrv",), 0.40),
    ("Orosanmälan när barn far illa – webbkurs", ("dv",), 0.40),
)
_CLASSROOM = (
    ("Heder i förskola och skola", ("hrv",), ("UBF",)),
    ("Orosanmälan vid misstanke om hedersrelaterat våld", ("hrv",), ("UBF", "KOF")),
    ("Samtal med barn om våld", ("dv", "hrv"), ("SOC",)),
    ("Könsstympning – bemötande i elevhälsan", ("fgm",), ("UBF",)),
    ("Barnäktenskap och tvångsäktenskap", ("hrv",), ("SOC", "AVUX")),
    ("Våld i nära relationer – fördjupning", ("dv",), ("SOC", "VOF")),
    ("Hedersnormer och unga på fritiden", ("hrv",), ("KOF",)),
)
_CONFERENCE = ("Konferens om hedersrelaterat våld och förtryck", ("hrv", "fgm", "dv"))
_NETWORK = ("Erfarenhetsträff för HRV-ombud", ("hrv",))


def person_identifier(number: int) -> str:
    """An invented employee identifier, clearly not a real one."""
    return f"demo-person-{number:05d}"


def _works_with_children(person: int, share: float) -> bool:
    """Whether an invented person is in the target group (a fixed draw per person)."""
    return random.Random(person).random() < share


class _Staff:
    """Who works where, year by year (numbers of invented persons)."""

    def __init__(self, rng: random.Random, scale: str, size: int):
        self.rng = rng
        self.units = {code: [f"{kind} {n:02d}" for kind in kinds
                             for n in range(1, _UNITS_PER_KIND[scale] + 1)]
                      for code, (_s, _t, _p, kinds) in _PROFILE.items()}
        self.where: dict[int, tuple[str, str]] = {}
        self.next_number = 1
        codes = list(_PROFILE)
        weights = [_PROFILE[c][0] for c in codes]
        for code in rng.choices(codes, weights, k=size):
            self._hire(code)

    def _hire(self, code: str) -> None:
        self.where[self.next_number] = (code, self.rng.choice(self.units[code]))
        self.next_number += 1

    def new_year(self) -> None:
        rng = self.rng
        codes = list(_PROFILE)
        weights = [_PROFILE[c][0] for c in codes]
        target = round(len(self.where) * (1 + _GROWTH))
        for person in list(self.where):
            draw = rng.random()
            if draw < _LEAVE:
                del self.where[person]
            elif draw < _LEAVE + _MOVE:
                code = rng.choices(codes, weights)[0]
                self.where[person] = (code, rng.choice(self.units[code]))
        for code in rng.choices(codes, weights, k=target - len(self.where)):
            self._hire(code)

    def unit_sizes(self, codes: Iterable[str]) -> dict[tuple[str, str], int]:
        """(administration, unit) -> staff, for the administrations ``codes``."""
        wanted, sizes = set(codes), Counter()
        for code, unit in self.where.values():
            if code in wanted:
                sizes[(code, unit)] += 1
        return dict(sizes)

    def pools(self) -> dict[str, list[int]]:
        pools: dict[str, list[int]] = {code: [] for code in _PROFILE}
        for person, (code, _unit) in self.where.items():
            pools[code].append(person)
        return pools


@dataclass
class _Plan:
    """The trainings and who completed them, as rows to insert (trainings by index)."""

    trainings: list[tuple] = field(default_factory=list)
    completions: list[tuple] = field(default_factory=list)  # (person, index, date, adm, unit)
    attendance: list[tuple] = field(default_factory=list)   # (index, adm, count, date)
    headcounts: list[tuple] = field(default_factory=list)   # (year, adm, headcount, target)
    unit_headcounts: list[tuple] = field(default_factory=list)  # (year, adm, key, unit, n, target)
    shared_classrooms: int = 0                               # given to several administrations


def _day(rng: random.Random, year: int, last: dt.date) -> dt.date:
    first = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), last)
    return first + dt.timedelta(days=rng.randrange((end - first).days + 1))


def _sample(rng: random.Random, trainees: dict[str, list[int]], codes, total: int) -> list[int]:
    """About ``total`` distinct trainees of the administrations ``codes``, by their number."""
    whole = sum(len(trainees[c]) for c in codes) or 1
    chosen = []
    for code in codes:
        pool = trainees[code]
        chosen += rng.sample(pool, min(len(pool), round(total * len(pool) / whole)))
    return chosen


def _year_plan(rng: random.Random, cfg: _Scale, year: int, staff: _Staff, today: dt.date,
               plan: _Plan) -> None:
    """One year: headcounts, the year's trainees (who take most trainings), the trainings."""
    all_codes = tuple(_PROFILE)
    trainees = {}
    for code, pool in staff.pools().items():
        share, rate = _PROFILE[code][1], _PROFILE[code][2] * cfg.activity
        children = [p for p in pool if _works_with_children(p, share)]
        others = [p for p in pool if not _works_with_children(p, share)]
        plan.headcounts.append((year, code, len(pool), len(children)))
        # training reaches those who work with children first, a few others as well
        trainees[code] = (rng.sample(children, round(len(children) * rate))
                          + rng.sample(others, round(len(others) * rate * _OTHERS_TRAINED)))
    for (code, unit), size in sorted(staff.unit_sizes(_UNIT_HEADCOUNTS).items()):
        if rng.random() < 0.8:  # HR's file lacks a few units: they show "unknown"
            plan.unit_headcounts.append((year, code, unit_key(unit), unit, size,
                                         round(size * _PROFILE[code][1])))

    def add(title, topics, fmt, codes, vpc, day, persons, organiser):
        index = len(plan.trainings)
        end = min(dt.date(year, 12, 31), today) if fmt == "web" else None
        plan.trainings.append((title, topics, fmt, day, end, organiser, codes, vpc))
        for person in persons:
            when = _day(rng, year, today) if fmt == "web" else day
            plan.completions.append((person, index, when, *staff.where[person]))
        return index

    everyone = [p for code in all_codes for p in trainees[code]]
    for title, topics, chance in _WEB[:cfg.web_courses]:
        add(f"{title} {year}", topics, "web", all_codes, True, dt.date(year, 1, 1),
            [p for p in everyone if rng.random() < chance], _VPC)
    for _ in range(cfg.classroom):
        title, topics, codes = rng.choice(_CLASSROOM)
        vpc = len(codes) == 1 or plan.shared_classrooms % 4 != 0  # every 4th breaks the rule
        plan.shared_classrooms += len(codes) > 1
        add(title, topics, "classroom", codes, vpc, _day(rng, year, today),
            _sample(rng, trainees, codes, rng.randint(15, 45)), _VPC if vpc else codes[0])
    for _ in range(cfg.conferences):
        codes = tuple(sorted(rng.sample(all_codes, rng.randint(3, 5))))
        index = add(_CONFERENCE[0], _CONFERENCE[1], "conference", codes, True, _day(rng, year, today),
                    _sample(rng, trainees, codes, rng.randint(120, 300)), _VPC)
        code = rng.choice(codes)   # one administration sent a number, not a list
        plan.attendance.append((index, code, rng.randint(20, 60), plan.trainings[index][3]))
    for _ in range(cfg.network_meetings):
        codes = tuple(sorted(rng.sample(all_codes, rng.randint(2, 4))))
        index = add(_NETWORK[0], _NETWORK[1], "network_meeting", codes, True, _day(rng, year, today),
                    _sample(rng, trainees, codes, rng.randint(10, 25)), _VPC)
        if rng.random() < 0.3:
            plan.attendance.append((index, rng.choice(codes), rng.randint(5, 15), plan.trainings[index][3]))


def demo_training(ctx) -> None:
    """Fill the training log of a new demo database (``ctx``: :class:`hrvdesk.store.demo.DemoContext`)."""
    cfg = SCALES[ctx.scale]
    rng = ctx.rng
    today = dt.date.today()
    registered = {a.code for a in organisation.administrations(ctx.db)}
    if not set(_PROFILE) <= registered:
        return  # a register without the seeded administrations: nothing sensible to invent
    staff = _Staff(rng, ctx.scale, cfg.staff)
    plan = _Plan()
    first_year = today.year - cfg.years + 1
    for year in range(first_year, today.year + 1):
        if year > first_year:
            staff.new_year()
        _year_plan(rng, cfg, year, staff, today, plan)
    _write(ctx.db, plan)


def _write(db, plan: _Plan) -> None:
    with connection.bulk_cache(db.conn, _BULK_CACHE_KIB):  # bulk inserts touch every page
        _insert(db, plan)


def _insert(db, plan: _Plan) -> None:
    with db.transaction() as conn:
        training_ids = []
        for title, topics, fmt, start, end, organiser, codes, vpc in plan.trainings:
            tid = conn.execute(
                "INSERT INTO trainings(title, format, start_date, end_date, organiser, vpc_coorganised)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (title, fmt, start.isoformat(), None if end is None else end.isoformat(), organiser,
                 int(vpc))).lastrowid
            training_ids.append(tid)
            conn.executemany("INSERT INTO training_topics(topic, training_id) VALUES (?, ?)",
                             [(t, tid) for t in topics])
            conn.executemany("INSERT INTO training_administrations(training_id, administration) VALUES (?, ?)",
                             [(tid, c) for c in codes])
        persons = sorted({c[0] for c in plan.completions})
        numbers = dict(zip(persons, PersonRegister(conn).numbers([person_identifier(p) for p in persons])))
        rows = sorted((numbers[p], training_ids[i], adm, unit, d.isoformat())
                      for p, i, d, adm, unit in plan.completions)
        insert_completions(conn, rows)
        conn.executemany(
            "INSERT INTO training_attendance(training_id, administration, attended_date, participants)"
            " VALUES (?, ?, ?, ?)", [(training_ids[i], c, d.isoformat(), n) for i, c, n, d in plan.attendance])
        conn.executemany("INSERT INTO headcounts(year, administration, headcount, target_group)"
                         " VALUES (?, ?, ?, ?)", plan.headcounts)
        conn.executemany("INSERT INTO unit_headcounts(year, administration, unit_key, unit, headcount,"
                         " target_group) VALUES (?, ?, ?, ?, ?, ?)", plan.unit_headcounts)
        db.audit("create", target="demo:training",
                 detail={"trainings": len(training_ids), "completions": len(rows),
                         "headcounts": len(plan.headcounts)})
