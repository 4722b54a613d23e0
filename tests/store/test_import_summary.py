"""The coverage summary after imports: ``training_person_years`` holds what a computation
from scratch gives from the stored completions, whether they came by import (the summary
written once per batch), one by one (the trigger) or both, and an import that is rejected
or a dry run changes neither the summary nor the schema."""

from __future__ import annotations

import csv
import datetime as dt
import random

import pytest

from hrvdesk.domain.training import Training
from hrvdesk.services.importing import check_file
from hrvdesk.store import audit, importing, training_repo as tr

TODAY = dt.date(2025, 6, 30)
HEADER = ["anställningsnummer", "förvaltning", "enhet", "utbildning", "ämnen", "form", "datum", "timmar"]
ADMINISTRATIONS = ("UBF", "SOC", "KOF", "SBF")
UNITS = ("", "Skola 1", "Skola 2", "Barn och unga", "Förskola 3")
COURSES = (  # title, topics as written, format as written
    ("Grundkurs heder", "heder", "webb"),
    ("grundkurs  HEDER", "heder", "webb"),                  # the same course, written otherwise
    ("Könsstympning i praktiken", "könsstympning|heder", "fysisk"),
    ("Konferens om våld", "våld_i_nära_relationer|heder", "konferens"),
    ("Våld i nära relationer", "våld_i_nära_relationer", "webb"),
    ("Alla tre", "heder|könsstympning|våld_i_nära_relationer", "fysisk"),
)
DAYS = [dt.date(2021, 11, 1) + dt.timedelta(days=d) for d in range(0, 1300, 11)]


def person(rng: random.Random, number: int) -> str:
    """An employee number (in either case) or a work e-mail (in any case)."""
    if number % 4 == 0:
        return rng.choice([f"p{number}@example.se", f"P{number}@Example.se"])
    return rng.choice([f"E{number}", f"e{number}"])


def person_key(raw: str) -> str:
    return raw.lower() if "@" in raw else raw.upper()


class Files:
    """Random rows (seeded) of training files: each completion of a person, course and day
    always at the same administration and unit, so that files never conflict unless told."""

    def __init__(self, seed: int, tmp_path):
        self.rng = random.Random(seed)
        self.tmp_path = tmp_path
        self.places: dict[tuple, tuple[str, str]] = {}
        self.written: list[list[str]] = []
        self.count = 0

    def row(self) -> list[str]:
        rng = self.rng
        raw = person(rng, rng.randrange(80))
        title, topics, form = rng.choice(COURSES)
        day = rng.choice(DAYS)
        key = (person_key(raw), " ".join(title.split()).casefold(), topics, form, day)
        place = self.places.setdefault(key, (rng.choice(ADMINISTRATIONS), rng.choice(UNITS)))
        return [raw, place[0], place[1], title, topics, form, day.isoformat(),
                rng.choice(["", "1", "1,5", "3"])]

    def write(self, rows: list[list[str]]):
        self.count += 1
        path = self.tmp_path / f"training-{self.count}.csv"
        with open(path, "w", encoding="utf-8", newline="") as stream:
            csv.writer(stream, delimiter=";").writerows([HEADER, *rows])
        self.written += rows
        return path

    def next_file(self, size: int):
        """New rows, rows repeated within the file, and rows of earlier files."""
        rows = [self.row() for _ in range(size)]
        rows += self.rng.sample(rows, size // 10)
        if self.written:
            rows += self.rng.sample(self.written, min(len(self.written), size // 5))
        self.rng.shuffle(rows)
        return self.write(rows)


def run(db, path, dry_run=False):
    return importing.apply_import(db, "training", check_file(db, "training", path, today=TODAY),
                                  dry_run=dry_run)


def expected_summary(conn) -> set[tuple[str, int, int, str]]:
    """(topic, person, year, latest) from the stored completions, computed here: each topic,
    person and year keeps the greatest "date<US>administration<US>unit"."""
    topics: dict[int, list[str]] = {}
    for training_id, topic in conn.execute("SELECT training_id, topic FROM training_topics"):
        topics.setdefault(training_id, []).append(topic)
    latest: dict[tuple[str, int, int], str] = {}
    for person_number, training_id, day, administration, unit in conn.execute(
            "SELECT person, training_id, completed_date, administration, unit FROM completions"):
        text = "\x1f".join((day, administration, unit))
        for topic in topics.get(training_id, ()):
            key = (topic, person_number, int(day[:4]))
            if key not in latest or text > latest[key]:
                latest[key] = text
    return {(topic, p, year, text) for (topic, p, year), text in latest.items()}


def stored_summary(conn) -> set[tuple[str, int, int, str]]:
    rows = conn.execute("SELECT topic, person, year, latest FROM training_person_years").fetchall()
    assert len(rows) == len(set(rows))
    return set(rows)


def schema(conn) -> list[tuple]:
    return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def completions(conn) -> list[tuple]:
    return conn.execute("SELECT id, person, training_id, administration, unit, completed_date"
                        " FROM completions ORDER BY id").fetchall()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_summary_after_imports_is_the_one_computed_from_the_completions(admin_db, tmp_path, seed):
    conn = admin_db.conn
    files = Files(seed, tmp_path)
    before = schema(conn)
    persons_before = 0
    for size in (40, 250, 120, 400):
        report = run(admin_db, files.next_file(size))
        assert report.written and report.ok
        assert report.already_present > 0 or files.count == 1
        assert stored_summary(conn) == expected_summary(conn)
        assert schema(conn) == before
        # new persons are numbered one after the other in the order of their pseudonyms
        new = conn.execute("SELECT id, person_key FROM training_persons WHERE id > ? ORDER BY id",
                           (persons_before,)).fetchall()
        assert [n for n, _key in new] == list(range(persons_before + 1, persons_before + 1 + len(new)))
        assert [key for _n, key in new] == sorted(key for _n, key in new)
        persons_before += len(new)
    # people trained in several years and topics, and moved between administrations
    assert conn.execute("SELECT count(DISTINCT year), count(DISTINCT topic) FROM training_person_years"
                        ).fetchone() == (5, 3)
    assert conn.execute("SELECT count(*) FROM (SELECT person FROM training_person_years GROUP BY person"
                        " HAVING count(DISTINCT year) > 1 AND count(DISTINCT topic) > 1)").fetchone()[0] > 10
    assert conn.execute("SELECT count(*) FROM (SELECT person FROM completions GROUP BY person"
                        " HAVING count(DISTINCT administration) > 1)").fetchone()[0] > 10
    # a file of only known rows adds nothing and changes nothing
    stored = stored_summary(conn), completions(conn)
    again = run(admin_db, files.write(files.rng.sample(files.written, 100)))
    assert (again.written, again.added, again.already_present) == (True, 0, 100)
    assert (stored_summary(conn), completions(conn)) == stored


def test_a_rejected_import_or_a_dry_run_leaves_the_summary_and_the_trigger(admin_db, tmp_path):
    conn = admin_db.conn
    files = Files(7, tmp_path)
    assert run(admin_db, files.next_file(200)).written
    before = schema(conn), stored_summary(conn), completions(conn), len(audit.entries(conn))

    dry = run(admin_db, files.next_file(200), dry_run=True)
    assert dry.ok and dry.added > 0 and not dry.written
    assert (schema(conn), stored_summary(conn), completions(conn), len(audit.entries(conn))) == before

    # new rows and one that conflicts with a stored completion (another administration)
    raw, administration, *rest = files.written[0]
    moved = [raw, next(a for a in ADMINISTRATIONS if a != administration), *rest]
    rows = [files.row() for _ in range(150)] + [moved]
    rejected = run(admin_db, files.write(rows))
    assert not rejected.written and [p.line for p in rejected.problems] == [len(rows) + 1]
    assert (schema(conn), stored_summary(conn), completions(conn), len(audit.entries(conn))) == before

    # the trigger still keeps the summary for completions recorded one by one
    training_id = tr.save_training(admin_db, Training(0, "Enskild", frozenset({"hrv", "dv"}), "web",
                                                      dt.date(2024, 3, 1), administrations=("UBF",)))
    for day in (dt.date(2024, 3, 1), dt.date(2024, 9, 1), dt.date(2025, 1, 1)):
        tr.add_completion(admin_db, training_id, "E7", "UBF", day, "Skola 2")
    assert stored_summary(conn) > before[1]
    assert stored_summary(conn) == expected_summary(conn)
    completion = conn.execute("SELECT max(id) FROM completions").fetchone()[0]
    tr.delete_completion(admin_db, completion)
    assert stored_summary(conn) == expected_summary(conn)

    # and an import after that brings both together
    assert run(admin_db, files.next_file(300)).written
    assert stored_summary(conn) == expected_summary(conn)
    assert schema(conn) == before[0]


def test_an_import_audits_one_entry_with_its_counts(admin_db, tmp_path):
    files = Files(11, tmp_path)
    path = files.next_file(120)
    report = run(admin_db, path)
    [entry] = audit.entries(admin_db.conn, action="import")
    assert entry.detail["rows"] == report.rows
    assert (entry.detail["added"], entry.detail["already_present"]) == (report.added, report.already_present)
    assert report.added + report.already_present == report.rows
    assert report.added == admin_db.conn.execute("SELECT count(*) FROM completions").fetchone()[0]


def test_an_import_writes_the_summary_once_for_the_batch(admin_db, tmp_path, monkeypatch):
    """The trigger is replaced only while the batch is inserted (it is the one migration 2
    created), and is back, as it was, when the import is done."""
    conn = admin_db.conn
    trigger = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (tr._SUMMARY_TRIGGER,)).fetchone()
    assert " ".join(trigger[0].split()) == tr._SUMMARY_TRIGGER_SQL
    seen = []
    insert = tr.insert_completions

    def watched(connection, rows):
        insert(connection, rows)
        seen.append(connection.execute("SELECT count(*) FROM sqlite_master WHERE name = ?",
                                       (tr._SUMMARY_TRIGGER,)).fetchone()[0])

    monkeypatch.setattr(tr, "insert_completions", watched)
    statements = []
    conn.set_trace_callback(statements.append)
    try:
        assert run(admin_db, Files(5, tmp_path).next_file(100)).written
    finally:
        conn.set_trace_callback(None)
    assert seen == [1]
    assert sum(s.startswith("DROP TRIGGER") for s in statements) == 1
    assert conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (tr._SUMMARY_TRIGGER,)).fetchone() == trigger
    assert stored_summary(conn) == expected_summary(conn)


def test_an_import_writes_with_a_larger_page_cache_and_gives_it_back(admin_db, tmp_path):
    from hrvdesk.store import connection

    def cache_kib() -> int:
        return -admin_db.conn.execute("PRAGMA cache_size").fetchone()[0]

    during: list[int] = []
    files = Files(12, tmp_path)
    path = files.next_file(50)
    result = check_file(admin_db, "training", path, today=TODAY)
    assert cache_kib() == connection.CACHE_KIB
    report = importing.apply_import(admin_db, "training", result,
                                    progress=lambda done, total: during.append(cache_kib()))
    assert report.written and during and set(during) == {connection.BULK_CACHE_KIB}
    assert cache_kib() == connection.CACHE_KIB
    importing.apply_import(admin_db, "training", result, dry_run=True)   # rolled back
    assert cache_kib() == connection.CACHE_KIB
