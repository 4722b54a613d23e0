"""The Overview counts its figures off the GUI thread: the window is there (and says it is
counting) before they arrive, and a result that a newer refresh overtook is dropped.

The task runner here holds every job until the test runs it, so the order in which jobs
finish is the test's choice, not the machine's."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from hrvdesk import i18n
from hrvdesk.domain.codes import PARTNER_KINDS
from hrvdesk.domain.organisation import Partner
from hrvdesk.store import organisation
from hrvdesk.ui.app import App
from hrvdesk.ui.tasks import SyncRunner
from tests.ui.conftest import flush_deletes, unlock


class HeldRunner(SyncRunner):
    """Keeps each submitted job until :meth:`run` (first in, first out, or as chosen), then
    runs it as :class:`SyncRunner` does; busy while any job is held."""

    def __init__(self):
        super().__init__()
        self.jobs: list = []

    def submit(self, fn, on_done, on_error) -> None:
        self._started()
        self.jobs.append((fn, on_done, on_error))

    def run(self, index: int = 0) -> None:
        try:
            super().submit(*self.jobs.pop(index))
        finally:
            self._finished()   # the count taken when it was held

    def run_all(self) -> None:
        while self.jobs:
            self.run()


@pytest.fixture
def held(qapp, settings, dialogs):
    runner = HeldRunner()
    application = App(settings=settings, tasks=runner, dialogs=dialogs)
    i18n.set_language("en")
    yield application, runner
    runner.run_all()
    application.shutdown()
    flush_deletes()


def _opened(application: App, runner: HeldRunner, db_file):
    unlock(application, db_file)
    runner.run(0)   # the unlock itself (key derivation, open) is a job too
    assert application.window is not None
    return application.window


def test_the_window_is_shown_before_the_figures_are_counted(held, db_file):
    application, runner = held
    window = _opened(application, runner, db_file)
    overview = window.show_section("overview")
    QApplication.processEvents()
    assert window.isVisible() and not overview.cards
    assert overview._counting.isVisible() and overview._counting.text() == "Counting the figures…"
    runner.run_all()
    assert not overview._counting.isVisible()
    assert overview.figure_values()["Users"] == "3"


def test_a_result_overtaken_by_a_newer_refresh_is_dropped(held, db_file):
    application, runner = held
    window = _opened(application, runner, db_file)
    overview = window.show_section("overview")
    runner.run_all()
    partners = int(overview.figure_values()["Partners"])
    overview.refresh()                    # older
    overview.refresh()                    # newer
    runner.run(1)                         # the newer finishes first
    assert overview.figure_values()["Partners"] == str(partners)
    organisation.save_partner(application.db, Partner("NYP", "Ny partner", PARTNER_KINDS.values[0]))
    runner.run(0)                         # the older, counted after the change: dropped
    assert overview.figure_values()["Partners"] == str(partners)
    overview.refresh()
    runner.run_all()
    assert overview.figure_values()["Partners"] == str(partners + 1)
