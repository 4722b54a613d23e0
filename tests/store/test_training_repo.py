"""The training log in the database: records, roles, audit, pseudonyms and coverage."""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from decimal import Decimal

import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.roles import Role
from hrvdesk.domain.training import (
    AggregateAttendance, Completion, Headcount, Training, coverage, coverage_all_topics,
    pseudonymise, vpc_rule_broken,
)
from hrvdesk.store import audit, settings, training_repo as tr
from hrvdesk.store.database import Database
from hrvdesk.store.users import add_user
from tests.conftest import PASSPHRASE

ADMINS = ("AVUX", "KLF", "KOF", "SBF", "SOC", "UBF", "VOF")


def web(title="Grundkurs heder", topics=("hrv",), admins=("UBF",), day=dt.date(2023, 1, 1), **kw):
    return Training(0, title, frozenset(topics), "web", day, administrations=admins, **kw)


def add(db, training_id, person, adm, day, unit=None):
    return tr.add_completion(db, training_id, person, adm, day, unit)


def row(result, code):
    return next(a for a in result.administrations if a.code == code)


@contextlib.contextmanager
def opened_as(db: Database, name: str, role: Role, administration: str | None = None):
    add_user(db, name, role, PASSPHRASE, administration)
    with Database.open(db.path, name, PASSPHRASE) as other:
        yield other


# --- coverage arithmetic through the store -----------------------------------------------------


def test_coverage_counts_persons_once_in_their_latest_administration(admin_db):
    hrv = tr.save_training(admin_db, web(admins=("UBF", "SOC")))
    fgm = tr.save_training(admin_db, web("Könsstympning", ("fgm",), ("SOC",)))
    add(admin_db, hrv, "1001", "UBF", dt.date(2022, 12, 31), "Skola 1")   # before the window
    add(admin_db, hrv, "1002", "UBF", dt.date(2023, 1, 1), "Skola 1")     # first day of it
    add(admin_db, hrv, "1003", "UBF", dt.date(2023, 5, 1), "Skola 2")
    add(admin_db, hrv, "1003", "SOC", dt.date(2025, 2, 1), "Barn och unga")  # moved: counts at SOC
    add(admin_db, hrv, "1004", "UBF", dt.date(2025, 12, 31))              # last day, no unit
    add(admin_db, fgm, "1005", "SOC", dt.date(2025, 3, 1))                # other topic
    tr.save_headcount(admin_db, Headcount(2025, "UBF", 4, 3))
    tr.save_headcount(admin_db, Headcount(2025, "SOC", 0))                 # zero: no share

    result = tr.coverage_for(admin_db, 2025, "hrv")

    ubf, soc = row(result, "UBF"), row(result, "SOC")
    assert (ubf.trained, ubf.headcount, ubf.target_group, ubf.coverage) == (2, 4, 3, 0.5)
    assert [(u.unit, u.trained) for u in ubf.units] == [("Skola 1", 1)]
    assert (soc.trained, soc.headcount, soc.coverage, soc.ensured) == (1, 0, None, None)
    assert [(u.unit, u.trained) for u in soc.units] == [("Barn och unga", 1)]
    assert row(result, "KLF").headcount is None                           # flagged, not skipped
    assert [a.code for a in result.administrations] == list(ADMINS)
    assert (result.total.trained, result.total.headcount, result.total.coverage) == (3, 4, 0.5)
    assert ubf.activity.completions == 1 and soc.activity.completions == 1
    # in 2024 (window 2022–2024) the person who later moved still belongs to UBF, and the
    # completion of 31 December 2022 is inside the window
    earlier = tr.coverage_for(admin_db, 2024, "hrv")
    assert (row(earlier, "UBF").trained, row(earlier, "SOC").trained) == (3, 0)
    assert tr.coverage_for(admin_db, 2025, "fgm").total.trained == 1
    assert tr.coverage_for(admin_db, 2025, "dv").total.trained == 0


def test_validity_window_and_threshold_come_from_the_settings(admin_db):
    hrv = tr.save_training(admin_db, web())
    for i in range(4):
        add(admin_db, hrv, f"p{i}", "UBF", dt.date(2023 + (i > 1), 3, 1))   # 2023, 2023, 2024, 2024
    tr.save_headcount(admin_db, Headcount(2025, "UBF", 5))
    assert row(tr.coverage_for(admin_db, 2025), "UBF").trained == 4
    settings.put(admin_db, "validity_years", 2)
    result = tr.coverage_for(admin_db, 2025)
    assert (result.validity_years, row(result, "UBF").trained) == (2, 2)
    assert row(result, "UBF").ensured is False
    settings.put(admin_db, "coverage_threshold_percent", 40)
    assert row(tr.coverage_for(admin_db, 2025), "UBF").ensured is True
    # the plan's measure counts target groups only: without a target-group figure, no value
    assert tr.measure_value_training(admin_db, 2025) is None
    tr.save_headcount(admin_db, Headcount(2025, "UBF", 5, 4))  # 2 of the 4 who work with children
    assert tr.measure_value_training(admin_db, 2025) == 0.0    # trained in HRV, not in FGM and DV
    settings.put(admin_db, "required_topics", "hrv")
    assert tr.measure_value_training(admin_db, 2025) == 1.0    # 2 / 4 ≥ 40 %: the one measured


def test_aggregate_attendance_is_activity_only(admin_db):
    hrv = tr.save_training(admin_db, Training(0, "Konferens", frozenset({"hrv"}), "conference",
                                              dt.date(2025, 4, 2), administrations=("UBF", "SOC"),
                                              vpc_coorganised=True))
    add(admin_db, hrv, "p1", "UBF", dt.date(2025, 4, 2))
    tr.add_attendance(admin_db, AggregateAttendance(hrv, "ubf", 35, dt.date(2025, 4, 2)))
    result = tr.coverage_for(admin_db, 2025)
    assert row(result, "UBF").trained == 1
    assert (row(result, "UBF").activity.completions, row(result, "UBF").activity.attendance) == (1, 35)
    assert result.total.activity.participants == 36
    with pytest.raises(ValidationError):
        tr.add_attendance(admin_db, AggregateAttendance(hrv, "UBF", 5, dt.date(2025, 4, 2)))
    with pytest.raises(ValidationError):
        tr.add_attendance(admin_db, AggregateAttendance(hrv, "SOC", 0, dt.date(2025, 4, 2)))


def _domain_coverage(db, year, topic):
    """The domain's rule applied to every record in the database, loaded in full (``topic``
    joined by "+": the persons trained in each)."""
    records = [Completion(p, a, u or None, t, dt.date.fromisoformat(d)) for p, a, u, t, d in db.conn.execute(
        "SELECT person, administration, unit, training_id, completed_date FROM completions")]
    rule = coverage_all_topics if "+" in topic else coverage
    return rule(year, topic.split("+") if "+" in topic else topic, records, tr.trainings(db),
                tr.headcounts(db),
                    {code: name for code, name in db.conn.execute(
                        "SELECT code, name FROM administrations ORDER BY code")},
                    validity_years=settings.get(db, "validity_years"),
                    threshold=settings.get(db, "coverage_threshold_percent") / 100,
                    attendance=[a.record for a in tr.attendance(db)])


def _assert_store_equals_domain(db):
    for year in range(2019, 2027):
        for topic in ("hrv", "fgm", "dv", "hrv+fgm+dv", "dv+hrv"):
            assert tr.coverage_for(db, year, topic) == _domain_coverage(db, year, topic), (year, topic)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_store_query_gives_what_the_domain_rule_gives(admin_db, seed):
    """Random records with many same-day ties and moves; then deletions and topic changes,
    which the summary the query reads must follow."""
    rng = random.Random(seed)
    topic_sets = [("hrv",), ("fgm",), ("dv",), ("hrv", "fgm"), ("hrv", "dv", "fgm")]
    ids = [tr.save_training(admin_db, web(f"T{i}", rng.choice(topic_sets), ("KLF",)))
           for i in range(6)]
    days = [dt.date(y, m, 1) for y in range(2018, 2027) for m in (1, 6)]
    rows = {(p, rng.choice(ids), rng.choice(days)): (rng.choice(ADMINS), rng.choice(["", "A", "a", "B"]))
            for p in range(1, 40) for _ in range(rng.randint(1, 8))}
    with admin_db.transaction() as conn:
        conn.executemany("INSERT INTO training_persons(id, person_key) VALUES (?, ?)",
                         [(p, f"{p:064x}") for p in range(1, 40)])
        tr.insert_completions(conn, [(p, t, a, u, d.isoformat()) for (p, t, d), (a, u) in rows.items()])
        conn.executemany("INSERT INTO headcounts(year, administration, headcount) VALUES (?, ?, ?)",
                         [(y, a, rng.randint(0, 20)) for y in range(2019, 2027) for a in ADMINS])
        for year in range(2019, 2027):  # some units with a figure of their own, some without
            for code in rng.sample(ADMINS, 3):
                staff = rng.randint(0, 9)
                tr.store_headcount(conn, Headcount(year, code, staff, rng.randint(0, staff),
                                                   rng.choice(["a", "B ", "C"])))
    tr.add_attendance(admin_db, AggregateAttendance(ids[0], "SOC", 12, dt.date(2024, 6, 1)))
    _assert_store_equals_domain(admin_db)

    for completion_id in rng.sample([i for (i,) in admin_db.conn.execute("SELECT id FROM completions")], 25):
        tr.delete_completion(admin_db, completion_id)
    changed = tr.training(admin_db, ids[1])
    tr.save_training(admin_db, Training(**{**changed.__dict__, "topics": frozenset({"dv", "hrv"})}))
    tr.delete_training(admin_db, ids[2])
    _assert_store_equals_domain(admin_db)


# --- counts kept between computations (coverage_cache, migration 15) ---------------------------


def _counted_afresh(db, year, topic):
    """Coverage counted in the records, not kept (the reference for the kept counts)."""
    return tr.load_coverage(db.conn, year, topic, settings.get(db, "validity_years"),
                            settings.get(db, "coverage_threshold_percent") / 100)


def _tamper_kept_counts(db):
    """Overwrite every kept count with one invented person at KLF: a result that shows it
    came from the kept counts, not from the records."""
    with db.transaction() as conn:
        conn.execute("""UPDATE coverage_cache SET counts = '{"trained": [["KLF", null, 999]], "activity": []}'""")


def test_kept_counts_are_used_until_a_record_they_came_from_changes(admin_db):
    hrv = tr.save_training(admin_db, web(admins=("UBF", "SOC")))
    fgm = tr.save_training(admin_db, web("Könsstympning", ("fgm",), ("SOC",)))
    add(admin_db, hrv, "1001", "UBF", dt.date(2025, 3, 1))
    add(admin_db, fgm, "1001", "UBF", dt.date(2025, 4, 1))
    for year in (2023, 2025, 2027, 2028):
        for topic in ("hrv", "fgm", "hrv+fgm"):
            assert tr.coverage_for(admin_db, year, topic) == _counted_afresh(admin_db, year, topic)
    assert admin_db.conn.execute("SELECT count(*) FROM coverage_cache").fetchone()[0] == 12
    _tamper_kept_counts(admin_db)
    assert tr.coverage_for(admin_db, 2025, "hrv").total.trained == 999   # read, not counted

    # a completion of 2026 in HRV: the kept counts of HRV (alone or in a set) whose window
    # holds 2026 are counted again; those of 2025, and FGM's, are still the kept ones
    add(admin_db, hrv, "1002", "SOC", dt.date(2026, 1, 5))
    for topic in ("hrv", "hrv+fgm"):
        assert tr.coverage_for(admin_db, 2027, topic) == _counted_afresh(admin_db, 2027, topic)
        assert tr.coverage_for(admin_db, 2028, topic) == _counted_afresh(admin_db, 2028, topic)
        assert tr.coverage_for(admin_db, 2025, topic).total.trained == 999
    assert tr.coverage_for(admin_db, 2027, "fgm").total.trained == 999
    assert tr.coverage_for(admin_db, 2027, "hrv").total.trained == 2

    # aggregate attendance (activity only), a topic added to a training, a deletion, another
    # validity window: each is counted afresh where it reaches (the year and topic named),
    # and whatever is not kept any more is what the records give
    changes = [
        (lambda: tr.add_attendance(admin_db, AggregateAttendance(fgm, "SOC", 7, dt.date(2025, 9, 1))),
         2025, "fgm"),
        (lambda: tr.delete_attendance(admin_db, tr.attendance(admin_db)[0].id), 2025, "fgm"),
        (lambda: tr.save_training(admin_db, Training(**{**tr.training(admin_db, fgm).__dict__,
                                                        "topics": frozenset({"fgm", "dv"})})),
         2025, "dv+fgm"),
        (lambda: tr.delete_completion(admin_db, admin_db.conn.execute(
            "SELECT max(id) FROM completions").fetchone()[0]), 2027, "hrv+fgm"),
        (lambda: settings.put(admin_db, "validity_years", 1), 2025, "fgm"),
        (lambda: tr.delete_training(admin_db, hrv), 2025, "hrv+fgm"),
    ]
    for change, reached_year, reached_topic in changes:
        for year in (2025, 2026, 2027):
            for topic in ("fgm", "dv", "hrv+fgm", "dv+fgm"):
                tr.coverage_for(admin_db, year, topic)   # kept, then tampered
        _tamper_kept_counts(admin_db)
        change()
        for year in (2025, 2026, 2027):
            for topic in ("fgm", "dv", "hrv+fgm", "dv+fgm"):
                result = tr.coverage_for(admin_db, year, topic)
                if result.total.trained != 999:
                    assert result == _counted_afresh(admin_db, year, topic), (year, topic)
        assert tr.coverage_for(admin_db, reached_year, reached_topic) == _counted_afresh(
            admin_db, reached_year, reached_topic), (reached_year, reached_topic)


def test_an_import_changes_the_kept_counts_of_its_years(admin_db, tmp_path):
    from hrvdesk.services.importing import check_file
    from hrvdesk.store.importing import apply_import

    hrv = tr.save_training(admin_db, web(admins=("UBF",)))
    add(admin_db, hrv, "1001", "UBF", dt.date(2025, 3, 1))
    assert tr.coverage_for(admin_db, 2025, "hrv").total.trained == 1   # kept
    source = tmp_path / "training.csv"
    source.write_text(
        "person_id,administration,training,topics,format,completed_date\n"
        + "".join(f"p{i},UBF,Grundkurs heder,hrv,web,2025-0{1 + i % 9}-1{i % 10}\n" for i in range(30)),
        encoding="utf-8")
    result = check_file(admin_db, "training", source)
    assert not result.problems, result.problems
    apply_import(admin_db, "training", result)
    assert tr.coverage_for(admin_db, 2025, "hrv") == _counted_afresh(admin_db, 2025, "hrv")
    assert tr.coverage_for(admin_db, 2025, "hrv").total.trained == 31


def test_updates_no_code_makes_yet_also_reach_the_kept_counts(admin_db):
    """Attendance and training topics are changed by deleting and adding today; the
    triggers of migration 15 also follow an UPDATE, for whatever writes one later."""
    both = tr.save_training(admin_db, web(topics=("hrv", "fgm"), admins=("UBF",)))
    tr.add_attendance(admin_db, AggregateAttendance(both, "UBF", 5, dt.date(2025, 3, 1)))
    add(admin_db, both, "1001", "UBF", dt.date(2025, 3, 1))
    for topic in ("hrv", "fgm", "dv"):
        for year in (2024, 2025):
            tr.coverage_for(admin_db, year, topic)
    _tamper_kept_counts(admin_db)
    with admin_db.transaction() as conn:
        conn.execute("UPDATE training_attendance SET attended_date = '2024-03-01', participants = 6")
        conn.execute("UPDATE training_topics SET topic = 'dv' WHERE topic = 'fgm'")
    for topic in ("hrv", "fgm", "dv"):
        for year in (2024, 2025):
            assert tr.coverage_for(admin_db, year, topic) == _counted_afresh(admin_db, year, topic), (topic, year)


def test_counts_made_inside_a_transaction_are_not_kept(admin_db):
    hrv = tr.save_training(admin_db, web(admins=("UBF",)))
    add(admin_db, hrv, "1001", "UBF", dt.date(2025, 3, 1))
    with admin_db.transaction() as conn:   # they may see its uncommitted changes
        tr.insert_completions(conn, [(tr.PersonRegister(conn).number("1002"), hrv, "UBF", "",
                                      "2025-04-01")])
        assert tr.coverage_for(admin_db, 2025).total.trained == 2
        assert conn.execute("SELECT count(*) FROM coverage_cache").fetchone()[0] == 0
        conn.execute("ROLLBACK")
        conn.execute("BEGIN")
    assert tr.coverage_for(admin_db, 2025).total.trained == 1
    assert admin_db.conn.execute("SELECT count(*) FROM coverage_cache").fetchone()[0] == 1


# --- records --------------------------------------------------------------------------------


def test_training_round_trip_filters_and_audit_of_field_names(admin_db):
    item = Training(0, "  Heder i förskolan ", frozenset({"hrv", "fgm"}), "classroom",
                    dt.date(2025, 3, 4), dt.date(2025, 3, 5), Decimal("3.5"), "VPC", ("ubf", "SOC"),
                    True)
    tid = tr.save_training(admin_db, item)
    stored = tr.training(admin_db, tid)
    assert (stored.title, stored.topics, stored.hours, stored.administrations, stored.vpc_coorganised) == \
        ("Heder i förskolan", frozenset({"hrv", "fgm"}), Decimal("3.5"), ("SOC", "UBF"), True)
    assert [t.id for t in tr.trainings(admin_db, year=2025, topic="könsstympning")] == [tid]
    assert tr.trainings(admin_db, year=2024) == []
    assert tr.trainings(admin_db, administration="KLF") == []
    assert [t.id for t in tr.trainings(admin_db, search="FÖRSKOLAN")] == [tid]

    tr.save_training(admin_db, Training(**{**stored.__dict__, "organiser": "UBF", "hours": Decimal(4)}))
    entry = audit.entries(admin_db.conn, action="update", limit=1)[0]
    assert (entry.target, entry.fields) == (f"training:{tid}", ("hours", "organiser"))
    assert "UBF" not in str(entry.detail) and "4" not in str(entry.detail)


@pytest.mark.parametrize("change, field", [
    ({"title": "  "}, "title"),
    ({"topics": frozenset()}, "topics"),
    ({"topics": frozenset({"cooking"})}, "topics"),
    ({"format": "radio"}, "format"),
    ({"end_date": dt.date(2022, 12, 31)}, "end date"),
    ({"hours": Decimal(-1)}, "hours"),
    ({"administrations": ("XYZ",)}, "administrations"),
])
def test_invalid_trainings_are_refused(admin_db, change, field):
    i18n.set_language("en")
    with pytest.raises(ValidationError) as caught:
        tr.save_training(admin_db, Training(**{**web().__dict__, **change}))
    assert field in caught.value.message.lower() or any(field in (p.field or "") for p in caught.value.problems)
    assert tr.trainings(admin_db) == []


def test_headcount_replace_validation_and_audit(admin_db):
    tr.save_headcount(admin_db, Headcount(2025, "soc", 800, 300))
    tr.save_headcount(admin_db, Headcount(2025, "SOC", 820, 310))
    assert tr.headcounts(admin_db, 2025) == [Headcount(2025, "SOC", 820, 310)]
    assert [e.action for e in audit.entries(admin_db.conn, limit=2)] == ["update", "create"]
    for bad in (Headcount(2025, "SOC", -1), Headcount(2025, "SOC", 10, 11), Headcount(2025, "XYZ", 10)):
        with pytest.raises(ValidationError):
            tr.save_headcount(admin_db, bad)
    tr.delete_headcount(admin_db, 2025, "SOC")
    assert tr.headcounts(admin_db) == []


def test_completions_are_listed_pseudonymously_and_the_view_is_audited(admin_db):
    tid = tr.save_training(admin_db, web())
    add(admin_db, tid, "anna.larsson@botkyrka.se", "UBF", dt.date(2025, 1, 2), "Skola 1")
    with pytest.raises(ValidationError):   # the same person, training and day again
        add(admin_db, tid, " Anna.Larsson@BOTKYRKA.se", "UBF", dt.date(2025, 1, 2))
    with pytest.raises(ValidationError):
        add(admin_db, tid, "1234", "UBF", dt.date.today() + dt.timedelta(days=1))
    [listed] = tr.completions(admin_db, tid)
    key = bytes.fromhex(admin_db.conn.execute(
        "SELECT value FROM meta WHERE key = 'training_pseudonym_key'").fetchone()[0])
    assert listed.person == pseudonymise("anna.larsson@botkyrka.se", key)[:tr.PERSON_LABEL_LENGTH]
    assert "anna" not in repr(listed)
    entry = audit.entries(admin_db.conn, limit=1)[0]
    assert (entry.action, entry.target, entry.detail) == ("view", f"training:{tid}", {"rows": 1})
    assert tr.completion_counts(admin_db) == {tid: (1, 0)}
    tr.delete_completion(admin_db, listed.id)
    assert tr.completions(admin_db, tid) == []


def test_pseudonym_key_is_made_once_per_database(admin_db, tmp_path):
    key = admin_db.conn.execute("SELECT value FROM meta WHERE key = 'training_pseudonym_key'").fetchone()[0]
    assert len(bytes.fromhex(key)) == 32
    with Database.create(tmp_path / "other.db", "anna", PASSPHRASE) as other:
        assert other.conn.execute(
            "SELECT value FROM meta WHERE key = 'training_pseudonym_key'").fetchone()[0] != key
    admin_db.close()
    with Database.open(tmp_path / "hrv.db", "anna", PASSPHRASE) as again:
        assert again.conn.execute(
            "SELECT value FROM meta WHERE key = 'training_pseudonym_key'").fetchone()[0] == key


# --- roles ------------------------------------------------------------------------------------


def test_viewer_reads_but_changes_nothing(admin_db):
    tid = tr.save_training(admin_db, web())
    with opened_as(admin_db, "viewer", Role.VIEWER) as viewer:
        assert [t.id for t in tr.trainings(viewer)] == [tid]
        assert tr.coverage_for(viewer, 2025).year == 2025
        with pytest.raises(PermissionDenied):
            tr.save_training(viewer, web("Annan"))
        with pytest.raises(PermissionDenied):
            add(viewer, tid, "p1", "UBF", dt.date(2025, 1, 1))
        with pytest.raises(PermissionDenied):
            tr.save_headcount(viewer, Headcount(2025, "UBF", 10))


def test_editor_changes_only_their_own_administration(admin_db):
    shared = tr.save_training(admin_db, web("Gemensam", admins=("UBF", "SOC"), vpc_coorganised=True))
    with opened_as(admin_db, "editor-ubf", Role.EDITOR, "UBF") as editor:
        own = tr.save_training(editor, web("Egen", admins=("UBF",)))
        for refused in (web("Annan", admins=("SOC",)), web("Två", admins=("UBF", "SOC")), web("Ingen", admins=())):
            with pytest.raises(PermissionDenied):
                tr.save_training(editor, refused)
        with pytest.raises(PermissionDenied):      # a training given to several administrations
            tr.save_training(editor, Training(**{**tr.training(editor, shared).__dict__, "administrations": ("UBF",)}))
        with pytest.raises(PermissionDenied):
            tr.delete_training(editor, shared)
        add(editor, shared, "p1", "UBF", dt.date(2025, 1, 1))
        with pytest.raises(PermissionDenied):
            add(editor, shared, "p2", "SOC", dt.date(2025, 1, 1))
        tr.save_headcount(editor, Headcount(2025, "UBF", 10))
        with pytest.raises(PermissionDenied):
            tr.save_headcount(editor, Headcount(2025, "SOC", 10))
        tr.delete_training(editor, own)
    assert [t.id for t in tr.trainings(admin_db)] == [shared]


# --- demo -------------------------------------------------------------------------------------


def test_small_demo_is_a_plausible_fictitious_municipality(admin_db):
    from hrvdesk.store.demo import DemoContext
    from hrvdesk.store.demo_training import demo_training, person_identifier

    demo_training(DemoContext(admin_db, random.Random(7), "small", PASSPHRASE, None))
    this_year = dt.date.today().year
    years = sorted({h.year for h in tr.headcounts(admin_db)})
    assert years == [this_year - 2, this_year - 1, this_year]
    figures = [h for h in tr.headcounts(admin_db) if not h.unit]
    assert all(sum(h.year == y for h in figures) == len(ADMINS) for y in years)
    assert 6_000 < sum(h.headcount for h in figures if h.year == this_year) < 8_000
    assert all(h.target_group is not None for h in figures)
    assert 30 <= len(tr.trainings(admin_db)) <= 60
    assert 3_000 <= count_completions(admin_db) <= 15_000
    assert not admin_db.conn.execute("SELECT 1 FROM completions WHERE completed_date > ?",
                                     (dt.date.today().isoformat(),)).fetchone()
    key = bytes.fromhex(admin_db.conn.execute(
        "SELECT value FROM meta WHERE key = 'training_pseudonym_key'").fetchone()[0])
    assert admin_db.conn.execute("SELECT 1 FROM training_persons WHERE person_key = ?",
                                 (pseudonymise(person_identifier(1), key),)).fetchone()
    result = tr.coverage_for(admin_db, this_year)
    shares = [a.coverage for a in result.administrations]
    assert all(s is not None and 0 < s < 1.2 for s in shares) and len(set(shares)) == len(shares)
    assert any(vpc_rule_broken(t) for t in tr.trainings(admin_db))       # the warning has examples
    # the plan's measure (target groups, all required topics) has administrations on both sides,
    # and units with and without a headcount of their own
    required = tr.required_coverage_for(admin_db, this_year - 1)
    assert {a.target_ensured for a in required.administrations} == {True, False}
    units = [u for a in required.administrations for u in a.units]
    assert any(u.headcount is None for u in units) and any(u.coverage for u in units)


def count_completions(db):
    return db.conn.execute("SELECT count(*) FROM completions").fetchone()[0]
