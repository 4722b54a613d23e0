"""The product's own attacker: what the published numbers reveal about a sensitive cell.

The attacker of ``national-export.md`` (rule 6) knows every published number of a package and
of every earlier release, that counts are non-negative integers, how each partitioning table
adds up, the record rules (:data:`AT_LEAST_ONE`: every person has a purpose and was reported
by someone, so those cells add up to at least the number of persons; every other cell is at
most that number) and the method:

- in a package that supersedes nothing, a partitioning table shows markers only when at
  least one of them is a primary cell (a count 1..k−1) — unless the population is small
  (T < 2k), when everything but T is a marker anyway;
- in the tables that do not partition T, a marker of such a package means "fewer than k"
  (≤ k−1), unless the whole table is markers (it may then have been suppressed whole);
- ``by_departure_timing`` alone may be hidden whole (every cell but T a marker) without a
  primary cell in it: that is how the product stops the departure rule below from pinning a
  cell of ``by_status``.

One record rule joins two tables (:data:`COUPLED`): a person without a departure date is
``not_departed`` only when ``at_risk``, so not_departed ≤ at_risk in every group of persons.
Those two tables are audited as one unit (:func:`units`); every other table shares only T with
the rest, so it is audited on its own.

A cell is *protected* when the attacker can neither rule out 0 nor rule out the height the
contract asks for (``min(k, T)``; ``k−1`` where the marker itself says "fewer than k"). The
audit asks exactly that as integer feasibility questions (HiGHS, through ``highspy``, one
model per system whose bounds change between questions): is there a table consistent with everything the attacker knows
in which the cell is 0, and one in which it reaches the height? A point found for one cell
answers every other cell it happens to show at 0 or at height, so a table needs few solves.

For two overlapping releases (:func:`joint_system`) the persons counted identically in both
form a block C, the others an earlier group A and a new group B, each obeying the record
rules for its size: earlier = C + A and new = C + B cell by cell. The cells of A and B with a
count 1..k−1 must be protected in the same sense, and so must the cells of both packages.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import itertools
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from hrvdesk.domain.abroad_stats import TOTAL, Table

MARKER = ".."
AT_LEAST_ONE = frozenset({"by_purpose", "known_to"})
"""Tables in which every person counts at least once (a purpose is required; every case has
a reporting administration): their cells add up to at least the number of persons."""
_TOLERANCE = 1e-6
_MILP_TIME_LIMIT = 60.0  # seconds; the systems are small, HiGHS needs milliseconds
#: For systems this small, HiGHS's symmetry detection costs more than it saves.
_INTEGER_OPTIONS = {"mip_detect_symmetry": False}

COUPLED = {"by_status": ("at_risk",), "by_departure_timing": ("not_departed",)}
"""The tables one record rule joins (in package order) and the cell of each it joins:
``not_departed`` ≤ ``at_risk``."""
MAY_HIDE_WHOLE = "by_departure_timing"
"""The partitioning table the product may hide whole without a primary cell in it."""

CellRef = tuple[str, tuple[str, ...]]
"""(table id, cell key); in a joint audit the table id carries a prefix naming the group."""


@dataclass(frozen=True)
class CellBounds:
    """What the attacker can conclude about one sensitive cell: ``low`` is 0 when a consistent
    table shows the cell at 0 (else 1: the attacker knows it is not zero); ``high`` the height
    a consistent table reached (``required_high`` when it could, else less)."""

    low: float
    high: float
    required_high: int

    @property
    def protected(self) -> bool:
        return self.low <= _TOLERANCE and self.high >= self.required_high - _TOLERANCE


def small_population(total: int, k: int) -> bool:
    """Rule 2: below 2k persons only T is published."""
    return total < 2 * k


def equations(table: Table) -> list[dict[tuple[str, ...], int]]:
    """How a partitioning table adds up: for each dimension and each fixed choice of the
    other dimensions, the categories sum to the ``total`` cell. Each equation is
    ``{key: coefficient}`` with sum(coefficient × count) = 0."""
    if not table.partitions:
        return []
    axes = [table.categories(d) for d in range(len(table.dimensions))]
    found = []
    for d, categories in enumerate(axes):
        others = [axis + (TOTAL,) for i, axis in enumerate(axes) if i != d]
        for rest in itertools.product(*others):
            def key(category: str) -> tuple[str, ...]:
                return (*rest[:d], category, *rest[d:])
            equation = {key(c): 1 for c in categories}
            equation[key(TOTAL)] = -1
            found.append(equation)
    return found


def primary_floor(table: Table) -> int:
    """The smallest count the method treats as primary in ``table``: 1, but 0 in a table
    that splits T in two (``by_honour_link``). There a published zero would show that the
    other category holds everyone, and a pair of markers would show that neither is empty:
    so a zero is hidden like a small count, and the pair means "one of them is below k"."""
    inner = [c for c in table.cells if not table.is_margin(c.key)]
    return 0 if table.partitions and len(table.dimensions) == 1 and len(inner) == 2 else 1


def markers_mean_fewer_than_k(published: Table) -> bool:
    """Whether the markers of a table that does not partition T say "fewer than k": always,
    unless the whole table is markers (a package that supersedes another hides such a table
    whole rather than a count of k or more, so rule 5 holds there too)."""
    return not published.partitions and any(c.count != MARKER for c in published.cells)


def hidden_whole(table: Table) -> bool:
    """Whether every cell of ``table`` but the grand total is a marker."""
    return all(c.count == MARKER for c in table.cells
               if not (table.partitions and c.key == table.grand_key))


def claims_a_primary(table: Table) -> bool:
    """Whether the method says that one of the markers of a partitioning ``table`` is a primary
    cell (in a package that supersedes nothing and is not a small population)."""
    return table.partitions and not (table.id == MAY_HIDE_WHOLE and hidden_whole(table))


def units(tables: Sequence[Table]) -> list[tuple[Table, ...]]:
    """The tables grouped as they are audited: the :data:`COUPLED` ones together (in place of
    the first of them), every other one alone."""
    coupled = tuple(t for t in tables if t.id in COUPLED)
    found: list[tuple[Table, ...]] = []
    for table in tables:
        if table.id not in COUPLED:
            found.append((table,))
        elif table is coupled[0]:
            found.append(coupled)
    return found


def table_of(ref: CellRef) -> str:
    """The table id of a cell reference (joint references carry a prefix)."""
    return ref[0].rsplit(":", 1)[-1]


@dataclass(frozen=True)
class Target:
    """A sensitive cell: its reference, the variable holding its count and the height the
    attacker must not be able to rule out."""

    ref: CellRef
    column: int
    required: int


class System:
    """Integer variables with bounds and linear rows ``low ≤ Σ coef·x ≤ high``."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.rows: list[tuple[dict[int, float], float, float]] = []

    def variables(self, count: int, upper: float) -> list[int]:
        first = len(self.upper)
        self.lower.extend([0.0] * count)
        self.upper.extend([float(upper)] * count)
        return list(range(first, first + count))

    def fix(self, column: int, value: float) -> None:
        self.lower[column] = self.upper[column] = float(value)

    def row(self, coefficients: dict[int, float], low: float, high: float) -> None:
        self.rows.append((coefficients, low, high))

    def block(self, table: Table, size: int) -> dict[tuple[str, ...], int]:
        """One table's cells for a population of ``size`` persons, with every rule a record
        of that population obeys."""
        columns = dict(zip((c.key for c in table.cells), self.variables(len(table.cells), size)))
        if table.partitions:
            for equation in equations(table):
                self.row({columns[key]: coef for key, coef in equation.items()}, 0, 0)
            self.fix(columns[table.grand_key], size)
        elif table.id in AT_LEAST_ONE and size:
            self.row(dict.fromkeys(columns.values(), 1), size, float("inf"))
        return columns

    def blocks(self, tables: Sequence[Table], size: int) -> dict[str, dict[tuple[str, ...], int]]:
        """:meth:`block` for each table, as one group of ``size`` persons (with the departure
        rule where both coupled tables are present)."""
        found = {t.id: self.block(t, size) for t in tables}
        if all(table_id in found for table_id in COUPLED):
            (status, at_risk), (timing, not_departed) = COUPLED.items()
            self.row({found[timing][not_departed]: 1, found[status][at_risk]: -1},
                     -float("inf"), 0)
        return found

    def sum_of(self, *blocks: Mapping[tuple[str, ...], int], size: int) -> dict[tuple[str, ...], int]:
        """A new variable per cell equal to the sum of the blocks' cells."""
        keys = list(blocks[0])
        columns = dict(zip(keys, self.variables(len(keys), size)))
        for key in keys:
            self.row({columns[key]: 1, **{block[key]: -1 for block in blocks}}, 0, 0)
        return columns

    def publish(self, table: Table, columns: Mapping[tuple[str, ...], int], size: int, k: int,
                method_aware: bool) -> None:
        """What the attacker reads in a published ``table`` about the cells ``columns`` of a
        population of ``size`` persons (see the module for the method's part)."""
        markers = []
        for cell in table.cells:
            if cell.count == MARKER:
                markers.append(columns[cell.key])
            else:
                self.fix(columns[cell.key], cell.count)
        if markers_mean_fewer_than_k(table):
            for column in markers:
                self.upper[column] = min(self.upper[column], k - 1)
        inner = [columns[c.key] for c in table.cells
                 if c.count == MARKER and not (table.partitions and c.key == table.grand_key)]
        if method_aware and claims_a_primary(table) and inner and not small_population(size, k):
            self._one_primary_among(inner, k, size, primary_floor(table))

    def _one_primary_among(self, columns: Iterable[int], k: int, size: int, floor: int) -> None:
        """The method: at least one of these cells counts floor..k−1."""
        flags = []
        for column in columns:
            flag = self.variables(1, 1)[0]
            self.row({column: 1, flag: -floor}, 0, float("inf"))                # flag ⇒ x ≥ floor
            self.row({column: 1, flag: size - (k - 1)}, -float("inf"), size)    # flag ⇒ x ≤ k−1
            flags.append(flag)
        self.row(dict.fromkeys(flags, 1), 1, float("inf"))

    def protection(self, targets: Sequence[Target]) -> dict[CellRef, CellBounds]:
        """For every target whether a consistent table shows it at 0 and one at its height."""
        if not targets:
            return {}
        solver = _Solver(self)
        if solver.solve({}) is None:  # the true table breaks a rule the attacker assumes
            return {t.ref: CellBounds(1.0, 0.0, t.required) for t in targets}
        low_seen: set[CellRef] = set()
        high_seen: dict[CellRef, float] = {}

        def record(point) -> None:
            for t in targets:
                value = point[t.column]
                if value <= _TOLERANCE:
                    low_seen.add(t.ref)
                if value >= t.required - _TOLERANCE:
                    high_seen[t.ref] = max(value, high_seen.get(t.ref, 0.0))

        columns = [t.column for t in targets]
        for sign in (1.0, -1.0):  # all as low, then all as high as they go: most are answered
            if (point := solver.solve({}, dict.fromkeys(columns, sign))) is not None:
                record(point)
        for t in targets:
            if t.ref not in low_seen and (point := solver.solve({t.column: (0, 0)})) is not None:
                record(point)
        for t in targets:
            if t.ref not in high_seen and t.required > 0:
                point = solver.solve({t.column: (t.required, self.upper[t.column])})
                if point is not None:
                    record(point)
        return {t.ref: CellBounds(0.0 if t.ref in low_seen else 1.0,
                                  high_seen.get(t.ref, t.required - 1 if t.required else 0.0),
                                  t.required) for t in targets}


class _Solver:
    """One compiled system, solved for feasibility under changed variable bounds and
    objectives: as a linear programme first (HiGHS through ``highspy``, one model kept
    between solves), and as an integer programme only where the linear answer is not a
    whole-number point (an infeasible linear programme has no integer point either)."""

    def __init__(self, system: System) -> None:
        import highspy
        import numpy as np

        size, count = len(system.upper), len(system.rows)
        matrix = _sparse(system.rows, size).tocsc()
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = size, count
        model.col_cost_ = np.zeros(size)
        model.col_lower_, model.col_upper_ = np.array(system.lower), np.array(system.upper)
        model.row_lower_ = np.array([low for _c, low, _h in system.rows], dtype=float)
        model.row_upper_ = np.array([high for _c, _l, high in system.rows], dtype=float)
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = matrix.indptr
        model.a_matrix_.index_ = matrix.indices
        model.a_matrix_.value_ = matrix.data
        self._model, self._size = model, size
        self._matrix = matrix
        self._row_lower = np.array([low for _c, low, _h in system.rows], dtype=float)
        self._row_upper = np.array([high for _c, _l, high in system.rows], dtype=float)
        self._lower, self._upper = list(system.lower), list(system.upper)
        self._status = highspy.HighsModelStatus
        self._linear = self._highs(model)
        self._integer = None  # made when first needed

    def _highs(self, model):
        import highspy

        with native_stdout_silenced():
            highs = highspy.Highs()
            highs.setOptionValue("output_flag", False)
            highs.setOptionValue("time_limit", _MILP_TIME_LIMIT)
            highs.passModel(model)
        return highs

    def solve(self, bounds: Mapping[int, tuple[float, float]],
              objective: Mapping[int, float] | None = None):
        """A whole-number point within the rows and bounds (``bounds`` overriding some),
        minimising ``objective`` (column -> coefficient) if given, or None when there is none."""
        import numpy as np

        changed = {}
        for column, (low, high) in bounds.items():
            low, high = max(low, self._lower[column]), min(high, self._upper[column])
            if low > high:
                return None
            changed[column] = (low, high)
        point = self._run(self._linear, changed, objective)
        if point is None or np.all(np.abs(point - np.round(point)) <= _TOLERANCE):
            return point
        if self._fits(rounded := np.round(point), changed):  # often enough, and far cheaper
            return rounded
        if self._integer is None:
            import highspy

            self._model.integrality_ = [highspy.HighsVarType.kInteger] * self._size
            self._integer = self._highs(self._model)
            for option, value in _INTEGER_OPTIONS.items():
                self._integer.setOptionValue(option, value)
        return self._run(self._integer, changed, objective)

    def _fits(self, point, bounds: Mapping[int, tuple[float, float]]) -> bool:
        """Whether a whole-number point satisfies every row and bound."""
        import numpy as np

        lower, upper = np.array(self._lower), np.array(self._upper)
        for column, (low, high) in bounds.items():
            lower[column], upper[column] = low, high
        if np.any(point < lower - _TOLERANCE) or np.any(point > upper + _TOLERANCE):
            return False
        values = self._matrix @ point
        return bool(np.all(values >= self._row_lower - _TOLERANCE)
                    and np.all(values <= self._row_upper + _TOLERANCE))

    def _run(self, highs, bounds: Mapping[int, tuple[float, float]],
             objective: Mapping[int, float] | None):
        import numpy as np

        _change_bounds(highs, bounds)
        if objective:
            highs.changeColsCost(len(objective), np.array(list(objective), dtype=np.int32),
                                 np.array(list(objective.values()), dtype=float))
        try:
            if highs is self._integer:  # the MIP solver's stray debug line (see below)
                with native_stdout_silenced():
                    highs.run()
            else:
                highs.run()
            status = highs.getModelStatus()
            if status == self._status.kInfeasible:
                return None
            if status != self._status.kOptimal:
                raise ValueError("the attacker's programme has no answer")
            return np.array(highs.getSolution().col_value)
        finally:
            _change_bounds(highs, {c: (self._lower[c], self._upper[c]) for c in bounds})
            if objective:
                highs.changeColsCost(len(objective), np.array(list(objective), dtype=np.int32),
                                     np.zeros(len(objective)))


def _change_bounds(highs, bounds: Mapping[int, tuple[float, float]]) -> None:
    import numpy as np

    if bounds:
        highs.changeColsBounds(len(bounds), np.array(list(bounds), dtype=np.int32),
                               np.array([b[0] for b in bounds.values()], dtype=float),
                               np.array([b[1] for b in bounds.values()], dtype=float))


def linear_constraints(rows: Sequence[tuple[dict[int, float], float, float]],
                       size: int) -> list:
    """Rows ``(coefficients, low, high)`` over ``size`` variables as SciPy constraints."""
    from scipy.optimize import LinearConstraint

    if not rows:
        return []
    return [LinearConstraint(_sparse(rows, size).tocsr(), [low for _c, low, _h in rows],
                             [high for _c, _l, high in rows])]


def _sparse(rows: Sequence[tuple[dict[int, float], float, float]], size: int):
    """The coefficients of ``rows`` as a sparse matrix (rows × ``size`` variables)."""
    from scipy.sparse import coo_matrix

    row_index, columns, data = [], [], []
    for r, (coefficients, _low, _high) in enumerate(rows):
        for column, coefficient in coefficients.items():
            row_index.append(r)
            columns.append(column)
            data.append(coefficient)
    return coo_matrix((data, (row_index, columns)), shape=(len(rows), size))


def sensitive(counts: Mapping[tuple[str, ...], int], table: Table, k: int) -> list[tuple[str, ...]]:
    """The keys of cells with a count 1..k−1 (not the grand total)."""
    grand = table.grand_key if table.partitions else None
    return [key for key, count in counts.items() if 1 <= count < k and key != grand]


def required_height(published: Table, size: int, k: int) -> int:
    """The height the attacker must not rule out for a sensitive cell of ``published``."""
    if markers_mean_fewer_than_k(published):
        return min(k - 1, size)
    return min(k, size)


def single_audit(published: Sequence[Table], exact: Sequence[Table], total: int, k: int, *,
                 method_aware: bool) -> dict[CellRef, CellBounds]:
    """The sensitive cells of one unit of published tables (:func:`units`), given that unit
    alone: units share only T, which is published."""
    system = System()
    blocks = system.blocks(published, total)
    targets = []
    for table, truth in zip(published, exact):
        system.publish(table, blocks[table.id], total, k, method_aware)
        height = required_height(table, total, k)
        counts = {c.key: c.count for c in truth.cells}
        targets += [Target((table.id, key), blocks[table.id][key], height)
                    for key in sensitive(counts, truth, k)]
    return system.protection(targets)


@dataclass(frozen=True)
class Groups:
    """Two overlapping releases of one table: the true counts of the persons counted alike in
    both (``common``), of the earlier version of the others (``earlier_group``) and of their
    new version (``new_group``), with the sizes of the three."""

    common: Mapping[tuple[str, ...], int]
    earlier_group: Mapping[tuple[str, ...], int]
    new_group: Mapping[tuple[str, ...], int]
    common_size: int
    earlier_size: int
    new_size: int


def joint_audit(new: Sequence[Table], new_exact: Sequence[Table], earlier: Sequence[Table],
                earlier_exact: Sequence[Table], groups: Sequence[Groups], k: int, *,
                earlier_method_aware: bool, tag: str) -> dict[CellRef, CellBounds]:
    """The sensitive cells of both groups and of both releases of one unit of tables, given
    both publications (``groups`` per table). A group cell that one publication alone already
    pins down is left out (it is not the pairing that tells: a table where everyone is in one
    category says so on its own)."""
    sizes = groups[0]
    new_total = sizes.common_size + sizes.new_size
    earlier_total = sizes.common_size + sizes.earlier_size
    system = System()
    common = system.blocks(new, sizes.common_size)
    group_a = system.blocks(new, sizes.earlier_size)
    group_b = system.blocks(new, sizes.new_size)
    targets = []
    for table, table_exact, shown_before, exact_before, group in zip(
            new, new_exact, earlier, earlier_exact, groups):
        new_cells = system.sum_of(common[table.id], group_b[table.id], size=new_total)
        earlier_cells = system.sum_of(common[table.id], group_a[table.id], size=earlier_total)
        system.publish(table, new_cells, new_total, k, method_aware=False)
        system.publish(shown_before, earlier_cells, earlier_total, k,
                       method_aware=earlier_method_aware)
        for name, counts, columns, size, shown in (
                ("new-group", group.new_group, group_b[table.id], sizes.new_size, table),
                ("earlier-group", group.earlier_group, group_a[table.id], sizes.earlier_size,
                 table),
                ("new", {c.key: c.count for c in table_exact.cells}, new_cells, new_total, table),
                ("earlier", {c.key: c.count for c in exact_before.cells}, earlier_cells,
                 earlier_total, shown_before)):
            height = required_height(shown, size, k)
            targets += [Target((f"{name}:{tag}:{table.id}", key), columns[key], height)
                        for key in sensitive(counts, table, k)]
    bounds = system.protection(targets)
    for ref, found in list(bounds.items()):
        group_name = ref[0].split(":", 1)[0]
        if found.protected or group_name not in ("new-group", "earlier-group"):
            continue
        published, size, total = ((new, sizes.new_size, new_total) if group_name == "new-group"
                                  else (earlier, sizes.earlier_size, earlier_total))
        if _pinned_alone(published, size, total, (table_of(ref), ref[1]), k):
            del bounds[ref]
    return bounds


def _pinned_alone(published: Sequence[Table], size: int, total: int, cell: CellRef,
                  k: int) -> bool:
    """Whether the unit ``published`` alone pins ``cell`` of any group of ``size`` of its
    ``total`` persons."""
    system = System()
    group = system.blocks(published, size)
    rest = system.blocks(published, total - size)
    for table in published:
        whole = system.sum_of(group[table.id], rest[table.id], size=total)
        system.publish(table, whole, total, k, method_aware=False)
    target = Target(cell, group[cell[0]][cell[1]], min(k, size))
    return not system.protection([target])[target.ref].protected


@contextlib.contextmanager
def native_stdout_silenced() -> Iterator[None]:
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


@functools.cache
def _c_runtime():
    try:
        return ctypes.CDLL("ucrtbase" if sys.platform == "win32" else None)
    except OSError:
        return None


def _flush_c_stdio() -> None:
    runtime = _c_runtime()
    try:
        if runtime is not None:
            runtime.fflush(None)
    except AttributeError:
        pass
