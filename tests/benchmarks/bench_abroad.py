"""Benchmark: annual statistics + suppression + attacker audit for one year on the large demo (issue 4).

    python tests/benchmarks/bench_abroad.py [--db PATH] [--year Y] [--runs N]

Without ``--db`` a database with the large demo register (5 000 cases over ten years,
:func:`hrvdesk.store.demo_abroad.demo_abroad`) is created in a temporary folder first. With
``--db`` the database is opened as ``$HRVDESK_USER`` with ``$HRVDESK_PASSPHRASE``.

Timed, on the encrypted database and on a plain, unencrypted SQLite copy of it (made with
``sqlcipher_export``, same SQLite engine and connection settings), runs taking turns:

* *query*: reading the period's cases and status histories
  (:func:`hrvdesk.store.abroad_repo.load_period`);
* *total*: the query, counting the national tables, primary and secondary suppression and
  the attacker audit (:func:`hrvdesk.domain.disclosure.protect`), and the export's own
  re-audit of the published tables (:func:`hrvdesk.io.export_national.verify_package`).

Also timed on the encrypted database alone: the whole export through the public API,
including the role check, the settings, the JSON/CSV and the ``export`` audit entry.
Target: total at most 0.2 s. Exit code 1 when it is missed. Not part of the test run
(pytest does not collect ``bench_*.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlcipher3

from hrvdesk.domain.abroad_stats import build_tables
from hrvdesk.domain.disclosure import protect
from hrvdesk.io.export_national import export_national, verify_package
from hrvdesk.store import abroad_repo, keyslots, organisation, settings
from hrvdesk.store.database import Database
from hrvdesk.store.demo import DemoContext
from hrvdesk.store.demo_abroad import demo_abroad

TARGET_SECONDS = 0.2
DEMO_USER = "bench"
DEMO_PASSPHRASE = "benchmark passphrase"


def create_large_register(folder: Path) -> Database:
    started = time.perf_counter()
    db = Database.create(folder / "large.db", DEMO_USER, DEMO_PASSPHRASE, kdf=keyslots.FAST_KDF)
    demo_abroad(DemoContext(db, random.Random(1), "large", DEMO_PASSPHRASE, keyslots.FAST_KDF))
    print(f"large demo register created in {time.perf_counter() - started:.1f} s")
    return db


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


def timed(runs: int, *jobs) -> list[tuple[float, float, object]]:
    """(median, best, result) of each job; the jobs take turns, so that a busy machine
    slows them alike and the ratio stays fair."""
    results = [job() for job in jobs]  # warm the page cache once, as an open app would have it
    times: list[list[float]] = [[] for _ in jobs]
    for _ in range(runs):
        for i, job in enumerate(jobs):
            started = time.perf_counter()
            results[i] = job()
            times[i].append(time.perf_counter() - started)
    return [(statistics.median(t), min(t), r) for t, r in zip(times, results)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="hrvdesk-bench-") as tmp:
        folder = Path(tmp)
        if args.db:
            db = Database.open(args.db, os.environ["HRVDESK_USER"], os.environ["HRVDESK_PASSPHRASE"])
        else:
            db = create_large_register(folder)
        with db:
            cases = db.conn.execute("SELECT count(*) FROM abroad_cases").fetchone()[0]
            period = abroad_repo.period_for(db, args.year)
            kinds = organisation.kind_of(db)
            k = settings.get(db, "suppression_threshold")

            def query(conn):
                return lambda: abroad_repo.load_period(conn, period)

            def total(conn):
                def run():
                    found, history = abroad_repo.load_period(conn, period)
                    exact = build_tables(found, period, kinds, status_on=history)
                    package = protect(exact, k)
                    verify_package(package, exact)
                    return package
                return run

            plain_conn = plain_copy(db, folder / "plain.db")
            try:
                (encrypted_query, _b, _r), (plain_query, _b, _r) = timed(
                    args.runs, query(db.conn), query(plain_conn))
                (encrypted, encrypted_best, package), (plain, plain_best, plain_package) = timed(
                    args.runs, total(db.conn), total(plain_conn))
            finally:
                plain_conn.close()
            [(export, _b, _r)] = timed(args.runs, lambda: export_national(
                db, args.year, folder / "package.json", folder / "package.csv"))
            if plain_package != package:
                print("the plain copy gave another package: the benchmark is broken")
                return 2

    persons = package.tables[0].cells[0].count
    print(f"{cases} cases; reporting period {period.start}–{period.end}: {persons} persons, "
          f"{package.suppressed_cells} cells suppressed (k = {k}), audit passed: {package.audit_passed}")
    print(f"query    encrypted median {encrypted_query:.4f} s, plain median {plain_query:.4f} s, "
          f"ratio {encrypted_query / plain_query:.2f}x")
    print(f"total    encrypted median {encrypted:.4f} s (best {encrypted_best:.4f} s), "
          f"plain median {plain:.4f} s (best {plain_best:.4f} s), ratio {encrypted / plain:.2f}x")
    print(f"export through the API (role check, settings, JSON+CSV, audit entry): median {export:.4f} s")
    ok = encrypted <= TARGET_SECONDS
    print(f"target: total <= {TARGET_SECONDS} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
