"""Disclosure control of the national statistics package (version 2): cell suppression,
audited by an attacker who knows the record rules, the method and every earlier release.

Rules (``national-export.md``, threshold ``k``):

1. The grand total T is always published (so is every partitioning table's all-``total``
   cell, which equals T).
2. Small populations: when T < 2k, every other cell is the marker.
3. Primary suppression: every other cell with a count 1..k−1, margins included.
4. Secondary suppression until each sensitive cell is protected against the attacker of
   :mod:`hrvdesk.domain.disclosure_audit`: inner cells before margins, then fewer cells,
   then smaller ones (a small mixed-integer programme per partitioning table), and then,
   cell by cell, whatever the method-aware and the joint audit still find.
5. In the tables that do not partition T every count below k, zero included, is the marker;
   in the partitioning tables an unsuppressed zero is published as ``0``. In the tables
   where every person counts at least once (:data:`AT_LEAST_ONE`) the rule "at least one per
   person" must not tell that a marker is not zero: where the markers would have to make up
   too much of T, the whole table is the marker (:func:`_short_of_t`).

Ties between equally good patterns are broken at random from a secret seed kept with the
release, so re-running the product on a guessed table does not reproduce the pattern.

For a package that overlaps earlier releases (:class:`EarlierRelease`) each table is also
audited jointly with each of them: the persons whose contribution differs between the two
(added, removed or changed, recognised by per-person fingerprints kept with each release)
form a group whose cells are protected in the same sense. The new package suppresses
further cells — first those the earlier release suppressed — until that holds.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import secrets
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # NumPy and SciPy are imported where they are used: they take a second
    import numpy as np  # to load, and the app needs neither to start

from hrvdesk.domain.abroad_stats import TOTAL, Period, PersonRecord, StatTables, Table
from hrvdesk.domain.disclosure_audit import (AT_LEAST_ONE, COUPLED, MARKER, CellBounds, CellRef,
                                             Groups, equations, joint_audit, linear_constraints,
                                             native_stdout_silenced, primary_floor,
                                             single_audit, small_population, table_of, units)
from hrvdesk.domain.errors import ValidationError
from hrvdesk.i18n import _

METHOD = "cell suppression, LP-audited"
DEFAULT_THRESHOLD = 3
MIN_THRESHOLD, MAX_THRESHOLD = 3, 10
_MILP_TIME_LIMIT = 60.0  # seconds; the tables are small, HiGHS needs milliseconds


@dataclass(frozen=True)
class AuditResult:
    """``bounds`` holds every sensitive cell; a cell of a joint audit has its table id
    prefixed by the group and the earlier release (``new-group:3:by_status``). Internal: it
    tells which cells are sensitive, so it must never be exported."""

    passed: bool
    bounds: dict[CellRef, CellBounds]

    def failing_tables(self) -> set[str]:
        return {table_of(ref) for ref, b in self.bounds.items() if not b.protected}


# --- persons and earlier releases -------------------------------------------------------------


def fingerprint(record: PersonRecord) -> str:
    """What one person contributes to every table, hashed (equal contributions, equal
    fingerprints)."""
    text = json.dumps(sorted((tid, sorted(list(k) for k in keys))
                             for tid, keys in record.cells.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def fingerprints(records: Iterable[PersonRecord]) -> dict[str, str]:
    """Person key -> contribution fingerprint (kept with a release for later joint audits)."""
    return {record.key: fingerprint(record) for record in records}


@dataclass(frozen=True)
class EarlierRelease:
    """What the register keeps of an earlier package: its published and exact tables, the
    fingerprint of every person it counted, and the release it superseded (a first release
    was published by the method alone, which the attacker may use). ``exact`` is empty for a
    release recorded before the register kept it: the new package then keeps every cell that
    release suppressed instead of a joint audit."""

    id: int
    published: tuple[Table, ...]
    exact: tuple[Table, ...]
    fingerprints: Mapping[str, str] = field(default_factory=dict)
    supersedes: int | None = None


# --- the package ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProtectedPackage:
    """The publishable tables (``MARKER`` for every suppressed cell) and the audit outcome.
    ``seed`` (hex) chose among equally good patterns: internal, kept with the release."""

    period: Period
    threshold: int
    tables: tuple[Table, ...]
    suppressed_cells: int
    audit_passed: bool
    seed: str = ""
    joint_with: tuple[int, ...] = ()
    failing_tables: tuple[str, ...] = ()
    audit: AuditResult | None = field(default=None, compare=False, repr=False)
    """The audit :func:`protect` ran on exactly these tables (internal; None when made otherwise)."""

    def disclosure_control(self) -> dict:
        """The ``disclosure_control`` object of the national JSON."""
        return {"method": METHOD, "threshold": self.threshold, "marker": MARKER,
                "suppressed_cells": self.suppressed_cells, "audit_passed": self.audit_passed}

    def to_json_dict(self) -> dict:
        """``period``, ``disclosure_control`` and ``tables`` of the national JSON (the caller
        adds format, municipality, generated_at, generator and release)."""
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
    """Every cell other than the grand total with a count from 1 to k−1 (from 0 where
    :func:`~hrvdesk.domain.disclosure_audit.primary_floor` says so)."""
    grand = _grand_refs(tables)
    return {(t.id, c.key) for t in tables for c in t.cells
            if primary_floor(t) <= c.count < k and (t.id, c.key) not in grand}


def rule_cells(tables: Sequence[Table], k: int) -> set[CellRef]:
    """What rules 2, 3 and 5 suppress without looking further: everything but the grand
    totals for a small population; else the primary cells, every count below k of the tables
    that do not partition T, and the whole of an :data:`AT_LEAST_ONE` table whose published
    cells would not add up to T."""
    grand = _grand_refs(tables)
    total = grand_total(tables)
    if small_population(total, k):
        return {(t.id, c.key) for t in tables for c in t.cells if (t.id, c.key) not in grand}
    cells = primary_cells(tables, k)
    for t in tables:
        if t.partitions:
            continue
        below = {(t.id, c.key) for c in t.cells if c.count < k}
        if t.id in AT_LEAST_ONE and _short_of_t(t, total, k):
            below = {(t.id, c.key) for c in t.cells}
        cells |= below
    return cells


def _short_of_t(table: Table, total: int, k: int) -> bool:
    """Whether an :data:`AT_LEAST_ONE` table must be hidden whole.

    Its published cells (each ≥ k) add up to S; the m markers (each ≤ k−1) must make up the
    gap T − S. Once the gap exceeds what m − 1 markers can hold, every marker is known not
    to be zero. The table is hidden whole one marker earlier, from a gap above
    max(0, m − 2)·(k − 1): so a table hidden whole may also be one where a marker is 0 (the
    other markers holding the gap), and a hidden table does not tell that none is."""
    shown = sum(c.count for c in table.cells if c.count >= k)
    markers = sum(1 for c in table.cells if c.count < k)
    return total - shown > max(0, markers - 2) * (k - 1)


def apply_suppression(tables: Sequence[Table],
                      suppressed: Collection[CellRef]) -> tuple[Table, ...]:
    """The tables with ``MARKER`` in place of every suppressed cell."""
    return tuple(t.with_counts(lambda c, t=t: MARKER if (t.id, c.key) in suppressed else c.count)
                 for t in tables)


def suppressed_refs(published: Iterable[Table]) -> set[CellRef]:
    """The cells published as ``MARKER``."""
    return {(t.id, c.key) for t in published for c in t.cells if c.count == MARKER}



# --- choosing the cells -----------------------------------------------------------------------


def _secondary(table: Table, primaries: Collection[CellRef], total: int, k: int,
               noise: Mapping[tuple[str, ...], float]) -> set[CellRef] | None:
    """The cheapest set of cells of ``table`` (primaries included) that protects every primary
    cell against the linear attacker, or None when the solver gives no answer.

    Variables: x_i (suppress cell i, binary), then for each primary cell p and direction a
    deviation g from the true counts a, in units of the movement d that p needs (down: d = a_p
    to reach 0; up: d = min(k, T) − a_p). g_p = −1 or +1; g keeps the table additive; each
    cell stays within 0..T (−a_i/d ≤ g_i ≤ (T − a_i)/d) and cannot move unless suppressed.
    As the tables are flows, a movement of p needs no cell to move further than p, so
    |g_i| ≤ 1 as well (this keeps the programme small-numbered and tight). The integer
    attacker and the method are checked afterwards by the audit.
    """
    import numpy as np

    keys = [c.key for c in table.cells]
    values = np.array([c.count for c in table.cells], dtype=float)
    n = len(keys)
    position = {key: i for i, key in enumerate(keys)}
    primary_positions = sorted(position[key] for tid, key in primaries if tid == table.id)
    target_up = min(k, total)
    copies = [(p, -1.0, values[p]) for p in primary_positions if values[p] > 0]  # (cell, dir, d)
    copies += [(p, 1.0, target_up - values[p]) for p in primary_positions
               if target_up > values[p]]
    table_equations = equations(table)

    size = n * (1 + len(copies))
    lower, upper = np.zeros(size), np.ones(size)
    upper[position[table.grand_key]] = 0  # rule 1: the grand total is published
    lower[primary_positions] = 1
    constraint_rows: list[tuple[dict[int, float], float, float]] = []
    for c, (p, direction, movement) in enumerate(copies):
        offset = n * (1 + c)
        down = np.minimum(values / movement, 1)
        up = np.minimum((total - values) / movement, 1)
        lower[offset:offset + n], upper[offset:offset + n] = -down, up
        lower[offset + p] = upper[offset + p] = direction
        for equation in table_equations:
            constraint_rows.append(
                ({offset + position[key]: coef for key, coef in equation.items()}, 0, 0))
        for i in range(n):  # g_i + down_i·x_i ≥ 0 and g_i − up_i·x_i ≤ 0
            constraint_rows.append(({offset + i: 1, i: down[i]}, 0, np.inf))
            constraint_rows.append(({offset + i: 1, i: -up[i]}, -np.inf, 0))
    integrality = np.zeros(size)
    integrality[:n] = 1
    cost = np.zeros(size)
    cost[:n] = _costs(table, values, noise)
    from scipy.optimize import Bounds, milp

    with native_stdout_silenced():
        result = milp(cost, constraints=linear_constraints(constraint_rows, size),
                      integrality=integrality, bounds=Bounds(lower, upper),
                      options={"time_limit": _MILP_TIME_LIMIT})
    if result.x is None:
        return None
    return {(table.id, keys[i]) for i in range(n) if result.x[i] > 0.5}


def _costs(table: Table, values: np.ndarray, noise: Mapping[tuple[str, ...], float]) -> np.ndarray:
    """Suppression cost: any margin costs more than all inner cells together; among cells of
    one kind, each costs 1 plus its share of the table (fewer cells first, then smaller),
    plus a secret random amount too small to change any comparison but a tie."""
    import numpy as np

    scale = 1 / (values.sum() + 1)
    unit = 1 + values * scale
    margin_weight = 2 * len(values)
    tie = scale / (4 * len(values) + 1)
    return np.array([(unit[i] + tie * noise[c.key]) * (margin_weight if table.is_margin(c.key) else 1)
                     for i, c in enumerate(table.cells)])


def _noise(seed: str, table: Table) -> dict[tuple[str, ...], float]:
    """Per cell a number in [0, 1) from the secret seed (the tie-breaks of this table)."""
    rng = random.Random(hashlib.sha256(f"{seed}:{table.id}".encode()).digest())
    return {c.key: rng.random() for c in table.cells}


def new_seed() -> str:
    """A fresh secret seed for the choice among equally good patterns."""
    return secrets.token_hex(16)


def _next_cell(table: Table, suppressed: set[CellRef], failing: Iterable[CellRef],
               earlier_markers: set[CellRef], noise: Mapping[tuple[str, ...], float]) -> CellRef | None:
    """The cell to suppress next when a table does not yet pass: cells an earlier release
    suppressed, then cells sharing an equation with a failing cell; within each, inner cells
    before margins, smaller before larger, ties at random."""
    failing_keys = {key for _tid, key in failing}
    near = set()
    for equation in equations(table):
        if failing_keys & equation.keys():
            near |= equation.keys()
    candidates = [c for c in table.cells
                  if (table.id, c.key) not in suppressed
                  and not (table.partitions and c.key == table.grand_key)]
    if not candidates:
        return None

    def rank(cell):
        ref = (table.id, cell.key)
        return (cell.key not in failing_keys, ref not in earlier_markers, cell.key not in near,
                table.is_margin(cell.key), cell.count, noise[cell.key])
    return (table.id, min(candidates, key=rank).key)


def _cells_to_add(table: Table, suppressed: set[CellRef], failing: Iterable[CellRef], k: int,
                  earlier_markers: set[CellRef], noise: Mapping[tuple[str, ...], float], *,
                  may_add: bool) -> set[CellRef]:
    """What to suppress next in ``table`` when its unit does not yet pass (nothing: no cell is
    left). Where only a coupled table's cell fails (the departure rule pins it), the cell the
    rule joins, then its neighbours; but the whole table when ``may_add`` is False (no marker
    is a primary cell, so a marker would break the method's "one of them is a primary"). A
    marker of a table that does not partition T says "fewer than k": rather than break that
    for a count of k or more, the whole table is hidden."""
    whole = _everything_but_grand_total(table) - suppressed
    mine = [(table.id, ref[1]) for ref in failing if table_of(ref) == table.id]
    if not mine:
        if not may_add:
            return whole
        mine = [(table.id, COUPLED[table.id])]
    cell = _next_cell(table, suppressed, mine, earlier_markers, noise)
    if cell is None:
        return set()
    if not table.partitions and table.count(*cell[1]) >= k:
        return whole
    return {cell}


@dataclass(frozen=True)
class _Pair:
    """The new package against one earlier release: who is counted alike in both."""

    release: EarlierRelease
    common: tuple[PersonRecord, ...]
    changed: tuple[PersonRecord, ...]

    @classmethod
    def of(cls, release: EarlierRelease, records: Sequence[PersonRecord]) -> _Pair:
        common, changed = [], []
        for record in records:
            same = release.fingerprints.get(record.key) == fingerprint(record)
            (common if same else changed).append(record)
        return cls(release, tuple(common), tuple(changed))

    def groups(self, table: Table) -> Groups:
        earlier = {c.key: c.count for c in _table(self.release.exact, table.id).cells}
        common = _counts(table, self.common)
        earlier_total = grand_total(self.release.exact)
        return Groups(common, {key: earlier[key] - common[key] for key in earlier},
                      _counts(table, self.changed), len(self.common),
                      earlier_total - len(self.common), len(self.changed))

    def audit(self, published: Sequence[Table], exact: Sequence[Table],
              k: int) -> dict[CellRef, CellBounds]:
        """The joint audit of one unit of tables (those of it the earlier release has)."""
        shown = {t.id for t in self.release.published}
        present = [(p, e) for p, e in zip(published, exact) if p.id in shown]
        if not present:
            return {}
        new, new_exact = zip(*present)
        return joint_audit(new, new_exact, [_table(self.release.published, t.id) for t in new],
                           [_table(self.release.exact, t.id) for t in new],
                           [self.groups(t) for t in new_exact], k,
                           earlier_method_aware=self.release.supersedes is None,
                           tag=str(self.release.id))


def _table(tables: Sequence[Table], table_id: str) -> Table:
    return next(t for t in tables if t.id == table_id)


def _counts(table: Table, persons: Iterable[PersonRecord]) -> dict[tuple[str, ...], int]:
    """How many of ``persons`` each cell of ``table`` counts (margins included)."""
    counts = dict.fromkeys((c.key for c in table.cells), 0)
    for person in persons:
        keys: set[tuple[str, ...]] = set()
        for inner in person.cells.get(table.id, ()):
            keys |= (set(itertools.product(*[(part, TOTAL) for part in inner]))
                     if table.partitions else {tuple(inner)})
        for key in keys:
            counts[key] += 1
    return counts


def _unit_bounds(published: Sequence[Table], exact: Sequence[Table], total: int, k: int,
                 pairs: Sequence[_Pair]) -> dict[CellRef, CellBounds]:
    """Every sensitive cell of one unit of tables (:func:`units`), alone and jointly with each
    earlier release; of the joint findings that fail, those :func:`_inherent` to the earlier
    releases are left out."""
    bounds = single_audit(published, exact, total, k, method_aware=not pairs)
    for pair in pairs:
        bounds.update(pair.audit(published, exact, k))
    if any(":" in ref[0] and not b.protected for ref, b in bounds.items()):
        inherent = _inherent(exact, total, k, pairs)
        bounds = {ref: b for ref, b in bounds.items() if ref not in inherent}
    return bounds


def _inherent(exact: Sequence[Table], total: int, k: int, pairs: Sequence[_Pair]) -> set[CellRef]:
    """The joint findings that no suppression in the new tables can change: those that hold
    even when the new package publishes nothing but T. (An earlier release published 0 in a
    cell and one person was added: the new cell is at most 1, whatever is published now.
    What the earlier release itself showed is not the new package's to take back.)"""
    hidden = apply_suppression(exact, set().union(*map(_everything_but_grand_total, exact)))
    found = {}
    for pair in pairs:
        found.update(pair.audit(hidden, exact, k))
    return {ref for ref, b in found.items() if not b.protected}


def protect(stats: StatTables, k: int = DEFAULT_THRESHOLD, *,
            persons: Sequence[PersonRecord] = (), earlier: Sequence[EarlierRelease] = (),
            seed: str | None = None) -> ProtectedPackage:
    """Suppress (rules 2, 3, 5), add secondary cells, and audit the package — jointly with
    every ``earlier`` overlapping release, for which ``persons`` (the person records of
    ``stats``) are needed. Cells are added table by table until the audit passes;
    ``audit_passed`` is False only if even suppressing a whole table does not help (the
    caller must then refuse to write the package)."""
    check_threshold(k)
    seed = seed or new_seed()
    total = grand_total(stats.tables)
    if earlier and len(persons) != total:
        raise ValueError("a joint audit needs the person records of the new package")
    pairs = [_Pair.of(release, persons) for release in earlier if release.exact]
    earlier_markers = set().union(*(suppressed_refs(r.published) for r in earlier))
    suppressed = rule_cells(stats.tables, k) | set().union(
        *(suppressed_refs(r.published) for r in earlier if not r.exact))
    primaries = primary_cells(stats.tables, k)
    failing_tables: list[str] = []
    found: dict[CellRef, CellBounds] = {}
    decided: list[tuple[Table, Table]] = []  # (published, exact) of the coupled tables so far
    for table in stats.tables:
        noise = _noise(seed, table)
        own = {ref for ref in suppressed if ref[0] == table.id}
        if table.partitions and own & primaries and not small_population(total, k):
            chosen = _secondary(table, own & primaries, total, k, noise)
            own |= chosen if chosen is not None else _everything_but_grand_total(table)
        partners = decided if table.id in COUPLED else []
        while True:
            bounds = _unit_bounds([*(p for p, _e in partners), apply_suppression([table], own)[0]],
                                  [*(e for _p, e in partners), table], total, k, pairs)
            failing = [ref for ref, b in bounds.items() if not b.protected]
            if not failing:
                break
            added = _cells_to_add(table, own, failing, k, earlier_markers, noise,
                                  may_add=bool(pairs or own & primaries))
            if not added:
                failing_tables.append(table.id)
                break
            own |= added
        found.update(bounds)
        suppressed |= own
        if table.id in COUPLED:
            decided.append((apply_suppression([table], own)[0], table))
    published = apply_suppression(stats.tables, suppressed)
    return ProtectedPackage(stats.period, k, published, len(suppressed), not failing_tables,
                            seed, tuple(r.id for r in earlier), tuple(failing_tables),
                            AuditResult(not failing_tables, found))


def audit(published: Sequence[Table], exact: Sequence[Table], k: int, *,
          persons: Sequence[PersonRecord] = (),
          earlier: Sequence[EarlierRelease] = ()) -> AuditResult:
    """The whole audit of a published package (``MARKER`` = suppressed) against the exact
    tables it came from: single and, for every earlier release, joint."""
    total = grand_total(published)
    pairs = [_Pair.of(release, persons) for release in earlier if release.exact]
    bounds: dict[CellRef, CellBounds] = {}
    exact_of = {t.id: t for t in exact}
    for unit in units(published):
        bounds.update(_unit_bounds(unit, [exact_of[t.id] for t in unit], total, k, pairs))
    return AuditResult(all(b.protected for b in bounds.values()), bounds)


def suppress(tables: Sequence[Table], k: int, seed: str = "0") -> set[CellRef]:
    """The cells a package without earlier releases publishes as ``MARKER``."""
    stats = StatTables(Period.for_year(2000), grand_total(tables), tuple(tables))
    return suppressed_refs(protect(stats, k, seed=seed).tables)


def _everything_but_grand_total(table: Table) -> set[CellRef]:
    """The safe fallback: with all else suppressed, every cell can be 0 or T."""
    return {(table.id, c.key) for c in table.cells
            if not (table.partitions and c.key == table.grand_key)}
