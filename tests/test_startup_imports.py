"""A fast start: what the unlock dialog does not need is not imported before it is painted
(issue 13). Each case runs in a fresh Python process, offscreen, and lists ``sys.modules``
at the dialog's first paint and once it has offered to remember the key (or after
``hrvdesk --help``). No timing is asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Libraries of the main window's sections, reports, imports and statistics: imported when
# they are first used (or preloaded once the dialog is shown), never before it is painted.
HEAVY = ("reportlab", "openpyxl", "docx", "highspy", "scipy", "numpy", "PySide6.QtCharts",
         "PySide6.QtPrintSupport", "pypdf")
# hrvdesk's own modules the unlock dialog does without until the user unlocks: the database
# (and its driver), the key file's cryptography, the main window and its sections.
DEFERRED = ("sqlcipher3", "argon2", "nacl", "hrvdesk.store.database", "hrvdesk.store.keyslots",
            "hrvdesk.store.maintenance", "hrvdesk.services", "hrvdesk.io", "hrvdesk.ui.mainwindow",
            "hrvdesk.ui.sections")
# What the dialog uses only after its first paint: the key store, asked whether "remember on
# this workstation" can be offered (and, with a user name, the key file's header and its
# cryptography), and Babel (messages come from compiled catalogs; Babel formats dates and
# numbers).
AFTER_PAINT = ("keyring", "hrvdesk.store.keystore", "cryptography", "babel")

UNLOCK_DIALOG_PAINTED = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    qapp = QApplication([sys.argv[0]])
    seen = {}

    class Watcher(QObject):
        def eventFilter(self, watched, event):
            if ("painted" not in seen and event.type() == QEvent.Type.Paint
                    and type(watched).__name__ == "UnlockDialog"):
                seen["painted"] = sorted(sys.modules)
                poll.timeout.connect(lambda: decided(watched))
                poll.start(0)
            return False

    def decided(dialog):  # the probe enables "remember" (shown or hidden) once the key store was asked
        if "decided" not in seen and dialog.remember.isEnabled():
            seen["decided"] = sorted(sys.modules)
            poll.stop()
            qapp.quit()

    poll = QTimer()
    watcher = Watcher()
    qapp.installEventFilter(watcher)
    QTimer.singleShot(60_000, qapp.quit)  # never wait for ever
    if sys.argv[1] == "cli":
        from hrvdesk.cli import main  # hrvdesk DB
    else:
        from hrvdesk.ui.app import main  # hrvdesk-gui DB: what the menu entries start
    main([sys.argv[2]])
    print(json.dumps(seen))
""")

HELP = textwrap.dedent("""
    import contextlib, io, json, sys
    from hrvdesk.cli import main

    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["--help"])
    print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
""")


def run_child(code: str, *args: str, tmp_path: Path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache"),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def loaded(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.mark.parametrize("entry", ["gui", "cli"])
def test_the_unlock_dialog_is_painted_before_the_heavy_modules_are_imported(entry, tmp_path):
    database = tmp_path / "hrvdesk.db"
    database.write_bytes(b"")  # the dialog only names the file until the user unlocks
    seen = run_child(UNLOCK_DIALOG_PAINTED, entry, str(database), tmp_path=tmp_path)
    modules = seen.get("painted")
    assert modules, "the unlock dialog was not painted"
    assert "hrvdesk.ui.unlock" in modules
    assert loaded(modules, HEAVY) == []
    assert loaded(modules, DEFERRED) == []
    assert loaded(modules, AFTER_PAINT) == []
    assert "hrvdesk.store.keystore" in seen.get("decided", []), "the offer to remember was not decided"


def test_help_imports_neither_qt_nor_the_heavy_modules(tmp_path):
    result = run_child(HELP, tmp_path=tmp_path)
    assert result["code"] == 0
    modules = result["modules"]
    assert loaded(modules, ("PySide6", "keyring", "babel", *HEAVY)) == []
    assert loaded(modules, DEFERRED) == []
