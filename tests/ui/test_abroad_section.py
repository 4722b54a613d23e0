"""The Children taken abroad section on a real database: the list by role, the form's
validation, create/edit with history, audited views, the statistics, the national package
and the import (offscreen, synchronous tasks, scripted dialogs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QWidget

from hrvdesk.domain.abroad_stats import category_label
from hrvdesk.domain.pii import personal_number_reason
from hrvdesk.i18n import _
from hrvdesk.services import audit_log
from hrvdesk.store import abroad_repo
from hrvdesk.store.database import Database
from hrvdesk.ui.actions import Act
from hrvdesk.ui.dialogs import OPEN_FILE, QUESTION, SAVE_FILE
from hrvdesk.ui.locking import CONCEALED_HINT
from hrvdesk.ui.sections.abroad import FIELD_TITLES, CaseDialog, CasesPanel
from hrvdesk.ui.sections.abroad_followups import FollowUpsPanel
from hrvdesk.ui.sections.abroad_panels import ExportPanel, ImportPanel, StatisticsPanel
from tests.conftest import ADMIN, PASSPHRASE
from tests.store.abroad_helpers import PERSONAL_NUMBER, case
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, VIEWER, unlock
from tests.ui.test_navigation import _unnamed
from tests.ui.test_screenshots import assert_drawn

D = dt.date
HEADER = ("case_ref;reported_by;known_date;departure_date;gender;birth_year;purposes;"
          "honour_link;destination;status;reported_married;actions;notes")
GOOD_ROW = ";SOC;2025-06-01;;girl;2011;forced_marriage;suspected;IQ;at_risk;no;;"


@pytest.fixture
def cases(db_file):
    """Four cases: A and B known in 2025, C in 2024 (abroad), D in 2026; B by UBF."""
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        return {
            "A": abroad_repo.create_case(db, case()),
            "B": abroad_repo.create_case(db, case(
                case_ref=None, reported_by="UBF", known_date=D(2025, 5, 2), gender="boy",
                birth_year=2009, purposes=("upbringing_trip", "conversion"), honour_link="confirmed",
                destination="SO", notes=None)),
            "C": abroad_repo.create_case(db, case(
                case_ref="SOC-2024-3", known_date=D(2024, 11, 20), birth_year=2012,
                purposes=("child_marriage",), destination="AF", status="abroad", notes=None)),
            "D": abroad_repo.create_case(db, case(
                case_ref=None, known_date=D(2026, 2, 1), birth_year=None, purposes=("fgm",),
                destination=None, status="returned", notes=None)),
        }


def open_as(app, db_file, user: str):
    window = unlock(app, db_file, user, PASSPHRASE if user == ADMIN else OTHER_PASSPHRASE)
    assert window is not None, app.unlock.message.text()
    app.set_language("en")
    return window


@pytest.fixture
def admin(app, db_file, cases):
    return open_as(app, db_file, ADMIN)


def tab(window, panel_class):
    return window.show_section("abroad").show_panel(panel_class)


def listed(panel: CasesPanel) -> set[int]:
    return {row.case.id for row in panel.model.rows}


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def audit_entries(db, action: str):
    return audit_log.entries(db, action=action)


# --- the list by role -------------------------------------------------------------------------


def test_the_administrator_sees_every_case_and_the_filters_narrow_it(admin, cases):
    panel = tab(admin, CasesPanel)
    assert listed(panel) == set(cases.values())
    assert panel.count.text() == "4 cases shown."
    for combo, data, expected in ((panel.period, 2025, {"A", "B"}), (panel.status, "abroad", {"C"}),
                                  (panel.reporter, "UBF", {"B"}), (panel.purpose, "forced_marriage", {"A"})):
        choose(combo, data)
        assert listed(panel) == {cases[name] for name in expected}
        combo.setCurrentIndex(0)  # "All …"
    assert listed(panel) == set(cases.values())
    row = [r.case.id for r in panel.model.rows].index(cases["B"])
    texts = [panel.model.index(row, c).data() for c in range(panel.model.columnCount())]
    assert "Boy" in texts and "Upbringing trip, Attempted conversion" in texts and "At risk" in texts


def test_an_editor_sees_only_the_cases_of_their_administration(app, db_file, cases):
    window = open_as(app, db_file, EDITOR)
    section = window.show_section("abroad")
    assert set(section.panels) == {CasesPanel, FollowUpsPanel, StatisticsPanel, ImportPanel}  # no export
    panel = section.show_panel(CasesPanel)
    assert listed(panel) == {cases["A"], cases["C"], cases["D"]}
    assert not panel.reporter.isEnabled() and panel.reporter.currentData() == "SOC"
    dialog = panel.new_case()
    assert [dialog.reported_by.itemData(i) for i in range(dialog.reported_by.count())] == ["SOC"]
    dialog.reject()
    figures = {f.label: f for f in section.figures()}
    assert figures["Abroad now"].value == "1" and "(SOC)" in figures["Abroad now"].description
    assert figures["At risk of being taken abroad now"].value == "1"  # A only; B is UBF's


def test_a_viewer_gets_the_statistics_but_no_case_list(app, db_file, cases):
    window = open_as(app, db_file, VIEWER)
    section = window.show_section("abroad")
    assert set(section.panels) == {StatisticsPanel}
    assert section.tabs.count() == 1 and section.tabs.tabText(0) == "Statistics"
    assert window.findChild(CasesPanel) is None
    assert not window.registry.action(Act.NEW_RECORD).isEnabled()
    labels = [f.label for f in section.figures()]
    assert labels == ["Children taken abroad this reporting period"]


# --- the form ---------------------------------------------------------------------------------


def fill(dialog: CaseDialog, *, known: D = D(2025, 9, 1), birth_year: int = 2011,
         purposes=("forced_marriage",), notes: str = "") -> None:
    choose(dialog.reported_by, "SOC")
    dialog.known_date.setDate(QDate(known))
    choose(dialog.gender, "girl")
    dialog.birth_year.setValue(birth_year)
    dialog.purposes.set_checked(purposes)
    choose(dialog.honour_link, "suspected")
    dialog.destination.setText("iq")
    choose(dialog.status, "at_risk")
    dialog.notes.setPlainText(notes)


def test_the_form_shows_each_problem_under_its_field(admin, cases):
    panel = tab(admin, CasesPanel)
    dialog = panel.new_case()
    fill(dialog, known=dt.date.today() + dt.timedelta(days=3), purposes=(),
         notes=f"Mamma uppgav {PERSONAL_NUMBER} i samtalet.")
    dialog.ok_button.click()
    problems = dialog.field_problems()
    assert dialog.isVisible()
    assert set(problems) == {"known_date", "purposes", "notes"}
    assert problems["known_date"] == "The date is in the future."
    assert problems["notes"] == personal_number_reason() and "personal identity number" in problems["notes"]
    assert dialog.findChild(QWidget, "error_notes").isVisibleTo(dialog)
    assert not dialog.findChild(QWidget, "error_gender").isVisibleTo(dialog)
    assert "Known date" in dialog.message.text() and "Notes" in dialog.message.text()

    fill(dialog, known=D(2025, 9, 1), birth_year=2026)
    dialog.ok_button.click()
    assert dialog.field_problems() == {
        "birth_year": "The birth year is after the year the case became known."}
    assert listed(panel) == set(cases.values())  # nothing was saved
    assert len(audit_entries(admin.app.db, "create")) == len(cases)
    dialog.reject()


def test_create_and_edit_round_trip_with_history(admin, cases, dialogs):
    db = admin.app.db
    panel = tab(admin, CasesPanel)
    dialog = panel.new_case()
    fill(dialog, notes="Skolkurator oroad inför höstlovet.")
    dialog.case_ref.setText("SOC-2025-99")
    dialog.actions.set_checked(("concern_report",))
    dialog.ok_button.click()
    created = (set(listed(panel)) - set(cases.values())).pop()
    assert panel.view.current_row().case.id == created  # the new case is selected
    stored = abroad_repo.get_case(db, created).case
    assert (stored.case_ref, stored.known_date, stored.destination, stored.purposes) == (
        "SOC-2025-99", D(2025, 9, 1), "IQ", ("forced_marriage",))
    assert (stored.actions, stored.birth_year, stored.notes) == (
        ("concern_report",), 2011, "Skolkurator oroad inför höstlovet.")

    edit = panel.open_case()
    assert edit.case() == stored  # the form shows the stored case
    assert not edit.status_date.isEnabled()
    choose(edit.status, "abroad")
    assert edit.status_date.isEnabled()
    edit.status_date.setDate(QDate(2025, 10, 15))
    edit.actions.set_checked(("concern_report", "travel_ban"))
    edit.ok_button.click()
    assert "changed: Status, Actions taken" in admin.statusBar().currentMessage()

    again = panel.open_case()
    changes = [tuple(again.changes.index(r, c).data() for c in (1, 2, 3))
               for r in range(again.changes.rowCount())]
    assert changes[0][:2] == (ADMIN, "Registered") and "Notes" in changes[0][2]
    assert changes[1] == (ADMIN, "Changed", "Status, Actions taken")
    statuses = [(s.date, s.status) for s in again.statuses.rows]
    assert statuses == [(D(2025, 9, 1), "at_risk"), (D(2025, 10, 15), "abroad")]
    assert abroad_repo.status_history(db, created)[-1].date == D(2025, 10, 15)
    again.reject()

    dialogs.expect(QUESTION, True)
    panel.delete_case()
    assert created not in listed(panel)


def test_opening_a_case_is_audited_selecting_it_is_not(admin, cases):
    db = admin.app.db
    panel = tab(admin, CasesPanel)
    before = len(audit_entries(db, "view"))
    panel.select(cases["C"])
    assert len(audit_entries(db, "view")) == before
    dialog = panel.open_case()
    views = audit_entries(db, "view")
    assert len(views) == before + 1 and views[0].target == f"case:{cases['C']}"
    assert dialog.case_ref.text() == "SOC-2024-3"
    dialog.reject()


def test_a_status_change_dated_before_the_known_date_is_refused_in_the_form(admin, cases):
    panel = tab(admin, CasesPanel)
    panel.select(cases["A"])
    dialog = panel.open_case()
    choose(dialog.status, "returned")
    dialog.status_date.setDate(QDate(2025, 1, 1))  # before the known date 2025-03-10
    dialog.ok_button.click()
    assert dialog.isVisible() and "cannot be dated before" in dialog.field_problems()["status"]
    dialog.reject()
    assert abroad_repo.get_case(admin.app.db, cases["A"]).case.status == "at_risk"


def test_copying_from_the_list_goes_through_the_clipboard_guard(app, admin, cases, qtbot):
    panel = tab(admin, CasesPanel)
    panel.select(cases["B"])
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    mime = QApplication.clipboard().mimeData()
    assert mime.hasFormat(CONCEALED_HINT) and "UBF" in mime.text()
    assert app.clipboard.holds_ours


# --- statistics, export, import ---------------------------------------------------------------


def shown(model) -> dict[tuple[str, str], str]:
    return {(model.headerData(r, Qt.Orientation.Vertical), model.headerData(c, Qt.Orientation.Horizontal)):
            model.index(r, c).data() for r in range(model.rowCount()) for c in range(model.columnCount())}


def test_a_viewer_sees_the_protected_tables_never_an_exact_small_count(app, db_file, cases):
    window = open_as(app, db_file, VIEWER)
    panel = tab(window, StatisticsPanel)
    choose(panel.year, 2025)
    gender_age = shown(panel.tables.models["by_gender_age"])
    assert gender_age[("Girl", "13–17 years")] == ".." and gender_age[("Total", "Total")] == "2"
    assert "protected figures" in panel.note.text()


def test_the_statistics_show_exactly_the_tables_of_stats_for(app, db_file, cases):
    window = open_as(app, db_file, ADMIN)
    panel = tab(window, StatisticsPanel)
    assert panel.year.currentData() == 2026  # the current reporting period first
    choose(panel.year, 2025)
    stats = abroad_repo.stats_for(app.db, 2025)
    assert list(panel.tables.models) == [t.id for t in stats.tables]
    for table in stats.tables:
        cells = shown(panel.tables.models[table.id])
        assert len(cells) == len(table.cells)
        for cell in table.cells:
            labels = [category_label(d, c) for d, c in zip(table.dimensions, cell.key)]
            row = labels[0] if labels else panel.tables.models[table.id].row_label(0)
            column = labels[1] if len(labels) > 1 else "Persons"
            assert cells[(row, column)] == str(cell.count), (table.id, cell.key)
    # figures worked out by hand: A (girl, 15) and B (boy, 16), both still at risk
    gender_age = shown(panel.tables.models["by_gender_age"])
    assert gender_age[("Girl", "13–17 years")] == gender_age[("Boy", "13–17 years")] == "1"
    assert gender_age[("Total", "Total")] == "2"
    assert shown(panel.tables.models["by_status"])[("At risk", "Persons")] == "2"
    assert shown(panel.tables.models["by_purpose"])[("Attempted conversion", "Persons")] == "1"
    assert "persons counted: 2" in panel.note.text()
    choose(panel.year, 2024)
    assert shown(panel.tables.models["by_status"])[("Abroad", "Persons")] == "1"


def test_export_previews_the_suppressed_tables_and_writes_the_files(app, admin, tmp_path, dialogs):
    panel = tab(admin, ExportPanel)
    assert panel.year.currentData() == 2025  # the last completed period
    assert not panel.save_button.isEnabled()
    panel.preview()
    assert panel.tables.isVisibleTo(panel) and panel.save_button.isEnabled()
    by_status = shown(panel.tables.models["by_status"])
    assert by_status[("At risk", "Persons")] == ".."   # 2 < k = 3
    assert by_status[("Total", "Persons")] == "2"      # the grand total is always published
    assert by_status[("Unknown status", "Persons")] == ".."  # T = 2 < 2k: only T is published
    assert "Threshold 3" in panel.summary.text()
    out_json, out_csv = tmp_path / "national.json", tmp_path / "national.csv"
    panel.with_csv.setChecked(True)
    dialogs.expect(SAVE_FILE, out_json).expect(SAVE_FILE, out_csv)
    panel.save()
    package = json.loads(out_json.read_text("utf-8"))
    assert package["period"] == {"from": "2025-01-01", "to": "2025-12-31"}
    published = {t["id"]: t for t in package["tables"]}
    assert published["by_status"]["cells"][0] == {"status": "at_risk", "count": ".."}
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbftable;dimension_1;")
    assert "national.json, national.csv" in panel.result.text()
    exports = audit_entries(admin.app.db, "export")
    assert len(exports) == 1 and exports[0].target == "national"


def test_export_cancelled_at_the_save_dialog_writes_nothing(app, admin, tmp_path, dialogs):
    panel = tab(admin, ExportPanel)
    panel.preview()
    dialogs.expect(SAVE_FILE, None)
    panel.save()
    assert audit_entries(admin.app.db, "export") == [] and list(tmp_path.glob("*.json")) == []


def write_csv(tmp_path, *rows: str, name: str = "cases.csv"):
    path = tmp_path / name
    path.write_bytes("\r\n".join([HEADER, *rows]).encode("utf-8") + b"\r\n")
    return path


def test_import_preview_with_a_rejected_row_writes_nothing(app, admin, cases, tmp_path, dialogs):
    db = admin.app.db
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    path = write_csv(tmp_path, GOOD_ROW,
                     f";SOC;2025-07-01;;girl;2010;fgm;suspected;;at_risk;;;Kontakt {PERSONAL_NUMBER}",
                     f";UBF;{future};;boy;2010;other;suspected;;at_risk;;;")
    panel = tab(admin, ImportPanel)
    dialogs.expect(OPEN_FILE, path)
    panel.choose()
    assert [row.line for row in panel.accepted.rows] == [2]
    rejected = {(p.line, p.field) for p in panel.rejected.rows}
    assert (3, "notes") in rejected and (4, "known_date") in rejected
    reasons = [panel.rejected.index(r, 2).data() for r in range(panel.rejected.rowCount())]
    assert personal_number_reason() in reasons
    assert "3 rows read, 1 accepted, 2 rejected." in panel.summary.text()
    assert not panel.import_button.isEnabled()
    panel.import_now()  # refused: nothing was checked clean
    assert len(abroad_repo.list_cases(db)) == len(cases) and audit_entries(db, "import") == []


def test_import_of_a_clean_file_after_its_preview(app, admin, cases, tmp_path, dialogs):
    db = admin.app.db
    path = write_csv(tmp_path, GOOD_ROW,
                     ";UBF;2025-08-01;2025-08;boy;2010;upbringing_trip;confirmed;SO;abroad;;;")
    panel = tab(admin, ImportPanel)
    dialogs.expect(OPEN_FILE, path)
    panel.choose()
    assert "Import would add 2 new cases" in panel.summary.text()
    assert len(abroad_repo.list_cases(db)) == len(cases)  # the preview was a dry run
    panel.import_now()
    assert "Imported: 2 new cases, 0 already present." in panel.summary.text()
    assert not panel.progress.isVisibleTo(panel) and not panel.import_button.isEnabled()
    assert len(tab(admin, CasesPanel).model.rows) == len(cases) + 2  # the list was read again
    assert audit_entries(db, "import")[0].target == "abroad"


def test_a_file_without_a_required_column_is_rejected_as_a_whole(app, admin, tmp_path, dialogs):
    path = tmp_path / "short.csv"
    path.write_text("reported_by;known_date\nSOC;2025-01-01\n", "utf-8")
    panel = tab(admin, ImportPanel)
    dialogs.expect(OPEN_FILE, path)
    panel.choose()
    assert panel.summary.text().startswith("The file was not accepted.")
    assert panel.rejected.rowCount() >= 1 and not panel.import_button.isEnabled()


# --- models, names, pictures, figures -----------------------------------------------------------


def test_every_model_passes_the_model_tester(app, admin, cases, qtmodeltester, tmp_path, dialogs):
    section = admin.show_section("abroad")
    cases_panel = section.show_panel(CasesPanel)
    cases_panel.select(cases["A"])
    dialog = cases_panel.open_case()
    stats = section.show_panel(StatisticsPanel)
    choose(stats.year, 2025)
    export = section.show_panel(ExportPanel)
    export.preview()
    imports = section.show_panel(ImportPanel)
    unknown_administration = ";XYZ;2025-07-01;;girl;2010;fgm;suspected;;at_risk;;;"
    dialogs.expect(OPEN_FILE, write_csv(tmp_path, GOOD_ROW, unknown_administration))
    imports.choose()
    models = [cases_panel.model, dialog.changes, dialog.statuses, imports.accepted, imports.rejected,
              *stats.tables.models.values(), *export.tables.models.values()]
    for model in models:
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)
    dialog.reject()


def test_every_field_has_a_title_and_every_control_a_name(app, admin, cases):
    assert set(FIELD_TITLES) == set(abroad_repo.CASE_FIELDS)
    section = admin.show_section("abroad")
    for panel in section.panels.values():
        section.tabs.setCurrentWidget(panel)
        assert not _unnamed(panel), (type(panel).__name__, _unnamed(panel))
    cases_panel = section.show_panel(CasesPanel)
    cases_panel.select(cases["A"])
    for dialog in (cases_panel.new_case(), cases_panel.open_case()):
        assert not _unnamed(dialog), _unnamed(dialog)
        dialog.reject()


def test_screenshots_in_both_languages(app, admin, cases, tmp_path):
    section = admin.show_section("abroad")
    section.show_panel(ExportPanel).preview()
    for language in ("en", "sv"):
        app.set_language(language)
        for panel in section.panels.values():
            section.tabs.setCurrentWidget(panel)
            QApplication.processEvents()  # pending layout, as the event loop would do
            assert_drawn(admin, tmp_path / f"abroad-{language}-{type(panel).__name__}.png")
        cases_panel = section.show_panel(CasesPanel)
        cases_panel.select(cases["A"])
        dialog = cases_panel.open_case()
        assert_drawn(dialog, tmp_path / f"abroad-{language}-case.png")
        dialog.reject()
    assert section.tabs.tabText(0) == _("Cases") != "Cases"  # Swedish now


def test_overview_figures_for_the_administrator(app, admin, cases):
    overview = admin.show_section("overview")
    values = overview.figure_values()
    assert values["Children taken abroad this reporting period"] == "1"  # D, known in 2026
    assert values["Abroad now"] == "1" and values["At risk of being taken abroad now"] == "2"


def test_new_record_shortcut_opens_the_form(app, admin, cases):
    admin.show_section("abroad")
    action = admin.registry.action(Act.NEW_RECORD)
    assert action.isEnabled()
    action.trigger()
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, CaseDialog) and w.isVisible())
    assert dialog.stored is None
    dialog.reject()


def test_an_unchanged_case_saves_nothing(admin, cases):
    db = admin.app.db
    panel = tab(admin, CasesPanel)
    panel.select(cases["B"])
    before = len(audit_entries(db, "update"))
    dialog = panel.open_case()
    assert dataclasses.replace(dialog.case()) == abroad_repo.get_case(db, cases["B"]).case
    dialog.ok_button.click()
    assert "no changes" in admin.statusBar().currentMessage()
    assert len(audit_entries(db, "update")) == before


def test_listing_the_register_is_audited(app, db_file, cases):
    from hrvdesk.store import audit

    window = open_as(app, db_file, ADMIN)
    tab(window, CasesPanel)
    entries = [e for e in audit.entries(app.db.conn, action="view") if e.target == "abroad:list"]
    assert entries and entries[0].user == ADMIN and "rows" in entries[0].detail


@pytest.mark.parametrize("typed, code", [("Irak", "IQ"), ("irak", "IQ"), ("Iraq", "IQ"), ("Iran", "IR"),
                                         ("so", "SO"), ("Somalia (SO)", "SO")])
def test_a_country_typed_by_its_name_is_saved_as_that_country(app, admin, typed, code):
    dialog = tab(admin, CasesPanel).new_case()
    dialog.destination.setText(typed)
    assert dialog.case().destination == code
    assert dialog.region.text().startswith("Region")


def test_a_country_that_is_none_is_refused_under_its_field(app, admin):
    dialog = tab(admin, CasesPanel).new_case()
    dialog.destination.setText("Irakistan")
    dialog.ok_button.click()
    assert "destination" in dialog.field_problems() and dialog.isVisible()


def test_a_stored_country_is_shown_by_its_name_in_the_ui_language(app, admin, cases):
    panel = tab(admin, CasesPanel)
    panel.select(cases["B"])
    dialog = panel.open_case()
    assert dialog.destination.text() == "Somalia (SO)"
    completions = dialog.destination.completer().model()
    assert "Iraq (IQ)" in completions.stringList()
