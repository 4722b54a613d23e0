"""Cross-tables the coordinator chooses (issue 11): any two dimensions of the persons of a
reporting period, exact, for internal use by an administrator only (never in a package).

A person counts once in every category they belong to: once for the single-valued
dimensions (status, gender, age, …; their most recent case in the period, as in the national
tables), once per code for the others (known to, purposes, actions). The row and column
totals count persons, so they are the sums of their row or column where both dimensions are
single-valued; ``total`` is the number of persons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hrvdesk.domain import m49
from hrvdesk.domain.abroad_stats import UNKNOWN, PersonRecord, category_label
from hrvdesk.domain.codes import (ACTIONS, ADMINISTRATION_KINDS, AGE_BANDS, CASE_STATUSES,
                                  DEPARTURE_TIMINGS, GENDERS, HONOUR_LINKS, PURPOSES, YES_NO)
from hrvdesk.i18n import N_, _

CHILD, ADULT = "child", "adult"


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str                                   # message id
    values: Callable[[PersonRecord], list[str]]  # the person's categories
    categories: Callable[[Sequence[PersonRecord]], list[str]]
    label: Callable[[str], str]
    multiple: bool = False


def _one(table: str, part: int = 0) -> Callable[[PersonRecord], list[str]]:
    return lambda r: [r.cells[table][0][part]]


def _every(table: str) -> Callable[[PersonRecord], list[str]]:
    return lambda r: [key[0] for key in r.cells[table]]


def _fixed(codes: Sequence[str]) -> Callable[[Sequence[PersonRecord]], list[str]]:
    return lambda _records: list(codes)


def _child_or_adult(record: PersonRecord) -> list[str]:
    band = record.cells["by_gender_age"][0][1]
    return [UNKNOWN if band == UNKNOWN else ADULT if band == "18+" else CHILD]


def _countries(records: Sequence[PersonRecord]) -> list[str]:
    return sorted({r.country for r in records if r.country}) + [UNKNOWN]


_GROUPS = {CHILD: N_("Children (0–17 years)"), ADULT: N_("Young adults (18 years or older)"),
           UNKNOWN: N_("Unknown age")}

DIMENSIONS: dict[str, Dimension] = {d.id: d for d in (
    Dimension("status", CASE_STATUSES.title, _one("by_status"), _fixed(CASE_STATUSES.values),
              CASE_STATUSES.label),
    Dimension("gender", GENDERS.title, _one("by_gender_age"), _fixed(GENDERS.values), GENDERS.label),
    Dimension("age_band", AGE_BANDS.title, _one("by_gender_age", 1), _fixed(AGE_BANDS.values),
              AGE_BANDS.label),
    Dimension("child_or_adult", N_("Child or adult"), _child_or_adult, _fixed((CHILD, ADULT, UNKNOWN)),
              lambda code: _(_GROUPS[code])),
    Dimension("honour_link", HONOUR_LINKS.title, _one("by_honour_link"), _fixed(HONOUR_LINKS.values),
              HONOUR_LINKS.label),
    Dimension("region", N_("Destination region"), _one("by_destination_region"),
              _fixed(m49.SUB_REGIONS + (UNKNOWN,)), lambda code: category_label("region", code)),
    Dimension("country", N_("Destination country"), lambda r: [r.country or UNKNOWN], _countries,
              lambda code: _("Unknown country") if code == UNKNOWN else m49.country_name(code)),
    Dimension("timing", DEPARTURE_TIMINGS.title, _one("by_departure_timing"),
              _fixed(DEPARTURE_TIMINGS.values), DEPARTURE_TIMINGS.label),
    Dimension("known_to", N_("Known to"), _every("known_to"), _fixed(ADMINISTRATION_KINDS.values),
              ADMINISTRATION_KINDS.label, multiple=True),
    Dimension("purpose", PURPOSES.title, _every("by_purpose"), _fixed(PURPOSES.values),
              PURPOSES.label, multiple=True),
    Dimension("action", ACTIONS.title, _every("by_action"), _fixed(ACTIONS.values), ACTIONS.label,
              multiple=True),
    Dimension("married", N_("Reported married"),
              lambda r: ["yes" if r.cells["reported_married"] else "no"], _fixed(("yes", "no")),
              YES_NO.label),
)}


@dataclass(frozen=True)
class CrossTable:
    rows: Dimension
    columns: Dimension
    row_categories: tuple[str, ...]
    column_categories: tuple[str, ...]
    counts: dict[tuple[str, str], int]
    row_totals: dict[str, int]
    column_totals: dict[str, int]
    total: int

    def header(self) -> list[str]:
        return [f"{_(self.rows.title)} \\ {_(self.columns.title)}",
                *map(self.columns.label, self.column_categories), _("Total")]

    def body(self) -> list[list]:
        """One row per row category and a totals row: labels and counts (for a table or CSV)."""
        out = [[self.rows.label(r), *(self.counts[r, c] for c in self.column_categories),
                self.row_totals[r]] for r in self.row_categories]
        out.append([_("Total"), *(self.column_totals[c] for c in self.column_categories), self.total])
        return out


def cross_table(records: Sequence[PersonRecord], rows: str, columns: str) -> CrossTable:
    """Persons by ``rows`` × ``columns`` (ids of :data:`DIMENSIONS`)."""
    a, b = DIMENSIONS[rows], DIMENSIONS[columns]
    row_cats, col_cats = tuple(a.categories(records)), tuple(b.categories(records))
    counts = {(r, c): 0 for r in row_cats for c in col_cats}
    row_totals, col_totals = dict.fromkeys(row_cats, 0), dict.fromkeys(col_cats, 0)
    for record in records:
        mine_a, mine_b = set(a.values(record)), set(b.values(record))
        for r in mine_a:
            row_totals[r] += 1
            for c in mine_b:
                counts[r, c] += 1
        for c in mine_b:
            col_totals[c] += 1
    return CrossTable(a, b, row_cats, col_cats, counts, row_totals, col_totals, len(records))

