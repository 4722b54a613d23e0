"""Annual statistics on persons taken abroad: the tables of ``national-export.md``.

Every table counts **persons**, not case rows ("Who is counted"): :func:`person_records`
groups the cases whose ``known_date`` lies in a reporting :class:`Period` by the person's
pseudonym (``AbroadCase.person_key``; a case without one is a person of its own) and
records, for each national table, the inner keys the person counts in: the tables that
partition T from the person's most recent case in the period (latest ``known_date``, then
the latest registered), ``by_purpose``, ``by_action`` and ``known_to`` under every code of
any of those cases, ``reported_married`` if any case says so. :func:`build_tables` counts
those records into exactly the national tables (ids, dimensions, categories in contract
order, margins labelled ``total``, zeros included); with ``cases=True`` it also counts the
case rows, for the internal statistics that show persons and cases side by side. The
result is exact; disclosure control (:mod:`hrvdesk.domain.disclosure`) works on these
tables before anything leaves the municipality.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from hrvdesk.domain import m49
from hrvdesk.domain.abroad import AbroadCase, StatusChange, age_band, status_at
from hrvdesk.domain.codes import (ACTIONS, ADMINISTRATION_KINDS, AGE_BANDS, CASE_STATUSES,
                                  DEPARTURE_TIMINGS, GENDERS, HONOUR_LINKS, PURPOSES)
from hrvdesk.domain.school_holidays import HolidayCalendar, departure_timing
from hrvdesk.i18n import N_, _

TOTAL = "total"
"""The category of a margin (and of the grand total)."""
UNKNOWN = "unknown"

Count = int | str
"""A count, or the suppression marker in a published package."""

StatusOn = (Mapping[int | None, Sequence[StatusChange]]
            | Callable[[AbroadCase, dt.date], str] | None)


@dataclass(frozen=True)
class Period:
    """A reporting period, both days included."""

    start: dt.date
    end: dt.date

    @classmethod
    def for_year(cls, year: int, start_month: int = 1) -> Period:
        """The twelve months ending in ``year`` (``start_month=10``: 1 Oct year−1 – 30 Sep year)."""
        if not 1 <= start_month <= 12:
            raise ValueError("start_month must be 1..12")
        start = dt.date(year if start_month == 1 else year - 1, start_month, 1)
        next_start = dt.date(start.year + 1, start.month, 1)
        return cls(start, next_start - dt.timedelta(days=1))

    @classmethod
    def containing(cls, day: dt.date, start_month: int = 1) -> Period:
        """The reporting period (of ``for_year``'s kind) that ``day`` belongs to."""
        year = day.year if start_month == 1 or day.month < start_month else day.year + 1
        return cls.for_year(year, start_month)

    @property
    def year(self) -> int:
        """The year the period ends in (the reporting year)."""
        return self.end.year

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Cell:
    """One cell: a category per dimension (``total`` for a margin) and its count."""

    key: tuple[str, ...]
    count: Count


@dataclass(frozen=True)
class Table:
    """A table of counts. ``partitions``: its categories split the persons counted (each
    person in exactly one category per dimension), so the margins add up."""

    id: str
    dimensions: tuple[str, ...]
    cells: tuple[Cell, ...]
    partitions: bool

    def count(self, *key: str) -> Count:
        for cell in self.cells:
            if cell.key == key:
                return cell.count
        raise KeyError(key)

    def categories(self, dimension: int) -> tuple[str, ...]:
        """The categories of one dimension in order, without ``total``."""
        seen = dict.fromkeys(c.key[dimension] for c in self.cells if c.key[dimension] != TOTAL)
        return tuple(seen)

    @property
    def grand_key(self) -> tuple[str, ...]:
        """Key of the cell that counts every person (only meaningful when ``partitions``)."""
        return (TOTAL,) * len(self.dimensions)

    def is_margin(self, key: tuple[str, ...]) -> bool:
        return TOTAL in key

    def with_counts(self, counts: Callable[[Cell], Count]) -> Table:
        """The same table with each cell's count replaced by ``counts(cell)``."""
        cells = tuple(Cell(c.key, counts(c)) for c in self.cells)
        return Table(self.id, self.dimensions, cells, self.partitions)

    def to_json_dict(self) -> dict:
        return {
            "id": self.id,
            "dimensions": list(self.dimensions),
            "cells": [{**dict(zip(self.dimensions, c.key)), "count": c.count} for c in self.cells],
        }


@dataclass(frozen=True)
class StatTables:
    """The exact tables of one reporting period; ``total`` is T (persons).

    ``cases`` and ``case_tables`` (internal statistics only, see :func:`build_tables`): the
    number of case rows and the same tables counting case rows instead of persons."""

    period: Period
    total: int
    tables: tuple[Table, ...]
    cases: int | None = None
    case_tables: tuple[Table, ...] = ()

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)

    def case_count(self, table_id: str, key: tuple[str, ...]) -> int | None:
        """The number of case rows in a cell (None without ``case_tables``)."""
        for table in self.case_tables:
            if table.id == table_id:
                return table.count(*key)
        return None

    def to_json_dict(self) -> dict:
        """The shape of ``stats abroad --json`` (``cli.md``); with case counts, the extra
        keys ``cases`` (at the top, after the contract's keys, and after each cell's ``count``)."""
        tables = [t.to_json_dict() for t in self.tables]
        out = {"year": self.period.year, "total": self.total, "tables": tables}
        if self.cases is None:
            return out
        for table, as_json in zip(self.tables, tables):
            for cell, cell_json in zip(table.cells, as_json["cells"]):
                cell_json["cases"] = self.case_count(table.id, cell.key)
        out["cases"] = self.cases
        return out


@dataclass(frozen=True)
class _Person:
    """What the tables read of one person: the cases counted in the period, the most recent
    of them (``latest``), its status at the end of the period, and the kinds of the
    administrations that reported the person."""

    cases: tuple[AbroadCase, ...]
    latest: AbroadCase
    status: str
    kinds: frozenset[str]
    holidays: HolidayCalendar | None


@dataclass(frozen=True)
class _Spec:
    """How one national table classifies a person: the inner keys it counts the person in."""

    id: str
    title: str
    dimensions: tuple[tuple[str, tuple[str, ...]], ...]
    partitions: bool
    keys: Callable[[_Person], Iterable[tuple[str, ...]]]


_REGIONS = m49.SUB_REGIONS + (UNKNOWN,)


def _region(case: AbroadCase) -> str:
    if case.coarsened is not None:
        return case.coarsened.region
    return m49.region_of(case.destination) or UNKNOWN


def _timing(person: _Person) -> str:
    if person.latest.coarsened is not None:
        return person.latest.coarsened.timing
    return departure_timing(person.latest.departure_date, person.status, person.holidays)


def _every(codes: Callable[[AbroadCase], Iterable[str]]) -> Callable[[_Person], list[tuple[str]]]:
    """The codes of any of the person's cases, each once."""
    return lambda p: [(code,) for code in sorted({c for case in p.cases for c in codes(case)})]


_SPECS: tuple[_Spec, ...] = (
    _Spec("total", N_("Persons"), (), True, lambda p: [()]),
    _Spec("by_status", N_("By status at the end of the period"),
          (("status", CASE_STATUSES.values),), True, lambda p: [(p.status,)]),
    _Spec("by_gender_age", N_("By gender and age"),
          (("gender", GENDERS.values), ("age_band", AGE_BANDS.values)), True,
          lambda p: [(p.latest.gender, age_band(p.latest))]),
    _Spec("by_honour_link", N_("By honour link"),
          (("honour_link", HONOUR_LINKS.values),), True, lambda p: [(p.latest.honour_link,)]),
    _Spec("known_to", N_("Known to (a person may be known to several)"),
          (("agency_kind", ADMINISTRATION_KINDS.values),), False,
          lambda p: [(kind,) for kind in sorted(p.kinds)]),
    _Spec("by_destination_region", N_("By destination region"),
          (("region", _REGIONS),), True,
          lambda p: [(_region(p.latest),)]),
    _Spec("by_departure_timing", N_("By time of departure"),
          (("timing", DEPARTURE_TIMINGS.values),), True,
          lambda p: [(_timing(p),)]),
    _Spec("by_purpose", N_("By suspected purpose (a person may have several)"),
          (("purpose", PURPOSES.values),), False, _every(lambda case: case.purposes)),
    _Spec("by_action", N_("By action taken (a person may have several)"),
          (("action", ACTIONS.values),), False, _every(lambda case: case.actions)),
    _Spec("reported_married", N_("Persons reported married"), (), False,
          lambda p: [()] if any(case.reported_married for case in p.cases) else []),
)

TABLE_IDS: tuple[str, ...] = tuple(spec.id for spec in _SPECS)
_PARTITIONS = {spec.id: spec.partitions for spec in _SPECS}
_TITLES = {spec.id: spec.title for spec in _SPECS}
_DIMENSION_TITLES = {
    "status": CASE_STATUSES.title, "gender": GENDERS.title, "age_band": AGE_BANDS.title,
    "honour_link": HONOUR_LINKS.title, "agency_kind": N_("Known to"),
    "region": N_("Destination region"), "timing": DEPARTURE_TIMINGS.title,
    "purpose": PURPOSES.title, "action": ACTIONS.title,
}
_CODE_LISTS = {
    "status": CASE_STATUSES, "gender": GENDERS, "age_band": AGE_BANDS,
    "honour_link": HONOUR_LINKS, "agency_kind": ADMINISTRATION_KINDS,
    "timing": DEPARTURE_TIMINGS, "purpose": PURPOSES, "action": ACTIONS,
}


def table_title(table_id: str) -> str:
    """Translated title of a national table."""
    return _(_TITLES[table_id])


def dimension_title(dimension: str) -> str:
    """Translated name of a dimension."""
    return _(_DIMENSION_TITLES[dimension])


def category_label(dimension: str, code: str) -> str:
    """Translated label of a category (``total`` included)."""
    if code == TOTAL:
        return _("Total")
    if dimension == "region":
        return _("Unknown region") if code == UNKNOWN else m49.region_name(code)
    return _CODE_LISTS[dimension].label(code)


def _status_function(status_on: StatusOn, day: dt.date) -> Callable[[AbroadCase], str]:
    if status_on is None:
        return lambda case: case.status
    if callable(status_on):
        return lambda case: status_on(case, day)
    return lambda case: status_at(case, status_on.get(case.id, ()), day)


@dataclass(frozen=True)
class PersonRecord:
    """One person counted in a period, as the tables see them.

    ``key``: the person's pseudonym, or ``case:<id>`` for a case without one; ``case_ids``:
    the cases counted, oldest first; ``cells``: for each table id, the inner keys (no
    margins) the person counts in — exactly one for a table that partitions T, any number
    (none included) for the others."""

    key: str
    case_ids: tuple[int | None, ...]
    cells: Mapping[str, tuple[tuple[str, ...], ...]]
    country: str | None = None  # of the most recent case: internal statistics only, never a table


def person_key_of(case: AbroadCase, position: int = 0) -> str:
    """The key a case is counted under: its pseudonym, else ``case:<id>`` (a person of its own)."""
    if case.person_key is not None:
        return case.person_key
    return f"case:{case.id}" if case.id is not None else f"row:{position}"


def _registration_order(item: tuple[int, AbroadCase]) -> tuple:
    """Most recent last: by known date, then by registration (case number, else position)."""
    position, case = item
    return (case.known_date, case.id if case.id is not None else -1, position)


def person_records(cases: Iterable[AbroadCase], period: Period, kind_of: Mapping[str, str],
                   status_on: StatusOn = None, holidays: HolidayCalendar | None = None, *,
                   by_case: bool = False) -> list[PersonRecord]:
    """The persons counted in ``period``, ordered by key (see :class:`PersonRecord`).

    ``kind_of`` maps administration code -> kind (``social_services``, ``education``,
    ``other``; an unmapped code counts as ``other``). Status is the status at the end of the
    period: ``status_on`` is either a mapping case id -> status history (cases without an
    entry keep their own status) or a function ``(case, day) -> status``; None uses each
    case's ``status``. ``holidays`` decides the departure timing (None: the Swedish
    defaults). ``by_case``: every case row counts as a person of its own (the case figures
    of the internal statistics).
    """
    status_of = _status_function(status_on, period.end)
    holidays = holidays if holidays is not None else HolidayCalendar()
    groups: dict[str, list[tuple[int, AbroadCase]]] = {}
    for position, case in enumerate(cases):
        if case.known_date in period:
            key = f"row:{position}" if by_case else person_key_of(case, position)
            groups.setdefault(key, []).append((position, case))
    records = []
    for key in sorted(groups):
        ordered = [case for _position, case in sorted(groups[key], key=_registration_order)]
        latest = ordered[-1]
        person = _Person(tuple(ordered), latest, status_of(latest),
                         frozenset(kind_of.get(c.reported_by, "other") for c in ordered), holidays)
        cells = {spec.id: tuple(spec.keys(person)) for spec in _SPECS}
        records.append(PersonRecord(key, tuple(c.id for c in ordered), cells, latest.destination))
    return records


def tables_from_records(records: Sequence[PersonRecord]) -> tuple[Table, ...]:
    """The national tables counted from person records (each record once per inner key)."""
    counters = {spec.id: Counter() for spec in _SPECS}
    for record in records:
        for spec in _SPECS:
            for key in record.cells[spec.id]:
                counters[spec.id].update(_with_margins(key) if spec.partitions else [key])
    return tuple(_table(spec, counters[spec.id]) for spec in _SPECS)


def build_tables(cases: Iterable[AbroadCase], period: Period, kind_of: Mapping[str, str],
                 status_on: StatusOn = None, holidays: HolidayCalendar | None = None, *,
                 cases_too: bool = False) -> StatTables:
    """Count the persons known in ``period`` into the national tables (arguments as for
    :func:`person_records`). ``cases_too``: also count the case rows (``StatTables.cases``,
    ``case_tables``), for the internal statistics."""
    cases = list(cases)
    records = person_records(cases, period, kind_of, status_on, holidays)
    stats = StatTables(period, len(records), tables_from_records(records))
    if not cases_too:
        return stats
    rows = person_records(cases, period, kind_of, status_on, holidays, by_case=True)
    return dataclasses.replace(stats, cases=len(rows), case_tables=tables_from_records(rows))


def _with_margins(key: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The inner key and every margin it adds to (each component either kept or ``total``)."""
    return set(itertools.product(*[(part, TOTAL) for part in key]))


def _table(spec: _Spec, counts: Counter) -> Table:
    extra = (TOTAL,) if spec.partitions else ()
    axes = [categories + extra for _dim, categories in spec.dimensions]
    cells = tuple(Cell(key, counts[key]) for key in itertools.product(*axes))
    if len(counts) > sum(1 for c in cells if counts[c.key]):
        raise ValueError(f"a person has a code outside the categories of table {spec.id}")
    return Table(spec.id, tuple(d for d, _cats in spec.dimensions), cells, spec.partitions)


def tables_from_json(tables: Sequence[Mapping]) -> tuple[Table, ...]:
    """Tables read back from their JSON form (:meth:`Table.to_json_dict`; a package's
    ``tables`` or a release's stored basis)."""
    return tuple(Table(t["id"], tuple(t["dimensions"]),
                       tuple(Cell(tuple(c[d] for d in t["dimensions"]), c["count"]) for c in t["cells"]),
                       _PARTITIONS[t["id"]]) for t in tables)

