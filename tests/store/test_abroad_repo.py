"""The register of children taken abroad in the database: cases, roles, history, audit,
import, retention and the annual statistics counted through the store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random

import pytest

from hrvdesk.domain.abroad import StatusChange, validate_case
from hrvdesk.domain.abroad_stats import Period
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.import_formats import ABROAD, check_table
from hrvdesk.io.tabular import Table, TableRow
from hrvdesk.store import abroad_repo, audit, importing, organisation, settings
from hrvdesk.store.demo import DemoContext
from hrvdesk.store.demo_abroad import demo_abroad
from tests.conftest import ADMIN
from tests.store.abroad_helpers import D, PERSONAL_NUMBER, case, moment
from tests.store.plan_helpers import EDITORS, VIEWER, add_users, opened_as


@pytest.fixture
def db(admin_db):
    add_users(admin_db)
    return admin_db


def counts(stats, table_id) -> dict:
    return {cell.key: cell.count for cell in stats.table(table_id).cells if cell.count}


def audit_entries(db, action):
    return audit.entries(db.conn, action=action)


# --- cases, history, audit ------------------------------------------------------------------


class TestCases:
    def test_a_case_is_stored_as_given_and_its_view_is_audited(self, db):
        given = case(purposes=("fgm", "child_marriage", "fgm"), actions=("travel_ban", "concern_report"),
                     departure_date="2025-02", destination="so", reported_married=True)
        case_id = abroad_repo.create_case(db, given)
        stored = abroad_repo.get_case(db, case_id)
        assert stored.case == dataclasses.replace(
            given, id=case_id, purposes=("child_marriage", "fgm"),
            actions=("concern_report", "travel_ban"), destination="SO")
        assert not stored.reduced and stored.created_by == stored.updated_by == ADMIN
        view = audit_entries(db, "view")[0]
        assert (view.user, view.target) == (ADMIN, f"case:{case_id}")

    def test_the_list_leaves_out_the_notes_and_does_not_audit(self, db):
        abroad_repo.create_case(db, case())
        [listed] = abroad_repo.list_cases(db)
        assert listed.case.notes is None and listed.case.case_ref == "SOC-2025-17"
        assert audit_entries(db, "view") == []

    def test_filters(self, db):
        ids = {
            "a": abroad_repo.create_case(db, case(known_date=D(2024, 12, 31))),
            "b": abroad_repo.create_case(db, case(known_date=D(2025, 1, 1), reported_by="UBF",
                                                  purposes=("fgm", "upbringing_trip"))),
            "c": abroad_repo.create_case(db, case(known_date=D(2025, 12, 31), status="abroad")),
        }

        def listed(**filters):
            return {name for name, i in ids.items()
                    if i in {s.case.id for s in abroad_repo.list_cases(db, **filters)}}

        assert listed() == {"a", "b", "c"}
        assert listed(period=Period.for_year(2025)) == {"b", "c"}
        assert listed(period=Period.for_year(2025, 10)) == {"a", "b"}
        assert listed(status="abroad") == {"c"}
        assert listed(reported_by="UBF") == {"b"}
        assert listed(purpose="upbringing_trip") == {"b"}
        assert listed(purpose="forced_marriage", period=Period.for_year(2025)) == {"c"}

    def test_changes_are_audited_and_kept_by_field_name_only(self, db):
        case_id = abroad_repo.create_case(db, case(actions=("concern_report",)))
        stored = abroad_repo.get_case(db, case_id).case
        changed = abroad_repo.update_case(db, dataclasses.replace(
            stored, notes="Ny uppgift från skolkurator.", actions=("concern_report", "lvu")))
        assert changed == ("actions", "notes")
        assert abroad_repo.update_case(db, abroad_repo.get_case(db, case_id).case) == ()
        created, updated = audit_entries(db, "create")[0], audit_entries(db, "update")[0]
        assert created.target == updated.target == f"case:{case_id}"
        assert set(created.fields) == {"case_ref", "reported_by", "known_date", "gender", "birth_year",
                                       "purposes", "honour_link", "destination", "status", "actions",
                                       "notes"}
        assert updated.fields == ("actions", "notes")
        history = abroad_repo.change_history(db, case_id)
        assert [(h.kind, h.user, h.fields) for h in history] == [
            ("create", ADMIN, tuple(f for f in abroad_repo.CASE_FIELDS if f in created.fields)),
            ("update", ADMIN, ("actions", "notes"))]
        log = json.dumps([dataclasses.astuple(e) for e in audit.entries(db.conn)], ensure_ascii=False)
        assert "skolkurator" not in log and "SOC-2025-17" not in log and "sommarlovet" not in log

    def test_delete(self, db):
        case_id = abroad_repo.create_case(db, case())
        abroad_repo.delete_case(db, case_id)
        assert abroad_repo.list_cases(db) == []
        assert audit_entries(db, "delete")[0].target == f"case:{case_id}"
        with pytest.raises(ValidationError):
            abroad_repo.get_case(db, case_id)


class TestValidation:
    @pytest.mark.parametrize("field", ["notes", "case_ref"])
    @pytest.mark.parametrize("text", [PERSONAL_NUMBER, "pnr 121212-1212 i akten", "201212121212"])
    def test_a_personal_number_is_refused_in_every_text_field(self, db, field, text):
        with pytest.raises(ValidationError) as caught:
            abroad_repo.create_case(db, case(**{field: text}))
        assert [p.field for p in caught.value.problems] == [field]
        assert "personnummer" in str(caught.value)
        assert text not in str(caught.value)
        assert abroad_repo.list_cases(db) == []

    def test_a_personal_number_is_refused_when_editing_too(self, db):
        case_id = abroad_repo.create_case(db, case())
        stored = abroad_repo.get_case(db, case_id).case
        with pytest.raises(ValidationError):
            abroad_repo.update_case(db, dataclasses.replace(stored, notes=f"Se {PERSONAL_NUMBER}"))
        assert abroad_repo.get_case(db, case_id).case.notes == stored.notes

    def test_future_known_date_and_birth_year_after_it(self, db):
        with pytest.raises(ValidationError) as caught:
            abroad_repo.create_case(db, case(known_date=D(2025, 5, 2), birth_year=2026),
                                    now=moment(2025, 5, 1))
        assert {p.field for p in caught.value.problems} == {"known_date", "birth_year"}

    def test_unknown_codes_and_administration(self, db):
        with pytest.raises(ValidationError) as caught:
            abroad_repo.create_case(db, case(reported_by="SOC", gender="flicka", purposes=("holiday",),
                                             destination="ZZ", status="gone"))
        assert {p.field for p in caught.value.problems} == {"gender", "purposes", "destination",
                                                           "status"}
        with pytest.raises(ValidationError):
            abroad_repo.create_case(db, case(reported_by="XYZ"))


class TestStatusHistory:
    def test_status_changes_are_dated(self, db):
        case_id = abroad_repo.create_case(db, case(known_date=D(2025, 3, 10)), now=moment(2025, 3, 11))
        stored = abroad_repo.get_case(db, case_id).case
        abroad_repo.update_case(db, dataclasses.replace(stored, status="abroad"),
                                status_date=D(2025, 6, 20), now=moment(2025, 7, 1))
        stored = abroad_repo.get_case(db, case_id).case
        abroad_repo.update_case(db, dataclasses.replace(stored, status="returned"), now=moment(2025, 9, 5))
        assert abroad_repo.status_history(db, case_id) == [
            StatusChange("at_risk", D(2025, 3, 10)), StatusChange("abroad", D(2025, 6, 20)),
            StatusChange("returned", D(2025, 9, 5))]

    @pytest.mark.parametrize("day", [D(2025, 3, 9), D(2025, 5, 31), D(2025, 7, 2)])
    def test_a_status_date_outside_its_bounds_is_refused(self, db, day):
        case_id = abroad_repo.create_case(db, case(known_date=D(2025, 3, 10)), now=moment(2025, 3, 11))
        stored = abroad_repo.get_case(db, case_id).case
        abroad_repo.update_case(db, dataclasses.replace(stored, status="abroad"),
                                status_date=D(2025, 6, 1), now=moment(2025, 6, 2))
        stored = abroad_repo.get_case(db, case_id).case
        with pytest.raises(ValidationError):  # before the known date, before the last change, future
            abroad_repo.update_case(db, dataclasses.replace(stored, status="returned"),
                                    status_date=day, now=moment(2025, 7, 1))
        assert len(abroad_repo.status_history(db, case_id)) == 2

    def test_moving_the_known_date_moves_the_first_status(self, db):
        case_id = abroad_repo.create_case(db, case(known_date=D(2025, 3, 10)), now=moment(2025, 3, 11))
        stored = abroad_repo.get_case(db, case_id).case
        abroad_repo.update_case(db, dataclasses.replace(stored, status="abroad"),
                                status_date=D(2025, 4, 1), now=moment(2025, 4, 2))
        stored = abroad_repo.get_case(db, case_id).case
        abroad_repo.update_case(db, dataclasses.replace(stored, known_date=D(2025, 2, 1)), now=moment(2025, 4, 3))
        assert abroad_repo.status_history(db, case_id)[0] == StatusChange("at_risk", D(2025, 2, 1))
        with pytest.raises(ValidationError):
            abroad_repo.update_case(db, dataclasses.replace(stored, known_date=D(2025, 4, 2)),
                                    now=moment(2025, 4, 3))


# --- roles ------------------------------------------------------------------------------------


class TestRoles:
    @pytest.fixture
    def two_cases(self, db):
        return (abroad_repo.create_case(db, case(reported_by="SOC")),
                abroad_repo.create_case(db, case(reported_by="UBF", case_ref="UBF-9")))

    def test_an_editor_works_only_with_their_own_administrations_cases(self, db, two_cases):
        own, other = two_cases
        with opened_as(db, "SOC") as editor:
            assert [s.case.id for s in abroad_repo.list_cases(editor)] == [own]
            assert abroad_repo.get_case(editor, own).case.reported_by == "SOC"
            new = abroad_repo.create_case(editor, case(case_ref="SOC-2"))
            stored = abroad_repo.get_case(editor, new).case
            abroad_repo.update_case(editor, dataclasses.replace(stored, status="abroad"))
            for refused in (
                    lambda: abroad_repo.get_case(editor, other),
                    lambda: abroad_repo.list_cases(editor, reported_by="UBF"),
                    lambda: abroad_repo.create_case(editor, case(reported_by="UBF")),
                    lambda: abroad_repo.update_case(editor, dataclasses.replace(stored, reported_by="UBF")),
                    lambda: abroad_repo.delete_case(editor, other),
                    lambda: abroad_repo.status_history(editor, other),
                    lambda: abroad_repo.change_history(editor, other)):
                with pytest.raises(PermissionDenied):
                    refused()
            assert abroad_repo.stats_for(editor, 2025).total == 3
        views = [e for e in audit_entries(db, "view") if e.user == EDITORS["SOC"]]
        assert {e.target for e in views} == {f"case:{own}", f"case:{new}"}

    def test_the_administrator_sees_every_case(self, db, two_cases):
        assert {s.case.id for s in abroad_repo.list_cases(db)} == set(two_cases)
        assert abroad_repo.get_case(db, two_cases[1]).case.reported_by == "UBF"

    def test_a_viewer_sees_the_statistics_but_not_the_cases(self, db, two_cases):
        with opened_as(db, VIEWER) as viewer:
            assert abroad_repo.stats_for(viewer, 2025).total == 2
            assert abroad_repo.totals_by_year(viewer) == {2025: 2}
            for refused in (lambda: abroad_repo.list_cases(viewer),
                            lambda: abroad_repo.get_case(viewer, two_cases[0]),
                            lambda: abroad_repo.create_case(viewer, case()),
                            lambda: abroad_repo.change_history(viewer, two_cases[0])):
                with pytest.raises(PermissionDenied):
                    refused()


# --- statistics through the store -------------------------------------------------------------


class TestStatistics:
    def test_period_edges_of_the_calendar_year(self, db):
        for day in (D(2024, 12, 31), D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 1)):
            abroad_repo.create_case(db, case(known_date=day), now=moment(2026, 2, 1))
        assert [abroad_repo.stats_for(db, y).total for y in (2024, 2025, 2026)] == [1, 2, 1]
        assert abroad_repo.stats_for(db, 2025).period == Period(D(2025, 1, 1), D(2025, 12, 31))
        assert abroad_repo.totals_by_year(db) == {2024: 1, 2025: 2, 2026: 1}

    def test_a_period_starting_in_october(self, db):
        for day in (D(2024, 9, 30), D(2024, 10, 1), D(2025, 9, 30), D(2025, 10, 1)):
            abroad_repo.create_case(db, case(known_date=day), now=moment(2026, 2, 1))
        settings.put(db, "period_start_month", 10)
        stats = abroad_repo.stats_for(db, 2025)
        assert stats.period == Period(D(2024, 10, 1), D(2025, 9, 30)) and stats.total == 2
        assert abroad_repo.totals_by_year(db) == {2024: 1, 2025: 2, 2026: 1}

    def test_status_at_the_end_of_the_period(self, db):
        def with_changes(*changes):
            case_id = abroad_repo.create_case(db, case(known_date=D(2025, 3, 1)), now=moment(2025, 3, 2))
            for status, day in changes:
                stored = abroad_repo.get_case(db, case_id).case
                abroad_repo.update_case(db, dataclasses.replace(stored, status=status), status_date=day,
                                        now=moment(2026, 3, 1))

        with_changes(("abroad", D(2025, 12, 31)), ("returned", D(2026, 1, 1)))  # abroad at year end
        with_changes(("abroad", D(2026, 1, 1)))                                 # still at risk
        with_changes(("abroad", D(2025, 4, 1)), ("returned", D(2025, 9, 30)))   # returned
        assert counts(abroad_repo.stats_for(db, 2025), "by_status") == {
            ("at_risk",): 1, ("abroad",): 1, ("returned",): 1, ("total",): 3}
        settings.put(db, "period_start_month", 10)   # 1 Oct 2024 – 30 Sep 2025
        assert counts(abroad_repo.stats_for(db, 2025), "by_status") == {
            ("at_risk",): 2, ("returned",): 1, ("total",): 3}

    def test_ages_purposes_reporters_regions_and_margins(self, db):
        for given in (
                case(reported_by="SOC", birth_year=2012, known_date=D(2025, 1, 5),
                     purposes=("forced_marriage", "fgm"), destination="SO"),      # 13, girl
                case(reported_by="UBF", birth_year=2013, known_date=D(2025, 12, 31),
                     purposes=("fgm",), destination="IQ", gender="boy"),          # 12, boy
                case(reported_by="KLF", birth_year=None, purposes=("unknown",),
                     destination=None, reported_married=True),                   # unknown age
                case(reported_by="SOC", birth_year=2007, purposes=("forced_marriage",),
                     destination="TR", honour_link="confirmed", actions=("lvu",))):   # 18
            abroad_repo.create_case(db, given, now=moment(2026, 1, 10))
        stats = abroad_repo.stats_for(db, 2025)
        assert stats.total == 4
        assert counts(stats, "by_gender_age") == {
            ("girl", "13-17"): 1, ("girl", "unknown"): 1, ("girl", "18+"): 1, ("girl", "total"): 3,
            ("boy", "0-12"): 1, ("boy", "total"): 1,
            ("total", "0-12"): 1, ("total", "13-17"): 1, ("total", "18+"): 1,
            ("total", "unknown"): 1, ("total", "total"): 4}
        assert counts(stats, "by_purpose") == {("forced_marriage",): 2, ("fgm",): 2, ("unknown",): 1}
        assert counts(stats, "known_to") == {("social_services",): 2, ("education",): 1,
                                             ("other",): 1}
        assert counts(stats, "by_destination_region") == {("014",): 1, ("145",): 2,
                                                          ("unknown",): 1, ("total",): 4}
        assert counts(stats, "by_honour_link") == {("suspected",): 3, ("confirmed",): 1, ("total",): 4}
        assert counts(stats, "by_action") == {("lvu",): 1}
        assert counts(stats, "reported_married") == {(): 1}


# --- import ---------------------------------------------------------------------------------

HEADER = ("ärendereferens", "rapporterad_av", "känt_datum", "kön", "födelseår", "syften",
          "hederskoppling", "destination", "status", "anteckningar")
ROWS = (("SOC-1", "SOC", "2025-02-01", "flicka", "2011", "tvångsäktenskap|könsstympning",
         "misstänkt", "so", "risk", "Anmälan från skolan."),
        ("", "UBF", "2025-03-15", "pojke", "", "uppfostringsresa", "bekräftad", "", "utomlands", ""),
        ("", "UBF", "2025-03-15", "pojke", "", "uppfostringsresa", "bekräftad", "", "utomlands", ""))


def checked(rows, header=HEADER, today=D(2026, 1, 1)):
    table = Table(header, tuple(TableRow(line, cells) for line, cells in enumerate(rows, start=2)))
    return check_table(table, ABROAD, today, administrations=["SOC", "UBF", "KLF"])


class TestImport:
    def test_rows_become_cases_and_a_second_import_adds_nothing(self, db):
        report = importing.apply_import(db, "abroad", checked(ROWS))
        assert (report.written, report.added, report.already_present) == (True, 3, 0)
        stored = abroad_repo.list_cases(db)
        assert [(s.case.reported_by, s.case.purposes, s.case.destination) for s in stored] == [
            ("SOC", ("forced_marriage", "fgm"), "SO"), ("UBF", ("upbringing_trip",), None),
            ("UBF", ("upbringing_trip",), None)]
        assert [h.kind for h in abroad_repo.change_history(db, stored[0].case.id)] == ["import"]
        again = importing.apply_import(db, "abroad", checked(ROWS))
        assert (again.added, again.already_present) == (0, 3)
        more = importing.apply_import(db, "abroad", checked(ROWS + ROWS[2:]))
        assert (more.added, more.already_present) == (1, 3)
        entry = audit_entries(db, "import")[-1]
        assert entry.target == "abroad" and entry.detail["added"] == 3

    def test_a_dry_run_changes_nothing(self, db):
        report = importing.apply_import(db, "abroad", checked(ROWS), dry_run=True)
        assert (report.added, report.written) == (3, False)
        assert abroad_repo.list_cases(db) == [] and audit_entries(db, "import") == []

    def test_an_editor_imports_only_rows_of_their_own_administration(self, db):
        with opened_as(db, "SOC") as editor:
            for dry_run in (False, True):
                with pytest.raises(PermissionDenied, match=r"\(SOC\).*\b3, 4\)"):
                    importing.apply_import(editor, "abroad", checked(ROWS), dry_run=dry_run)
            assert abroad_repo.list_cases(db) == []
            assert importing.apply_import(editor, "abroad", checked(ROWS[:1])).added == 1

    def test_a_row_identical_to_a_reduced_case_is_already_present(self, db):
        importing.apply_import(db, "abroad", checked(ROWS[:1]))
        assert abroad_repo.apply_retention(db, dt.date.today() + dt.timedelta(days=6 * 366)) == 1
        report = importing.apply_import(db, "abroad", checked(ROWS[:1]))
        assert (report.added, report.already_present) == (0, 1)


# --- retention --------------------------------------------------------------------------------


class TestRetention:
    TODAY = D(2026, 6, 1)

    @pytest.fixture
    def aged(self, db):
        """Cases last changed 2015, 2021-05-31 (just over five years), 2021-06-01 and 2025."""
        ids = {}
        for name, known, changed in (("old", D(2015, 3, 1), moment(2015, 3, 2)),
                                     ("over", D(2021, 5, 1), moment(2021, 5, 31)),
                                     ("edge", D(2021, 5, 1), moment(2021, 6, 1)),
                                     ("new", D(2025, 3, 1), moment(2025, 3, 2))):
            ids[name] = abroad_repo.create_case(db, case(known_date=known, case_ref=f"R-{name}"),
                                                now=changed)
        return ids

    def test_old_cases_are_reduced_to_their_statistical_content(self, db, aged):
        before = {y: abroad_repo.stats_for(db, y).to_json_dict() for y in (2015, 2021, 2025)}
        assert abroad_repo.apply_retention(db, self.TODAY) == 2
        after = {y: abroad_repo.stats_for(db, y).to_json_dict() for y in (2015, 2021, 2025)}
        assert after == before
        for name, case_id in aged.items():
            stored = abroad_repo.get_case(db, case_id)
            assert stored.reduced == (name in ("old", "over"))
            assert (stored.case.case_ref is None) == stored.reduced
            assert (stored.case.notes is None) == stored.reduced
        entry = audit_entries(db, "retention")[0]
        assert set(entry.fields) == set(abroad_repo.ERASED_BY_RETENTION) and entry.detail["cases"] == 2
        assert abroad_repo.change_history(db, aged["old"])[-1].kind == "retention"
        assert abroad_repo.apply_retention(db, self.TODAY) == 0
        assert len(audit_entries(db, "retention")) == 1

    def test_a_recent_change_keeps_an_old_case(self, db, aged):
        stored = abroad_repo.get_case(db, aged["old"]).case
        abroad_repo.update_case(db, dataclasses.replace(stored, status="returned"),
                                now=moment(2024, 1, 1))
        abroad_repo.apply_retention(db, self.TODAY)
        assert not abroad_repo.get_case(db, aged["old"]).reduced

    def test_the_setting_decides(self, db, aged):
        settings.put(db, "retention_years", 12)
        assert abroad_repo.apply_retention(db, self.TODAY) == 0
        settings.put(db, "retention_years", 1)
        assert abroad_repo.apply_retention(db, self.TODAY) == 4

    def test_a_reduced_case_cannot_get_its_texts_back(self, db, aged):
        abroad_repo.apply_retention(db, self.TODAY)
        stored = abroad_repo.get_case(db, aged["old"]).case
        with pytest.raises(ValidationError):
            abroad_repo.update_case(db, dataclasses.replace(stored, notes="Ny anteckning"))
        abroad_repo.update_case(db, dataclasses.replace(stored, status="returned"))

    def test_on_unlock_applies_retention_as_of_today(self, db):
        long_ago = dt.date.today().year - 8
        case_id = abroad_repo.create_case(db, case(known_date=D(long_ago, 1, 1)),
                                          now=moment(long_ago, 1, 2))
        assert abroad_repo.on_unlock(db) == 1
        assert abroad_repo.get_case(db, case_id).reduced


# --- demo -----------------------------------------------------------------------------------


def test_the_small_demo_is_plausible_and_fictitious(db):
    demo_abroad(DemoContext(db, random.Random(3), "small", "x", None))
    stored = [abroad_repo.get_case(db, s.case.id) for s in abroad_repo.list_cases(db)]
    this_year = dt.date.today().year
    assert 24 <= len(stored) <= 60
    assert {s.case.known_date.year for s in stored} == {this_year - 2, this_year - 1, this_year}
    assert sorted(s.case.case_ref for s in stored) == [f"DEMO-{n:04d}" for n in range(1, len(stored) + 1)]
    assert all(s.case.notes is None or s.case.notes.startswith("DEMO") for s in stored)
    known = {a.code for a in organisation.administrations(db)}
    assert all(validate_case(s.case, dt.date.today(), known) == [] for s in stored)
    girls = sum(s.case.gender == "girl" for s in stored)
    assert girls > len(stored) / 3
    for s in stored:
        history = abroad_repo.status_history(db, s.case.id)
        assert history[0].date == s.case.known_date and history[-1].status == s.case.status
