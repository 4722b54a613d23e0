"""All of issue 7's benchmarks with one command (see README.md in this folder).

    python tests/benchmarks/run.py [--runs N] [--starts N] [--year Y] [--seed S] [--rebuild] [--scale]

``--scale`` runs, instead, the growth series: the size-dependent figures on the large demo
×0.1, ×1 and ×10 (:func:`scaled_demo`) and the CSV import of 10 000 to 1 000 000 rows, each
with the exponent b of time ≈ a·size^b.

The large demo database is built once and kept in the user's cache folder
(``<cache>/hrvdesk/benchmarks/large-…``, named after the code version, the schema version,
the seed and a digest of the demo generators). It is made with the fast key derivation,
except the administrator's slot, which gets the real default parameters so that unlocking
costs what it costs at a workstation.

Every figure is measured in child processes of this script (``--child KIND``, the
passphrase on stdin), and each reports its own peak memory (``VmHWM``, see
:func:`common.own_peak_rss_mb`). Timed: cold start to the unlock dialog (the ``hrvdesk-gui DB`` entry point
that the menu entries start, offscreen), unlock to the main window painted, the annual statistics with disclosure
control, training coverage and the three PDF reports — the last four through the public
API on the encrypted database and on a plain SQLite copy (``sqlcipher_export``), taking
turns, to give the ratio. Medians of several runs. Exit code 1 when a target is missed.
Unix only (``resource``/``wait4``); not collected by pytest.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

USER = "bench-admin"
PASSPHRASE = "benchmark passphrase for the large demo"
TOPIC = "hrv"

# name -> (target seconds or None, target ratio to the figure's floor or None). The floor of
# each figure is measured in the same run: a plain SQLite copy for the in-process figures, a
# minimal program doing the unavoidable part for the others (named in FLOORS).
TARGETS = {
    "hrvdesk --help": (None, 1.5),
    "cold start to unlock dialog": (1.0, 1.5),
    "cold start, hrvdesk DB (command line)": (1.0, 1.5),
    "unlock to main window ready": (2.5, None),
    "unlock to main window painted (figures counting)": (2.5, None),
    "annual statistics (disclosure control)": (0.2, 1.5),
    "training coverage": (0.2, 1.5),
    "training coverage, counted afresh": (0.2, 1.5),
    "annual report PDF": (2.0, 1.5),
    "training report PDF": (2.0, 1.5),
    "training report PDF after a change in its year": (2.0, 1.5),
    "action plan report PDF": (2.0, 1.5),
    "national export (JSON + CSV)": (1.0, 1.5),
    "national export beside 5 overlapping releases": (1.0, 1.5),
    "small demo: statistics + suppression + joint audit with 1 release": (0.2, 1.5),
    "backup (copy + one verification)": (None, 3.0),
    "backup beside a copy hashed once": (None, 1.5),
    "CSV import, 10 000 training rows": (None, 3.0),
    "CSV import, 100 000 training rows": (None, 3.0),
    "XLSX import, 100 000 training rows": (None, 1.3),
    "CSV import, 1 000 000 training rows (10 files)": (None, 3.0),
    "GUI: select all of 100 000 rows": (0.3, None),
}
FLOORS = {
    "hrvdesk --help": "python -c 'import PySide6.QtWidgets'",
    "cold start to unlock dialog": "a minimal PySide6 dialog painted",
    "cold start, hrvdesk DB (command line)": "a minimal PySide6 dialog painted",
    "unlock to main window ready": "the key derivation alone",
    "unlock to main window painted (figures counting)": "the key derivation alone",
    "backup (copy + one verification)": "shutil.copyfile of the database",
    "backup beside a copy hashed once": "shutil.copyfile + SHA-512 over the copy (the hash of SQLCipher's page HMAC)",
    "CSV import, 10 000 training rows": "csv + HMAC + sqlite executemany",
    "CSV import, 100 000 training rows": "csv + HMAC + sqlite executemany",
    "XLSX import, 100 000 training rows": "openpyxl read-only load of the same file",
    "CSV import, 1 000 000 training rows (10 files)": "csv + HMAC + sqlite executemany",
}
RSS_TARGET_MB = 300
IMPORT_SIZES = (10_000, 100_000)
XLSX_ROWS = 100_000
#: The 1M-row import: the product refuses a file of more than 100 000 data rows
#: (``hrvdesk/io/tabular.py`` MAX_ROWS) or 64 MB (MAX_CSV_BYTES), so a million rows are ten
#: files of 100 000 imported one after the other into one new database.
MILLION_FILES, MILLION_FILE_ROWS = 10, 100_000
#: ``--scale``: the growth series, at these multiples of the large demo's data.
SCALE_FACTORS = (0.1, 1, 10)
#: Bump when :func:`scaled_demo` changes, so that the cached scaled databases are rebuilt.
SCALED_VERSION = 1


# --- the cached large demo ------------------------------------------------------------------


def demo_key(seed: int) -> str:
    """The cache folder's name: code version, schema version, seed, demo generators' digest."""
    from hrvdesk import __version__
    from hrvdesk.store.migrations import latest_version

    digest = hashlib.sha256()
    for source in sorted((ROOT / "hrvdesk" / "store").glob("demo*.py")):
        digest.update(source.read_bytes())
    return f"large-v{__version__}-schema{latest_version()}-seed{seed}-{digest.hexdigest()[:10]}"


def cached_demo(seed: int, rebuild: bool = False) -> Path:
    """The large demo database (built on first use, then reused)."""
    from hrvdesk.store import keyslots, users
    from hrvdesk.store.demo import create_demo

    cache = cache_folder()
    folder = cache / demo_key(seed)
    path = folder / "large.db"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if path.is_file():
        return path
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    for old in cache.glob("large-*"):  # an older code version's demo (and its scaled copies)
        shutil.rmtree(old, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=cache))
    print(f"building the large demo (seed {seed}) in {folder} …", flush=True)
    started = time.perf_counter()
    with create_demo(building / "large.db", USER, PASSPHRASE, seed=seed, scale="large",
                     kdf=keyslots.FAST_KDF) as db:
        users.change_passphrase(db, PASSPHRASE, kdf=keyslots.calibrated_kdf())  # realistic unlock
    os.replace(building, folder)
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def make_plain_copy(db_path: Path, target: Path) -> None:
    from common import plain_copy

    from hrvdesk.store.database import Database

    with Database.open(db_path, USER, PASSPHRASE) as db:
        plain_copy(db, target).close()


def cache_folder() -> Path:
    import platformdirs

    from hrvdesk import APP_NAME

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / "benchmarks"


def _copy_database(source: Path, target: Path) -> None:
    for suffix in ("", ".keys"):
        shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")


def _read_demo(db) -> dict:
    """The large demo's trainings, completions (by short pseudonym), headcounts and cases
    with their status histories, through the public read functions (the listings audit a
    view each: read from a copy, never from the cached demo)."""
    from hrvdesk.store import abroad_repo, training_repo

    trainings = training_repo.trainings(db)
    return {"trainings": trainings,
            "completions": [row for t in trainings for row in training_repo.completions(db, t.id)],
            "headcounts": training_repo.headcounts(db),
            "cases": [(stored, abroad_repo.status_history(db, stored.case.id))
                      for stored in abroad_repo.list_cases(db)]}


def _add_copy(db, data: dict, copy: int, training_ids: dict[int, int], keep=lambda _label: True,
              cases=slice(None)) -> None:
    """One copy of the read demo's persons (those ``keep`` takes, by short pseudonym) with
    their completions of the same trainings, and of its cases (``cases``: which of them),
    as new persons and children: one transaction, audited as one entry."""
    import dataclasses

    from hrvdesk.domain.pseudonyms import keyed_hash
    from hrvdesk.store import pseudonym_keys
    from hrvdesk.store.abroad_repo import insert_case
    from hrvdesk.store.training_repo import PersonRegister, insert_completions

    rows = [row for row in data["completions"] if keep(row.person)]
    with db.transaction() as conn:
        numbers = PersonRegister(conn).numbers([f"bench-copy-{copy}-{row.person}" for row in rows])
        insert_completions(conn, [(n, training_ids[row.training_id], row.administration, row.unit or "",
                                   row.completed_date.isoformat()) for n, row in zip(numbers, rows)])
        key = pseudonym_keys.load(conn, pseudonym_keys.ABROAD_PERSONS)
        chosen = data["cases"][cases]
        for stored, history in chosen:
            case = stored.case
            if case.person_key is not None:
                case = dataclasses.replace(case, person_key=keyed_hash(f"bench-copy-{copy}:{case.person_key}", key))
            insert_case(conn, case, at=stored.created_at, user=stored.created_by, history=history,
                        updated_at=stored.updated_at)
        db.audit("create", target="benchmark:scale", detail={"copy": copy, "completions": len(rows),
                                                             "cases": len(chosen)})


def _scaled_headcounts(db, data: dict, factor: float) -> None:
    import dataclasses

    from hrvdesk.store.training_repo import store_headcount

    def scaled(n):
        return None if n is None else max(1, round(n * factor))

    with db.transaction() as conn:
        for figure in data["headcounts"]:
            store_headcount(conn, dataclasses.replace(figure, headcount=scaled(figure.headcount),
                                                      target_group=scaled(figure.target_group)))
        db.audit("update", target="benchmark:scale", detail={"headcounts": factor})


def scaled_demo(seed: int, factor: float, rebuild: bool = False) -> Path:
    """The large demo's data times ``factor`` (1: the large demo itself), built once from it
    and cached beside it. The demo generators have only the sizes "small" and "large" and
    cannot run twice on one database (headcounts are unique per year and administration), so
    the data are multiplied through the store's public functions:

    * ×10: a copy of the large demo plus nine copies of all its persons (new pseudonyms) with
      their completions of the same trainings, and of all its cases (new children), and
      headcounts ×10: ten times the staff of the same city, the same trainings;
    * ×0.1: a new database with the same trainings (``save_training``), the persons whose
      pseudonym falls in one tenth (by its hexadecimal value) with their completions, every
      tenth case, headcounts ÷10, and the demo's plan and routines (``demo_plan``).

    The copied cases are stored as new ones (``insert_case``); those older than the retention
    period are reduced by the unlock that ends the build, as the demo's own were.
    """
    if factor == 1:
        return cached_demo(seed, rebuild)
    import random

    from hrvdesk.store import keyslots, training_repo, users
    from hrvdesk.store.database import Database
    from hrvdesk.store.demo import DemoContext
    from hrvdesk.store.demo_plan import demo_plan

    large = cached_demo(seed)
    folder = large.parent.with_name(f"{large.parent.name}-x{factor:g}-b{SCALED_VERSION}")
    path = folder / "scaled.db"
    if rebuild and folder.exists():
        shutil.rmtree(folder)
    if path.is_file():
        return path
    for old in large.parent.parent.glob(f"{large.parent.name}-x{factor:g}-*"):
        shutil.rmtree(old, ignore_errors=True)
    building = Path(tempfile.mkdtemp(prefix=".building-", dir=large.parent.parent))
    print(f"building the large demo ×{factor:g} in {folder} …", flush=True)
    started = time.perf_counter()
    _copy_database(large, building / "source.db")
    with Database.open(building / "source.db", USER, PASSPHRASE) as source:
        data = _read_demo(source)
    if factor > 1:
        _copy_database(large, building / "scaled.db")
        with Database.open(building / "scaled.db", USER, PASSPHRASE) as db:
            same = {t.id: t.id for t in data["trainings"]}
            for copy in range(1, round(factor)):
                _add_copy(db, data, copy, same)
                print(f"  copy {copy} of {round(factor) - 1} ({time.perf_counter() - started:.0f} s)", flush=True)
            _scaled_headcounts(db, data, factor)
    else:
        import dataclasses

        step = round(1 / factor)
        with Database.create(building / "scaled.db", USER, PASSPHRASE, kdf=keyslots.FAST_KDF) as db:
            new_ids = {t.id: training_repo.save_training(db, dataclasses.replace(t, id=0))
                       for t in reversed(data["trainings"])}
            _add_copy(db, data, 0, new_ids, keep=lambda label: int(label, 16) % step == 0,
                      cases=slice(None, None, step))
            _scaled_headcounts(db, data, factor)
            demo_plan(DemoContext(db, random.Random(seed), "large", PASSPHRASE, keyslots.FAST_KDF))
            users.change_passphrase(db, PASSPHRASE, kdf=keyslots.calibrated_kdf())
    for suffix in ("", ".keys"):
        Path(f"{building / 'source.db'}{suffix}").unlink()
    Database.open(building / "scaled.db", USER, PASSPHRASE).close()  # retention, as at a first unlock
    os.replace(building, folder)
    print(f"built in {time.perf_counter() - started:.0f} s "
          f"({path.stat().st_size / 2**20:.0f} MiB)", flush=True)
    return path


# --- children --------------------------------------------------------------------------------


@dataclass
class Child:
    result: dict
    max_rss_mb: float


def run_child(kind: str, args: argparse.Namespace, env: dict | None = None) -> Child:
    """Run ``run.py --child KIND`` and read its one JSON line; its own peak RSS from wait4."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--db", str(args.db),
               "--plain", str(args.plain), "--runs", str(args.runs), "--year", str(args.year),
               "--seed", str(args.seed)]
    spawned = time.time()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               env=_child_env(env))
    if not kind.startswith("cold"):  # the app itself is never given a passphrase
        process.stdin.write(PASSPHRASE + "\n")
    process.stdin.close()
    output = process.stdout.read()  # the child always ends (see _fail_fast)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"the {kind} child failed (exit {process.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    result["spawned"] = spawned
    # the child's own peak (VmHWM, see common.own_peak_rss_mb); wait4's ru_maxrss starts at
    # this process's high-water mark, which the demo builds and large files raise
    own = result.pop("rss_mb", None)
    return Child(result, own if own is not None else usage.ru_maxrss / 1024)  # KiB on Linux


def _fail_fast(kind, value, tb) -> None:
    """An exception in a Qt slot must end the child, not leave its event loop waiting."""
    traceback.print_exception(kind, value, tb)
    os._exit(3)


def _read_passphrase() -> str:
    return sys.stdin.readline().rstrip("\n")


def _on_first_paint(widget_class, on_painted) -> None:
    """Call ``on_painted()`` after the first paint of a ``widget_class`` widget, by hooking
    its ``paintEvent`` as the floor's dialog measures itself: an application-wide event
    filter would run Python for every event of every object during start-up (65–90 ms
    measured here) and so slow the app but not its floor."""
    original = widget_class.paintEvent
    fired: list[bool] = []

    def paint_event(self, event) -> None:
        original(self, event)
        if not fired:
            fired.append(True)
            on_painted()

    widget_class.paintEvent = paint_event


def child_cold(args: argparse.Namespace, command_line: bool = False) -> dict:
    """The ``hrvdesk-gui DB`` entry point (or ``hrvdesk DB``) until the unlock dialog is
    painted, then quit."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    qapp = QApplication([sys.argv[0]])
    shown: dict[str, float] = {}

    def painted() -> None:
        shown["at"] = time.time()
        QTimer.singleShot(0, qapp.quit)

    from hrvdesk.ui.unlock import UnlockDialog  # imported by either entry point before its paint

    _on_first_paint(UnlockDialog, painted)
    if command_line:
        from hrvdesk.cli import main
    else:
        from hrvdesk.ui.app import main  # hrvdesk-gui: what the menu entries start
    main([str(args.db)])
    return {"shown": shown["at"]}


def child_cold_floor(args: argparse.Namespace) -> dict:
    """The floor of the start-up figures: a minimal PySide6 dialog until it is painted."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialog, QLabel, QVBoxLayout

    qapp = QApplication([sys.argv[0]])
    shown: dict[str, float] = {}

    class Dialog(QDialog):
        def paintEvent(self, event):  # noqa: N802 (Qt API)
            super().paintEvent(event)
            if "at" not in shown:
                shown["at"] = time.time()
                QTimer.singleShot(0, qapp.quit)

    dialog = Dialog()
    QVBoxLayout(dialog).addWidget(QLabel("hrvdesk"))
    dialog.show()
    qapp.exec()
    return {"shown": shown["at"]}


def child_kdf(args: argparse.Namespace) -> dict:
    """The floor of unlocking: deriving the administrator's slot key, nothing else."""
    from hrvdesk.store import keyslots

    _read_passphrase()
    header = keyslots.KeyHeader.load(args.db)
    slot = header.slots[header.uid(USER)]
    started = time.perf_counter()
    keyslots.wipe(keyslots.derive(PASSPHRASE, slot.salt, slot.kdf))
    return {"seconds": time.perf_counter() - started}


def child_backup(args: argparse.Namespace) -> dict:
    """``backup`` of the large demo against a plain file copy, each once per run, in turns."""
    from common import timed

    from hrvdesk.store.database import Database
    from hrvdesk.store.maintenance import backup

    with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp, \
            Database.open(args.db, USER, _read_passphrase()) as db:
        out, copy = Path(tmp) / "backup.db", Path(tmp) / "copy.db"

        def product() -> bool:
            for leftover in (out, Path(f"{out}.keys")):
                leftover.unlink(missing_ok=True)
            return backup(db, out).ok

        def hashed() -> bool:
            """The least a verified copy costs: the copy, and every byte of it read and
            hashed once more with the hash that SQLCipher's page HMAC uses."""
            shutil.copyfile(args.db, copy)
            digest = hashlib.sha512()
            with open(copy, "rb") as fh:
                while block := fh.read(1 << 20):
                    digest.update(block)
            return True

        figures = timed(max(1, args.runs // 3), encrypted=product,
                        plain=lambda: shutil.copyfile(args.db, copy) and True, hashed=hashed)
    return {"seconds": figures["encrypted"].median, "plain": figures["plain"].median,
            "hashed": figures["hashed"].median}


def _import_floor(path: Path | list[Path], target: Path) -> int:
    """What an import cannot avoid: read the CSV (or each of the CSV files, into one
    database), key-hash each person, insert in one batch per file."""
    import csv
    import hashlib
    import hmac
    import sqlite3

    key = os.urandom(32)
    target.unlink(missing_ok=True)
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE t (person TEXT, adm TEXT, unit TEXT, title TEXT, topics TEXT, "
                 "format TEXT, day TEXT, hours TEXT)")
    count = 0
    for each in path if isinstance(path, list) else [path]:
        with open(each, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, delimiter=";")
            next(reader)
            rows = [(hmac.new(key, r[0].lower().encode(), hashlib.sha256).hexdigest(), *r[1:]) for r in reader]
        with conn:
            conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        count += len(rows)
    conn.close()
    return count


def _import_files(db_path: Path, paths: list[Path]) -> int:
    """``check_file`` + ``apply_import`` of each file, in order, into a new database (what
    ``hrvdesk import training FILE`` does, file after file); the rows added."""
    from hrvdesk.services.importing import check_file
    from hrvdesk.store import importing
    from hrvdesk.store.database import Database

    added = 0
    with Database.create(db_path, USER, PASSPHRASE) as db:
        for path in paths:
            report = importing.apply_import(db, "training", check_file(db, "training", path))
            if not report.written:
                raise SystemExit(f"the import of {path.name} was refused: the benchmark is broken")
            added += report.added
    return added


def child_import(args: argparse.Namespace) -> dict:
    """``import training`` of a generated CSV into a new database, against the floor."""
    from common import timed, write_training_csv

    from hrvdesk.store import keyslots

    _read_passphrase()
    keyslots.DEFAULT_KDF = keyslots.FAST_KDF  # not an unlock benchmark
    results = {}
    with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp:
        for rows in IMPORT_SIZES:
            csv_path = Path(tmp) / f"training-{rows}.csv"
            write_training_csv(csv_path, rows)
            serial = iter(range(10**6))

            def product() -> int:
                return _import_files(Path(tmp) / f"import-{rows}-{next(serial)}.db", [csv_path])

            figures = timed(1 if rows > 10_000 else 3, encrypted=product,
                            plain=lambda: _import_floor(csv_path, Path(tmp) / "floor.db"))
            results[str(rows)] = {"seconds": figures["encrypted"].median, "plain": figures["plain"].median}
    return results


def xlsx_file() -> Path:
    """The XLSX import's workbook (:data:`XLSX_ROWS` rows), written once with openpyxl's
    write-only mode into the benchmark's cache folder and kept there."""
    from common import write_training_xlsx

    path = cache_folder() / f"training-{XLSX_ROWS}-v1.xlsx"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        print(f"writing {path} …", flush=True)
        write_training_xlsx(path, XLSX_ROWS)
    return path


def child_import_xlsx(args: argparse.Namespace) -> dict:
    """``import training`` of the cached workbook into a new database, against openpyxl's
    read-only load of the same file (every row's values read), once each, in turns."""
    from common import timed

    from hrvdesk.store import keyslots

    _read_passphrase()
    keyslots.DEFAULT_KDF = keyslots.FAST_KDF  # not an unlock benchmark
    path = xlsx_file()
    path.read_bytes()  # into the page cache: the figures run without an untimed warm-up

    def floor() -> int:
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            return sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True)) - 1
        finally:
            workbook.close()

    with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp:
        serial = iter(range(10**6))
        figures = timed(max(1, args.runs // 7), warm_up=False, plain=floor,
                        encrypted=lambda: _import_files(Path(tmp) / f"xlsx-{next(serial)}.db", [path]))
    if figures["encrypted"].result != XLSX_ROWS or figures["plain"].result != XLSX_ROWS:
        raise SystemExit("the XLSX import did not add every row: the benchmark is broken")
    return {"seconds": figures["encrypted"].median, "plain": figures["plain"].median}


def child_import_million(args: argparse.Namespace) -> dict:
    """``import training`` of ten files of 100 000 rows (a million persons' completions),
    one after the other into one new database, against the floor over the same files;
    once each (many seconds), in turns. Also each file's import time, first to last."""
    from common import write_training_csv

    from hrvdesk.services.importing import check_file
    from hrvdesk.store import importing, keyslots
    from hrvdesk.store.database import Database

    _read_passphrase()
    keyslots.DEFAULT_KDF = keyslots.FAST_KDF  # not an unlock benchmark
    with tempfile.TemporaryDirectory(dir=args.db.parent) as tmp:
        paths = [Path(tmp) / f"training-{n}.csv" for n in range(MILLION_FILES)]
        for n, path in enumerate(paths):
            write_training_csv(path, MILLION_FILE_ROWS, first=n * MILLION_FILE_ROWS)
        started = time.perf_counter()
        floor = _import_floor(paths, Path(tmp) / "floor.db")
        plain = time.perf_counter() - started
        per_file = []
        started = time.perf_counter()
        added = 0
        with Database.create(Path(tmp) / "million.db", USER, PASSPHRASE) as db:
            for path in paths:
                began = time.perf_counter()
                report = importing.apply_import(db, "training", check_file(db, "training", path))
                per_file.append(time.perf_counter() - began)
                added += report.added
        seconds = time.perf_counter() - started
    if added != floor or added != MILLION_FILES * MILLION_FILE_ROWS:
        raise SystemExit("the 1M import did not add every row: the benchmark is broken")
    return {"seconds": seconds, "plain": plain, "per_file": per_file}


def child_open(args: argparse.Namespace) -> dict:
    """From process start, with the passphrase on stdin, to the database opened (real KDF,
    the checks, migrations and retention of every unlock) and answering a query."""
    from hrvdesk.store.database import Database

    db = Database.open(args.db, USER, _read_passphrase())
    db.conn.execute("SELECT count(*) FROM users").fetchone()
    ready = time.time()
    db.close()
    return {"ready": ready}


def child_series_api(args: argparse.Namespace) -> dict:
    """The public API on the encrypted database only (the growth series has no floor):
    national export, annual statistics, training coverage (kept, and counted afresh), the
    training report after a change in its year; medians in turns."""
    from common import timed

    from hrvdesk.io.export_national import build_package, protected_statistics
    from hrvdesk.io.report_training import build_training_report
    from hrvdesk.store.database import Database
    from hrvdesk.store.training_repo import coverage_for

    now = dt.datetime(args.year + 1, 1, 15, 9, 0)

    def report_after_change() -> None:
        _change_year(db, args.year)
        build_training_report(db, args.year, now=now)

    with Database.open(args.db, USER, _read_passphrase()) as db:
        figures = timed(args.runs, national=lambda: len(build_package(db, args.year, now=now).json_bytes()),
                        statistics=lambda: protected_statistics(db, args.year)[1] and None,
                        coverage=lambda: coverage_for(db, args.year, TOPIC) and None,
                        coverage_afresh=lambda: _coverage_afresh(db, args.year) and None,
                        report_changed=report_after_change)
    return {name: timing.median for name, timing in figures.items()}


def child_national(args: argparse.Namespace) -> dict:
    """The national package (tables, suppression, audit, JSON and CSV bytes) in memory."""
    from hrvdesk.io.export_national import build_package

    now = dt.datetime(args.year + 1, 1, 15, 9, 0)
    return _compare(args, lambda db: len(build_package(db, args.year, now=now).json_bytes()), check_equal=False)


#: Start months of the earlier releases the joint-audit figures record first: the calendar
#: year, three moved starts (each overlapping the calendar year), and a correction.
EARLIER_START_MONTHS = (1, 4, 7, 10, 1)


def _with_releases(db, year: int, months=EARLIER_START_MONTHS) -> None:
    """Record releases (periods starting in ``months``) overlapping the calendar year ``year``."""
    from hrvdesk.io.export_national import export_national
    from hrvdesk.store import settings

    with tempfile.TemporaryDirectory() as tmp:
        for month in months:
            settings.put(db, "period_start_month", month)
            export_national(db, year, Path(tmp) / "p.json", today=dt.date(year + 2, 1, 1))
    settings.put(db, "period_start_month", 1)


def _joint_export(args: argparse.Namespace, source: Path, months=EARLIER_START_MONTHS) -> dict:
    """The package of ``args.year`` beside the earlier releases, on a copy of ``source``
    (encrypted) and on its plain copy, each with the same releases recorded first."""
    from hrvdesk.io.export_national import build_package

    now = dt.datetime(args.year + 1, 1, 15, 9, 0)
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in ("", ".keys"):
            shutil.copyfile(f"{source}{suffix}", Path(tmp) / f"copy.db{suffix}")
        args = argparse.Namespace(**{**vars(args), "db": Path(tmp) / "copy.db",
                                     "plain": Path(tmp) / "plain.db"})
        make_plain_copy(args.db, args.plain)
        db, plain = _open_both(args)
        for each in (db, plain):
            _with_releases(each, args.year, months)
        return _compare(args, lambda db: build_package(db, args.year, now=now).json_bytes(),
                        check_equal=False, opened=(db, plain))


def child_national_joint(args: argparse.Namespace) -> dict:
    return _joint_export(args, args.db)


def child_small_joint(args: argparse.Namespace) -> dict:
    from hrvdesk.store import keyslots
    from hrvdesk.store.demo import create_demo

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.db"
        create_demo(small, USER, PASSPHRASE, seed=args.seed, scale="small", kdf=keyslots.FAST_KDF).close()
        return _joint_export(args, small, months=(1,))  # the package of a corrected year


def child_table(args: argparse.Namespace) -> dict:
    """The app's record table with 100 000 rows: select all and read the selection."""
    from PySide6.QtWidgets import QApplication

    from hrvdesk.ui.models import Column, RecordTableModel, RecordTableView

    qapp = QApplication([sys.argv[0]])
    model = RecordTableModel([Column("Number", lambda r: r[0]), Column("Name", lambda r: r[1])],
                             [(i, f"row {i}") for i in range(100_000)])
    view = RecordTableView("bench")
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    qapp.processEvents()
    started = time.perf_counter()
    view.selectAll()
    selected = view.selected_rows()
    seconds = time.perf_counter() - started
    assert len(selected) == 100_000
    return {"seconds": seconds}


def child_ready(args: argparse.Namespace, after_a_change: bool = False) -> dict:
    """Unlock through the unlock dialog (real KDF, task thread) until the main window is
    painted (``window``: its Overview counts the figures in a task) and until the first of
    the Overview's figures is painted (``seconds``). ``after_a_change``: first (untimed) a
    change in this year's training records (:func:`_change_year`), so that the Overview's
    coverage is counted afresh, as on the first unlock after a day's work."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from hrvdesk import i18n
    from hrvdesk.store.database import Database
    from hrvdesk.ui.app import App
    from hrvdesk.ui.settings_store import WorkstationSettings

    secret = _read_passphrase()
    if after_a_change:
        with Database.open(args.db, USER, secret) as db:
            _change_year(db, dt.date.today().year)
    qapp = QApplication([sys.argv[0]])
    i18n.set_language("sv")
    with tempfile.TemporaryDirectory() as tmp:
        app = App(settings=WorkstationSettings(Path(tmp) / "settings.json"))
        times: dict[str, float] = {}

        def window_painted() -> None:
            times["window"] = time.perf_counter()

        def figures_painted() -> None:
            times["ready"] = time.perf_counter()
            QTimer.singleShot(0, qapp.quit)

        def start() -> None:
            app.unlock.user.setText(USER)
            app.unlock.passphrase.setText(secret)
            times["clicked"] = time.perf_counter()
            app.unlock.unlock_button.click()

        from hrvdesk.ui.mainwindow import MainWindow
        from hrvdesk.ui.sections.overview import FigureCard

        _on_first_paint(MainWindow, window_painted)
        _on_first_paint(FigureCard, figures_painted)
        app.start(args.db)
        QTimer.singleShot(0, start)
        qapp.exec()
        app.shutdown()
    return {"seconds": times["ready"] - times["clicked"], "window": times["window"] - times["clicked"]}


def _open_both(args: argparse.Namespace):
    """The encrypted database (real unlock) and a Database object on the plain copy, with
    the same session, so the public API runs unchanged on both."""
    import sqlcipher3

    from hrvdesk.store import connection
    from hrvdesk.store.database import Database

    db = Database.open(args.db, USER, _read_passphrase())
    conn = sqlcipher3.connect(str(args.plain), isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA temp_store = MEMORY")
    connection.configure(conn, args.plain)
    return db, Database(args.plain, conn, db.header, bytearray(db.key), db.session)


def _compare(args: argparse.Namespace, job, check_equal: bool = True, opened=None) -> dict:
    """Median seconds of ``job(db)`` on the encrypted and on the plain database, in turns
    (``opened``: the pair from :func:`_open_both`, when the caller prepared them)."""
    from common import timed

    db, plain = opened or _open_both(args)
    with db, plain:
        figures = timed(args.runs, encrypted=lambda: job(db), plain=lambda: job(plain))
    encrypted, unencrypted = figures["encrypted"], figures["plain"]
    if check_equal and encrypted.result != unencrypted.result:
        raise SystemExit("the plain copy gave another result: the benchmark is broken")
    return {"seconds": encrypted.median, "plain": unencrypted.median}


def child_statistics(args: argparse.Namespace) -> dict:
    from hrvdesk.io.export_national import protected_statistics

    return _compare(args, lambda db: protected_statistics(db, args.year)[1])


def child_coverage(args: argparse.Namespace) -> dict:
    """Coverage as the app asks for it: the counts kept between computations (migration 15)
    are used after the first, untimed, run."""
    from hrvdesk.store.training_repo import coverage_for

    return _compare(args, lambda db: coverage_for(db, args.year, TOPIC))


def _coverage_afresh(db, year: int):
    """Coverage counted in the records, as the first computation after a change does."""
    from hrvdesk.store import settings
    from hrvdesk.store.training_repo import load_coverage

    return load_coverage(db.conn, year, TOPIC, settings.get(db, "validity_years"),
                         settings.get(db, "coverage_threshold_percent") / 100)


def child_coverage_afresh(args: argparse.Namespace) -> dict:
    return _compare(args, lambda db: _coverage_afresh(db, args.year))


def _change_year(db, year: int) -> None:
    """Record one completion of ``year`` and delete it again (both audited): the records are
    as before, and every count kept for ``year`` is out of date, as after a day's work."""
    from hrvdesk.store import training_repo

    training_id = db.conn.execute(
        "SELECT min(training_id) FROM training_topics WHERE topic = ?", (TOPIC,)).fetchone()[0]
    administration = db.conn.execute("SELECT min(code) FROM administrations").fetchone()[0]
    added = training_repo.add_completion(db, training_id, "benchmark-change", administration,
                                         dt.date(year, 6, 1))
    training_repo.delete_completion(db, added)


def _report_child(build, after_a_change: bool = False):
    def child(args: argparse.Namespace) -> dict:
        now = dt.datetime(args.year + 1, 1, 15, 9, 0)

        def job(db) -> int:
            if after_a_change:
                _change_year(db, args.year)
            return len(build(db, args.year, now=now))
        return _compare(args, job, check_equal=False)
    return child


def _annual(db, year, now):
    from hrvdesk.io.report_annual import build_annual_report

    return build_annual_report(db, year, now=now)


def _training(db, year, now):
    from hrvdesk.io.report_training import build_training_report

    return build_training_report(db, year, now=now)


def _plan(db, year, now):
    from hrvdesk.io.report_plan import build_plan_report

    return build_plan_report(db, year, now=now)


CHILDREN = {
    "cold": child_cold,
    "cold_cli": lambda args: child_cold(args, command_line=True),
    "cold_floor": child_cold_floor,
    "kdf": child_kdf,
    "backup": child_backup,
    "import": child_import,
    "import_xlsx": child_import_xlsx,
    "import_million": child_import_million,
    "open": child_open,
    "series_api": child_series_api,
    "national": child_national,
    "national_joint": child_national_joint,
    "small_joint": child_small_joint,
    "table": child_table,
    "ready": child_ready,
    "ready_changed": lambda args: child_ready(args, after_a_change=True),
    "statistics": child_statistics,
    "coverage": child_coverage,
    "coverage_afresh": child_coverage_afresh,
    "report_annual": _report_child(_annual),
    "report_training": _report_child(_training),
    "report_training_changed": _report_child(_training, after_a_change=True),
    "report_plan": _report_child(_plan),
}
#: Children that are not figures of the default run (floors, and --scale's).
SCALE_ONLY = ("cold_floor", "kdf", "import_million", "open", "series_api", "ready_changed")
COLD = {  # child kind -> figure name (process start until the unlock dialog is painted)
    "cold": "cold start to unlock dialog",
    "cold_cli": "cold start, hrvdesk DB (command line)",
}
IN_PROCESS = {  # child kind -> figure name (timed inside the child, with the plain ratio)
    "statistics": "annual statistics (disclosure control)",
    "coverage": "training coverage",
    "coverage_afresh": "training coverage, counted afresh",
    "report_annual": "annual report PDF",
    "report_training": "training report PDF",
    "report_training_changed": "training report PDF after a change in its year",
    "report_plan": "action plan report PDF",
    "national": "national export (JSON + CSV)",
    "national_joint": "national export beside 5 overlapping releases",
    "small_joint": "small demo: statistics + suppression + joint audit with 1 release",
    "backup": "backup (copy + one verification)",
}


# --- the parent ------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    seconds: float
    floor: float | None = None  # measured in the same run (FLOORS, or the plain copy)

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.floor if self.floor else None

    def met(self) -> bool:
        seconds, ratio = TARGETS[self.name]
        return ((seconds is None or self.seconds <= seconds)
                and (ratio is None or self.ratio is None or self.ratio <= ratio))

    def line(self) -> str:
        seconds, ratio = TARGETS[self.name]
        floor = FLOORS.get(self.name, "plain SQLite copy")
        shown = f"{self.ratio:5.2f}x floor {self.floor:7.3f} s" if self.ratio is not None else " " * 25
        target = ", ".join(t for t in ((f"≤ {seconds:.1f} s" if seconds is not None else ""),
                                        (f"≤ {ratio}x" if ratio is not None else "")) if t)
        return (f"{self.name:<50} {self.seconds:8.3f} s  {shown}   target {target:<16} "
                f"{'met' if self.met() else 'MISSED'}" + (f"   (floor: {floor})" if self.floor else ""))


def _child_env(extra: dict | None) -> dict:
    """A child's environment: this one with ``extra``, and Python's bytecode cache on (as at a
    workstation, where the installer compiles it; a sandbox's PYTHONDONTWRITEBYTECODE would
    make every start of the app, but not of the floor's already compiled PySide6, compile
    hrvdesk's sources again)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def _process_seconds(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=_child_env(env), stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def wanted(kind: str, args: argparse.Namespace) -> bool:
    return not args.only or kind in args.only.split(",")


def measure(args: argparse.Namespace) -> tuple[list[Figure], dict[str, float]]:
    figures: list[Figure] = []
    rss: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="hrvdesk-bench-") as tmp:
        env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
               "LANG": "sv_SE.UTF-8"}
        help_command = [sys.executable, "-c", "from hrvdesk.cli import main; main(['--help'])"]
        _process_seconds(help_command, env)  # untimed: the first start writes the bytecode cache
        if wanted("help", args):
            runs = [(_process_seconds(help_command, env),
                     _process_seconds([sys.executable, "-c", "import PySide6.QtWidgets"], env))
                    for _ in range(args.starts)]
            figures.append(Figure("hrvdesk --help", statistics.median(r[0] for r in runs),
                                  statistics.median(r[1] for r in runs)))
        for kind, name in COLD.items():
            if wanted(kind, args):
                run_child(kind, args, env)  # untimed: its modules' bytecode, as installed
                pairs = [(run_child("cold_floor", args, env), run_child(kind, args, env))
                         for _ in range(args.starts)]  # in turns: the machine's noise hits both
                shown = {side: statistics.median(c[side].result["shown"] - c[side].result["spawned"]
                                                 for c in pairs) for side in (0, 1)}
                figures.append(Figure(name, shown[1], shown[0]))
                rss[name] = max(c[1].max_rss_mb for c in pairs)
        if wanted("ready", args):
            unlocks = [run_child("ready", args, env) for _ in range(args.starts)]
            kdf = statistics.median(run_child("kdf", args, env).result["seconds"] for _ in range(3))
            figures.append(Figure("unlock to main window ready",
                                  statistics.median(c.result["seconds"] for c in unlocks), kdf))
            figures.append(Figure("unlock to main window painted (figures counting)",
                                  statistics.median(c.result["window"] for c in unlocks), kdf))
            rss["unlocked window"] = max(c.max_rss_mb for c in unlocks)
        if wanted("import", args):
            child = run_child("import", args, env)
            for rows in IMPORT_SIZES:
                figure = child.result[str(rows)]
                figures.append(Figure(f"CSV import, {format(rows, ',').replace(',', ' ')} training rows",
                                      figure["seconds"], figure["plain"]))
                print(f"  … {figures[-1].line()}", flush=True)
            rss["import"] = child.max_rss_mb
        if wanted("import_xlsx", args):
            child = run_child("import_xlsx", args, env)
            figures.append(Figure("XLSX import, 100 000 training rows", child.result["seconds"],
                                  child.result["plain"]))
            rss["XLSX import"] = child.max_rss_mb
            print(f"  … {figures[-1].line()}", flush=True)
        if wanted("table", args):
            child = run_child("table", args, env)
            figures.append(Figure("GUI: select all of 100 000 rows", child.result["seconds"]))
            rss["table"] = child.max_rss_mb
        for kind, name in IN_PROCESS.items():
            if not wanted(kind, args):
                continue
            child = run_child(kind, args, env)
            figures.append(Figure(name, child.result["seconds"], child.result["plain"]))
            if "hashed" in child.result:  # the backup: also beside the least a verified copy costs
                figures.append(Figure("backup beside a copy hashed once", child.result["seconds"],
                                      child.result["hashed"]))
            rss[name] = child.max_rss_mb
            print(f"  … {figures[-1].line()}", flush=True)
    return figures, rss


#: ``--scale``'s figures (``--only`` chooses among them): each measured at every size.
SERIES_API_NAMES = {"national": "national export (JSON + CSV)",
                    "statistics": "annual statistics (disclosure control)",
                    "coverage": "training coverage (counts kept)",
                    "coverage_afresh": "training coverage, counted afresh",
                    "report_changed": "training report PDF after a change in its year"}
SERIES = ("open", "ready", "backup", "national", "statistics", "coverage", "import")


@dataclass
class Series:
    name: str
    unit: str                    # of the sizes
    sizes: list[float]
    seconds: list[float]

    def lines(self) -> list[str]:
        from common import growth_exponent

        points = "  ".join(f"{size:>9,.0f} {self.unit} {t:8.3f} s" for size, t in zip(self.sizes, self.seconds))
        return [f"{self.name:<50} b = {growth_exponent(self.sizes, self.seconds):5.2f}   {points}"]


def measure_scale(args: argparse.Namespace) -> tuple[list[Figure], list[Series], dict[str, float]]:
    """The growth series (see README.md): the size-dependent figures on the large demo ×0.1,
    ×1 and ×10, and the CSV import of 10 000, 100 000 and 1 000 000 rows."""
    figures: list[Figure] = []
    series: list[Series] = []
    rss: dict[str, float] = {}
    databases = {factor: scaled_demo(args.seed, factor, args.rebuild and factor != 1)
                 for factor in SCALE_FACTORS}
    args = argparse.Namespace(**{**vars(args), "db": databases[1], "plain": databases[1]})
    mib = [databases[f].stat().st_size / 2**20 for f in SCALE_FACTORS]
    print("sizes: " + ", ".join(f"×{f:g} {m:.0f} MiB" for f, m in zip(SCALE_FACTORS, mib)), flush=True)
    times: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="hrvdesk-bench-") as tmp:
        env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(Path(tmp) / "config"),
               "LANG": "sv_SE.UTF-8"}
        for factor in SCALE_FACTORS:
            at = argparse.Namespace(**{**vars(args), "db": databases[factor]})
            label = f"×{factor:g}"
            if wanted("open", args):
                opens = [run_child("open", at, env) for _ in range(args.starts)]
                times.setdefault("open: process start to database ready", []).append(
                    statistics.median(c.result["ready"] - c.result["spawned"] for c in opens))
                rss[f"open {label}"] = max(c.max_rss_mb for c in opens)
            if wanted("ready", args):
                unlocks = [run_child("ready", at, env) for _ in range(args.starts)]
                times.setdefault("unlock to main window ready", []).append(
                    statistics.median(c.result["seconds"] for c in unlocks))
                times.setdefault("unlock to main window painted (figures counting)", []).append(
                    statistics.median(c.result["window"] for c in unlocks))
                changed = [run_child("ready_changed", at, env) for _ in range(args.starts)]
                times.setdefault("unlock to main window ready, after a change", []).append(
                    statistics.median(c.result["seconds"] for c in changed))
                times.setdefault("  … its window painted (figures counting)", []).append(
                    statistics.median(c.result["window"] for c in changed))
                rss[f"unlocked window after a change {label}"] = max(c.max_rss_mb for c in changed)
                rss[f"unlocked window {label}"] = max(c.max_rss_mb for c in unlocks)
            if wanted("backup", args):
                child = run_child("backup", at, env)
                times.setdefault("backup (copy + one verification)", []).append(child.result["seconds"])
                times.setdefault("  floor: shutil.copyfile", []).append(child.result["plain"])
                rss[f"backup {label}"] = child.max_rss_mb
            api = [kind for kind in ("national", "statistics", "coverage") if wanted(kind, args)]
            if api:
                child = run_child("series_api", at, env)
                named = {"national": ["national"], "statistics": ["statistics"],
                         "coverage": ["coverage", "coverage_afresh", "report_changed"]}
                for kind in (name for wanted_kind in api for name in named[wanted_kind]):
                    times.setdefault(SERIES_API_NAMES[kind], []).append(child.result[kind])
                rss[f"API {label}"] = child.max_rss_mb
            print(f"  … {label} measured", flush=True)
    series += [Series(name, "MiB", mib, seconds) for name, seconds in times.items()]
    if wanted("import", args):
        small = run_child("import", args)
        million = run_child("import_million", args)
        rss["import"], rss["import 1M"] = small.max_rss_mb, million.max_rss_mb
        figures.append(Figure("CSV import, 1 000 000 training rows (10 files)", million.result["seconds"],
                              million.result["plain"]))
        rows = [*IMPORT_SIZES, MILLION_FILES * MILLION_FILE_ROWS]
        series.append(Series("CSV import (new database)", "rows", rows,
                             [small.result[str(n)]["seconds"] for n in IMPORT_SIZES] + [million.result["seconds"]]))
        series.append(Series("  floor: csv + HMAC + executemany", "rows", rows,
                             [small.result[str(n)]["plain"] for n in IMPORT_SIZES] + [million.result["plain"]]))
        per_file = million.result["per_file"]
        print(f"  … 1M import, each file's seconds: {', '.join(f'{t:.1f}' for t in per_file)}", flush=True)
    return figures, series, rss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per in-process figure")
    parser.add_argument("--starts", type=int, default=5, help="process starts for cold start and unlock")
    parser.add_argument("--year", type=int, default=dt.date.today().year - 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="build the cached demo (and scaled copies) again")
    parser.add_argument("--scale", action="store_true",
                        help="instead of the default figures: the growth series at 0.1x, 1x and 10x the large "
                             "demo (built once, cached; the first run takes long) and the 1M-row CSV import")
    parser.add_argument("--only", metavar="KIND,…",
                        help=f"measure only these: help, {', '.join(k for k in CHILDREN if k not in SCALE_ONLY)}; "
                             f"with --scale: {', '.join(SERIES)}")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plain", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        from common import own_peak_rss_mb

        sys.excepthook = _fail_fast
        print(json.dumps({**CHILDREN[args.child](args), "rss_mb": own_peak_rss_mb()}), flush=True)
        return 0

    args.db = cached_demo(args.seed, args.rebuild)
    if args.scale:
        return report_scale(args)
    if wanted("import_xlsx", args):
        xlsx_file()  # written by this process, so that the child's memory is its import's
    with tempfile.TemporaryDirectory(prefix="hrvdesk-bench-plain-") as tmp:
        args.plain = Path(tmp) / "plain.db"
        make_plain_copy(args.db, args.plain)
        print(f"large demo: {args.db} ({args.db.stat().st_size / 2**20:.0f} MiB); year {args.year}; "
              f"medians of {args.starts} starts / {args.runs} runs; {os.cpu_count()} CPUs", flush=True)
        figures, rss = measure(args)
    return report(figures, rss)


def report(figures: list[Figure], rss: dict[str, float], series: list[Series] = ()) -> int:
    print()
    for figure in figures:
        print(figure.line())
    if series:
        print("\ngrowth: time ≈ a·size^b, b by least squares on log-log over the three sizes")
        for each in series:
            for line in each.lines():
                print(line)
    if not rss:
        return 0 if all(f.met() for f in figures) else 1
    peak = max(rss.values())
    print(f"{'peak RSS':<50} {peak:8.0f} MB  ({', '.join(f'{k} {v:.0f}' for k, v in rss.items())})")
    rss_ok = peak <= RSS_TARGET_MB
    print(f"{'':<50} target ≤ {RSS_TARGET_MB} MB: {'met' if rss_ok else 'MISSED'}")
    return 0 if rss_ok and all(f.met() for f in figures) else 1


def report_scale(args: argparse.Namespace) -> int:
    print(f"growth series: large demo ×{', ×'.join(f'{f:g}' for f in SCALE_FACTORS)}; year {args.year}; "
          f"medians of {args.starts} starts / {args.runs} runs; {os.cpu_count()} CPUs", flush=True)
    args.plain = args.db  # no plain copy: the series have no floor
    figures, series, rss = measure_scale(args)
    return report(figures, rss, series)


if __name__ == "__main__":
    sys.exit(main())
