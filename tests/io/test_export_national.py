"""The package for the national competence team: JSON and CSV against the contract, the
attacker audit that refuses a weak package, permissions and the audit entry."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re

import pytest

from hrvdesk import __version__
from hrvdesk.domain.abroad_stats import Cell, Table
from hrvdesk.domain.disclosure import (MARKER, ProtectedPackage, apply_suppression, audit,
                                       primary_cells)
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.io import export_national
from hrvdesk.io.export_national import build_package, export_national as export
from hrvdesk.store import abroad_repo, audit as audit_log, settings
from tests.conftest import PASSPHRASE
from tests.store.abroad_helpers import D, case, moment
from tests.store.plan_helpers import VIEWER, add_users, opened_as

NOW = dt.datetime(2026, 1, 15, 9, 12).astimezone()

# 19 persons known in 2025: status at_risk 9, abroad 8, returned 2, unknown 0;
# one more in 2024 that must not count.
PEOPLE = (
    [dict(status="at_risk", gender="girl", birth_year=2010, purposes=("forced_marriage",),
          destination="IQ", reported_by="SOC")] * 6
    + [dict(status="at_risk", gender="boy", birth_year=2012, purposes=("upbringing_trip",),
            destination="AF", reported_by="UBF")] * 3
    + [dict(status="abroad", gender="girl", birth_year=2008, purposes=("child_marriage", "fgm"),
            destination="SO", reported_by="SOC", reported_married=True)] * 5
    + [dict(status="abroad", gender="girl", birth_year=2011, purposes=("forced_marriage",),
            destination="SY", reported_by="UBF", actions=("travel_ban",))] * 3
    + [dict(status="returned", gender="boy", birth_year=2005, purposes=("other",),
            destination=None, reported_by="KLF")] * 2
)


@pytest.fixture
def db(admin_db):
    add_users(admin_db)
    for n, fields in enumerate(PEOPLE):
        abroad_repo.create_case(admin_db, case(case_ref=f"HEMLIG-{n}", known_date=D(2025, 1 + n % 12, 3),
                                               notes="Anteckning som aldrig får lämna kommunen",
                                               **fields), now=moment(2026, 1, 10))
    abroad_repo.create_case(admin_db, case(known_date=D(2024, 12, 31)), now=moment(2026, 1, 10))
    return admin_db


@pytest.fixture
def out_dir(tmp_path):
    """An empty folder for the package (the database lives beside it)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def written(db, out_dir):
    out, out_csv = out_dir / "paket.json", out_dir / "paket.csv"
    export(db, 2025, out, out_csv, now=NOW)
    return out, out_csv


def cells_of(document, table_id):
    return next(t for t in document["tables"] if t["id"] == table_id)["cells"]


class TestJson:
    def test_header_fields_in_the_contracts_order(self, written):
        document = json.loads(written[0].read_text("utf-8"))
        assert list(document) == ["format", "format_version", "municipality", "period",
                                  "generated_at", "generator", "release", "disclosure_control", "tables"]
        assert document["format"] == "hrvdesk.national-statistics"
        assert document["format_version"] == 2
        assert document["release"] == {"id": 1, "supersedes": None}
        assert document["municipality"] == {"code": "0127", "name": "Botkyrka"}
        assert document["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
        assert re.fullmatch(r"2026-01-15T09:12:00[+-]\d\d:\d\d", document["generated_at"])
        assert document["generator"] == f"hrvdesk {__version__}"

    def test_disclosure_control_tells_the_truth(self, written):
        document = json.loads(written[0].read_text("utf-8"))
        markers = sum(c["count"] == ".." for t in document["tables"] for c in t["cells"])
        assert document["disclosure_control"] == {
            "method": "cell suppression, LP-audited", "threshold": 3, "marker": "..",
            "suppressed_cells": markers, "audit_passed": True}
        assert markers >= 2

    def test_tables_categories_and_margins(self, written):
        document = json.loads(written[0].read_text("utf-8"))
        assert [t["id"] for t in document["tables"]] == [
            "total", "by_status", "by_gender_age", "by_honour_link", "known_to",
            "by_destination_region", "by_departure_timing", "by_purpose", "by_action",
            "reported_married"]
        assert cells_of(document, "total") == [{"count": 19}]
        status = cells_of(document, "by_status")
        assert [c["status"] for c in status] == ["at_risk", "abroad", "returned", "unknown", "total"]
        # returned (2) is below the threshold and alone in its row: a partner goes with it,
        # and the zero too (two markers alone would say that one of them is 1 or 2)
        assert status[2]["count"] == ".." and status[4]["count"] == 19
        assert sum(c["count"] == ".." for c in status) == 3
        grid = cells_of(document, "by_gender_age")
        assert len(grid) == 5 * 5 and grid[-1] == {"gender": "total", "age_band": "total", "count": 19}
        assert [list(c) for c in grid] == [["gender", "age_band", "count"]] * 25
        regions = cells_of(document, "by_destination_region")
        assert len(regions) == 22 + 2 and regions[-2]["region"] == "unknown"
        assert [c["purpose"] for c in cells_of(document, "by_purpose")] == [
            "child_marriage", "forced_marriage", "fgm", "upbringing_trip", "conversion",
            "evade_authorities", "other", "unknown"]
        assert len(cells_of(document, "by_action")) == 10
        assert [c["agency_kind"] for c in cells_of(document, "known_to")] == [
            "social_services", "education", "other"]
        assert [c["timing"] for c in cells_of(document, "by_departure_timing")] == [
            "summer_holiday", "other_school_holiday", "school_term", "not_departed", "unknown",
            "total"]
        assert cells_of(document, "reported_married") == [{"count": 5}]
        for table in document["tables"]:
            for cell in table["cells"]:
                assert isinstance(cell["count"], int) or cell["count"] == ".."
                assert set(cell) == {*table["dimensions"], "count"}

    def test_nothing_about_persons_leaves(self, written):
        text = written[0].read_text("utf-8") + written[1].read_text("utf-8-sig")
        for secret in ("HEMLIG", "Anteckning", "IQ", "SOC", "UBF", "2025-03-03", '"destination"'):
            assert secret not in text

    def test_the_published_tables_withstand_the_attacker(self, db, written):
        """Read back from the file, every primary cell is protected against the exact figures."""
        document = json.loads(written[0].read_text("utf-8"))
        exact = abroad_repo.stats_for(db, 2025)
        published = tuple(
            Table(t["id"], tuple(t["dimensions"]),
                  tuple(Cell(tuple(c[d] for d in t["dimensions"]), c["count"]) for c in t["cells"]),
                  table.partitions)
            for t, table in zip(document["tables"], exact.tables))
        result = audit(published, exact.tables, 3)
        assert result.passed and result.bounds
        primaries = primary_cells(exact.tables, 3)
        assert all(published_count(published, ref) == MARKER for ref in primaries)

    def test_the_threshold_is_the_setting(self, db, tmp_path):
        settings.put(db, "suppression_threshold", 6)
        settings.put(db, "municipality_name", "Exempelby")
        settings.put(db, "municipality_code", "9999")
        package = export(db, 2025, tmp_path / "p.json")
        document = json.loads((tmp_path / "p.json").read_text("utf-8"))
        assert document["disclosure_control"]["threshold"] == 6 == package.protected.threshold
        assert document["municipality"] == {"code": "9999", "name": "Exempelby"}
        assert cells_of(document, "reported_married") == [{"count": ".."}]   # 5 < 6

    def test_a_year_without_cases(self, db, tmp_path):
        export(db, 2023, tmp_path / "empty.json")
        document = json.loads((tmp_path / "empty.json").read_text("utf-8"))
        # T = 0 < 2k: only T is published (a zero there would be a real zero, the rest says nothing)
        assert cells_of(document, "total") == [{"count": 0}]
        hidden = [c["count"] for t in document["tables"][1:] for c in t["cells"]
                  if "total" not in [c.get(d) for d in t["dimensions"]] or not t["dimensions"]]
        assert set(hidden) == {".."}


def published_count(tables, ref):
    table_id, key = ref
    return next(t for t in tables if t.id == table_id).count(*key)


class TestCsv:
    def test_shape_matches_the_json(self, written):
        data = written[1].read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == ["table", "dimension_1", "category_1", "dimension_2", "category_2", "count"]
        document = json.loads(written[0].read_text("utf-8"))
        expected = []
        for table in document["tables"]:
            for cell in table["cells"]:
                pairs = [x for d in table["dimensions"] for x in (d, cell[d])]
                expected.append([table["id"], *pairs, *[""] * (4 - len(pairs)), str(cell["count"])])
        assert rows[1:] == expected
        assert rows[1] == ["total", "", "", "", "", "19"]
        assert ["by_gender_age", "gender", "total", "age_band", "total", "19"] in rows


class TestRefusal:
    @staticmethod
    def primary_only(stats, k, **_context):
        """A deliberately weakened suppressor: primary cells only, claiming it passed."""
        suppressed = primary_cells(stats.tables, k)
        return ProtectedPackage(stats.period, k, apply_suppression(stats.tables, suppressed),
                                len(suppressed), True)

    def test_a_weak_package_is_refused_and_nothing_is_written(self, db, out_dir, monkeypatch):
        monkeypatch.setattr(export_national, "protect", self.primary_only)
        out, out_csv = out_dir / "p.json", out_dir / "p.csv"
        with pytest.raises(ValidationError) as caught:
            export(db, 2025, out, out_csv)
        assert "skyddskontrollen" in str(caught.value)
        assert list(out_dir.iterdir()) == []
        assert audit_log.entries(db.conn, action="export") == []

    def test_a_package_with_a_changed_count_is_refused(self, db, out_dir, monkeypatch):
        real = export_national.protect

        def tampered(stats, k, **context):
            package = real(stats, k, **context)
            tables = list(package.tables)
            tables[0] = tables[0].with_counts(lambda cell: 20)
            return ProtectedPackage(package.period, k, tuple(tables), package.suppressed_cells, True)

        monkeypatch.setattr(export_national, "protect", tampered)
        with pytest.raises(ValidationError):
            export(db, 2025, out_dir / "p.json")
        assert list(out_dir.iterdir()) == []

    def test_a_wrong_count_of_suppressed_cells_is_refused(self, db, tmp_path, monkeypatch):
        real = export_national.protect

        def miscounted(stats, k, **context):
            package = real(stats, k, **context)
            return ProtectedPackage(package.period, k, package.tables, package.suppressed_cells - 1, True)

        monkeypatch.setattr(export_national, "protect", miscounted)
        with pytest.raises(ValidationError):
            export(db, 2025, tmp_path / "p.json")


class TestAuditAndRoles:
    def test_the_export_is_audited_with_the_packages_hash(self, db, written):
        [entry] = audit_log.entries(db.conn, action="export")
        assert entry.target == "national" and entry.user == db.user
        assert entry.detail == {"year": 2025, "release": 1,
                                "sha256": hashlib.sha256(written[0].read_bytes()).hexdigest(),
                                "csv_sha256": hashlib.sha256(written[1].read_bytes()).hexdigest()}

    @pytest.mark.parametrize("user", ["SOC", VIEWER])
    def test_only_administrators_export(self, db, out_dir, user):
        with opened_as(db, user) as other:
            with pytest.raises(PermissionDenied):
                export(other, 2025, out_dir / "p.json")
            with pytest.raises(PermissionDenied):
                build_package(other, 2025)
        assert list(out_dir.iterdir()) == []

    def test_the_preview_is_the_package(self, db, out_dir):
        preview = build_package(db, 2025, now=NOW)
        assert audit_log.entries(db.conn, action="export") == []
        export(db, 2025, out_dir / "p.json", now=NOW)
        assert preview.json_bytes() == (out_dir / "p.json").read_bytes()
        assert len(audit_log.entries(db.conn, action="export")) == 1

    def test_a_missing_folder_is_refused_before_anything_happens(self, db, tmp_path):
        with pytest.raises(ValidationError):
            export(db, 2025, tmp_path / "no" / "p.json")
        assert audit_log.entries(db.conn, action="export") == []


class TestReleaseRegister:
    def test_every_package_is_recorded_and_written_again_byte_for_byte(self, db, written, out_dir, cli):
        from hrvdesk.io.export_national import write_release
        from hrvdesk.store import releases_repo

        [release] = releases_repo.list_releases(db)
        assert (release.id, release.period_from.isoformat(), release.period_to.isoformat()) == \
            (1, "2025-01-01", "2025-12-31")
        again = out_dir / "again.json"
        write_release(db, 1, again, out_dir / "again.csv")
        assert again.read_bytes() == written[0].read_bytes()
        assert (out_dir / "again.csv").read_bytes() == written[1].read_bytes()

    def test_a_second_package_for_the_period_supersedes_the_first(self, db, written, out_dir):
        second = export(db, 2025, out_dir / "second.json", now=NOW)
        assert (second.release_id, second.supersedes) == (2, 1)
        assert json.loads((out_dir / "second.json").read_text("utf-8"))["release"] == {"id": 2, "supersedes": 1}

    def test_a_period_that_has_not_ended_is_refused(self, db, out_dir):
        with pytest.raises(ValidationError) as err:
            export(db, 2025, out_dir / "p.json", today=dt.date(2025, 12, 31))
        assert "2025" in err.value.message
        assert list(out_dir.iterdir()) == []

    def test_the_register_cannot_be_changed(self, db, written):
        import sqlcipher3

        with pytest.raises(sqlcipher3.DatabaseError):
            with db.transaction():
                db.conn.execute("UPDATE releases SET total = 0")

    def test_the_register_survives_backup_and_restore(self, db, written, tmp_path):
        from hrvdesk.store import releases_repo
        from hrvdesk.store.maintenance import backup, restore

        copy = tmp_path / "copy.db"
        backup(db, copy)
        with restore(copy, tmp_path / "restored.db", db.user, PASSPHRASE) as restored:
            assert [r.id for r in releases_repo.list_releases(restored)] == [1]
            assert releases_repo.release_bytes(restored, 1)[1] == written[0].read_bytes()


def test_once_sent_the_public_figures_are_the_sent_package_even_after_a_late_case(db, written):
    from hrvdesk.domain.disclosure import grand_total
    from hrvdesk.services.statistics import abroad_statistics

    abroad_repo.create_case(db, case(known_date=D(2025, 6, 6)), now=moment(2026, 1, 11))
    exact, shown = export_national.protected_statistics(db, 2025)
    assert (exact.total, grand_total(shown.tables)) == (20, 19)
    sent = json.loads(written[0].read_text("utf-8"))["tables"]
    assert [t.to_json_dict() for t in shown.tables] == sent
    with opened_as(db, VIEWER) as viewer:
        assert abroad_statistics(viewer, 2025).stats.total == 19
