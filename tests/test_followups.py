"""Following each child up (issue 11): the follow-up log, the work list for each role, and
``hrvdesk followups``."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.followups import FollowUpEntry, overdue
from hrvdesk.store import abroad_repo, audit, followups_repo
from tests.store.abroad_helpers import case
from tests.store.plan_helpers import VIEWER, add_users, opened_as

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


@pytest.fixture
def db(admin_db):
    add_users(admin_db)
    key = "a" * 64
    admin_db.ids = {
        "late": abroad_repo.create_case(admin_db, case(follow_up_date=TODAY - 10 * DAY, person_key=key)),
        "soon": abroad_repo.create_case(admin_db, case(follow_up_date=TODAY + 3 * DAY, reported_by="UBF",
                                                       person_key=key, no_school_since=TODAY - 40 * DAY)),
        "later": abroad_repo.create_case(admin_db, case(follow_up_date=TODAY + 60 * DAY)),
        "no_date": abroad_repo.create_case(admin_db, case(status="abroad", reported_by="UBF")),
        "returned": abroad_repo.create_case(admin_db, case(status="returned")),
    }
    return admin_db


def test_the_work_list_is_most_overdue_first_and_flags_a_child_without_a_date(db):
    items = followups_repo.work_list(db, TODAY)
    ids = db.ids
    assert [i.case.id for i in items] == [ids["no_date"], ids["late"], ids["soon"]]
    assert [i.overdue_days for i in items] == [None, 10, -3]
    assert overdue(items) == 2
    assert items[1].earlier_cases == (ids["soon"],)  # the same child, one click away
    assert items[2].days_without_school(TODAY) == 40
    assert [i.case.id for i in followups_repo.work_list(db, TODAY, days=90)][-1] == ids["later"]
    assert audit.entries(db.conn, action="view")[0].target == "abroad:followups"


def test_an_editor_sees_her_own_administration_and_a_viewer_nothing(db):
    with opened_as(db, "UBF") as editor:
        items = followups_repo.work_list(editor, TODAY)
        assert [i.case.id for i in items] == [db.ids["no_date"], db.ids["soon"]]
        assert items[1].earlier_cases == ()  # the other case is SOC's
    with opened_as(db, VIEWER) as viewer, pytest.raises(PermissionDenied):
        followups_repo.work_list(viewer, TODAY)


def test_the_overdue_count_is_the_work_lists_counted_in_the_database(db):
    """The overview's figure and the notice after unlock, without loading the cases."""
    for day in (TODAY - 20 * DAY, TODAY - 3 * DAY, TODAY + 3 * DAY, TODAY + 40 * DAY):
        assert followups_repo.overdue_count(db, day) == overdue(followups_repo.work_list(db, day))
    assert followups_repo.overdue_count(db, TODAY) == 2  # "late" and "no_date"
    assert followups_repo.overdue_count(db, TODAY - 10 * DAY) == 1  # due that day is not late
    with opened_as(db, "UBF") as editor:
        assert followups_repo.overdue_count(editor, TODAY) == 1
    with opened_as(db, VIEWER) as viewer, pytest.raises(PermissionDenied):
        followups_repo.overdue_count(viewer, TODAY)


def test_a_follow_up_entry_is_logged_audited_and_sets_the_next_date(db):
    late = db.ids["late"]
    followups_repo.add_entry(db, late, FollowUpEntry(TODAY, "attendance_officer", "Skolan ringd"),
                             next_date=TODAY + 30 * DAY)
    [entry] = followups_repo.entries(db, late)
    assert (entry.kind, entry.note, entry.recorded_by) == ("attendance_officer", "Skolan ringd", db.user)
    assert abroad_repo.get_case(db, late).case.follow_up_date == TODAY + 30 * DAY
    assert late not in [i.case.id for i in followups_repo.work_list(db, TODAY)]
    assert audit.entries(db.conn, action="create")[0].fields == ("follow_up", "follow_up_date")
    assert abroad_repo.change_history(db, late)[-1].kind == "follow_up"
    with pytest.raises(ValidationError):
        followups_repo.add_entry(db, late, FollowUpEntry(TODAY + DAY, "home_visit"))
    with pytest.raises(ValidationError):
        followups_repo.add_entry(db, late, FollowUpEntry(TODAY, "home_visit", "Barnets pnr 121212-1212"))
    with opened_as(db, "UBF") as editor, pytest.raises(PermissionDenied):
        followups_repo.add_entry(editor, late, FollowUpEntry(TODAY, "home_visit"))


def test_retention_deletes_the_follow_up_log(db):
    late = db.ids["late"]
    followups_repo.add_entry(db, late, FollowUpEntry(TODAY, "other", "Samtal med mamman"))
    db.conn.execute("UPDATE abroad_cases SET updated_at = '2000-01-01T00:00:00+00:00' WHERE id = ?", (late,))
    assert abroad_repo.apply_retention(db, TODAY) >= 1
    assert followups_repo.entries(db, late) == []


def test_the_command_lists_the_due_follow_ups(cli, db):
    db.close()
    code, out, err = cli("followups", "--db", db.path, "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert [f["overdue_days"] for f in document["followups"]] == [None, 10, -3]
    assert document["days"] == 14 and document["followups"][2]["days_without_school"] == 40
    code, out, _err = cli("followups", "--db", db.path, "--days", "0")
    assert code == 0 and "10 days overdue" in out and "Due in" not in out
    assert cli("followups", "--db", db.path, "--days", "-1")[0] == 2
    assert cli("followups", "--db", db.path, user=VIEWER)[0] == 6


def test_status_counts_are_the_listed_cases_counted(db):
    def counted(session):
        listed = [s.case.status for s in abroad_repo.list_cases(session)]
        return {status: listed.count(status) for status in set(listed)}

    assert abroad_repo.status_counts(db) == counted(db) == {"at_risk": 3, "abroad": 1, "returned": 1}
    with opened_as(db, "UBF") as editor:
        assert abroad_repo.status_counts(editor) == counted(editor) == {"at_risk": 1, "abroad": 1}
