"""One writer at a time, tried with real processes on one database file: the second opener
is told who writes and gets the database read-only, a writer killed with -9 leaves a session
that the next writer recognises, and an administrator takes over a writer gone silent."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from hrvdesk.domain.errors import PermissionDenied
from hrvdesk.domain.roles import Role
from hrvdesk.domain.training import Headcount
from hrvdesk.store import audit, inuse, training_repo as tr
from hrvdesk.store.database import Database
from hrvdesk.store.users import add_user
from tests.conftest import ADMIN, PASSPHRASE

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kill -9 needs POSIX signals")

BO, BO_PASS = "bo.lind", "bo's own long passphrase"

# A writer in its own process: opens the database, says "ready", then obeys one command per
# line on stdin ("age": make its heartbeat ten minutes old; "beat": renew it and print whether
# the lease is still its own; "write": try a change and print the outcome; "quit").
_WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from hrvdesk.store import inuse, keyslots, training_repo as tr
    from hrvdesk.domain.training import Headcount
    from hrvdesk.store.database import Database
    from hrvdesk import i18n
    i18n.set_language("en")
    keyslots.DEFAULT_KDF = keyslots.FAST_KDF
    db = Database.open(sys.argv[1], sys.argv[2], sys.argv[3])
    print("ready", db.read_only, flush=True)
    for line in sys.stdin:
        command = line.strip()
        if command == "age":
            old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=10)
            with db.transaction() as conn:
                inuse.heartbeat(db.path, conn, db.writing, now=old)
            print("aged", flush=True)
        elif command == "beat":
            print("beat", db.heartbeat(), flush=True)
        elif command == "write":
            try:
                tr.save_headcount(db, Headcount(2025, "SOC", 12))
                print("wrote", flush=True)
            except inuse.InUseError as exc:
                print("refused", exc, flush=True)
        elif command == "quit":
            db.close()
            print("closed", flush=True)
            break
""")


class Writer:
    """The writer process and its command line."""

    def __init__(self, path, user=BO, passphrase=BO_PASS):
        env = {k: v for k, v in os.environ.items() if not k.startswith("HRVDESK_")}
        self.process = subprocess.Popen([sys.executable, "-c", _WRITER, str(path), user, passphrase],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        env=env)
        assert self.read() == "ready False"

    def read(self) -> str:
        return self.process.stdout.readline().strip()

    def say(self, command: str) -> str:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.read()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.say("quit")
            self.process.wait(timeout=30)


@pytest.fixture
def shared(admin_db):
    """A database with a second user (an editor of SOC), closed so that processes can share it."""
    add_user(admin_db, BO, Role.EDITOR, BO_PASS, "SOC")
    path = admin_db.path
    admin_db.close()
    return path


@pytest.fixture
def writer(shared):
    process = Writer(shared)
    yield process
    process.stop()


def test_a_second_opener_is_told_who_writes_and_gets_it_read_only(shared, writer):
    with Database.open(shared, ADMIN, PASSPHRASE) as db:
        assert db.read_only
        lease = db.in_use_by()
        assert (lease.user, lease.workstation) == (BO, os.uname().nodename)
        assert BO in inuse.in_use_sentence(lease)
        with pytest.raises(inuse.InUseError, match=BO) as refused:
            tr.save_headcount(db, Headcount(2025, "UBF", 10))
        assert refused.value.exit_code == 7
        assert tr.headcounts(db) == []                       # reading goes on
        entries = audit.entries(db.conn, limit=5)
        assert [e.action for e in entries][:2] == ["denied", "unlock"]
        assert entries[1].detail == {"read_only": True}
    assert writer.say("write") == "wrote"                    # the writer was never held up
    # the name lies on disk only inside the encrypted database
    for leftover in shared.parent.iterdir():
        if leftover != shared and leftover.is_file():
            assert BO.encode() not in leftover.read_bytes(), leftover.name


def test_a_writer_killed_with_minus_nine_leaves_a_session_the_next_writer_ends(shared, writer):
    writer.kill()
    with Database.open(shared, ADMIN, PASSPHRASE) as db:
        assert not db.read_only and db.in_use_by() is None
        recovered = audit.entries(db.conn, action="session_recovered")
        assert [e.target for e in recovered] == [BO]
        tr.save_headcount(db, Headcount(2025, "UBF", 10))
    # closed properly: the next opener finds no lease and nothing to recover
    with Database.open(shared, ADMIN, PASSPHRASE) as db:
        assert len(audit.entries(db.conn, action="session_recovered")) == 1
        assert inuse.read_lease(db.conn) is not None          # its own lease, while open
    with Database.open(shared, ADMIN, PASSPHRASE) as db:
        assert inuse.read_lease(db.conn).user == ADMIN


def test_an_administrator_takes_over_a_silent_writer_which_then_reads_only(shared, writer):
    with Database.open(shared, ADMIN, PASSPHRASE, take_over=True) as db:
        assert db.read_only                                  # not silent yet: no take-over
    assert writer.say("age") == "aged"
    with Database.open(shared, ADMIN, PASSPHRASE, take_over=True) as db:
        assert not db.read_only
        assert [e.target for e in audit.entries(db.conn, action="take_over")] == [BO]
        assert writer.say("beat") == "beat False"            # the old writer knows at once
        assert writer.say("write").startswith(f"refused {ADMIN} has been working")
        tr.save_headcount(db, Headcount(2025, "UBF", 10))
        # while the old writer's lock is held, a third opener still finds the new writer
        assert inuse.read_lease(db.conn).locked is False


def test_only_an_administrator_takes_over(shared, writer):
    writer.stop()
    with Database.open(shared, ADMIN, PASSPHRASE) as admin:
        add_user(admin, "cia", Role.VIEWER, "cia's long passphrase")
    silent = Writer(shared)
    assert silent.say("age") == "aged"
    with pytest.raises(PermissionDenied):
        Database.open(shared, "cia", "cia's long passphrase", take_over=True)
    with Database.open(shared, "cia", "cia's long passphrase") as viewer:
        assert viewer.read_only                      # without asking to take over: read-only
    silent.stop()


def test_the_lease_times_are_the_writers(shared, writer):
    with Database.open(shared, ADMIN, PASSPHRASE) as db:
        lease = db.in_use_by()
    since = dt.datetime.fromisoformat(lease.since)
    assert abs((dt.datetime.now(dt.timezone.utc) - since).total_seconds()) < 600
    assert not lease.stale(since + dt.timedelta(seconds=inuse.STALE_S))
    assert lease.stale(since + dt.timedelta(seconds=inuse.STALE_S + 1))
    assert json.loads(json.dumps(lease.__dict__))["locked"] is True


def test_the_command_line_reads_while_someone_writes_and_refuses_changes(shared, writer, cli,
                                                                         tmp_path):
    headcounts = tmp_path / "hr.csv"
    headcounts.write_text("year;administration;headcount\n2025;UBF;10\n", encoding="utf-8")
    code, _out, err = cli("import", "headcount", headcounts, "--db", shared)
    assert code == 7 and f"{BO} has been working in this database" in err
    code, out, _err = cli("stats", "training", "--year", "2025", "--db", shared)
    assert code == 0 and "Whole municipality" in out
    writer.stop()
    assert cli("import", "headcount", headcounts, "--db", shared)[0] == 0


def test_a_read_only_session_writes_once_the_writer_has_closed(shared, writer):
    with Database.open(shared, ADMIN, PASSPHRASE) as db:
        assert not db.become_writer()
        writer.stop()
        assert db.become_writer() and not db.read_only
        assert audit.entries(db.conn, action="session_recovered") == []   # it closed properly
        tr.save_headcount(db, Headcount(2025, "UBF", 10))


def test_a_read_only_administrator_takes_over_once_the_writer_is_silent(shared, writer):
    with Database.open(shared, ADMIN, PASSPHRASE) as db:
        assert db.read_only and not db.become_writer(take_over=True)  # still heard from
        assert writer.say("age") == "aged"
        assert db.become_writer(take_over=True) and not db.read_only
        tr.save_headcount(db, Headcount(2025, "UBF", 10))
        assert writer.say("beat") == "beat False"
