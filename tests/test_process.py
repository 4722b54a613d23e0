"""Process-level protections: no core dumps, and a terminated app cleans up after itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from hrvdesk import cli


def test_command_line_turns_core_dumps_off(capsys):
    resource = pytest.importorskip("resource")
    cli.main(["--version"])
    assert resource.getrlimit(resource.RLIMIT_CORE)[0] == 0
    assert "hrvdesk" in capsys.readouterr().out


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name != "posix", reason="POSIX signals")
def test_sigterm_closes_the_demo_and_removes_its_folder(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path), "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-m", "hrvdesk.ui.app", "--demo"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not any(p.name.startswith("hrvdesk-demo-") for p in tmp_path.iterdir()):
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace")
            assert time.monotonic() < deadline, "the demo never started"
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)  # early on purpose: the app may still be starting
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("hrvdesk-demo-")]
