"""Cross-tables the coordinator chooses: exact persons by two dimensions, for an
administrator only, summing to their margins, and savable as CSV."""

from __future__ import annotations

import csv
import io
import json

import pytest

from hrvdesk.domain.abroad_stats import Period, person_records
from hrvdesk.domain.cross_tables import DIMENSIONS, cross_table
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.services import statistics
from hrvdesk.store import abroad_repo, audit
from tests.privacy.populations import KINDS, population
from tests.store.abroad_helpers import D, case
from tests.store.plan_helpers import VIEWER, add_users, opened_as

SINGLE = [d for d, dim in DIMENSIONS.items() if not dim.multiple and d != "country"]


@pytest.mark.parametrize("rows", SINGLE)
def test_single_valued_dimensions_sum_to_their_margins(rows):
    records = person_records(population(30, 4), Period.for_year(2025), KINDS)
    for columns in DIMENSIONS:
        table = cross_table(records, rows, columns)
        for c in table.column_categories:  # rows are single-valued: each column adds up
            assert sum(table.counts[r, c] for r in table.row_categories) == table.column_totals[c]
        assert sum(table.row_totals.values()) == table.total == len(records)
        if not DIMENSIONS[columns].multiple:
            for r in table.row_categories:
                assert sum(table.counts[r, c] for c in table.column_categories) == table.row_totals[r]


def test_children_and_adults_on_one_line_and_countries_only_where_used():
    records = person_records(population(30, 5), Period.for_year(2025), KINDS)
    table = cross_table(records, "child_or_adult", "country")
    assert table.row_categories == ("child", "adult", "unknown")
    assert table.column_categories[-1] == "unknown" and len(table.column_categories) <= 7


@pytest.fixture
def db(admin_db):
    add_users(admin_db)
    abroad_repo.create_case(admin_db, case(known_date=D(2025, 3, 1), actions=("police_report",),
                                           status="abroad"))
    abroad_repo.create_case(admin_db, case(known_date=D(2025, 4, 1), status="at_risk"))
    return admin_db


def test_only_an_administrator_sees_a_cross_table_and_it_is_audited(db):
    table = statistics.cross_table(db, 2025, "action", "status")
    assert table.counts["police_report", "abroad"] == 1 and table.total == 2
    assert audit.entries(db.conn, action="view")[0].target == "statistics:cross:2025"
    for user in ("SOC", VIEWER):
        with opened_as(db, user) as other, pytest.raises(PermissionDenied):
            statistics.cross_table(other, 2025, "action", "status")
    with pytest.raises(ValidationError):
        statistics.cross_table(db, 2025, "name", "status")


def test_the_command_writes_the_cross_table_as_csv(cli, db, tmp_path):
    db.close()
    out = tmp_path / "kors.csv"
    code, stdout, err = cli("stats", "cross", "--year", "2025", "--rows", "action", "--columns",
                            "status", "--db", db.path, "--csv", out, "--json")
    assert (code, err) == (0, "")
    document = json.loads(stdout)
    assert document["total"] == 2 and document["column_totals"]["abroad"] == 1
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][-1] == "Total" and rows[-1][0] == "Total" and rows[-1][-1] == "2"
    assert cli("stats", "cross", "--year", "2025", "--rows", "action", "--columns", "status",
               "--db", db.path, user=VIEWER)[0] == 6
