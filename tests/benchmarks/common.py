"""Helpers of the benchmark command (:mod:`run`): a plain SQLite copy and timing in turns."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # not imported at the top: the cold-start children load this module too
    import sqlcipher3

    from hrvdesk.store.database import Database


def plain_copy(db: "Database", target: Path) -> "sqlcipher3.Connection":
    """An unencrypted copy of the database, opened like the app opens its own."""
    import sqlcipher3

    db.conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
    try:
        db.conn.execute("SELECT sqlcipher_export('plain')")
    finally:
        db.conn.execute("DETACH DATABASE plain")
    conn = sqlcipher3.connect(str(target), isolation_level=None)
    conn.execute("PRAGMA temp_store = MEMORY")
    return conn


@dataclass
class Timing:
    median: float        # wall-clock seconds
    best: float
    cpu: float           # median CPU seconds of this process (less affected by a busy machine)
    result: object


def timed(runs: int, warm_up: bool = True, **variants) -> dict[str, Timing]:
    """Each variant's timing and result, run in turns so that a busy machine slows them
    alike; one untimed run each first, to warm the page cache (``warm_up=False``: none,
    for figures of many seconds whose caller warmed the cache itself)."""
    results = {name: run() for name, run in variants.items()} if warm_up else {}
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(runs):
        for name, run in variants.items():
            started, started_cpu = time.perf_counter(), time.process_time()
            results[name] = run()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(time.process_time() - started_cpu)
    return {name: Timing(statistics.median(wall[name]), min(wall[name]), statistics.median(cpu[name]),
                         results[name]) for name in variants}


def own_peak_rss_mb() -> float:
    """This process's own peak resident set (``VmHWM`` in ``/proc/self/status``), in MB.

    Not ``ru_maxrss``: on Linux a child started with vfork/exec (as :mod:`subprocess` does)
    starts its ``ru_maxrss`` — and so the parent's ``wait4`` figure — at the *parent's*
    high-water mark, so a parent that once held a big database or file reports every later
    child as at least that big. ``VmHWM`` belongs to the child's own address space.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def growth_exponent(sizes, seconds) -> float:
    """b of ``seconds ≈ a·size^b``: the least-squares slope of log(seconds) on log(size)."""
    import math

    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(t, 1e-9)) for t in seconds]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


# --- generated training files (the import figures) ------------------------------------------

TRAINING_HEADER = ("anställningsnummer", "förvaltning", "enhet", "utbildning", "ämnen", "form",
                   "datum", "timmar")
_TOPICS = ("heder", "könsstympning", "våld_i_nära_relationer", "heder|könsstympning")


def training_rows(rows: int, first: int = 0):
    """``rows`` distinct persons' completions (person numbers from ``first``), as tuples of
    (employee number, administration, unit, training, topics, format, date, hours)."""
    import datetime as dt

    for i in range(first, first + rows):
        yield (f"E{100000 + i}", ("UBF", "SOC", "KOF")[i % 3], f"Enhet {i % 40}",
               f"Grundkurs {i % 5}", _TOPICS[i % 4], "webb", dt.date(2024, 1 + i % 12, 1 + i % 28), 2)


def write_training_csv(path: Path, rows: int, first: int = 0) -> None:
    """The CSV file a learning platform exports (``;``, ISO dates)."""
    import csv

    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(TRAINING_HEADER)
        for *cells, day, hours in training_rows(rows, first):
            out.writerow([*cells, day.isoformat(), str(hours)])


def write_training_xlsx(path: Path, rows: int) -> None:
    """The same rows as an Excel workbook (openpyxl write-only mode): date cells, number
    hours, as a sheet saved by Excel holds them. Written beside ``path`` and renamed."""
    import os

    from openpyxl import Workbook

    building = path.with_name(f".{path.name}.building")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Utbildningar")
    sheet.append(TRAINING_HEADER)
    for row in training_rows(rows):
        sheet.append(row)
    workbook.save(building)
    os.replace(building, path)
