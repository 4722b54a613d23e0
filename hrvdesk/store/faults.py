"""Kill points: named steps of a multi-file update where a test can stop the process dead.

A test sets ``HRVDESK_KILL_AT`` to a point's name in a child process; when the process
reaches that point it is killed at once (SIGKILL where there is one), exactly as a power cut
or ``kill -9`` would stop it. The tests then open the files that are left and check that
every step leaves a database that opens. Without the variable a point does nothing.
"""

from __future__ import annotations

import os
import signal

ENV = "HRVDESK_KILL_AT"

#: Every kill point, in the order an update passes them (tests iterate over these).
KEY_UPDATE = ("key-update:pending-written", "key-update:committed", "key-update:promoted")
RESTORE = ("restore:staged", "restore:journal-written", "restore:moved-aside:db",
           "restore:moved-aside:-wal", "restore:moved-aside:-shm", "restore:moved-aside:.keys",
           "restore:keys-in-place", "restore:database-in-place")


def point(name: str) -> None:
    """Die here if a test asked for it."""
    if os.environ.get(ENV) == name:
        if hasattr(signal, "SIGKILL"):
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(137)
