"""An outside attacker of the national package, written from ``national-export.md`` alone.

It reads packages as the national team receives them (the JSON ``tables``) and works out
what the published numbers imply about each cell, knowing what rule 6 of the contract says
an attacker knows: every published number, that counts are non-negative integers, how the
partitioning tables add up, the record rules (every child has a purpose and was reported by
someone; a child without a departure date is ``not_departed`` only when ``at_risk``), and
the method (small populations publish T only; in a table that does not partition T a marker
means fewer than k unless the whole table is hidden; in a package that supersedes nothing a
partitioning table shows markers only around a primary cell — a count 1..k−1, or 0..k−1 in
a table split in two, as the README states).

It shares no code with :mod:`hrvdesk.domain.disclosure_audit`: its own model, its own
solver calls (:func:`scipy.optimize.milp`) and a brute force for small T.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

MARKER = ".."
TOTAL = "total"
PARTITIONING = ("by_status", "by_gender_age", "by_honour_link", "by_destination_region",
                "by_departure_timing")
AT_LEAST_ONE = ("by_purpose", "known_to")


@dataclass
class Shown:
    """One published (or exact) table: its cells key -> count (int or MARKER)."""

    id: str
    dims: tuple[str, ...]
    cells: dict[tuple[str, ...], object]

    @property
    def partitions(self) -> bool:
        return self.id in PARTITIONING

    def inner(self) -> list[tuple[str, ...]]:
        return [key for key in self.cells if TOTAL not in key] if self.partitions else list(self.cells)

    def parts(self, key: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The inner cells a cell adds up (itself when inner)."""
        return [inner for inner in self.inner()
                if all(k == TOTAL or k == i for k, i in zip(key, inner))]


def read(tables_json) -> dict[str, Shown]:
    return {t["id"]: Shown(t["id"], tuple(t["dimensions"]),
                           {tuple(c[d] for d in t["dimensions"]): c["count"] for c in t["cells"]})
            for t in tables_json if t["id"] != "total"}


def exact_tables(stats) -> dict[str, Shown]:
    """The true tables (from the product's StatTables: the truth the test knows)."""
    return read([t.to_json_dict() for t in stats.tables])


def sensitive(exact: Shown, k: int) -> list[tuple[str, ...]]:
    grand = (TOTAL,) * len(exact.dims) if exact.partitions else None
    return [key for key, count in exact.cells.items() if 1 <= count < k and key != grand]


def primary_floor(table: Shown) -> int:
    return 0 if table.partitions and len(table.dims) == 1 and len(table.inner()) == 2 else 1


def marker_fewer_than_k(table: Shown, first_release: bool) -> bool:
    return (first_release and not table.partitions
            and any(v != MARKER for v in table.cells.values()))


class Model:
    """Integer variables, linear rows, solved by scipy's milp for min and max of a target."""

    def __init__(self):
        self.upper: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def var(self, upper: float) -> int:
        self.upper.append(float(upper))
        return len(self.upper) - 1

    def row(self, coefficients: dict[int, float], low: float, high: float) -> None:
        self.rows.append((coefficients, low, high))

    def table(self, shape: Shown, size: int) -> dict[tuple[str, ...], dict[int, float]]:
        """Variables of one table for ``size`` children: cell -> linear expression."""
        inner = {key: self.var(size) for key in shape.inner()}
        cells = {key: {inner[part]: 1.0 for part in shape.parts(key)} for key in shape.cells}
        if shape.partitions:
            self.row(dict.fromkeys(inner.values(), 1.0), size, size)
        elif shape.id in AT_LEAST_ONE and size:
            self.row(dict.fromkeys(inner.values(), 1.0), size, math.inf)
        return cells

    def published(self, shown: Shown, cells, size: int, k: int, first_release: bool) -> None:
        markers = []
        for key, value in shown.cells.items():
            if value == MARKER:
                markers.append(cells[key])
                if marker_fewer_than_k(shown, first_release):
                    self.row(cells[key], 0, k - 1)
            else:
                self.row(cells[key], value, value)
        grand = (TOTAL,) * len(shown.dims)
        hidden = [cells[key] for key, value in shown.cells.items() if value == MARKER and key != grand]
        if shown.partitions and first_release and hidden and size >= 2 * k:
            floor, flags = primary_floor(shown), []
            for expression in hidden:  # flag => floor <= cell <= k-1
                flag = self.var(1)
                self.row({**expression, flag: -floor}, 0, math.inf)
                self.row({**expression, flag: size - (k - 1)}, -math.inf, size)
                flags.append(flag)
            self.row(dict.fromkeys(flags, 1.0), 1, math.inf)

    def extreme(self, expression: dict[int, float], sign: float) -> float | None:
        n = len(self.upper)
        cost = np.zeros(n)
        for column, coefficient in expression.items():
            cost[column] = sign * coefficient
        matrix = np.zeros((len(self.rows), n))
        for r, (coefficients, _lo, _hi) in enumerate(self.rows):
            for column, coefficient in coefficients.items():
                matrix[r, column] += coefficient
        constraints = [LinearConstraint(matrix, [lo for _c, lo, _h in self.rows],
                                        [hi for _c, _l, hi in self.rows])] if self.rows else []
        result = milp(cost, constraints=constraints, integrality=np.ones(n),
                      bounds=Bounds(np.zeros(n), np.array(self.upper)))
        return None if result.x is None else sign * result.fun

    def bounds(self, expression) -> tuple[float, float] | None:
        low = self.extreme(expression, 1.0)
        return None if low is None else (low, self.extreme(expression, -1.0))


def _exposed(bounds, required: int, partitions: bool) -> bool:
    if bounds is None:  # the truth contradicts what the attacker assumes: a model error
        raise AssertionError("the attacker's model excludes the true table")
    low, high = bounds
    return low > 0.5 or (partitions and high < required - 0.5)


def single_exposures(package_json: dict, exact, k: int, first_release: bool = True) -> list:
    """The sensitive cells (true count 1..k-1) an LP/MILP attacker pins from one package.
    The pair by_status / by_departure_timing is one model (the departure record rule)."""
    shown = read(package_json["tables"])
    truth = exact_tables(exact)
    total = exact.total
    exposed = []
    groups = [("by_status", "by_departure_timing")] + [(t,) for t in shown
                                                       if t not in ("by_status", "by_departure_timing")]
    for group in groups:
        model = Model()
        cells = {}
        for table_id in group:
            cells[table_id] = model.table(shown[table_id], total)
            model.published(shown[table_id], cells[table_id], total, k, first_release)
        if len(group) == 2:  # not departed <= at risk
            model.row({**cells["by_departure_timing"][("not_departed",)],
                       **{c: -v for c, v in cells["by_status"][("at_risk",)].items()}}, -math.inf, 0)
        for table_id in group:
            for key in sensitive(truth[table_id], k):
                if _exposed(model.bounds(cells[table_id][key]), min(k, total), shown[table_id].partitions):
                    exposed.append((table_id, key))
    return exposed


def joint_exposures(earlier_json: dict, new_json: dict, sizes: tuple[int, int, int],
                    group_truth, k: int) -> list:
    """Cells of the changed group B (the new version of the children added or changed
    between two overlapping packages) that the pair pins but the new package alone does not.
    ``sizes``: (common, earlier group, new group); ``group_truth``: table id -> the true
    counts of B (as :class:`Shown`)."""
    earlier, new = read(earlier_json["tables"]), read(new_json["tables"])
    common, size_a, size_b = sizes
    exposed = []
    for table_id, shape in new.items():
        for key in sensitive(group_truth[table_id], k):
            required = min(k, size_b)
            if not _exposed(_group_bounds(shape, earlier[table_id], sizes, key, k), required,
                            shape.partitions):
                continue
            alone = Model()  # the new package alone, B a group of its own within it
            b, rest = alone.table(shape, size_b), alone.table(shape, common + size_b)
            whole = {cell: {**b[cell], **rest[cell]} for cell in shape.cells}
            alone.published(shape, whole, common + size_b, k, first_release=False)
            if not _exposed(alone.bounds(b[key]), required, shape.partitions):
                exposed.append((table_id, key))
    return exposed


def _group_bounds(new: Shown, earlier: Shown, sizes, key, k: int):
    common, size_a, size_b = sizes
    model = Model()
    c, a, b = model.table(new, common), model.table(new, size_a), model.table(new, size_b)
    model.published(new, {cell: {**c[cell], **b[cell]} for cell in new.cells}, common + size_b, k,
                    first_release=False)
    model.published(earlier, {cell: {**c[cell], **a[cell]} for cell in earlier.cells},
                    common + size_a, k, first_release=True)
    return model.bounds(b[key])


# --- brute force for small T -------------------------------------------------------------------


def _compositions(total: int, parts: int, limit: int):
    """Every way to write ``total`` as ``parts`` non-negative integers (None when there are
    more than ``limit``)."""
    if parts == 0:
        return [()] if total == 0 else []
    if math.comb(total + parts - 1, parts - 1) > limit:
        return None
    out = []
    for bars in itertools.combinations(range(total + parts - 1), parts - 1):
        edges = (-1, *bars, total + parts - 1)
        out.append(tuple(edges[i + 1] - edges[i] - 1 for i in range(parts)))
    return out


def _candidates(shown: Shown, total: int, k: int, first_release: bool, limit: int):
    """Every true partitioning table consistent with ``shown`` and the method (cell -> count),
    or None when there are too many to enumerate."""
    inner = shown.inner()
    fixed = {key: v for key, v in shown.cells.items() if key in inner and v != MARKER}
    free = [key for key in inner if key not in fixed]
    ways = _compositions(total - sum(fixed.values()), len(free), limit)
    if ways is None:
        return None
    found = []
    grand = (TOTAL,) * len(shown.dims)
    parts = {key: shown.parts(key) for key in shown.cells}
    published = [(key, v) for key, v in shown.cells.items() if v != MARKER]
    markers = [key for key, v in shown.cells.items() if v == MARKER and key != grand]
    for values in ways:
        counts = {**fixed, **dict(zip(free, values))}
        cells = {key: sum(counts[p] for p in parts[key]) for key in shown.cells}
        if any(cells[key] != v for key, v in published):
            continue
        hidden = [cells[key] for key in markers]
        if first_release and hidden and total >= 2 * k and not any(
                primary_floor(shown) <= v < k for v in hidden):
            continue
        found.append(cells)
    return found


def brute_force_exposures(package_json: dict, exact, k: int, limit: int = 20_000) -> tuple[list, int]:
    """Exposed sensitive cells of the partitioning tables by enumeration (by_status and
    by_departure_timing jointly), and how many tables were too large to enumerate."""
    shown, truth, total = read(package_json["tables"]), exact_tables(exact), exact.total
    exposed, skipped = [], 0
    status = _candidates(shown["by_status"], total, k, True, limit)
    timing = _candidates(shown["by_departure_timing"], total, k, True, limit)
    seen: dict[str, dict] = {}
    if status is None or timing is None:
        skipped += 2
    else:
        pairs = [(s, t) for s in status for t in timing if t[("not_departed",)] <= s[("at_risk",)]]
        seen["by_status"] = _values([s for s, _t in pairs])
        seen["by_departure_timing"] = _values([t for _s, t in pairs])
    for table_id in ("by_gender_age", "by_honour_link", "by_destination_region"):
        candidates = _candidates(shown[table_id], total, k, True, limit)
        if candidates is None:
            skipped += 1
        else:
            seen[table_id] = _values(candidates)
    for table_id, values in seen.items():
        for key in sensitive(truth[table_id], k):
            if 0 not in values[key] or max(values[key]) < min(k, total):
                exposed.append((table_id, key))
    return exposed, skipped


def _values(candidates: list[dict]) -> dict:
    values: dict = {}
    for cells in candidates:
        for key, count in cells.items():
            values.setdefault(key, set()).add(count)
    return values


def primary_only(stats, k: int) -> dict:
    """A weak publication for the attacker's teeth: counts 1..k-1 hidden, nothing else (v1's
    primary suppression without its secondary cells)."""
    tables = []
    for table in stats.tables:
        data = table.to_json_dict()
        grand = [TOTAL] * len(table.dimensions)
        for cell in data["cells"]:
            key = [cell[d] for d in table.dimensions]
            if 1 <= cell["count"] < k and (key != grand or not table.partitions):
                cell["count"] = MARKER
        tables.append(data)
    return {"tables": tables}
