"""The Training section on a real database: the list and its filters, a training that
breaks the co-organisation rule, pseudonymous completions (the raw identifier is nowhere
to be found afterwards), the import preview (a rejected row writes nothing, a good file
imports all its rows), the coverage view against the store, the chart's threshold line,
missing headcounts flagged, role rules, the report, the Overview's figures, every model,
and a screenshot of every tab."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader
from PySide6.QtCharts import QBarSeries
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from hrvdesk.domain.errors import PermissionDenied
from hrvdesk.domain.training import AggregateAttendance, Headcount, Training
from hrvdesk.i18n import format_percent
from hrvdesk.io.report_training import TREND_YEARS
from hrvdesk.services.importing import check_file
from hrvdesk.store import audit, training_repo
from hrvdesk.store.database import Database
from hrvdesk.ui.actions import Act
from hrvdesk.ui.dialogs import CHOICE, OPEN_FILE, QUESTION, SAVE_FILE
from hrvdesk.ui.models import ROW_ROLE
from hrvdesk.ui.sections.training import TrainingsPanel
from hrvdesk.ui.sections.training_coverage import HEADCOUNT_COLUMN, CoveragePanel
from hrvdesk.ui.sections.training_dialogs import TrainingDialog
from hrvdesk.ui.sections.training_panels import HeadcountModel, HeadcountsPanel, ImportPanel
from hrvdesk.ui.work_widgets import format_share, select_data
from tests.conftest import ADMIN, PASSPHRASE
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, VIEWER, unlock
from tests.ui.test_screenshots import assert_drawn

TODAY = dt.date.today()
THIS_YEAR, LAST_YEAR = TODAY.year, TODAY.year - 1
JAN_1 = dt.date(THIS_YEAR, 1, 1)
RAW_ID = "Anst-884213@Botkyrka.se"
HEADCOUNT, TARGET_GROUP = HeadcountModel.HEADCOUNT, HeadcountModel.TARGET_GROUP
TITLE, RULE = 2, 9  # columns of the trainings list


def training(title: str, topics=("hrv",), administrations=("UBF",), day: dt.date = JAN_1,
             vpc: bool = False, **more) -> Training:
    return Training(0, title, frozenset(topics), "classroom", day, administrations=tuple(administrations),
                    vpc_coorganised=vpc, **more)


def with_admin(db_file, work):
    """Prepare data as the administrator before the user under test signs in."""
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        return work(db)


def open_training(app, db_file, user: str = ADMIN):
    window = unlock(app, db_file, user, PASSPHRASE if user == ADMIN else OTHER_PASSPHRASE)
    assert window is not None, app.unlock.message.text()
    app.set_language("en")
    return window, window.show_section("training")


def texts(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def three_trainings(db) -> dict[str, int]:
    return {t.title: training_repo.save_training(db, t) for t in (
        training("Heder i förskola och skola", day=dt.date(LAST_YEAR - 1, 3, 1), organiser="VPC"),
        training("Könsstympning – bemötande", topics=("fgm",), administrations=("SOC",), day=JAN_1,
                 organiser="Elevhälsan", hours=Decimal("1.5")),
        training("Samtal med barn om våld", topics=("dv", "hrv"), administrations=("SOC", "UBF"),
                 day=dt.date(LAST_YEAR, 5, 2), end_date=dt.date(LAST_YEAR, 5, 3), vpc=True),
    )}


def test_list_and_filters(app, db_file):
    with_admin(db_file, three_trainings)
    _window, section = open_training(app, db_file)
    panel = section.panel(TrainingsPanel)
    assert sorted(texts(panel.model, TITLE)) == sorted(
        ["Heder i förskola och skola", "Könsstympning – bemötande", "Samtal med barn om våld"])
    assert panel.count.text() == "3 trainings shown."

    def shown(**filters) -> list[str]:
        for combo, value in ((panel.year_filter, filters.get("year")), (panel.topic_filter, filters.get("topic")),
                             (panel.administration_filter, filters.get("administration"))):
            combo.setCurrentIndex(combo.findData(value) if value is not None else 0)
        panel.search.setText(filters.get("search", ""))
        return sorted(texts(panel.model, TITLE))

    assert shown(year=LAST_YEAR) == ["Samtal med barn om våld"]
    assert shown(topic="hrv") == ["Heder i förskola och skola", "Samtal med barn om våld"]
    assert shown(topic="hrv", administration="SOC") == ["Samtal med barn om våld"]
    assert shown(search="elevhälsan") == ["Könsstympning – bemötande"]  # the organiser
    assert shown(search="BARN") == ["Samtal med barn om våld"]
    assert shown(year=THIS_YEAR, topic="dv") == []
    assert panel.count.text() == "0 trainings shown."
    assert shown() and panel.model.rowCount() == 3
    row = texts(panel.model, TITLE).index("Könsstympning – bemötande")
    assert [panel.model.index(row, c).data() for c in (3, 4, 5, 7, 8)] == [
        "Female genital mutilation", "Classroom", "1.5", "SOC", "No"]

    # narrowing the search keeps the selected training: its completions are not read (and
    # the viewing audited) again for every key typed
    panel.select(panel.model.rows[row].training.id)
    views = len(audit.entries(app.db.conn, action="view"))
    for typed in ("k", "kö", "kön"):
        panel.search.setText(typed)
    assert texts(panel.model, TITLE) == ["Könsstympning – bemötande"]
    assert len(audit.entries(app.db.conn, action="view")) == views

    # Ctrl+F from another tab goes to the search field of the list
    section.show_panel(CoveragePanel)
    section.ctx.window.registry.action(Act.FIND).trigger()
    assert section.tabs.currentWidget() is panel


def test_create_training_shows_the_co_organisation_warning(app, db_file):
    window, section = open_training(app, db_file)
    panel = section.panel(TrainingsPanel)
    window.registry.action(Act.NEW_RECORD).trigger()  # Ctrl+N
    [dialog] = [w for w in QApplication.topLevelWidgets() if isinstance(w, TrainingDialog) and w.isVisible()]
    dialog.title.setText("Heder och normer – fördjupning")
    dialog.topics.set_chosen({"hrv"})
    dialog.administrations.set_chosen({"UBF"})
    assert dialog.rule_warning.isHidden()  # one administration: no rule
    dialog.administrations.set_chosen({"UBF", "KOF"})
    assert not dialog.rule_warning.isHidden()
    assert "given to 2 administrations" in dialog.rule_warning.text()
    dialog.vpc.setChecked(True)
    assert dialog.rule_warning.isHidden()
    dialog.vpc.setChecked(False)
    dialog.hours.setText("two")
    dialog.ok_button.click()
    assert dialog.isVisible() and "hours must be a number" in dialog.message.text()
    dialog.hours.setText("2,5")
    dialog.organiser.setText("Utbildningsförvaltningen")
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.message.text()

    [stored] = training_repo.trainings(app.db)
    assert (stored.title, stored.topics, stored.administrations, stored.hours, stored.vpc_coorganised) == (
        "Heder och normer – fördjupning", {"hrv"}, ("KOF", "UBF"), Decimal("2.5"), False)
    assert panel.selected().id == stored.id
    assert panel.model.index(0, RULE).data() == "Breaks the co-organisation rule"
    assert panel.model.index(0, RULE).data(Qt.ItemDataRole.DecorationRole) is not None
    assert not panel.rule_warning.isHidden() and "Heder och normer" in panel.rule_warning.text()

    # co-organised after all: the warning goes
    edit = panel.edit_training()
    assert edit.title.text() == stored.title and not edit.rule_warning.isHidden()
    edit.vpc.setChecked(True)
    edit.ok_button.click()
    assert training_repo.training(app.db, stored.id).vpc_coorganised
    assert panel.model.index(0, RULE).data() == "" and panel.rule_warning.isHidden()


def model_values(model: QAbstractItemModel) -> str:
    """Everything a model gives (text, tooltips, edit values, the row objects)."""
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole,
             Qt.ItemDataRole.AccessibleTextRole, ROW_ROLE)
    root = QModelIndex()
    columns = 1 if isinstance(model, QAbstractListModel) else model.columnCount(root)
    return "\n".join(repr(model.index(r, c).data(role)) for r in range(model.rowCount(root))
                     for c in range(columns) for role in roles)


def raw_id_nowhere(window, folder) -> None:
    variants = [RAW_ID, RAW_ID.lower()]
    everything = "\n".join(model_values(m) for m in window.findChildren(QAbstractItemModel))
    everything += "\n".join(e.text() for e in QApplication.instance().allWidgets() if isinstance(e, QLineEdit))
    assert not any(v in everything for v in variants)
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(v.encode() in data or v.encode("utf-16-le") in data for v in variants), path


def test_completions_are_pseudonymous_and_attendance_is_separate(app, db_file, dialogs, tmp_path):
    ids = with_admin(db_file, three_trainings)
    window, section = open_training(app, db_file)
    panel = section.panel(TrainingsPanel)
    panel.select(ids["Samtal med barn om våld"])
    dialog = panel.add_completion()
    assert dialog.person.echoMode() == QLineEdit.EchoMode.PasswordEchoOnEdit
    dialog.ok_button.click()
    assert dialog.isVisible() and "is required" in dialog.message.text()
    dialog.person.setText(RAW_ID)
    dialog.administration.setCurrentIndex(dialog.administration.findData("UBF"))
    dialog.unit.setText("Tumba förskola")
    dialog.completed_on.setDate(dialog.completed_on.date().addDays(1))  # 3 May
    dialog.ok_button.click()
    assert not dialog.isVisible(), dialog.message.text()
    assert dialog.person.text() == ""  # emptied when the form closed

    [row] = panel.completions.rows
    with Database.open(db_file, ADMIN, PASSPHRASE) as other:  # the store's own pseudonym, from the key
        key = training_repo.PersonRegister(other.conn).pseudonym(RAW_ID)
    assert row.person == key[:training_repo.PERSON_LABEL_LENGTH] and RAW_ID not in repr(row)
    assert texts(panel.completions, 0) == [row.person]
    assert texts(panel.completions, 2) == ["Tumba förskola"]
    assert row.completed_date == dt.date(LAST_YEAR, 5, 3)

    # the same person again (any spelling of the address) is refused
    again = panel.add_completion()
    again.person.setText(" " + RAW_ID.upper() + " ")
    again.administration.setCurrentIndex(again.administration.findData("UBF"))
    again.completed_on.setDate(dialog.completed_on.date())
    again.ok_button.click()
    assert again.isVisible() and "already recorded" in again.message.text()
    again.reject()

    attendance = panel.add_attendance()
    attendance.administration.setCurrentIndex(attendance.administration.findData("SOC"))
    attendance.participants.setValue(35)
    attendance.ok_button.click()
    assert texts(panel.attendance, 1) == ["35"]
    assert panel.completions.rowCount() == 1  # attendance is listed apart, not as persons
    row_index = texts(panel.model, TITLE).index("Samtal med barn om våld")
    assert texts(panel.model, 10)[row_index] == "1" and texts(panel.model, 11)[row_index] == "35"

    raw_id_nowhere(window, tmp_path)
    conn = app.db.conn  # nor in any table of the decrypted database, the audit log included
    tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    dump = repr([conn.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables]).casefold()
    assert RAW_ID.casefold() not in dump and "tumba förskola" in dump

    # removing the completion asks first
    panel.completions_view.selectRow(0)
    dialogs.expect(QUESTION, True)
    panel.remove_completion()
    assert panel.completions.rowCount() == 0


def write_csv(path, header: str, rows: list[str]) -> None:
    """A file as Swedish Excel saves it: semicolons, Windows-1252, CRLF."""
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode("cp1252"))


TRAINING_HEADER = "anställningsnummer;förvaltning;enhet;utbildning;ämnen;form;datum;timmar"


def test_import_preview_writes_nothing_until_a_good_file_is_imported(app, db_file, dialogs, tmp_path_factory):
    folder = tmp_path_factory.mktemp("import")
    bad, good = folder / "bad.csv", folder / "good.csv"
    rows = [f"E1001;UBF;Tumba skola;Grundkurs heder;heder;webb;{LAST_YEAR}-03-01;1,5",
            f"{RAW_ID};SOC;;Grundkurs heder;heder;webb;{LAST_YEAR}-03-02;1,5",
            f"E1003;KOF;Fritidsgård Alby;Könsstympning;könsstympning;fysisk;{LAST_YEAR}-04-01;"]
    write_csv(bad, TRAINING_HEADER, [*rows, f"E1004;XYZ;;Grundkurs heder;heder;webb;{LAST_YEAR}-03-05;1"])
    write_csv(good, TRAINING_HEADER, rows)
    window, section = open_training(app, db_file)
    panel = section.show_panel(ImportPanel)

    dialogs.expect(OPEN_FILE, bad)
    panel.choose("training")
    assert texts(panel.accepted, 0) == ["2", "3", "4"]
    assert texts(panel.rejected, 0) == ["5"] and texts(panel.rejected, 1) == ["förvaltning"]
    assert "XYZ" in texts(panel.rejected, 2)[0]
    assert "4 rows read, 3 accepted, 1 rejected" in panel.summary.text()
    assert not panel.import_button.isEnabled()
    panel.import_now()  # nothing to import
    assert training_repo.trainings(app.db) == [] and not audit.entries(app.db.conn, action="import")
    raw_id_nowhere(window, folder.parent / "nothing")  # the preview does not show identifiers

    dialogs.expect(OPEN_FILE, good)
    panel.choose()
    assert panel.rejected.rowCount() == 0 and panel.import_button.isEnabled()
    assert texts(panel.accepted, 3) == ["Grundkurs heder", "Grundkurs heder", "Könsstympning"]
    assert "would add 3 new" in panel.summary.text()
    assert training_repo.trainings(app.db) == []  # still nothing written
    panel.import_now()
    assert "Imported: 3 new" in panel.summary.text()
    assert (panel.progress.value(), panel.progress.maximum()) == (3, 3)
    assert not panel.import_button.isEnabled()
    counts = training_repo.completion_counts(app.db)
    assert sum(n for n, _a in counts.values()) == 3 and len(training_repo.trainings(app.db)) == 2
    assert audit.entries(app.db.conn, action="import")[0].detail["added"] == 3
    raw_id_nowhere(window, folder.parent / "nothing")

    # the same file again: all rows already present, nothing added
    dialogs.expect(OPEN_FILE, good)
    panel.choose()
    assert "would add 0 new and replace 0; 3 are already present" in panel.summary.text()

    # headcounts from HR, started from the Headcounts tab
    hr = folder / "hr.csv"
    write_csv(hr, "år;förvaltning;antal_anställda;målgrupp", [f"{THIS_YEAR};UBF;3100;2600", f"{THIS_YEAR};SOC;820;"])
    headcounts = section.show_panel(HeadcountsPanel)
    dialogs.expect(OPEN_FILE, hr)
    headcounts.import_file()
    assert section.tabs.currentWidget() is panel and panel.chosen_kind == "headcount"
    assert texts(panel.accepted, 3) == ["3,100", "820"]
    panel.import_now()
    assert {h.administration: h.headcount for h in training_repo.headcounts(app.db, THIS_YEAR)} == {
        "UBF": 3100, "SOC": 820}
    section.show_panel(HeadcountsPanel)
    codes = texts(headcounts.model, 0)
    assert headcounts.model.index(codes.index("UBF"), HEADCOUNT).data() == "3,100"


def coverage_data(db) -> None:
    """UBF: 9 of 10 trained (ensured); SOC: 1 of 4; KOF: 2 trained, no headcount."""
    hrv = training_repo.save_training(db, training("Grundkurs heder", administrations=("UBF", "SOC", "KOF"), vpc=True))
    fgm = training_repo.save_training(db, training("Könsstympning", topics=("fgm",), administrations=("UBF",)))
    for i in range(9):
        training_repo.add_completion(db, hrv, f"ubf-{i}", "UBF", JAN_1, unit="Tumba skola" if i < 5 else None)
    training_repo.add_completion(db, hrv, "soc-1", "SOC", JAN_1)
    training_repo.add_completion(db, fgm, "ubf-1", "UBF", JAN_1)
    for i in range(2):
        training_repo.add_completion(db, hrv, f"kof-{i}", "KOF", JAN_1)
    training_repo.save_headcount(db, Headcount(THIS_YEAR, "UBF", 10, 8))
    training_repo.save_headcount(db, Headcount(THIS_YEAR, "SOC", 4))
    training_repo.save_headcount(db, Headcount(LAST_YEAR, "UBF", 10))


def test_coverage_view_shows_what_the_store_computes(app, db_file):
    with_admin(db_file, coverage_data)
    _window, section = open_training(app, db_file)
    panel = section.show_panel(CoveragePanel)
    assert (panel.year, panel.chosen_topic) == (THIS_YEAR, "hrv")
    result = training_repo.coverage_for(app.db, THIS_YEAR, "hrv")
    model = panel.model
    rows = {line.name: line for line in model.rows}
    for adm in result.administrations:
        i = texts(model, 0).index(adm.name)
        assert [model.index(i, c).data() for c in (4, 5, 6, 1)] == [  # trained, staff, target group, coverage
            str(adm.trained), "" if adm.headcount is None else str(adm.headcount),
            "" if adm.target_group is None else str(adm.target_group),
            "" if adm.coverage is None else format_share(adm.coverage)]
    ubf, soc, kof = (rows[a.name] for code in ("UBF", "SOC", "KOF")
                     for a in result.administrations if a.code == code)
    assert (ubf.trained, ubf.headcount, ubf.coverage, ubf.state) == (9, 10, pytest.approx(0.9), "Yes, ensured")
    assert (soc.coverage, soc.state) == (pytest.approx(0.25), "No, below the threshold")
    assert (kof.trained, kof.coverage, kof.state) == (2, None, "No headcount – not computed")
    total = model.rows[-1]
    assert total.total and (total.trained, total.headcount) == (12, 14)
    assert total.coverage == pytest.approx(10 / 14) and total.state == "1 of 2 administrations ensured"
    # the plan's measure counts staff who work with children (UBF's target group of 8 only)
    assert ("The action plan's measure: 1 of 1 administrations with a target-group figure have "
            "ensured knowledge among staff who work with children (100.0%)") in panel.measure.text()
    assert "Of the whole staff: 1 of 2 administrations with a headcount (50.0%)" in panel.measure.text()
    assert texts(model, 2)[texts(model, 0).index(ubf.name)] == format_share(9 / 8)
    assert texts(model, 2)[texts(model, 0).index(soc.name)] == ""   # no target-group figure

    # missing headcounts are flagged in words, every one of them
    assert not panel.missing.isHidden()
    missing = [a.name for a in result.administrations if a.headcount is None]
    assert len(missing) == 5 and all(name in panel.missing.text() for name in missing)

    # the chart: one bar per administration and the threshold line across it
    bars = panel.bars()
    assert bars == [pytest.approx((a.coverage or 0) * 100) for a in result.administrations]
    assert any(isinstance(s, QBarSeries) for s in panel.chart.series())
    line = panel.threshold_line
    assert line in panel.chart.series() and line.name() == "Threshold 80%"
    assert {p.y() for p in line.points()} == {80.0}
    assert panel.trend_threshold_line in panel.trend_chart.series()
    assert "UBF: 90.0%" in panel.chart_view.accessibleDescription()

    # units, and the trend ending with the year shown
    assert [(u.unit.unit, u.unit.trained, u.unit.headcount) for u in panel.units.rows] == [
        ("Tumba skola", 5, None)]
    assert texts(panel.units, 4) == [""]   # no headcount of its own: unknown, not 0 %

    # all topics the plan requires: only ubf-1 has HRV and FGM, and nobody DV
    select_data(panel.topic, "required")   # the tests' task runner is synchronous
    assert panel.result.topic == "hrv+fgm+dv"
    assert panel.result.total.trained == 0 and "Domestic violence" in panel.trend_chart.title()
    select_data(panel.topic, "hrv")
    assert [r.year for r in panel.trend_model.rows] == list(range(THIS_YEAR - TREND_YEARS + 1, THIS_YEAR + 1))
    assert panel.trend_model.rows[-1].total == result.total

    # another topic
    panel.topic.setCurrentIndex(panel.topic.findData("fgm"))
    fgm = training_repo.coverage_for(app.db, THIS_YEAR, "fgm")
    assert [(line.trained, line.coverage) for line in panel.model.rows[:-1]] == [
        (a.trained, a.coverage) for a in fgm.administrations]
    assert panel.model.rows[-1].coverage == pytest.approx(1 / 14)

    # another year: last year only UBF has a headcount, nobody trained yet
    panel.year_box.setValue(LAST_YEAR)
    last = training_repo.coverage_for(app.db, LAST_YEAR, "fgm")
    assert panel.result == last and panel.model.rows[-1].coverage == 0


def test_headcounts_missing_flagged_and_edited_by_an_editor(app, db_file, dialogs):
    with_admin(db_file, lambda db: training_repo.save_headcount(db, Headcount(THIS_YEAR, "UBF", 3100, 2600)))
    _window, section = open_training(app, db_file, EDITOR)  # erik edits for SOC
    panel = section.show_panel(HeadcountsPanel)
    model = panel.model
    codes = texts(model, 0)
    soc, ubf = codes.index("SOC"), codes.index("UBF")
    assert model.index(soc, 4).data() == "No headcount – coverage cannot be computed"
    assert model.index(ubf, 4).data() == "Entered"
    assert "1 of 7 administrations entered" in panel.summary.text() and "SOC" in panel.summary.text()
    editable = Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(soc, HEADCOUNT)) & editable
    assert not model.flags(model.index(ubf, HEADCOUNT)) & editable
    assert not model.flags(model.index(soc, 1)) & editable

    assert not model.setData(model.index(soc, TARGET_GROUP), "300")  # headcount first
    assert "Enter the headcount first" in dialogs.texts("error")[-1]
    assert model.setData(model.index(soc, HEADCOUNT), "820")
    assert model.setData(model.index(soc, TARGET_GROUP), "370")
    assert not model.setData(model.index(soc, TARGET_GROUP), "900")  # above the headcount
    assert not model.setData(model.index(soc, HEADCOUNT), "many")
    assert len(dialogs.texts("error")) == 3
    assert training_repo.headcounts(app.db, THIS_YEAR)[0] == Headcount(THIS_YEAR, "SOC", 820, 370)
    assert model.index(soc, 4).data() == "Entered" and "2 of 7" in panel.summary.text()

    # not the editor's administration: refused by the table and by the store
    assert not model.setData(model.index(ubf, HEADCOUNT), "1")
    with pytest.raises(PermissionDenied):
        training_repo.save_headcount(app.db, Headcount(THIS_YEAR, "UBF", 1))
    assert training_repo.headcounts(app.db, THIS_YEAR)[1].headcount == 3100

    # the coverage view reads the new figure
    coverage = section.show_panel(CoveragePanel)
    names = texts(coverage.model, 0)
    soc_name = model.rows[soc].name
    assert coverage.model.index(names.index(soc_name), HEADCOUNT_COLUMN).data() == "820"
    assert soc_name not in coverage.missing.text()

    panel = section.show_panel(HeadcountsPanel)
    panel.view.selectRow(soc)
    dialogs.expect(QUESTION, True)
    panel.remove()
    assert [h.administration for h in training_repo.headcounts(app.db, THIS_YEAR)] == ["UBF"]


def test_an_editor_changes_only_trainings_of_their_own_administration(app, db_file):
    ids = with_admin(db_file, three_trainings)
    _window, section = open_training(app, db_file, EDITOR)
    panel = section.panel(TrainingsPanel)
    panel.select(ids["Samtal med barn om våld"])  # SOC and UBF
    assert not panel.edit_button.isEnabled() and panel.edit_training() is None
    panel.select(ids["Könsstympning – bemötande"])  # SOC alone
    assert panel.edit_button.isEnabled()
    dialog = panel.new_training()
    enabled = [dialog.administrations.item(i).data(Qt.ItemDataRole.UserRole)
               for i in range(dialog.administrations.count())
               if dialog.administrations.item(i).flags() & Qt.ItemFlag.ItemIsEnabled]
    assert enabled == ["SOC"]
    dialog.reject()
    completion = panel.add_completion()
    assert [completion.administration.itemData(i) for i in range(completion.administration.count())] == ["SOC"]
    completion.reject()


def test_a_viewer_reads_but_cannot_change_anything(app, db_file):
    ids = with_admin(db_file, lambda db: (three_trainings(db), coverage_data(db))[0])
    _window, section = open_training(app, db_file, VIEWER)
    assert ImportPanel not in section.panels and section.tabs.count() == 3
    assert not section.report_button.isHidden()  # reading includes the report
    panel = section.panel(TrainingsPanel)
    assert panel.model.rowCount() == 5
    panel.select(ids["Samtal med barn om våld"])
    hidden = [panel.new_button, panel.edit_button, panel.delete_button, panel.add_completion_button,
              panel.remove_completion_button, panel.add_attendance_button, panel.remove_attendance_button]
    assert all(button.isHidden() for button in hidden)
    assert panel.new_training() is None and panel.edit_training() is None and panel.add_completion() is None
    headcounts = section.show_panel(HeadcountsPanel)
    assert headcounts.remove_button.isHidden() and headcounts.import_button.isHidden()
    assert "Read only" in headcounts.hint.text()
    model = headcounts.model
    assert not any(model.flags(model.index(r, c)) & Qt.ItemFlag.ItemIsEditable
                   for r in range(model.rowCount()) for c in range(model.columnCount()))
    assert not model.setData(model.index(0, HEADCOUNT), "5")
    # the store refuses too
    db = app.db
    for refused in (lambda: training_repo.save_training(db, training("Ny")),
                    lambda: training_repo.delete_training(db, ids["Samtal med barn om våld"]),
                    lambda: training_repo.add_completion(db, ids["Samtal med barn om våld"], "x-1", "UBF", JAN_1),
                    lambda: training_repo.add_attendance(db, AggregateAttendance(
                        ids["Samtal med barn om våld"], "UBF", 3, JAN_1)),
                    lambda: training_repo.save_headcount(db, Headcount(THIS_YEAR, "UBF", 5)),
                    lambda: check_file(db, "headcount", "nowhere.csv")):
        with pytest.raises(PermissionDenied):
            refused()
    assert len(training_repo.trainings(db)) == 5


def test_report_from_the_app(app, db_file, dialogs, tmp_path_factory):
    with_admin(db_file, coverage_data)
    _window, section = open_training(app, db_file)
    out = tmp_path_factory.mktemp("reports") / "utbildning.pdf"
    dialogs.expect(SAVE_FILE, out).expect(CHOICE, 2)
    dialog = section.report_dialog()
    assert dialog.year.value() == THIS_YEAR
    dialog.ok_button.click()
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert f"Training coverage {THIS_YEAR}" in text
    assert audit.entries(app.db.conn, action="report")[0].detail == {"year": THIS_YEAR}


def test_overview_figures(app, db_file):
    with_admin(db_file, coverage_data)
    window, _section = open_training(app, db_file)
    figures = window.show_section("overview").figure_values()
    result = training_repo.coverage_for(app.db, THIS_YEAR, "hrv")
    assert figures[f"HRV training coverage {THIS_YEAR}"] == format_percent(result.total.coverage) == "71.4%"
    plan = training_repo.required_coverage_for(app.db, THIS_YEAR).total
    assert plan.administrations_with_target_group == 1          # UBF's target group only
    assert figures[f"Administrations with ensured knowledge {THIS_YEAR}"] == format_percent(
        plan.target_ensured_share) == "0.0%"                   # nobody has all three topics


def test_every_training_model(app, db_file, dialogs, qtmodeltester, tmp_path_factory):
    ids = with_admin(db_file, lambda db: (three_trainings(db), coverage_data(db))[0])
    with_admin(db_file, lambda db: training_repo.add_attendance(
        db, AggregateAttendance(ids["Samtal med barn om våld"], "SOC", 12, JAN_1)))
    _window, section = open_training(app, db_file)

    def check(*models) -> None:
        for model in models:
            assert model.rowCount() > 0
            qtmodeltester.check(model, force_py=True)

    trainings = section.panel(TrainingsPanel)
    trainings.select(next(r.training.id for r in trainings.model.rows if r.completions))
    check(trainings.model, trainings.completions)
    trainings.select(ids["Samtal med barn om våld"])
    check(trainings.attendance)
    check(section.show_panel(HeadcountsPanel).model)
    coverage = section.show_panel(CoveragePanel)
    check(coverage.model, coverage.units, coverage.trend_model)
    panel = section.show_panel(ImportPanel)
    bad = tmp_path_factory.mktemp("files") / "bad.csv"
    write_csv(bad, TRAINING_HEADER, [f"E1;UBF;;Kurs;heder;webb;{LAST_YEAR}-01-01;1",
                                     f"E2;UBF;;Kurs;heder;webb;{THIS_YEAR + 1}-01-01;1"])
    dialogs.expect(OPEN_FILE, bad)
    panel.choose("training")
    check(panel.previews["training"], panel.rejected)
    hr = bad.with_name("hr.csv")
    write_csv(hr, "year;administration;headcount;target_group", [f"{THIS_YEAR};KOF;400;300"])
    dialogs.expect(OPEN_FILE, hr)
    panel.choose("headcount")
    check(panel.previews["headcount"])


def test_every_tab_draws_and_switches_language(app, db_file, tmp_path):
    with_admin(db_file, coverage_data)
    window, section = open_training(app, db_file)
    for index in range(section.tabs.count()):
        section.tabs.setCurrentIndex(index)
        assert_drawn(window, tmp_path / f"training-{index}.png")
    coverage = section.panel(CoveragePanel)
    for index in range(coverage.tabs.count()):
        coverage.tabs.setCurrentIndex(index)
        assert_drawn(window, tmp_path / f"coverage-{index}.png")
    app.set_language("sv")
    assert section.tabs.tabText(0) == "Utbildningar"
    assert coverage.threshold_line.name() == "Tröskelvärde 80\xa0%"
    assert coverage.model.rows[-1].name == "Hela kommunen"
    app.set_language("en")


def test_a_template_is_saved_from_the_import_tab_and_imports_as_it_stands(app, db_file, dialogs,
                                                                           tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    _window, section = open_training(app, db_file)
    panel = section.show_panel(ImportPanel)
    select_data(panel.kind, "headcount")
    dialogs.expect(SAVE_FILE, folder / "mall.csv")
    saved = panel.save_template()
    assert saved == folder / "mall.csv" and saved.read_bytes().startswith(b"\xef\xbb\xbf")
    assert dialogs.shown[-1].text.endswith("template-headcount.csv")
    dialogs.expect(OPEN_FILE, saved)
    panel.choose("headcount")
    assert texts(panel.accepted, 0) == ["2"] and panel.rejected.rowCount() == 0
