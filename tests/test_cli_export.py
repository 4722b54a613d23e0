"""``hrvdesk export list`` and ``export show ID`` (cli.md): the release register from the
command line, and a period that has not ended refused with exit 5."""

from __future__ import annotations

import datetime as dt
import json

from tests.test_cli_abroad import db_file, imported  # noqa: F401 (fixture)


def test_export_list_and_show_byte_for_byte(cli, db_file, tmp_path):  # noqa: F811
    imported(cli, db_file, tmp_path)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert cli("export", "national", "--year", "2025", "--db", db_file, "--out", first)[0] == 0
    code, out, _err = cli("export", "national", "--year", "2025", "--db", db_file, "--out", second)
    assert code == 0 and "Recorded as release 2. It supersedes release 1." in out
    code, out, _err = cli("export", "list", "--db", db_file, "--json")
    releases = json.loads(out)["releases"]
    assert [(r["id"], r["supersedes"], r["period"]["from"]) for r in releases] == \
        [(1, None, "2025-01-01"), (2, 1, "2025-01-01")]
    code, out, _err = cli("export", "list", "--db", db_file)
    assert code == 0 and "Release 2" in out and "supersedes release 1" in out
    again = tmp_path / "again.json"
    code, _out, _err = cli("export", "show", "1", "--db", db_file, "--out", again, "--csv", tmp_path / "a.csv")
    assert code == 0 and again.read_bytes() == first.read_bytes()
    assert cli("export", "show", "9", "--db", db_file, "--out", again)[0] == 5
    assert cli("export", "list", "--db", db_file, user="vera")[0] == 6


def test_a_period_that_has_not_ended_exits_5(cli, db_file, tmp_path):  # noqa: F811
    out = tmp_path / "p.json"
    code, _out, err = cli("export", "national", "--year", str(dt.date.today().year), "--db", db_file,
                          "--out", out)
    assert code == 5 and "has not ended" in err and not out.exists()
