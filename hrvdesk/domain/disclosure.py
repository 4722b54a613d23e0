"""Disclosure control of the national statistics package: cell suppression, LP-audited.

Rules (``national-export.md``, threshold ``k``):

1. The grand total T is always published (so is every partitioning table's all-``total``
   cell, which equals T).
2. Primary suppression: every other cell with a count 1..k−1, margins included.
3. Secondary suppression until each primary cell p is protected: an attacker who knows every
   published cell of the whole package, that counts are ≥ 0, and how each partitioning table
   adds up, can only conclude ``0 ≤ p ≤ hi`` with ``hi ≥ min(k, T)``. Cells of tables that do
   not partition T (a person may be in several or none) are only known to lie in 0..T.
4. Every suppressed cell is published as ``".."``; zeros that are not suppressed as ``0``.

The attacker is modelled as in the contract: the bounds of p are the minimum and maximum of p
over the linear constraint system (integrality relaxed). Tables share only T, which is
published, so once T is known they are independent; secondary suppression is therefore chosen
table by table, as a small mixed-integer programme (HiGHS via :func:`scipy.optimize.milp`)
that is exact for this attacker: for each primary cell and each direction (down to 0, up to
min(k, T)) it asks for a deviation from the true table that keeps every published cell fixed,
every constraint satisfied and every suppressed cell within 0..T. Its cost prefers inner cells
to margins (lexicographically), then fewer cells, then smaller ones. The same tables always
give the same suppression pattern (two different patterns of one table could be combined).
The final :func:`audit` always looks at the whole published package at once with
:func:`scipy.optimize.linprog`.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # NumPy and SciPy are imported where they are used: they take a second
    import numpy as np  # to load, and the app needs neither to start
    from scipy.optimize import LinearConstraint

from hrvdesk.domain.abroad_stats import TOTAL, Period, StatTables, Table
from hrvdesk.domain.errors import ValidationError
from hrvdesk.i18n import _

MARKER = ".."
METHOD = "cell suppression, LP-audited"
DEFAULT_THRESHOLD = 3
MIN_THRESHOLD, MAX_THRESHOLD = 3, 10
_TOLERANCE = 1e-6
_MILP_TIME_LIMIT = 60.0  # seconds; the tables are small, HiGHS needs milliseconds

CellRef = tuple[str, tuple[str, ...]]
"""(table id, cell key)"""


@dataclass(frozen=True)
class CellBounds:
    """What the attacker can conclude about one primary cell."""

    low: float
    high: float
    required_high: int  # min(k, T)

    @property
    def protected(self) -> bool:
        return self.low <= _TOLERANCE and self.high >= self.required_high - _TOLERANCE


@dataclass(frozen=True)
class AuditResult:
    """``bounds`` holds every primary cell. Internal: it tells which cells are primary, so it
    must never be exported."""

    passed: bool
    bounds: dict[CellRef, CellBounds]


@dataclass(frozen=True)
class ProtectedPackage:
    """The publishable tables (``MARKER`` for every suppressed cell) and the audit outcome."""

    period: Period
    threshold: int
    tables: tuple[Table, ...]
    suppressed_cells: int
    audit_passed: bool

    def disclosure_control(self) -> dict:
        """The ``disclosure_control`` object of the national JSON."""
        return {"method": METHOD, "threshold": self.threshold, "marker": MARKER,
                "suppressed_cells": self.suppressed_cells, "audit_passed": self.audit_passed}

    def to_json_dict(self) -> dict:
        """``period``, ``disclosure_control`` and ``tables`` of the national JSON (the caller
        adds format, municipality, generated_at and generator)."""
        return {"period": {"from": self.period.start.isoformat(),
                           "to": self.period.end.isoformat()},
                "disclosure_control": self.disclosure_control(),
                "tables": [t.to_json_dict() for t in self.tables]}

    def csv_rows(self) -> list[list[str]]:
        """Header and one row per cell, as in the national CSV (same cells and order as the
        JSON, empty strings for absent dimensions)."""
        rows = [["table", "dimension_1", "category_1", "dimension_2", "category_2", "count"]]
        for table in self.tables:
            for cell in table.cells:
                pairs = [part for pair in zip(table.dimensions, cell.key) for part in pair]
                pairs += [""] * (4 - len(pairs))
                rows.append([table.id, *pairs, str(cell.count)])
        return rows


def check_threshold(k: int) -> int:
    """``k`` when it is an allowed threshold; otherwise :class:`ValidationError`."""
    if isinstance(k, bool) or not isinstance(k, int) or not MIN_THRESHOLD <= k <= MAX_THRESHOLD:
        raise ValidationError.single(
            _("The threshold must be a whole number from {low} to {high}.").format(
                low=MIN_THRESHOLD, high=MAX_THRESHOLD), field="threshold")
    return k


def grand_total(tables: Sequence[Table]) -> int:
    """T: the all-``total`` cell that every partitioning table shares."""
    values = {t.count(*t.grand_key) for t in tables if t.partitions}
    if len(values) != 1 or not isinstance(total := values.pop(), int):
        raise ValueError("the partitioning tables do not agree on a published grand total")
    return total


def _grand_refs(tables: Iterable[Table]) -> set[CellRef]:
    return {(t.id, t.grand_key) for t in tables if t.partitions}


def primary_cells(tables: Sequence[Table], k: int) -> set[CellRef]:
    """Every cell other than the grand total with a count from 1 to k−1."""
    grand = _grand_refs(tables)
    return {(t.id, c.key) for t in tables for c in t.cells
            if 1 <= c.count < k and (t.id, c.key) not in grand}


def apply_suppression(tables: Sequence[Table],
                      suppressed: Collection[CellRef]) -> tuple[Table, ...]:
    """The tables with ``MARKER`` in place of every suppressed cell."""
    return tuple(t.with_counts(lambda c, t=t: MARKER if (t.id, c.key) in suppressed else c.count)
                 for t in tables)


def suppressed_refs(published: Iterable[Table]) -> set[CellRef]:
    """The cells published as ``MARKER``."""
    return {(t.id, c.key) for t in published for c in t.cells if c.count == MARKER}


def _equations(table: Table) -> list[dict[tuple[str, ...], int]]:
    """How a partitioning table adds up: for each dimension and each fixed choice of the
    other dimensions, the categories sum to the ``total`` cell. Each equation is
    ``{key: coefficient}`` with sum(coefficient × count) = 0."""
    if not table.partitions:
        return []
    axes = [table.categories(d) for d in range(len(table.dimensions))]
    equations = []
    for d, categories in enumerate(axes):
        others = [axis + (TOTAL,) for i, axis in enumerate(axes) if i != d]
        for rest in itertools.product(*others):
            def key(category: str) -> tuple[str, ...]:
                return (*rest[:d], category, *rest[d:])
            equation = {key(c): 1 for c in categories}
            equation[key(TOTAL)] = -1
            equations.append(equation)
    return equations


def _attacker_bounds(published: Sequence[Table], total: int,
                     targets: Iterable[CellRef]) -> dict[CellRef, tuple[float, float]]:
    """Min and max of each target over everything an attacker knows from ``published``."""
    import numpy as np

    grand = _grand_refs(published)
    known: dict[CellRef, float] = {ref: total for ref in grand}
    hidden: list[CellRef] = []
    for t in published:
        for c in t.cells:
            ref = (t.id, c.key)
            if ref in grand:
                continue
            if c.count == MARKER:
                hidden.append(ref)
            else:
                known[ref] = c.count
    index = {ref: i for i, ref in enumerate(hidden)}
    rows, rhs = [], []
    for t in published:
        for equation in _equations(t):
            row = np.zeros(len(hidden))
            constant = 0.0
            for key, coefficient in equation.items():
                ref = (t.id, key)
                if ref in index:
                    row[index[ref]] = coefficient
                else:
                    constant += coefficient * known[ref]
            if row.any():
                rows.append(row)
                rhs.append(-constant)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    constrained = set(np.flatnonzero(np.any(a_eq != 0, axis=0)).tolist()) if rows else set()
    result = {}
    for ref in targets:
        if ref not in index:
            result[ref] = (known[ref], known[ref])
            continue
        if index[ref] not in constrained:  # in no equation: the LP optimum is its bounds
            result[ref] = (0.0, float(total))
            continue
        from scipy.optimize import linprog

        bounds = []
        for sign in (1.0, -1.0):
            objective = np.zeros(len(hidden))
            objective[index[ref]] = sign
            lp = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, total), method="highs")
            if lp.status != 0:
                raise ValueError("the published tables are inconsistent")
            bounds.append(sign * lp.fun)
        result[ref] = (bounds[0], bounds[1])
    return result


def audit(published: Sequence[Table], exact: Sequence[Table], k: int) -> AuditResult:
    """The attacker audit of a published package (``MARKER`` = suppressed) against the exact
    tables it came from: every primary cell of ``exact`` must be protected."""
    total = grand_total(published)  # rule 1: always published
    primaries = primary_cells(exact, k)
    required = min(k, total)
    bounds = {ref: CellBounds(low, high, required)
              for ref, (low, high) in _attacker_bounds(published, total, primaries).items()}
    return AuditResult(all(b.protected for b in bounds.values()), bounds)


def _secondary(table: Table, primaries: Collection[CellRef], total: int,
               k: int) -> set[CellRef] | None:
    """The cheapest set of cells of ``table`` (primaries included) that protects every primary
    cell, or None when the solver gives no answer.

    Variables: x_i (suppress cell i, binary), then for each primary cell p and direction a
    deviation g from the true counts a, in units of the movement d that p needs (down: d = a_p
    to reach 0; up: d = min(k, T) − a_p). g_p = −1 or +1; g keeps the table additive; each
    cell stays within 0..T (−a_i/d ≤ g_i ≤ (T − a_i)/d) and cannot move unless suppressed.
    As the tables are flows, a movement of p needs no cell to move further than p, so
    |g_i| ≤ 1 as well (this keeps the programme small-numbered and tight).
    """
    import numpy as np

    keys = [c.key for c in table.cells]
    values = np.array([c.count for c in table.cells], dtype=float)
    n = len(keys)
    position = {key: i for i, key in enumerate(keys)}
    primary_positions = sorted(position[key] for tid, key in primaries if tid == table.id)
    target_up = min(k, total)
    copies = [(p, -1.0, values[p]) for p in primary_positions]  # (cell, direction, d)
    copies += [(p, 1.0, target_up - values[p]) for p in primary_positions
               if target_up > values[p]]
    equations = _equations(table)

    size = n * (1 + len(copies))
    lower, upper = np.zeros(size), np.ones(size)
    if table.partitions:
        upper[position[table.grand_key]] = 0  # rule 1: the grand total is published
    lower[primary_positions] = 1
    constraint_rows: list[tuple[dict[int, float], float, float]] = []
    for c, (p, direction, movement) in enumerate(copies):
        offset = n * (1 + c)
        down = np.minimum(values / movement, 1)
        up = np.minimum((total - values) / movement, 1)
        lower[offset:offset + n], upper[offset:offset + n] = -down, up
        lower[offset + p] = upper[offset + p] = direction
        for equation in equations:
            constraint_rows.append(
                ({offset + position[key]: coef for key, coef in equation.items()}, 0, 0))
        for i in range(n):  # g_i + down_i·x_i ≥ 0 and g_i − up_i·x_i ≤ 0
            constraint_rows.append(({offset + i: 1, i: down[i]}, 0, np.inf))
            constraint_rows.append(({offset + i: 1, i: -up[i]}, -np.inf, 0))
    integrality = np.zeros(size)
    integrality[:n] = 1
    cost = np.zeros(size)
    cost[:n] = _costs(table, values)
    from scipy.optimize import Bounds, milp

    with _native_stdout_silenced():
        result = milp(cost, constraints=_linear_constraints(constraint_rows, size),
                      integrality=integrality, bounds=Bounds(lower, upper),
                      options={"time_limit": _MILP_TIME_LIMIT})
    if result.x is None:
        return None
    return {(table.id, keys[i]) for i in range(n) if result.x[i] > 0.5}


def _linear_constraints(constraint_rows: list[tuple[dict[int, float], float, float]],
                        size: int) -> list[LinearConstraint]:
    from scipy.optimize import LinearConstraint
    from scipy.sparse import coo_matrix

    if not constraint_rows:
        return []
    rows, cols, data = [], [], []
    for r, (coefficients, _low, _high) in enumerate(constraint_rows):
        for col, coefficient in coefficients.items():
            rows.append(r)
            cols.append(col)
            data.append(coefficient)
    matrix = coo_matrix((data, (rows, cols)), shape=(len(constraint_rows), size)).tocsr()
    return [LinearConstraint(matrix, [lo for _c, lo, _h in constraint_rows],
                             [hi for _c, _l, hi in constraint_rows])]


@contextlib.contextmanager
def _native_stdout_silenced() -> Iterator[None]:
    """Run native code with file descriptor 1 sent to the null device.

    HiGHS 1.12 (bundled with SciPy) now and then printf()s a debug line during a MIP solve,
    bypassing its own output switch (ERGO-Code/HiGHS#2783); it must not end up in the output
    of the command line. (Whatever another thread writes there during the few milliseconds
    is discarded too.) Where descriptor 1 cannot be duplicated (no console), the solve simply
    runs as it is.
    """
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError):
        saved = None
    if saved is None:
        yield
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
        finally:
            os.close(null)
        yield
    finally:
        _flush_c_stdio()  # what the C library still buffers goes to the null device too
        os.dup2(saved, 1)
        os.close(saved)


def _flush_c_stdio() -> None:
    try:
        runtime = ctypes.CDLL("ucrtbase" if sys.platform == "win32" else None)
        runtime.fflush(None)
    except (OSError, AttributeError):
        pass


def _costs(table: Table, values: np.ndarray) -> np.ndarray:
    """Suppression cost: any margin costs more than all inner cells together; among cells of
    one kind, each costs 1 plus its share of the table (fewer cells first, then smaller)."""
    import numpy as np

    unit = 1 + values / (values.sum() + 1)
    margin_weight = 2 * len(values)
    return np.array([unit[i] * (margin_weight if table.is_margin(c.key) else 1)
                     for i, c in enumerate(table.cells)])


def suppress(tables: Sequence[Table], k: int) -> set[CellRef]:
    """Primary and secondary suppression: the cells to publish as ``MARKER``.

    Tables that do not partition T need no secondary suppression: their suppressed cells
    appear in no equation, so the attacker only knows 0..T.
    """
    total = grand_total(tables)
    primaries = primary_cells(tables, k)
    suppressed = set(primaries)
    for table in tables:
        own = {ref for ref in primaries if ref[0] == table.id}
        if own and table.partitions:
            chosen = _secondary(table, own, total, k)
            suppressed |= _everything_but_grand_total(table) if chosen is None else chosen
    return suppressed


def _everything_but_grand_total(table: Table) -> set[CellRef]:
    """The safe fallback: with all else suppressed, every cell can be 0 or T."""
    return {(table.id, c.key) for c in table.cells if c.key != table.grand_key}


def protect(stats: StatTables, k: int = DEFAULT_THRESHOLD) -> ProtectedPackage:
    """Suppress, publish with markers, and audit the whole package.

    Should the audit ever find an unprotected cell (a solver failure; not expected), the
    tables concerned fall back to suppressing everything but the grand total and the audit
    is repeated; ``audit_passed`` reports the final audit.
    """
    check_threshold(k)
    suppressed = suppress(stats.tables, k)
    published = apply_suppression(stats.tables, suppressed)
    result = audit(published, stats.tables, k)
    if not result.passed:
        failing = {ref[0] for ref, bounds in result.bounds.items() if not bounds.protected}
        for table in stats.tables:
            if table.id in failing:
                suppressed |= _everything_but_grand_total(table)
        published = apply_suppression(stats.tables, suppressed)
        result = audit(published, stats.tables, k)
    return ProtectedPackage(stats.period, k, published, len(suppressed), result.passed)
