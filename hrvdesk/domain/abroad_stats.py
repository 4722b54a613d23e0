"""Annual statistics on persons taken abroad: the tables of ``national-export.md``.

:func:`build_tables` counts the cases whose ``known_date`` lies in a reporting
:class:`Period` into exactly the national tables (ids, dimensions, categories in contract
order, margins labelled ``total``, zeros included). The result is exact; disclosure control
(:mod:`hrvdesk.domain.disclosure`) works on these tables before anything leaves the
municipality.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from hrvdesk.domain import m49
from hrvdesk.domain.abroad import AbroadCase, StatusChange, age_band, status_at
from hrvdesk.domain.codes import (ACTIONS, ADMINISTRATION_KINDS, AGE_BANDS, CASE_STATUSES,
                                  GENDERS, HONOUR_LINKS, PURPOSES)
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
    """The exact tables of one reporting period; ``total`` is T."""

    period: Period
    total: int
    tables: tuple[Table, ...]

    def table(self, table_id: str) -> Table:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)

    def to_json_dict(self) -> dict:
        """The shape of ``stats abroad --json`` (``cli.md``)."""
        return {"year": self.period.year, "total": self.total,
                "tables": [t.to_json_dict() for t in self.tables]}


@dataclass(frozen=True)
class _Spec:
    """How one national table classifies a case: the inner keys it counts the case in."""

    id: str
    title: str
    dimensions: tuple[tuple[str, tuple[str, ...]], ...]
    partitions: bool
    keys: Callable[[AbroadCase, str, str], Iterable[tuple[str, ...]]]  # (case, status, kind)


_REGIONS = m49.SUB_REGIONS + (UNKNOWN,)

_SPECS: tuple[_Spec, ...] = (
    _Spec("total", N_("Persons"), (), True, lambda c, s, k: [()]),
    _Spec("by_status", N_("By status at the end of the period"),
          (("status", CASE_STATUSES.values),), True, lambda c, s, k: [(s,)]),
    _Spec("by_gender_age", N_("By gender and age"),
          (("gender", GENDERS.values), ("age_band", AGE_BANDS.values)), True,
          lambda c, s, k: [(c.gender, age_band(c))]),
    _Spec("by_honour_link", N_("By honour link"),
          (("honour_link", HONOUR_LINKS.values),), True, lambda c, s, k: [(c.honour_link,)]),
    _Spec("by_reporter", N_("By reporting administration"),
          (("reporter_kind", ADMINISTRATION_KINDS.values),), True, lambda c, s, k: [(k,)]),
    _Spec("by_destination_region", N_("By destination region"),
          (("region", _REGIONS),), True,
          lambda c, s, k: [(m49.region_of(c.destination) or UNKNOWN,)]),
    _Spec("by_purpose", N_("By suspected purpose (a person may have several)"),
          (("purpose", PURPOSES.values),), False, lambda c, s, k: [(p,) for p in set(c.purposes)]),
    _Spec("by_action", N_("By action taken (a person may have several)"),
          (("action", ACTIONS.values),), False, lambda c, s, k: [(a,) for a in set(c.actions)]),
    _Spec("reported_married", N_("Persons reported married"), (), False,
          lambda c, s, k: [()] if c.reported_married else []),
)

TABLE_IDS: tuple[str, ...] = tuple(spec.id for spec in _SPECS)
_TITLES = {spec.id: spec.title for spec in _SPECS}
_DIMENSION_TITLES = {
    "status": CASE_STATUSES.title, "gender": GENDERS.title, "age_band": AGE_BANDS.title,
    "honour_link": HONOUR_LINKS.title, "reporter_kind": N_("Reported by"),
    "region": N_("Destination region"), "purpose": PURPOSES.title, "action": ACTIONS.title,
}
_CODE_LISTS = {
    "status": CASE_STATUSES, "gender": GENDERS, "age_band": AGE_BANDS,
    "honour_link": HONOUR_LINKS, "reporter_kind": ADMINISTRATION_KINDS,
    "purpose": PURPOSES, "action": ACTIONS,
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


def build_tables(cases: Iterable[AbroadCase], period: Period, kind_of: Mapping[str, str],
                 status_on: StatusOn = None) -> StatTables:
    """Count the cases whose ``known_date`` is in ``period`` into the national tables.

    ``kind_of`` maps administration code -> kind (``social_services``, ``education``,
    ``other``; an unmapped code counts as ``other``). Status is the status at the end of the
    period: ``status_on`` is either a mapping case id -> status history (cases without an
    entry keep their own status) or a function ``(case, day) -> status``; None uses each
    case's ``status``.
    """
    status_of = _status_function(status_on, period.end)
    counters = {spec.id: Counter() for spec in _SPECS}
    total = 0
    for case in cases:
        if case.known_date not in period:
            continue
        total += 1
        status, kind = status_of(case), kind_of.get(case.reported_by, "other")
        for spec in _SPECS:
            for key in spec.keys(case, status, kind):
                counters[spec.id].update(_with_margins(key) if spec.partitions else [key])
    tables = tuple(_table(spec, counters[spec.id]) for spec in _SPECS)
    return StatTables(period, total, tables)


def _with_margins(key: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The inner key and every margin it adds to (each component either kept or ``total``)."""
    return set(itertools.product(*[(part, TOTAL) for part in key]))


def _table(spec: _Spec, counts: Counter) -> Table:
    extra = (TOTAL,) if spec.partitions else ()
    axes = [categories + extra for _dim, categories in spec.dimensions]
    cells = tuple(Cell(key, counts[key]) for key in itertools.product(*axes))
    if len(counts) > sum(1 for c in cells if counts[c.key]):
        raise ValueError(f"a case has a code outside the categories of table {spec.id}")
    return Table(spec.id, tuple(d for d, _cats in spec.dimensions), cells, spec.partitions)
