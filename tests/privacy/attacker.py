"""An outside attacker of the national package, written from ``national-export.md`` alone.

It reads packages as the national team receives them (the JSON ``tables``) and works out what
the published numbers imply about each cell. It knows what rule 6 of the contract gives an
attacker:

- every published number of the package (and, in :func:`joint_exposures`, of the earlier
  overlapping release);
- counts are non-negative integers; a partitioning table (``by_status``, ``by_gender_age`` both
  ways with its margins, ``by_honour_link``, ``by_destination_region``, ``by_departure_timing``)
  adds up to T; ``total`` is T;
- the record rules: every person has a purpose and was reported by an administration
  (Σ ``by_purpose`` ≥ T, Σ ``known_to`` ≥ T), a cell of a table that does not partition T
  is at most T, and a person without a departure date is ``not_departed`` only when ``at_risk``
  (``not_departed`` ≤ ``at_risk``);
- the method: when T < 2k only T is published; in a table that does not partition T a marker
  means "fewer than k" unless every cell of that table is the marker; in a package that
  supersedes nothing, a partitioning table shows markers only when one of them is a primary
  cell — a count 1..k−1, and in ``by_honour_link`` (the table that splits T in two) 0..k−1 —,
  except ``by_departure_timing`` hidden whole (every cell but T a marker), which may hold no
  primary cell, as the README documents the method.

Three attackers: :func:`package_bounds` (a MILP per group of coupled tables — only
``by_status`` and ``by_departure_timing`` are coupled, so this is the whole-package model),
:func:`brute_force_bounds` (for T ≤ 8: every candidate table enumerated) and
:func:`joint_exposures` (two overlapping packages: blocks C, A, B per cell). It shares no code
with the product's audit.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

MARKER = ".."
TOTAL = "total"
PARTITIONING = ("by_status", "by_gender_age", "by_honour_link", "by_destination_region",
                "by_departure_timing")
AT_LEAST_ONE = ("by_purpose", "known_to")
ZERO_IS_PRIMARY = ("by_honour_link",)
COUPLED = ("by_status", "by_departure_timing")
MAY_HIDE_WHOLE = "by_departure_timing"
AT_RISK, NOT_DEPARTED = ("at_risk",), ("not_departed",)

CellId = tuple[str, tuple[str, ...]]


@dataclass
class Shown:
    """One table as published (or exact): cell key -> count (an int or MARKER)."""

    id: str
    dims: tuple[str, ...]
    cells: dict[tuple[str, ...], object]

    @property
    def partitions(self) -> bool:
        return self.id in PARTITIONING

    @property
    def grand(self) -> tuple[str, ...] | None:
        return (TOTAL,) * len(self.dims) if self.partitions else None

    def inner(self) -> list[tuple[str, ...]]:
        if not self.partitions:
            return list(self.cells)
        return [key for key in self.cells if TOTAL not in key]

    def parts(self, key: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The inner cells a cell adds up (itself when inner)."""
        return [inner for inner in self.inner()
                if all(k == TOTAL or k == i for k, i in zip(key, inner))]

    def markers(self) -> list[tuple[str, ...]]:
        return [key for key, v in self.cells.items() if v == MARKER and key != self.grand]

    def all_markers(self) -> bool:
        return all(v == MARKER for v in self.cells.values())

    def claims_a_primary(self, total: int, k: int, first_release: bool) -> bool:
        """The method: one of the markers of this partitioning table is a primary cell."""
        return (first_release and self.partitions and bool(self.markers()) and total >= 2 * k
                and not (self.id == MAY_HIDE_WHOLE
                         and len(self.markers()) == len(self.cells) - 1))


def read(tables_json: Iterable[Mapping]) -> tuple[int, dict[str, Shown]]:
    """T and the tables (``total`` apart) of a package's JSON ``tables``."""
    tables, total = {}, None
    for t in tables_json:
        cells = {tuple(c[d] for d in t["dimensions"]): c["count"] for c in t["cells"]}
        if t["id"] == "total":
            total = cells[()]
        else:
            tables[t["id"]] = Shown(t["id"], tuple(t["dimensions"]), cells)
    if not isinstance(total, int):
        raise AssertionError("the grand total must always be published (rule 1)")
    return total, tables


def exact_of(stats) -> dict[str, Shown]:
    """The true tables of a product ``StatTables`` (the truth the test knows)."""
    return read([t.to_json_dict() for t in stats.tables])[1]


def counts_of(records: Iterable[Mapping[str, Iterable[tuple[str, ...]]]],
              shapes: Mapping[str, Shown]) -> dict[str, Shown]:
    """True tables of a group of persons, each given as table id -> the inner keys it counts
    in (``PersonRecord.cells``), in the shapes of ``shapes``."""
    records = list(records)
    out = {}
    for table_id, shape in shapes.items():
        inner = dict.fromkeys(shape.inner(), 0)
        for record in records:
            for key in record[table_id]:
                inner[tuple(key)] += 1
        out[table_id] = Shown(table_id, shape.dims,
                              {key: sum(inner[p] for p in shape.parts(key)) for key in shape.cells})
    return out


def sensitive(exact: Shown, k: int) -> list[tuple[str, ...]]:
    """Cells with a true count 1..k−1, the grand margin apart."""
    return [key for key, count in exact.cells.items() if 1 <= count < k and key != exact.grand]


def protected(bounds: tuple[float, float], partitions: bool, size: int, k: int) -> bool:
    """Rule 6: lo = 0, and hi ≥ min(k, T) in a partitioning table."""
    low, high = bounds
    return low < 0.5 and (not partitions or high > min(k, size) - 0.5)


# --- the MILP attacker ---------------------------------------------------------------------------

Expr = dict[int, float]


class Model:
    """Integer variables with upper bounds and linear rows; min and max by scipy's milp."""

    def __init__(self):
        self.upper: list[float] = []
        self.rows: list[tuple[Expr, float, float]] = []
        self._compiled = None
        self.solutions: list[np.ndarray] = []  # feasible tables met so far (witnesses)

    def var(self, upper: float) -> int:
        self.upper.append(float(upper))
        return len(self.upper) - 1

    def row(self, expr: Expr, low: float, high: float) -> None:
        self.rows.append((expr, low, high))

    def block(self, shape: Shown, size: int) -> dict[tuple[str, ...], Expr]:
        """One table for ``size`` persons (cell -> expression) with its structural rows."""
        inner = {key: self.var(size) for key in shape.inner()}
        cells = {key: {inner[p]: 1.0 for p in shape.parts(key)} for key in shape.cells}
        if shape.partitions:
            self.row(dict.fromkeys(inner.values(), 1.0), size, size)
        elif shape.id in AT_LEAST_ONE:
            self.row(dict.fromkeys(inner.values(), 1.0), size, math.inf)
        return cells

    def couple(self, status: Mapping, timing: Mapping) -> None:
        """not_departed ≤ at_risk (per group of persons: each person obeys it)."""
        self.row(minus(timing[NOT_DEPARTED], status[AT_RISK]), -math.inf, 0)

    def publish(self, shown: Shown, cells: Mapping[tuple[str, ...], Expr], size: int, k: int,
                first_release: bool, fewer_than_k: bool = True) -> None:
        """What the published table and the method say about ``cells`` (T = ``size``).
        ``fewer_than_k``: a marker in a table that does not partition T means "fewer than k"
        (rule 5) unless the whole table is hidden; False: it may hide any count."""
        for key, value in shown.cells.items():
            if value != MARKER:
                self.row(cells[key], value, value)
        if size < 2 * k:
            return  # rule 2: only T published, the markers say nothing
        markers = shown.markers()
        if not shown.partitions:
            if fewer_than_k and not shown.all_markers():
                for key in markers:
                    self.row(cells[key], 0, k - 1)
        elif shown.claims_a_primary(size, k, first_release):
            floor = 0 if shown.id in ZERO_IS_PRIMARY else 1
            flags = []
            for key in markers:  # flag = 1 => floor <= cell <= k-1
                flag = self.var(1)
                self.row({**cells[key], flag: -floor}, 0, math.inf)
                self.row({**cells[key], flag: size - (k - 1)}, -math.inf, size)
                flags.append(flag)
            self.row(dict.fromkeys(flags, 1.0), 1, math.inf)

    def _compile(self):
        if self._compiled is None:
            n = len(self.upper)
            matrix = np.zeros((len(self.rows), n))
            for r, (expr, _lo, _hi) in enumerate(self.rows):
                for column, coefficient in expr.items():
                    matrix[r, column] += coefficient
            constraint = LinearConstraint(matrix, [lo for _e, lo, _h in self.rows],
                                          [hi for _e, _l, hi in self.rows])
            self._compiled = ([constraint] if self.rows else [],
                              Bounds(np.zeros(n), np.array(self.upper)), np.ones(n))
        return self._compiled

    def extreme(self, expr: Expr, sign: float) -> float:
        constraints, bounds, integrality = self._compile()
        cost = np.zeros(len(self.upper))
        for column, coefficient in expr.items():
            cost[column] = sign * coefficient
        result = milp(cost, constraints=constraints, integrality=integrality, bounds=bounds)
        if result.x is None:
            raise AssertionError("the attacker's model excludes every table, the true one too")
        self.solutions.append(np.round(result.x))
        return round(sign * result.fun)

    def bounds(self, expr: Expr) -> tuple[int, int]:
        return self.extreme(expr, 1.0), self.extreme(expr, -1.0)

    def decide(self, expr: Expr, partitions: bool, size: int, k: int) -> tuple[int, int]:
        """Bounds good enough to decide rule 6: the exact minimum, and the exact maximum
        unless a feasible table met before already reaches min(k, size) (then that value,
        a lower estimate of the maximum). Saves solver calls, changes no verdict."""
        seen = [sum(c * x[v] for v, c in expr.items()) for x in self.solutions]
        low = 0 if 0 in seen else self.extreme(expr, 1.0)
        need = min(k, size)
        reached = round(max(seen, default=-1))
        high = reached if partitions and reached >= need else (
            self.extreme(expr, -1.0) if partitions else max(reached, low))
        return low, high

    def admits(self, values: Mapping[int, float]) -> bool:
        """Whether a full assignment of the table variables (flags free) is feasible; if so
        it becomes a witness."""
        fixed = Model()
        fixed.upper, fixed.rows = list(self.upper), list(self.rows)
        for column, value in values.items():
            fixed.row({column: 1.0}, value, value)
        try:
            fixed.extreme({}, 1.0)
        except AssertionError:
            return False
        self.solutions.extend(fixed.solutions)
        return True


def minus(a: Expr, b: Expr) -> Expr:
    out = dict(a)
    for column, coefficient in b.items():
        out[column] = out.get(column, 0.0) - coefficient
    return out


def groups(table_ids: Iterable[str]) -> list[tuple[str, ...]]:
    """The tables an attacker must model together: only by_status and by_departure_timing
    share a record rule; every other table is on its own."""
    ids = list(table_ids)
    return [COUPLED] + [(t,) for t in ids if t not in COUPLED]


def package_bounds(tables_json, k: int, first_release: bool = True,
                   exact: Mapping[str, Shown] | None = None,
                   decide: bool = False) -> dict[CellId, tuple[int, int]]:
    """The attacker's bounds of every suppressed cell of one package (and, with ``exact``,
    also of every published or suppressed cell with a true count 1..k−1). With ``exact`` the
    true table is also checked to be admitted by the model (else the attacker's knowledge of
    the method is wrong, and an AssertionError says so). ``decide``: only the sensitive cells
    (``exact`` needed), with bounds just tight enough to decide rule 6 (:meth:`Model.decide`)."""
    total, shown = read(tables_json)
    out = {}
    for group in groups(shown):
        model = Model()
        cells = {t: model.block(shown[t], total) for t in group}
        if group == COUPLED:
            model.couple(cells["by_status"], cells["by_departure_timing"])
        for t in group:
            model.publish(shown[t], cells[t], total, k, first_release)
        if exact is not None and not model.admits(_truth(shown, cells, exact, group)):
            raise AssertionError(f"the method as the attacker knows it excludes the true {group}")
        for t in group:
            wanted = set() if decide else set(shown[t].markers())
            if exact is not None:
                wanted |= set(sensitive(exact[t], k))
            for key in shown[t].cells:
                if key in wanted:
                    out[(t, key)] = (model.decide(cells[t][key], shown[t].partitions, total, k)
                                     if decide else model.bounds(cells[t][key]))
    return out


def _truth(shown, cells, exact, group) -> dict[int, float]:
    values = {}
    for t in group:
        for key in shown[t].inner():
            (column,) = cells[t][key]
            values[column] = exact[t].cells[key]
    return values


def exposures(tables_json, exact_stats, k: int, first_release: bool = True) -> list:
    """The cells with a true count 1..k−1 that the MILP attacker pins (rule 6 broken), as
    (table id, key, (lo, hi))."""
    exact = exact_of(exact_stats)
    total = exact_stats.total
    bounds = package_bounds(tables_json, k, first_release, exact, decide=True)
    return [(t, key, bounds[(t, key)]) for t, table in exact.items() for key in sensitive(table, k)
            if not protected(bounds[(t, key)], table.partitions, total, k)]


def exposed(tables_json, exact_stats, k: int, first_release: bool = True) -> int:
    """How many cells with a true count 1..k−1 the MILP attacker pins."""
    return len(exposures(tables_json, exact_stats, k, first_release))


# --- two overlapping packages --------------------------------------------------------------------


def marker_meaning_broken(tables_json, exact_stats, k: int) -> list:
    """Markers of tables that do not partition T hiding a count ≥ k although the table is not
    wholly hidden (rule 5 says such a marker means "fewer than k"): (table id, key, count)."""
    total, shown = read(tables_json)
    exact = exact_of(exact_stats)
    return [(t, key, exact[t].cells[key]) for t, table in shown.items()
            if not table.partitions and not table.all_markers() and total >= 2 * k
            for key in table.markers() if exact[t].cells[key] >= k]


def split(earlier_records: Mapping[str, Mapping], new_records: Mapping[str, Mapping]):
    """The persons of two packages (key -> cells) as C (in both, unchanged), A (earlier version
    of the changed and removed) and B (new version of the changed and added)."""
    common = [key for key in new_records if key in earlier_records
              and _same(earlier_records[key], new_records[key])]
    a = [earlier_records[key] for key in earlier_records if key not in common]
    b = [new_records[key] for key in new_records if key not in common]
    return [new_records[key] for key in common], a, b


def _same(x: Mapping, y: Mapping) -> bool:
    return {t: sorted(map(tuple, v)) for t, v in x.items()} == {t: sorted(map(tuple, v))
                                                                 for t, v in y.items()}


def joint_exposures(earlier_json, new_json, earlier_records: Mapping[str, Mapping],
                    new_records: Mapping[str, Mapping], k: int,
                    new_markers_fewer_than_k: bool = True) -> dict[str, list]:
    """Cells pinned by an attacker holding both packages, who knows the sizes of C, A and B
    (see :func:`split`): earlier = C + A, new = C + B, every block obeying its tables' rules.
    Returns ``{"A": [...], "B": [...], "new": [...]}``: the sensitive cells (true count 1..k−1)
    of the group A, of the group B (rule 6 with T the group's size) and of the new package
    that are not protected, each as (table id, key, (lo, hi)). A cell of the new package
    counts as protected when its bounds are as wide as rule 6 asks, or as wide as the earlier
    package alone leaves them (what the earlier release already gave away, no new package
    can hide; each bound on its own, lo = 0 or no higher than the earlier package alone
    implies, hi ≥ min(k, T) or no lower). The earlier package supersedes nothing; the new
    one does.
    ``new_markers_fewer_than_k``: whether the attacker may read a marker of the new package
    in a table that does not partition T as "fewer than k" (rule 5)."""
    total_a, earlier = read(earlier_json)
    total_b, new = read(new_json)
    c, a, b = split(earlier_records, new_records)
    assert (len(c) + len(a), len(c) + len(b)) == (total_a, total_b)
    truth = {"C": counts_of(c, new), "A": counts_of(a, new), "B": counts_of(b, new),
             "new": counts_of(c + b, new)}
    sizes = {"C": len(c), "A": len(a), "B": len(b), "new": total_b}
    found: dict[str, list] = {"A": [], "B": [], "new": []}

    def joint(group, with_new: bool):
        model = Model()
        blocks = {name: {t: model.block(new[t], sizes[name]) for t in group} for name in "CAB"}
        blocks["new"] = {t: {key: {**blocks["C"][t][key], **blocks["B"][t][key]}
                             for key in new[t].cells} for t in group}
        if group == COUPLED:
            for name in "CAB":
                model.couple(blocks[name]["by_status"], blocks[name]["by_departure_timing"])
        for t in group:
            model.publish(earlier[t], {key: {**blocks["C"][t][key], **blocks["A"][t][key]}
                                       for key in new[t].cells}, total_a, k, first_release=True)
            if with_new:
                model.publish(new[t], blocks["new"][t], total_b, k, first_release=False,
                              fewer_than_k=new_markers_fewer_than_k)
        truth_values = {}
        for name in "CAB":
            truth_values.update(_truth(new, blocks[name], truth[name], group))
        if not model.admits(truth_values):
            raise AssertionError(f"the method as the attacker knows it excludes the true {group}")
        return model, blocks

    for group in groups(new):
        model, blocks = joint(group, with_new=True)
        before = None
        for t in group:
            partitions = new[t].partitions
            for name in ("A", "B", "new"):
                for key in sensitive(truth[name][t], k):
                    bounds = model.decide(blocks[name][t][key], partitions, sizes[name], k)
                    if protected(bounds, partitions, sizes[name], k):
                        continue
                    if name == "new":
                        before = before or joint(group, with_new=False)
                        low, high = before[0].bounds(before[1]["new"][t][key])
                        if ((bounds[0] == 0 or bounds[0] <= low) and
                                (not partitions or bounds[1] >= min(k, sizes[name])
                                 or bounds[1] >= high)):
                            continue
                    found[name].append((t, key, bounds))
    return found


# --- brute force for small T ---------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def compositions(total: int, parts: int) -> np.ndarray:
    """Every way of writing ``total`` as ``parts`` non-negative integers (rows)."""
    if parts == 0:
        return np.zeros((1 if total == 0 else 0, 0), dtype=np.int16)
    if parts == 1:
        return np.array([[total]], dtype=np.int16)
    rows = []
    for first in range(total + 1):
        rest = compositions(total - first, parts - 1)
        rows.append(np.hstack([np.full((len(rest), 1), first, dtype=np.int16), rest]))
    return np.vstack(rows)


@functools.lru_cache(maxsize=None)
def sorted_compositions(total: int, parts: int, largest: int | None = None) -> np.ndarray:
    """The compositions of ``total`` into ``parts`` whose values never increase (one per
    multiset of values), none above ``largest``."""
    largest = total if largest is None else largest
    if parts == 0:
        return np.zeros((1 if total == 0 else 0, 0), dtype=np.int16)
    rows = [np.zeros((0, parts), dtype=np.int16)]
    for first in range(min(total, largest), -1, -1):
        rest = sorted_compositions(total - first, parts - 1, first)
        rows.append(np.hstack([np.full((len(rest), 1), first, dtype=np.int16), rest]))
    return np.vstack(rows)


def _candidates(shown: Shown, total: int, k: int, first_release: bool, limit: int,
                assigned: Mapping[tuple[str, ...], int] | None = None,
                exchangeable: bool = False):
    """Every partitioning table consistent with the published numbers and the method, in
    chunks (arrays: one row per candidate, columns = ``shown.cells``) of at most ``limit``
    rows: when there are more, the first marked inner cell is fixed to each of its values in
    turn (``assigned``) and each case enumerated on its own. ``exchangeable`` (a table of one
    dimension whose marked cells play the same part in every constraint): one candidate per
    multiset of the marked cells' values, in non-increasing order."""
    assigned = dict(assigned or {})
    inner = shown.inner()
    keys = list(shown.cells)
    fixed = {key: shown.cells[key] for key in inner if shown.cells[key] != MARKER} | assigned
    free = [key for key in inner if key not in fixed]
    rest = total - sum(fixed.values())
    if rest < 0 or (not free and rest):
        return
    if exchangeable:
        ways = sorted_compositions(rest, len(free))
    elif free and math.comb(rest + len(free) - 1, len(free) - 1) > limit:
        for value in range(rest + 1):
            yield from _candidates(shown, total, k, first_release, limit,
                                   assigned | {free[0]: value})
        return
    else:
        ways = compositions(rest, len(free))
    values = np.zeros((len(ways), len(inner)), dtype=np.int16)
    for column, key in enumerate(inner):
        values[:, column] = fixed[key] if key in fixed else ways[:, free.index(key)]
    parts = np.array([[1 if i in shown.parts(key) else 0 for i in inner] for key in keys],
                     dtype=np.int16)
    cells = values @ parts.T
    ok = np.ones(len(cells), dtype=bool)
    for column, key in enumerate(keys):
        if shown.cells[key] != MARKER:
            ok &= cells[:, column] == shown.cells[key]
    markers = [keys.index(key) for key in shown.markers()]
    if shown.claims_a_primary(total, k, first_release):
        floor = 0 if shown.id in ZERO_IS_PRIMARY else 1
        hidden = cells[:, markers]
        ok &= ((hidden >= floor) & (hidden <= k - 1)).any(axis=1)
    yield cells[ok]


def _all(shown: Shown, total: int, k: int, first_release: bool, limit: int,
         exchangeable: bool = False) -> np.ndarray:
    return np.vstack([np.zeros((0, len(shown.cells)), dtype=np.int16),
                      *_candidates(shown, total, k, first_release, limit,
                                   exchangeable=exchangeable)])


def brute_force_bounds(tables_json, k: int, first_release: bool = True, limit: int = 400_000):
    """Bounds of every cell by enumerating each table (by_status and by_departure_timing
    jointly: every pair of candidates with not_departed ≤ at_risk)."""
    total, shown = read(tables_json)
    out = {}
    status = _all(shown["by_status"], total, k, first_release, limit)
    timing = _all(shown["by_departure_timing"], total, k, first_release, limit)
    at_risk = status[:, list(shown["by_status"].cells).index(AT_RISK)]
    not_departed = timing[:, list(shown["by_departure_timing"].cells).index(NOT_DEPARTED)]
    pairs = at_risk[:, None] >= not_departed[None, :]
    _collect(out, shown["by_status"], [status[pairs.any(axis=1)]])
    _collect(out, shown["by_departure_timing"], [timing[pairs.any(axis=0)]])
    for t, table in shown.items():
        if t in COUPLED:
            continue
        if table.partitions and len(table.dims) == 1:
            _collect_exchangeable(out, table, _all(table, total, k, first_release, limit, True))
        elif table.partitions:
            _collect(out, table, _candidates(table, total, k, first_release, limit))
        else:
            out.update(_box_bounds(table, total, k))
    return out


def _collect(out: dict, shown: Shown, chunks) -> None:
    low = high = None
    for cells in chunks:
        if len(cells):
            low = cells.min(axis=0) if low is None else np.minimum(low, cells.min(axis=0))
            high = cells.max(axis=0) if high is None else np.maximum(high, cells.max(axis=0))
    if low is None:
        raise AssertionError(f"no {shown.id} is consistent with the package")
    for column, key in enumerate(shown.cells):
        out[(shown.id, key)] = (int(low[column]), int(high[column]))


def _collect_exchangeable(out: dict, shown: Shown, candidates: np.ndarray) -> None:
    """Bounds from one candidate per multiset of the marked cells' values: every permutation
    is a candidate too, so each marked cell takes every value any marked cell takes."""
    _collect(out, shown, [candidates])
    free = [column for column, key in enumerate(shown.cells) if key in shown.markers()]
    if free:
        values = candidates[:, free]
        for column in free:
            out[(shown.id, list(shown.cells)[column])] = (int(values.min()), int(values.max()))


def _box_bounds(shown: Shown, total: int, k: int) -> dict[CellId, tuple[int, int]]:
    """A table that does not partition T: each cell lies in a box (its published number; a
    marker below k unless the whole table is hidden or T < 2k; at most T), and in
    by_purpose / known_to the cells add up to at least T. Every value of a cell's box is
    tried: it is possible when the other cells' largest values can make up the rest."""
    boxes = {}
    loose = shown.all_markers() or total < 2 * k
    for key, value in shown.cells.items():
        if value != MARKER:
            boxes[key] = (value, value)
        else:
            boxes[key] = (0, total if loose else min(k - 1, total))
    need = total if shown.id in AT_LEAST_ONE else 0
    out = {}
    for key, (low, high) in boxes.items():
        others = sum(hi for other, (_lo, hi) in boxes.items() if other != key)
        possible = [v for v in range(low, high + 1) if v + others >= need]
        if not possible:
            raise AssertionError(f"no {shown.id} is consistent with the package")
        out[(shown.id, key)] = (min(possible), max(possible))
    return out


def brute_force_exposures(tables_json, exact_stats, k: int, first_release: bool = True) -> list:
    """The cells with a true count 1..k−1 the brute force pins, as (table id, key, bounds)."""
    exact = exact_of(exact_stats)
    bounds = brute_force_bounds(tables_json, k, first_release)
    return [(t, key, bounds[(t, key)]) for t, table in exact.items() for key in sensitive(table, k)
            if not protected(bounds[(t, key)], table.partitions, exact_stats.total, k)]


# --- a weak publication, to show the attacker has teeth ------------------------------------------


def primary_only(stats, k: int) -> list[dict]:
    """v1's protection without its secondary cells: counts 1..k−1 hidden, nothing else (and
    everything but T when T < 2k)."""
    tables = []
    for table in stats.tables:
        data = table.to_json_dict()
        grand = [TOTAL] * len(table.dimensions)
        for cell in data["cells"]:
            key = [cell[d] for d in table.dimensions]
            if table.id == "total" or (table.partitions and key == grand):
                continue
            if stats.total < 2 * k or (1 <= cell["count"] < k) or (
                    not table.partitions and cell["count"] < k):
                cell["count"] = MARKER
        tables.append(data)
    return tables
