"""The Action plan section on a real database: the seeded plan, follow-up editing with
carry-over, measures, revision with old versions readable, the pilot survey with its role
rules, the report, the Overview's figure, every model, and a screenshot of every tab."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QStyleOptionViewItem

from hrvdesk.domain.errors import PermissionDenied
from hrvdesk.domain.plan import FollowUp, Measure, MeasureValue
from hrvdesk.domain.roles import Role
from hrvdesk.store import audit, plan_repo, survey_repo, users
from hrvdesk.store.database import Database
from hrvdesk.ui.dialogs import CHOICE, QUESTION, SAVE_FILE
from hrvdesk.ui.sections.plan import FollowUpModel, FollowUpPanel, MeasuresPanel, StructurePanel
from hrvdesk.ui.sections.plan_survey import SurveyPanel
from tests.conftest import ADMIN, PASSPHRASE
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, VIEWER, unlock
from tests.ui.test_screenshots import assert_drawn

COORDINATOR = "klara"  # an editor of KLF, the administration of the plan's owner (KS)
THIS_YEAR = dt.date.today().year
LAST_YEAR = THIS_YEAR - 1
STATUS, COMMENT = FollowUpModel.STATUS, FollowUpModel.COMMENT


@pytest.fixture
def plan_db(db_file):
    """The UI test database with a coordinator too (erik edits for SOC, vera views)."""
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        users.add_user(db, COORDINATOR, Role.EDITOR, OTHER_PASSPHRASE, "KLF")
    return db_file


def with_admin(db_file, work) -> None:
    """Prepare data as the administrator before the user under test signs in."""
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        work(db)


def open_plan(app, db_file, user: str = ADMIN):
    window = unlock(app, db_file, user, PASSPHRASE if user == ADMIN else OTHER_PASSPHRASE)
    assert window is not None, app.unlock.message.text()
    app.set_language("en")
    return window, window.show_section("plan")


def texts(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def row_of(model, code: str) -> int:
    return next(i for i, r in enumerate(model.rows) if r.activity.code == code)


def stored(db, year: int) -> dict[str, FollowUp]:
    return {f.activity_code: f for f in plan_repo.followups(db, year)}


def test_the_seeded_plan_is_shown(app, plan_db):
    _window, section = open_plan(app, plan_db)
    assert section.version.count() == 1 and section.year == THIS_YEAR
    structure = section.panels[StructurePanel]
    assert texts(structure.goals, 0) == ["1", "2", "3", "4"]
    assert texts(structure.goals, 3) == ["6", "5", "3", "4"]  # activities per goal, 18 in all
    assert len(structure.activities.rows) == 18
    a42 = row_of(structure.activities, "A4.2")
    assert structure.activities.index(a42, 3).data() == "Municipal Executive Board"
    assert structure.activities.index(a42, 4).data().startswith("KS (lead), UN, SN")
    measures = section.panels[MeasuresPanel]
    assert texts(measures.model, 1) == ["M1.1", "M2.1", "M2.2", "M3.1", "M3.2", "M4.1"]
    m31 = texts(measures.model, 1).index("M3.1")
    assert measures.model.index(m31, 7).data() == "Computed from the routines register"
    assert "(computed now, not recorded)" in measures.model.index(m31, 3).data()
    followup = section.panels[FollowUpPanel]
    assert len(followup.model.rows) == 18
    assert f"Follow-up {THIS_YEAR}, plan version 1" == followup.heading.text()

    # the language switch shows everything in Swedish, the plan's titles too
    app.set_language("sv")
    assert section.tabs.tabText(0) == "Målbilder och aktiviteter"
    assert structure.goals.index(0, 1).data().startswith("Verksamheterna arbetar förebyggande")
    app.set_language("en")
    assert section.tabs.tabText(0) == "Goals and activities"


def edit_status(view, index, status: str) -> None:
    """Change a status the way the table's combo box does."""
    delegate = view.itemDelegateForColumn(STATUS)
    editor = delegate.createEditor(view.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    delegate.setEditorData(editor, index)
    editor.setCurrentIndex(editor.findData(status))
    delegate.setModelData(editor, index.model(), index)
    editor.deleteLater()


def test_followup_round_trip_and_carry_over(app, plan_db):
    _window, section = open_plan(app, plan_db, EDITOR)  # erik edits for SOC (committee SN)
    section.show_year(LAST_YEAR)
    panel = section.panels[FollowUpPanel]
    model, view = panel.model, panel.view
    a11, a12, a13 = (row_of(model, code) for code in ("A1.1", "A1.2", "A1.3"))
    editable = Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(a11, STATUS)) & editable       # SN leads
    assert model.flags(model.index(a12, COMMENT)) & editable      # SN is responsible
    assert not model.flags(model.index(a13, STATUS)) & editable   # UN and KS only
    assert not model.flags(model.index(a11, 2)) & editable        # the title is not follow-up

    edit_status(view, model.index(a11, STATUS), "done")
    assert model.setData(model.index(a11, COMMENT), "Introduktionen omfattar HRV")
    edit_status(view, model.index(a12, STATUS), "started")
    saved = stored(app.db, LAST_YEAR)
    assert (saved["A1.1"].status, saved["A1.1"].comment, saved["A1.1"].updated_by) == (
        "done", "Introduktionen omfattar HRV", EDITOR)
    assert saved["A1.2"].status == "started"
    assert model.index(a11, STATUS).data().startswith("Done")
    assert model.index(a11, 6).data() == EDITOR
    assert model.index(a11, 7).data()  # when

    # not editable: refused by the table, nothing stored
    assert not model.setData(model.index(a13, STATUS), "done")
    assert "A1.3" not in stored(app.db, LAST_YEAR)

    # read again from the database, the same is shown
    section.refresh()
    assert model.index(row_of(model, "A1.1"), COMMENT).data() == "Introduktionen omfattar HRV"
    assert "2 of 18 activities reported" in panel.summary.text()

    # next year: the unfinished activity is carried over, the finished one is not
    section.show_year(THIS_YEAR)
    assert model.index(row_of(model, "A1.2"), STATUS).data() == f"Started (carried over from {LAST_YEAR})"
    assert model.index(row_of(model, "A1.1"), STATUS).data() == f"Finished in {LAST_YEAR}"


def test_a_viewer_reads_but_cannot_change_anything(app, plan_db):
    with_admin(plan_db, lambda db: (survey_repo.start_survey_year(db, LAST_YEAR),
                                    plan_repo.save_followup(db, FollowUp("A1.1", LAST_YEAR, "started"))))
    _window, section = open_plan(app, plan_db, VIEWER)
    section.show_year(LAST_YEAR)
    followup = section.panels[FollowUpPanel]
    model = followup.model
    assert not any(model.flags(model.index(r, c)) & Qt.ItemFlag.ItemIsEditable
                   for r in range(model.rowCount()) for c in range(model.columnCount()))
    assert not model.setData(model.index(row_of(model, "A1.1"), STATUS), "done")
    assert "Read only" in followup.hint.text()
    survey = section.panels[SurveyPanel]
    hidden = [section.revise_button, followup.start_button, section.panels[StructurePanel].edit_button,
              section.panels[MeasuresPanel].enter_button, section.panels[MeasuresPanel].record_button,
              survey.default_button, survey.add_button, survey.edit_button, survey.remove_button,
              survey.answer_button]
    assert all(button.isHidden() for button in hidden)
    assert not section.report_button.isHidden()  # reading includes the report
    assert section.revise() is None and survey.enter_answers() is None and survey.add_question() is None
    # the store refuses too
    for refused in (lambda: plan_repo.save_followup(app.db, FollowUp("A1.1", LAST_YEAR, "done")),
                    lambda: plan_repo.revise_plan(app.db, "2", THIS_YEAR),
                    lambda: plan_repo.save_measure_value(app.db, MeasureValue("M1.1", LAST_YEAR, 0.5)),
                    lambda: survey_repo.save_answers(app.db, LAST_YEAR, "SOC", {1: 3})):
        with pytest.raises(PermissionDenied):
            refused()
    assert stored(app.db, LAST_YEAR)["A1.1"].status == "started"


def test_an_editor_answers_the_survey_only_for_their_administration(app, plan_db):
    with_admin(plan_db, lambda db: survey_repo.start_survey_year(db, LAST_YEAR))
    _window, section = open_plan(app, plan_db, EDITOR)
    section.show_year(LAST_YEAR)
    survey = section.panels[SurveyPanel]
    assert len(survey.questions.rows) == 6
    assert survey.add_button.isHidden()  # questions are the coordinator's
    assert survey.selected_administration().code == "SOC"  # the editor's own is chosen
    dialog = survey.enter_answers()
    fields = dialog.fields
    assert isinstance(fields[5], QComboBox) and isinstance(fields[1], QLineEdit)
    fields[1].setText("many")
    dialog.ok_button.click()
    assert dialog.isVisible() and "whole number" in dialog.message.text()
    assert survey_repo.answers(app.db, LAST_YEAR, "SOC") == []
    for number, text in ((1, "17"), (2, "4"), (3, "2"), (4, "1 230")):
        fields[number].setText(text)
    fields[5].setCurrentIndex(fields[5].findData(True))
    fields[6].setText("Fler ärenden än förra året")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert {a.question: a.value for a in survey_repo.answers(app.db, LAST_YEAR, "SOC")} == {
        1: 17, 2: 4, 3: 2, 4: 1230, 5: True, 6: "Fler ärenden än förra året"}
    completion = {c.code: survey.completion.index(i, 1).data() for i, c in enumerate(survey.completion.rows)}
    assert completion["SOC"] == "Complete" and completion["UBF"] == "Not answered"
    assert texts(survey.answers, 2)[3:5] == ["1,230", "Yes"]
    assert f"Collected: {LAST_YEAR}" in survey.pilot.text()

    # another administration: no way to answer, and the store refuses
    survey.select_administration("UBF")
    assert not survey.answer_button.isEnabled() and survey.enter_answers() is None
    with pytest.raises(PermissionDenied):
        survey_repo.save_answers(app.db, LAST_YEAR, "UBF", {1: 3})
    assert survey_repo.answers(app.db, LAST_YEAR, "UBF") == []


def test_the_coordinator_sets_questions_and_measure_values(app, plan_db, dialogs):
    _window, section = open_plan(app, plan_db, COORDINATOR)
    section.show_year(LAST_YEAR)
    survey = section.panels[SurveyPanel]
    assert survey.questions.rowCount() == 0 and survey.default_button.isEnabled()
    survey.use_defaults()
    assert survey.questions.rowCount() == 6
    add = survey.add_question()
    add.text.setText("Hur många anmälningar gjordes till polisen?")
    add.kind.setCurrentIndex(add.kind.findData("number"))
    add.required.setChecked(False)
    add.ok_button.click()
    survey.questions_view.selectRow(6)
    edit = survey.edit_question()
    assert edit.text.text() == "Hur många anmälningar gjordes till polisen?"
    edit.kind.setCurrentIndex(edit.kind.findData("yes_no"))
    edit.ok_button.click()
    last = survey_repo.questions(app.db, LAST_YEAR)[-1]
    assert (last.number, last.kind, last.required) == (7, "yes_no", False)
    survey.questions_view.selectRow(6)
    dialogs.expect(QUESTION, True)
    survey.remove_question()
    assert len(survey_repo.questions(app.db, LAST_YEAR)) == 6

    measures = section.panels[MeasuresPanel]
    codes = texts(measures.model, 1)
    measures.view.selectRow(codes.index("M3.1"))
    assert not measures.enter_button.isEnabled() and measures.enter_value() is None  # computed
    measures.view.selectRow(codes.index("M1.1"))
    dialog = measures.enter_value()
    dialog.value.setValue(45)
    dialog.ok_button.click()
    assert measures.model.index(codes.index("M1.1"), 3).data() == "45.0%"
    assert plan_repo.measure_overview(app.db, LAST_YEAR)[0].value.value == pytest.approx(0.45)
    measures.record_computed()
    m31 = measures.model.index(codes.index("M3.1"), 3).data()
    assert m31 == "0.0%"  # recorded: no longer "computed now"


def test_revision_keeps_the_old_version_readable(app, plan_db):
    _window, section = open_plan(app, plan_db, COORDINATOR)
    structure = section.panels[StructurePanel]
    assert not section.revise_button.isHidden() and section.revise_button.isEnabled()
    dialog = section.revise()
    assert dialog.version.text() == "2"
    dialog.first_year.setValue(THIS_YEAR)
    dialog.ok_button.click()
    assert section.version.count() == 2 and section.plan.version == "2"

    structure.activities_view.selectRow(row_of(structure.activities, "A1.1"))
    edit = structure.edit_activity()
    edit.set_responsible({"SN", "KS", "UN"})
    edit.lead.setCurrentIndex(edit.lead.findData("UN"))
    edit.ok_button.click()
    assert structure.activities.index(row_of(structure.activities, "A1.1"), 3).data() == "Education Committee"

    # the old version: readable, unchanged, not editable
    section.choose_version("1")
    assert section.year == LAST_YEAR and "read only" in section.version_note.text()
    assert len(structure.activities.rows) == 18
    assert structure.activities.index(row_of(structure.activities, "A1.1"), 3).data() == (
        "Social Services Committee")
    assert not structure.edit_button.isEnabled() and structure.edit_activity() is None
    assert not section.revise_button.isEnabled()
    assert plan_repo.load_plan(app.db, "1").activity("A1.1").lead == "SN"
    # choosing a year shows the version in force then
    section.show_year(THIS_YEAR)
    assert section.plan.version == "2"


def test_report_from_the_app(app, plan_db, dialogs, tmp_path_factory):
    with_admin(plan_db, lambda db: plan_repo.save_followup(
        db, FollowUp("A2.3", LAST_YEAR, "ongoing", "Screeningmetod används i tre enheter")))
    _window, section = open_plan(app, plan_db)
    out = tmp_path_factory.mktemp("reports") / "uppfoljning.pdf"
    dialogs.expect(SAVE_FILE, out).expect(CHOICE, 2)
    dialog = section.report_dialog()
    dialog.year.setValue(LAST_YEAR)
    dialog.ok_button.click()
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert f"Action plan follow-up {LAST_YEAR}" in text
    assert "Screeningmetod används i tre enheter" in text
    reports = audit.entries(app.db.conn, action="report")
    assert reports and reports[0].detail == {"year": LAST_YEAR}


def test_overview_shows_this_years_follow_up(app, plan_db):
    with_admin(plan_db, lambda db: plan_repo.save_followup(db, FollowUp("A1.1", THIS_YEAR, "started")))
    window, _section = open_plan(app, plan_db)
    figures = window.show_section("overview").figure_values()
    assert figures[f"Action plan follow-up {THIS_YEAR}"] == "1 of 18"


def test_every_plan_model(app, plan_db, qtmodeltester):
    def prepare(db):
        survey_repo.start_survey_year(db, LAST_YEAR)
        survey_repo.save_answers(db, LAST_YEAR, "SOC", {1: 5, 5: False})
        plan_repo.save_followup(db, FollowUp("A1.1", LAST_YEAR, "done", "Klart"))
    with_admin(plan_db, prepare)
    _window, section = open_plan(app, plan_db)
    section.show_year(LAST_YEAR)
    survey = section.panels[SurveyPanel]
    models = [section.panels[StructurePanel].goals, section.panels[StructurePanel].activities,
              section.panels[MeasuresPanel].model, section.panels[FollowUpPanel].model,
              survey.questions, survey.completion, survey.answers]
    for model in models:
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)


def test_every_tab_draws(app, plan_db, tmp_path):
    with_admin(plan_db, lambda db: survey_repo.start_survey_year(db, THIS_YEAR))
    window, section = open_plan(app, plan_db)
    for index in range(section.tabs.count()):
        section.tabs.setCurrentIndex(index)
        assert_drawn(window, tmp_path / f"plan-{index}.png")


def test_the_coordinator_edits_the_plan_structure(app, plan_db, dialogs):
    _window, section = open_plan(app, plan_db, COORDINATOR)
    structure = section.panels[StructurePanel]
    assert all(not b.isHidden() and b.isEnabled() for b in structure.plan_buttons)

    structure.goals_view.selectRow(1)
    goal = structure.edit_goal()
    goal.title.setText("Ny rubrik för målbild 2")
    goal.ok_button.click()
    assert plan_repo.load_plan(app.db).goals[1].title == "Ny rubrik för målbild 2"
    assert structure.goals.index(1, 1).data() == "Ny rubrik för målbild 2"

    # a new activity in the selected goal; a code already used is refused by the store
    structure.goals_view.selectRow(1)
    add = structure.add_activity()
    assert add.goal.currentData() == 2
    add.code.setText("A1.1")
    add.title.setText("Samråd med trossamfund")
    add.set_responsible({"SN", "KFN"})
    add.lead.setCurrentIndex(add.lead.findData("KFN"))
    add.timeframe.setText("2026")
    add.ok_button.click()
    assert add.isVisible() and "A1.1" in add.message.text()
    add.code.setText("A2.9")
    add.ok_button.click()
    assert not add.isVisible()
    new = plan_repo.load_plan(app.db).activity("A2.9")
    assert (new.title, new.responsible, new.lead, new.timeframe) == (
        "Samråd med trossamfund", ("SN", "KFN"), "KFN", "2026")
    assert plan_repo.load_plan(app.db).goals[1].activities[-1].code == "A2.9"
    assert len(structure.activities.rows) == 19

    # removing it, after the question
    structure.activities_view.selectRow(row_of(structure.activities, "A2.9"))
    dialogs.expect(QUESTION, True)
    structure.remove_activity()
    assert plan_repo.load_plan(app.db).activity("A2.9") is None and len(structure.activities.rows) == 18

    # measures: added, edited, removed
    measures = section.panels[MeasuresPanel]
    measures.view.selectRow(0)
    add = measures.add_measure()
    assert add.goal.currentData() == 1 and add.source.currentData() == "manual"
    add.code.setText("M1.2")
    add.title.setText("Andel skolor med handlingsplan")
    add.unit.setCurrentIndex(add.unit.findData("count"))
    add.ok_button.click()
    assert plan_repo.load_plan(app.db).goals[0].measures[-1] == Measure(
        "M1.2", "Andel skolor med handlingsplan", "manual", "count")
    measures.view.selectRow(texts(measures.model, 1).index("M1.2"))
    edit = measures.edit_measure()
    assert edit.title.text() == "Andel skolor med handlingsplan"
    edit.title.setText("Antal skolor med handlingsplan")
    edit.ok_button.click()
    assert plan_repo.load_plan(app.db).measure("M1.2").title == "Antal skolor med handlingsplan"
    measures.view.selectRow(texts(measures.model, 1).index("M1.2"))
    dialogs.expect(QUESTION, True)
    measures.remove_measure()
    assert plan_repo.load_plan(app.db).measure("M1.2") is None
    assert "M1.2" not in texts(measures.model, 1)


def test_an_activity_with_follow_ups_is_not_removed(app, plan_db, dialogs):
    with_admin(plan_db, lambda db: plan_repo.save_followup(db, FollowUp("A1.1", THIS_YEAR, "started")))
    _window, section = open_plan(app, plan_db, COORDINATOR)
    structure = section.panels[StructurePanel]
    before = plan_repo.load_plan(app.db)
    structure.activities_view.selectRow(row_of(structure.activities, "A1.1"))
    dialogs.expect(QUESTION, True)
    structure.remove_activity()
    assert "The activity A1.1 has follow-ups and cannot be removed." in dialogs.texts("error")[-1]
    assert plan_repo.load_plan(app.db) == before
    assert len(structure.activities.rows) == 18


def test_the_coordinator_sets_the_pilot_period(app, plan_db):
    _window, section = open_plan(app, plan_db, COORDINATOR)
    survey = section.panels[SurveyPanel]
    assert not survey.pilot_button.isHidden()
    first, length = survey_repo.pilot_period(app.db)
    dialog = survey.set_pilot_period()
    assert (dialog.first_year.value(), dialog.length.value()) == (first, length)
    dialog.first_year.setValue(first + 1)
    dialog.length.setValue(length + 2)
    dialog.ok_button.click()
    assert survey_repo.pilot_period(app.db) == (first + 1, length + 2)
    assert f"Pilot period {first + 1}–{first + length + 2} ({length + 2} years)" in survey.pilot.text()


def test_a_viewer_has_no_plan_editing(app, plan_db):
    _window, section = open_plan(app, plan_db, VIEWER)
    structure, measures = section.panels[StructurePanel], section.panels[MeasuresPanel]
    survey = section.panels[SurveyPanel]
    structure.goals_view.selectRow(0)
    structure.activities_view.selectRow(0)
    measures.view.selectRow(0)
    assert all(b.isHidden() for b in (*structure.plan_buttons, *measures.plan_buttons, survey.pilot_button))
    assert all(action() is None for action in (
        structure.edit_goal, structure.add_activity, structure.edit_activity, measures.add_measure,
        measures.edit_measure, survey.set_pilot_period))
    before = plan_repo.load_plan(app.db)
    structure.remove_activity()  # no question is asked (none is scripted), nothing changes
    measures.remove_measure()
    assert plan_repo.load_plan(app.db) == before
    with pytest.raises(PermissionDenied):
        survey_repo.set_pilot_period(app.db, 2030, 2)


def test_the_reporting_round_from_opening_to_ready(app, plan_db, dialogs):
    from hrvdesk.domain.plan_round import REMINDER_DAYS
    from hrvdesk.store import plan_round_repo
    from hrvdesk.ui.sections.plan_round import RoundPanel

    deadline = dt.date.today() + dt.timedelta(days=REMINDER_DAYS - 1)
    _window, section = open_plan(app, plan_db, COORDINATOR)
    section.show_year(LAST_YEAR)
    panel = section.show_panel(RoundPanel)
    assert "has not been opened" in panel.heading.text() and not panel.open_button.isHidden()
    dialog = panel.open_round()
    dialog.deadline.setDate(deadline)
    dialog.ok_button.click()
    assert plan_round_repo.round_for(app.db, LAST_YEAR).deadline == deadline
    assert "0 of" in panel.heading.text() and "0 overdue" in panel.heading.text()
    committees = texts(panel.model, 0)
    assert "Culture and Leisure Committee" in committees   # responsible, never the lead
    app.lock()

    # the social services' representative is reminded at unlock and reports SN's share
    window = unlock(app, plan_db, EDITOR, OTHER_PASSPHRASE)
    app.set_language("en")
    assert f"The plan follow-up of {LAST_YEAR} is due" in window.statusBar().currentMessage()
    section = window.show_section("plan")
    section.show_year(LAST_YEAR)
    panel = section.show_panel(RoundPanel)
    assert not panel.ready_button.isHidden() and panel.open_button.isHidden()
    panel.ready_button.click()                         # nothing reported yet: refused, said why
    assert "not reported yet" in dialogs.texts()[-1]
    for line in plan_repo.year_followup(app.db, LAST_YEAR):
        if "SN" in line.activity.responsible:
            plan_repo.save_followup(app.db, FollowUp(line.activity.code, LAST_YEAR, "done"))
    panel.ready_button.click()
    row = texts(panel.model, 0).index("Social Services Committee")
    assert panel.model.index(row, 3).data().startswith(f"Ready ({EDITOR},")
    assert panel.ready_button.isHidden() and "1 of" in panel.heading.text()


def test_the_coordinator_sets_a_measures_target(app, plan_db):
    _window, section = open_plan(app, plan_db, COORDINATOR)
    panel = section.show_panel(MeasuresPanel)
    row = next(i for i, m in enumerate(panel.model.rows) if m.measure.unit == "share")
    panel.view.setCurrentIndex(panel.model.index(row, 0))
    dialog = panel.set_target()
    dialog.value.setValue(80)
    dialog.ok_button.click()
    code = panel.model.rows[row].measure.code
    assert plan_repo.measure_targets(app.db) == {code: 0.8}
    assert panel.model.index(row, 4).data() == "80.0%"


def test_the_version_note_says_when_the_plan_may_next_be_revised(app, plan_db):
    from hrvdesk.domain.plan import next_revision

    _window, section = open_plan(app, plan_db)
    due = next_revision(section.versions[0].adopted_year, dt.date.today().year)
    assert f"The next opportunity to revise the plan (every other year) is {due}." in \
        section.version_note.text()


def test_the_plan_report_for_one_committee_from_the_app(app, plan_db, dialogs, tmp_path_factory):
    from hrvdesk.ui.work_widgets import select_data

    _window, section = open_plan(app, plan_db)
    out = tmp_path_factory.mktemp("reports") / "kfn.pdf"
    dialogs.expect(SAVE_FILE, out).expect(CHOICE, 2)
    dialog = section.report_dialog()
    dialog.year.setValue(LAST_YEAR)
    select_data(dialog.committee, "KFN")
    dialog.ok_button.click()
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages))
    assert f"Action plan follow-up {LAST_YEAR}: Culture and Leisure Committee" in text
    assert audit.entries(app.db.conn, action="report")[0].detail == {"year": LAST_YEAR, "committee": "KFN"}


def test_a_committee_proposes_and_the_coordinator_decides(app, plan_db, dialogs):
    from hrvdesk.store import plan_proposals_repo
    from hrvdesk.ui.sections.plan_proposals import ProposalsPanel

    _window, section = open_plan(app, plan_db, EDITOR)      # erik, SOC: Social Services Committee
    panel = section.show_panel(ProposalsPanel)
    assert "No activity has been proposed" in panel.heading.text()
    assert panel.accept_button.isHidden() and panel.decline_button.isHidden()
    dialog = panel.propose()
    assert [dialog.committee.itemText(i) for i in range(dialog.committee.count())] == [
        "Social Services Committee"]
    dialog.goal.setCurrentIndex(1)
    dialog.ok_button.click()                                 # no activity described: refused
    assert dialog.isVisible()
    dialog.title.setText("Samtalsgrupper för föräldrar")
    dialog.reason.setPlainText("Når fler familjer")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert texts(panel.model, 1) == ["Samtalsgrupper för föräldrar"]
    assert texts(panel.model, 3) == ["Awaiting decision"] and "1 proposal awaits" in panel.heading.text()
    app.lock()

    window, section = open_plan(app, plan_db, COORDINATOR)  # told at unlock
    assert "1 proposed activity awaits your decision" in window.statusBar().currentMessage()
    panel = section.show_panel(ProposalsPanel)
    assert not panel.accept_button.isHidden() and not panel.accept_button.isEnabled()
    panel.view.selectRow(0)
    assert panel.accept_button.isEnabled()
    dialogs.expect(QUESTION, True)
    panel.accept_button.click()
    [decided] = plan_proposals_repo.proposals(app.db)
    assert decided.state == "accepted" and texts(panel.model, 3) == [f"Accepted: {decided.activity}"]
    assert not panel.accept_button.isEnabled()
    structure = section.show_panel(StructurePanel)
    added = structure.activities.rows[row_of(structure.activities, decided.activity)].activity
    assert (added.title, added.lead) == ("Samtalsgrupper för föräldrar", "SN")


def test_what_is_reported_is_on_screen_beside_the_activity_at_the_default_size(app, plan_db):
    """At 1100×720 the follow-up's status and comment, the measures' state against the target
    and a proposal's decision are visible without scrolling away from what they are about."""
    from PySide6.QtWidgets import QApplication

    from hrvdesk.ui.sections.plan_proposals import ProposalsPanel

    window, section = open_plan(app, plan_db)
    window.resize(1100, 720)
    QApplication.processEvents()

    def visible(panel, column: int, shown: int | None = None) -> bool:
        """The column's first ``shown`` pixels (all of it by default) are in the viewport."""
        view = panel.view
        start, width = view.columnViewportPosition(column), view.columnWidth(column)
        return 0 <= start and start + min(width, shown or width) <= view.viewport().width()

    followup = section.show_panel(FollowUpPanel)
    assert visible(followup, STATUS) and visible(followup, COMMENT, shown=60)
    measures = section.show_panel(MeasuresPanel)
    assert visible(measures, 5)  # against the target, beside the value and the target
    proposals = section.show_panel(ProposalsPanel)
    assert visible(proposals, 3)  # the decision
