"""Helpers of the benchmark command (:mod:`run`): a plain SQLite copy and timing in turns."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from hrvdesk.store.database import Database


def plain_copy(db: Database, target: Path) -> sqlcipher3.Connection:
    """An unencrypted copy of the database, opened like the app opens its own."""
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


def timed(runs: int, **variants) -> dict[str, Timing]:
    """Each variant's timing and result, run in turns so that a busy machine slows them
    alike; one untimed run each first, to warm the page cache."""
    results = {name: run() for name, run in variants.items()}
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
