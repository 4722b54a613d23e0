"""Workstation settings file, task runners, scripted dialogs, passphrase strength."""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import QThread

from hrvdesk.domain.errors import ValidationError
from hrvdesk.ui.dialogs import QUESTION, ScriptedDialogs, UnexpectedDialog
from hrvdesk.ui.settings_store import WorkstationSettings, default_path
from hrvdesk.ui.tasks import SyncRunner, ThreadRunner
from hrvdesk.ui.widgets import passphrase_strength


def test_settings_defaults_persistence_and_validation(tmp_path):
    path = tmp_path / "conf" / "settings.json"
    first = WorkstationSettings(path)
    assert first.get("autolock_minutes") == 10 and first.get("language") == "sv"
    assert not first.is_set("language")
    first.put("language", "en")
    first.put("autolock_minutes", "15")
    assert WorkstationSettings(path).get("language") == "en"
    assert WorkstationSettings(path).get("autolock_minutes") == 15
    with pytest.raises(ValidationError):
        first.put("autolock_minutes", 0)
    with pytest.raises(ValidationError):
        first.put("language", "de")
    with pytest.raises(KeyError):
        first.put("passphrase", "never stored")
    assert set(json.loads(path.read_text())) == {"language", "autolock_minutes"}
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_damaged_or_edited_settings_fall_back_to_defaults(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert WorkstationSettings(path).get("language") == "sv"
    path.write_text(json.dumps({"language": "xx", "autolock_minutes": 5, "secret": "x"}))
    settings = WorkstationSettings(path)
    assert settings.get("language") == "sv" and settings.get("autolock_minutes") == 5


def test_settings_live_in_the_user_config_folder(tmp_path):
    assert str(default_path()).startswith(str(tmp_path))  # HOME/XDG are redirected by conftest
    assert default_path().name == "settings.json"


def test_thread_runner_works_off_and_delivers_on_the_gui_thread(qtbot):
    runner = ThreadRunner()
    seen = {}

    def work():
        seen["worker"] = threading.current_thread()
        return 42

    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.submit(work, lambda value: seen.update(value=value, thread=QThread.currentThread()), seen.update)
        assert runner.busy
    assert seen["value"] == 42
    assert seen["worker"] is not threading.main_thread()
    assert seen["thread"] is QThread.currentThread()  # the GUI thread
    assert not runner.busy

    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.submit(lambda: 1 / 0, seen.update, lambda exc: seen.update(error=exc))
    assert isinstance(seen["error"], ZeroDivisionError)


def test_sync_runner_delivers_at_once():
    runner, out = SyncRunner(), []
    runner.submit(lambda: "x", out.append, out.append)
    runner.submit(lambda: [][1], out.append, lambda exc: out.append(type(exc)))
    assert out == ["x", IndexError] and not runner.busy


def test_scripted_dialogs_refuse_unexpected_questions():
    dialogs = ScriptedDialogs()
    with pytest.raises(UnexpectedDialog):
        dialogs.question(None, "t", "q")
    dialogs.expect(QUESTION, True)
    assert dialogs.question(None, "t", "q") is True
    dialogs.info(None, "t", "hello")
    assert dialogs.texts("info") == ["hello"]


def test_passphrase_strength_orders_sensibly():
    assert passphrase_strength("") == 0
    assert passphrase_strength("short") == 0
    assert passphrase_strength("aaaaaaaaaaaaaaaa") == 1
    assert passphrase_strength("abcdefghij") < passphrase_strength("Tr0ub4dor&3xQ")
    assert passphrase_strength("correct horse battery staple") == 4


def test_a_renamed_setting_keeps_its_value_and_changes_are_announced(tmp_path, monkeypatch):
    import dataclasses

    from hrvdesk.domain.settings import WORKSTATION

    monkeypatch.setitem(WORKSTATION, "autolock_minutes", dataclasses.replace(
        WORKSTATION["autolock_minutes"], renamed_from=("idle_minutes",)))
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"idle_minutes": 25, "language": "en"}))
    settings = WorkstationSettings(path)
    assert settings.get("autolock_minutes") == 25 and settings.is_set("autolock_minutes")
    heard = []
    settings.subscribe(heard.append)
    settings.put("language", "sv")
    assert heard == ["language"]
    assert json.loads(path.read_text()) == {"autolock_minutes": 25, "language": "sv"}  # moved over
    path.write_text(json.dumps({"idle_minutes": 25, "autolock_minutes": 12}))
    assert WorkstationSettings(path).get("autolock_minutes") == 12   # today's name wins


def test_the_idle_lock_follows_a_changed_setting_at_once(app):
    app.settings.put("autolock_minutes", 3)
    assert app.idle._timer.interval() == 3 * 60_000
