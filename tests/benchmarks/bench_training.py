"""Benchmark: training coverage for one year and topic on the large demo (issue 6).

    python tests/benchmarks/bench_training.py [--db PATH] [--year Y] [--topic hrv] [--runs N]

Without ``--db`` a large demo database (ten years of a city of 50 000 staff, about
500 000 completions) is created in a temporary folder first (this takes a while). With
``--db`` the database is opened as ``$HRVDESK_USER`` with ``$HRVDESK_PASSPHRASE``.

The same coverage code (:func:`hrvdesk.store.training_repo.load_coverage`) is timed on the
encrypted database and on a plain, unencrypted SQLite copy of it (made with
``sqlcipher_export``, same SQLite engine, same connection settings), and the ratio printed.
Targets: at most 0.2 s, and at most 1.5 times plain SQLite. Exit code 1 when a target is
missed. Not part of the test run (pytest does not collect ``bench_*.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from hrvdesk.store import keyslots, settings, training_repo
from hrvdesk.store.database import Database

TARGET_SECONDS = 0.2
TARGET_RATIO = 1.5
DEMO_USER = "bench"
DEMO_PASSPHRASE = "benchmark passphrase"


def create_large_demo(folder: Path) -> Database:
    """The large demo, closed and opened again as the app would find it."""
    from hrvdesk.store import demo

    path = folder / "large.db"
    started = time.perf_counter()
    demo.create_demo(path, DEMO_USER, DEMO_PASSPHRASE, scale="large", kdf=keyslots.FAST_KDF).close()
    print(f"large demo created in {time.perf_counter() - started:.1f} s")
    return Database.open(path, DEMO_USER, DEMO_PASSPHRASE)


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1)
    parser.add_argument("--topic", default="hrv")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="hrvdesk-bench-") as tmp:
        folder = Path(tmp)
        if args.db:
            db = Database.open(args.db, os.environ["HRVDESK_USER"], os.environ["HRVDESK_PASSPHRASE"])
        else:
            db = create_large_demo(folder)
        with db:
            completions = db.conn.execute("SELECT count(*) FROM completions").fetchone()[0]
            validity = settings.get(db, "validity_years")
            threshold = settings.get(db, "coverage_threshold_percent") / 100

            def run_on(conn):
                return lambda: training_repo.load_coverage(conn, args.year, args.topic, validity, threshold)

            plain_conn = plain_copy(db, folder / "plain.db")
            try:
                figures = timed(args.runs, encrypted=run_on(db.conn), plain=run_on(plain_conn),
                                full=lambda: training_repo.coverage_for(db, args.year, args.topic))
            finally:
                plain_conn.close()
    encrypted, plain, full = figures["encrypted"], figures["plain"], figures["full"]
    if plain.result != encrypted.result:
        print("the plain copy gave another result: the benchmark is broken")
        return 2

    result = encrypted.result
    ratio = encrypted.median / plain.median
    print(f"{completions} completions; coverage {args.year}, topic {args.topic}: "
          f"{result.total.trained} persons, {len(result.administrations)} administrations; "
          f"{args.runs} runs each, in turns")
    for label, t in (("encrypted (SQLCipher)", encrypted), ("plain SQLite copy", plain),
                     ("coverage_for (encrypted, with role check and settings)", full)):
        print(f"{label}: median {t.median:.4f} s, best {t.best:.4f} s, CPU median {t.cpu:.4f} s")
    print(f"ratio encrypted/plain: {ratio:.2f}x (median), {encrypted.best / plain.best:.2f}x (best), "
          f"{encrypted.cpu / plain.cpu:.2f}x (CPU)")
    ok = full.median <= TARGET_SECONDS and ratio <= TARGET_RATIO
    print(f"targets: <= {TARGET_SECONDS} s and <= {TARGET_RATIO}x plain: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
