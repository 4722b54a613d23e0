"""Demo data for the plan, routines and survey: plausible, reproducible, readable by the report."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import subprocess
import sys

import pytest
from pypdf import PdfReader

from hrvdesk.io.report_plan import build_plan_report
from hrvdesk.store import demo, faults, organisation, plan_repo, routines_repo, survey_repo
from hrvdesk.store.demo_plan import demo_plan
from tests.conftest import ADMIN, PASSPHRASE


def test_plan_generator_is_registered():
    assert demo_plan in demo.GENERATORS


@pytest.fixture
def make_demo(tmp_path):
    def make(name: str, seed: int = 7):
        return demo.create_demo(tmp_path / name, ADMIN, PASSPHRASE, seed=seed)

    return make


def _snapshot(db) -> tuple:
    last = dt.date.today().year - 1
    return ([(r.title, r.status, r.versions, len(r.attachments)) for r in routines_repo.list_routines(db)],
            [(f.activity_code, f.status, f.comment) for f in plan_repo.followups(db, last)],
            survey_repo.answers(db, last))


def test_demo_fills_routines_follow_up_measures_and_survey(make_demo):
    with make_demo("demo.db") as db:
        last = dt.date.today().year - 1
        routines = routines_repo.list_routines(db)
        assert len(routines) >= 4
        adopted = [r for r in routines if r.versions]
        assert adopted and all(r.attachments for r in adopted)
        document = routines_repo.attachment_bytes(db, adopted[0].attachments[0].id)
        assert "DEMO" in PdfReader(io.BytesIO(document)).pages[0].extract_text()
        # two years of follow-up, the second starting from the first's unfinished activities
        assert plan_repo.followups(db, last - 1) and plan_repo.followups(db, last)
        assert any(f.carried_from == last - 1 for f in plan_repo.followups(db, last))
        values = {m.measure.code: m for m in plan_repo.measure_overview(db, last)}
        assert values["M1.1"].value is not None and values["M1.1"].trend is not None
        assert values["M3.1"].value.source == "routines_share" and not values["M3.1"].computed_now
        # most administrations answered, some did not
        states = survey_repo.completion_status(db, last)
        administrations = len(organisation.administrations(db))
        assert administrations / 2 < sum(s != "missing" for s in states.values()) < administrations
        assert build_plan_report(db, last).startswith(b"%PDF-")


def test_demo_is_reproducible(make_demo):
    with make_demo("a.db") as first, make_demo("b.db") as second:
        assert _snapshot(first) == _snapshot(second)
    with make_demo("c.db", seed=8) as other, make_demo("d.db") as again:
        assert _snapshot(other) != _snapshot(again)


def test_a_failed_demo_leaves_nothing_behind(tmp_path, monkeypatch):
    def broken(ctx):
        raise RuntimeError("generator failed")

    monkeypatch.setattr(demo, "GENERATORS", [*demo.GENERATORS[:1], broken])
    folder = tmp_path / "demo"
    folder.mkdir()
    with pytest.raises(RuntimeError):
        demo.create_demo(folder / "demo.db", ADMIN, PASSPHRASE)
    assert list(folder.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="kill -9 needs POSIX signals")
def test_a_killed_demo_leaves_no_database_under_its_name(tmp_path):
    env = {**os.environ, "HRVDESK_USER": ADMIN, "HRVDESK_NEW_PASSPHRASE": PASSPHRASE,
           faults.ENV: "demo:built"}
    child = ("import sys; from hrvdesk.store import keyslots; keyslots.DEFAULT_KDF = keyslots.FAST_KDF; "
             "from hrvdesk.cli import main; sys.exit(main(sys.argv[1:]))")
    folder = tmp_path / "demo"
    folder.mkdir()
    result = subprocess.run([sys.executable, "-c", child, "demo", "--db", str(folder / "demo.db")],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert not (folder / "demo.db").exists() and not (folder / "demo.db.keys").exists()
    assert all(p.name.startswith(".demo.db.building-") for p in folder.iterdir())
