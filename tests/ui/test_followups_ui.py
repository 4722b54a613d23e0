"""Following each child up in the desktop app: the notice after unlock, the work list tab,
the overview tile, and recording a follow-up in the case dialog (offscreen, real widgets)."""

from __future__ import annotations

import datetime as dt

from hrvdesk.store import abroad_repo, audit, followups_repo
from hrvdesk.store.database import Database
from hrvdesk.ui.sections.abroad import CaseDialog
from hrvdesk.ui.sections.abroad_followups import FollowUpsPanel
from tests.conftest import ADMIN, PASSPHRASE
from tests.store.abroad_helpers import case
from tests.ui.test_abroad_section import open_as

TODAY = dt.date.today()


def registered(db_file):
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        return {"late": abroad_repo.create_case(db, case(follow_up_date=TODAY - dt.timedelta(days=5))),
                "dateless": abroad_repo.create_case(db, case(status="abroad", reported_by="UBF")),
                "fine": abroad_repo.create_case(db, case(follow_up_date=TODAY + dt.timedelta(days=90)))}


def test_the_notice_after_unlock_says_how_many_are_overdue(app, db_file):
    registered(db_file)
    window = open_as(app, db_file, ADMIN)
    assert window.statusBar().currentMessage().startswith("2 uppföljningar är försenade")


def test_the_work_list_tab_and_recording_a_follow_up(app, db_file):
    ids = registered(db_file)
    window = open_as(app, db_file, ADMIN)
    panel = window.show_section("abroad").show_panel(FollowUpsPanel)
    shown = [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())]
    assert shown == [str(ids["dateless"]), str(ids["late"])]
    assert "2 of 2" in panel.summary.text()
    panel.view.selectRow(1)
    dialog = panel.open_case()
    assert isinstance(dialog, CaseDialog) and dialog.stored.case.id == ids["late"]
    log = dialog.follow_ups
    log.kind.setCurrentIndex(log.kind.findData("home_visit"))
    log.note.setText("Hembesök, ingen hemma")
    log.next_date.setText((TODAY + dt.timedelta(days=30)).isoformat())
    assert log.record() and log.model.rowCount() == 1
    assert "recorded" in log.result.text() and log.note.text() == ""
    dialog.reject()
    assert followups_repo.entries(app.db, ids["late"])[0].kind == "home_visit"
    assert audit.entries(app.db.conn, action="create")[0].fields == ("follow_up", "follow_up_date")
    panel.refresh()
    assert [panel.model.index(r, 0).data() for r in range(panel.model.rowCount())] == [str(ids["dateless"])]


def test_a_wrong_next_date_is_said_and_nothing_recorded(app, db_file):
    ids = registered(db_file)
    window = open_as(app, db_file, ADMIN)
    panel = window.show_section("abroad").show_panel(FollowUpsPanel)
    panel.view.selectRow(1)
    log = panel.open_case().follow_ups
    log.next_date.setText("30/1")
    assert not log.record() and "YYYY-MM-DD" in log.result.text()
    assert followups_repo.entries(app.db, ids["late"]) == []


def test_the_overview_tile_counts_the_overdue_follow_ups(app, db_file):
    registered(db_file)
    window = open_as(app, db_file, ADMIN)
    figures = {f.label: f for f in window.show_section("abroad").figures()}
    assert figures["Follow-ups overdue"].value == "2" and figures["Follow-ups overdue"].attention


def test_an_administrator_chooses_a_cross_table_and_saves_it_as_csv(app, db_file, tmp_path, dialogs):
    from hrvdesk.ui.dialogs import SAVE_FILE
    from hrvdesk.ui.sections.abroad_panels import StatisticsPanel
    from tests.ui.conftest import EDITOR

    registered(db_file)
    window = open_as(app, db_file, ADMIN)
    panel = window.show_section("abroad").show_panel(StatisticsPanel)
    box = panel.cross
    box.rows.setCurrentIndex(box.rows.findData("status"))
    box.columns.setCurrentIndex(box.columns.findData("child_or_adult"))
    box.show_table()
    assert box.model.rowCount() == 5 and box.model.columnCount() == 5  # 4 statuses + total
    dialogs.expect(SAVE_FILE, tmp_path / "kors.csv")
    assert box.save() == tmp_path / "kors.csv"
    assert (tmp_path / "kors.csv").read_bytes().startswith(b"\xef\xbb\xbfStatus")
    app.lock()
    editor_window = open_as(app, db_file, EDITOR)
    assert editor_window.show_section("abroad").show_panel(StatisticsPanel).cross is None
