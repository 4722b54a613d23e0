"""``hrvdesk [--lang X] [--demo] [DB]`` opens the app; a command name runs the command. A
path opens the app without building every command's parser (a faster start)."""

from __future__ import annotations

import pytest

from hrvdesk import cli


@pytest.fixture
def started(monkeypatch):
    calls = []
    monkeypatch.setattr(cli, "cmd_gui", lambda args: calls.append(args) or 0)
    return calls


def test_a_path_or_nothing_opens_the_app_without_the_command_parsers(monkeypatch, started, db_path):
    db_path.write_bytes(b"")
    monkeypatch.setattr(cli, "build_parser", lambda: pytest.fail("the command parsers were built"))
    assert cli.main([str(db_path)]) == 0
    assert cli.main(["--lang", "en", "--demo"]) == 0
    assert [(a.database, a.demo, a.lang) for a in started] == [(str(db_path), False, None), (None, True, "en")]


def test_a_missing_file_is_a_usage_error(started, tmp_path, capsys):
    assert cli.main(["--lang", "en", str(tmp_path / "missing.db")]) == 2
    assert "unknown command or file" in capsys.readouterr().err and not started


def test_a_command_name_runs_the_command_not_the_app(started, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "check").write_bytes(b"")  # a file named like a command does not hide it
    assert cli.main(["--lang", "en", "check"]) == 2  # the command, missing its --db
    assert "--db" in capsys.readouterr().err and not started
    assert cli.main(["--lang", "en", "nosuchcommand"]) == 2 and not started
