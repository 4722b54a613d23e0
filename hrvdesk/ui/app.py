"""The desktop application: unlock → main window → lock → unlock …, and the demo mode.

:class:`App` owns the open database (``app.db``; None while locked) and everything that
outlives one main window: the unlock dialog, the idle and screen-lock watchers, the
clipboard guard, the task runner, the dialogs and the workstation settings.

Locking hides every window at once (dialogs are rejected), clears the clipboard if it
still holds what hrvdesk put there, and then — as soon as no task is using the database
and no nested dialog loop is running — records the lock, closes the database (wiping the
key) and deletes the main window with its data.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import importlib
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEvent, QObject, Qt, QThread, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from hrvdesk import APP_NAME, DESKTOP_ID, disable_core_dumps, i18n
from hrvdesk.domain.errors import HrvError, PermissionDenied
from hrvdesk.domain.roles import Permission, Role
from hrvdesk.domain.settings import Key
from hrvdesk.i18n import _, format_date, ngettext
from hrvdesk.ui import platform_check, qt_translations
from hrvdesk.ui.dialogs import Dialogs
from hrvdesk.ui.icons import app_icon
from hrvdesk.ui.locking import MINUTE_MS, ClipboardGuard, IdleWatcher, ScreenLockWatcher
from hrvdesk.ui.settings_store import WorkstationSettings
from hrvdesk.ui.tasks import TaskRunner, ThreadRunner
from hrvdesk.ui.unlock import CreateDatabaseDialog, UnlockDialog, failure_message
from hrvdesk.ui.widgets import FormDialog

if TYPE_CHECKING:  # imported when the first window is built (or preloaded): a faster start
    from hrvdesk.store.database import Database
    from hrvdesk.ui.mainwindow import MainWindow
    from hrvdesk.ui.sections.administration import UserDialog

# Only what the unlock dialog needs is imported before it is painted: the database, the
# sections and their libraries (reports, charts, spreadsheets, the disclosure solver) are
# imported where they are used, or preloaded once the dialog is shown (:func:`preload_modules`).

DEMO_USER = "demo-admin"
# The demo's data is fictitious, its passphrase random and its folder deleted at exit, so
# its key slots use a light key derivation: the demo starts in a moment.
DEMO_KDF = {"name": "argon2id", "time_cost": 1, "memory_kib": 8192, "parallelism": 1}


def _lock_message(reason: str) -> str:
    if reason == "idle":
        return _("hrvdesk locked itself after a period without use. Enter your passphrase to continue.")
    if reason == "screen":
        return _("hrvdesk locked itself because the screen was locked. Enter your passphrase to continue.")
    return _("hrvdesk is locked. Enter your passphrase to continue.")


class App(QObject):
    """The application's state between windows."""

    def __init__(self, settings: WorkstationSettings | None = None, tasks: TaskRunner | None = None,
                 dialogs: Dialogs | None = None):
        super().__init__()
        qapp = QApplication.instance()
        qapp.setQuitOnLastWindowClosed(False)  # hiding the window when locking must not quit
        self.settings = settings or WorkstationSettings()
        self.tasks = tasks or ThreadRunner(self)
        self.dialogs = dialogs or Dialogs()
        self.clipboard = ClipboardGuard(self)
        self.idle = IdleWatcher(int(self.settings.get(Key.AUTOLOCK_MINUTES)) * MINUTE_MS, self)
        self.settings.subscribe(self._setting_changed)
        self.idle.idle.connect(lambda: self.lock("idle"))
        self.idle.lock_key.connect(lambda: self.lock("manual"))
        self.screen = ScreenLockWatcher(self)
        self.screen.screen_locked.connect(lambda: self.lock("screen"))
        self.lease_timer = QTimer(self)  # the writer's heartbeat, a reader's look for a free database
        self.lease_timer.timeout.connect(self.check_writing)  # its interval is set when a database opens
        self.db: Database | None = None
        self.window: MainWindow | None = None
        self.demo = False
        self.demo_dir: Path | None = None
        self._locking: str | None = None  # the reason, while a lock is being finished
        self._shut_down = False
        self._preload: list[str] | None = None  # modules still to import before the window
        self.unlock = UnlockDialog(self.tasks, self.dialogs)
        self.unlock.unlocked.connect(self._unlocked)
        self.unlock.create_requested.connect(self.show_create)
        self.unlock.language_requested.connect(self.set_language)
        self.unlock.quit_requested.connect(self.quit)
        self.screen.attach(self.unlock)  # Windows: the one top-level window that lives throughout

    @property
    def locked(self) -> bool:
        return self.db is None

    # --- starting ----------------------------------------------------------------------

    def start(self, db_path: Path | None = None) -> None:
        """Show the unlock dialog for ``db_path`` (default: the last database opened here)."""
        if db_path is None:
            last = self.settings.get(Key.LAST_DATABASE)
            db_path = Path(last) if last and Path(last).is_file() else None
        self.unlock.set_path(db_path)
        self.unlock.show()
        self.unlock.raise_()
        (self.unlock.passphrase if self.unlock.user.text() else self.unlock.user).setFocus()
        if self._preload is None:
            self._preload = []  # listed, and imported, from the dialog's first paint on
            self.unlock.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.unlock and event.type() == QEvent.Type.Paint:
            self.unlock.removeEventFilter(self)
            QTimer.singleShot(0, self._start_preload)
        return False

    def _start_preload(self) -> None:
        if self.window is None and not self._shut_down:
            self._preload = preload_modules()
            self._preload_step()

    def _preload_step(self) -> None:
        """Import one more module the main window needs (about a second in all), one per turn
        of the event loop, while the passphrase is typed and the key is derived. On the GUI
        thread: importing Qt modules on another thread crashes PySide6."""
        if self._preload and self.window is None and not self._shut_down:
            with contextlib.suppress(Exception):  # a broken module says so when the window is built
                importlib.import_module(self._preload.pop(0))
            QTimer.singleShot(0, self._preload_step)

    def start_demo(self, seed: int = 1) -> None:
        """A fresh demo database in a private temporary folder, opened at once."""
        import secrets

        from hrvdesk.store.demo import create_demo

        self.demo = True
        self.demo_dir = Path(tempfile.mkdtemp(prefix="hrvdesk-demo-"))  # mode 0700
        os.chmod(self.demo_dir, 0o700)
        atexit.register(shutil.rmtree, self.demo_dir, True)  # also after a crash of Python code
        passphrase = secrets.token_urlsafe(12)
        db = create_demo(self.demo_dir / "demo.db", DEMO_USER, passphrase, seed=seed, kdf=DEMO_KDF)
        self.unlock.set_demo(DEMO_USER, passphrase)
        self.unlock.set_path(db.path)
        self.unlock.set_user(DEMO_USER)
        self._open(db)

    # --- unlocked ----------------------------------------------------------------------

    def _unlocked(self, db: Database) -> None:
        if not self.demo:
            self.settings.put(Key.LAST_DATABASE, str(db.path))
        self._open(db)

    def _open(self, db: Database) -> None:
        from hrvdesk.store.inuse import HEARTBEAT_S
        from hrvdesk.ui.mainwindow import MainWindow

        self.db = db
        self.window = MainWindow(self)
        self.window.show()
        self.window.raise_()
        self.window.activateWindow()
        self.unlock.hide()
        self.idle.start()
        self.lease_timer.start(HEARTBEAT_S * 1000)
        self._tell_what_is_due(db)
        self._scan_pages_if_due(db)

    def _setting_changed(self, key: str) -> None:
        """A workstation setting changed (settings dialog, or anything else): use it at once."""
        if key == Key.AUTOLOCK_MINUTES:
            self.idle.set_interval_ms(int(self.settings.get(key)) * MINUTE_MS)

    def check_writing(self) -> None:
        """Every minute (not while a task uses the database): the writer renews its lease and
        learns if an administrator took over; a reader becomes the writer once the writer has
        closed the database. The window says what changed."""
        db = self.db
        if db is None or self.window is None or self.tasks.busy:
            return
        was_writer = not db.read_only
        if was_writer:
            if not db.heartbeat():
                self.window.statusBar().showMessage(_(
                    "Someone else now writes in this database: you have it read-only."))
        elif db.become_writer():
            self.window.statusBar().showMessage(_("You now write in this database."))
        self.window.show_in_use()

    def _tell_what_is_due(self, db: Database) -> None:
        """Right after unlock: how many follow-ups of children the user should already have
        done, and the reporting rounds of the plan whose deadline is near for her committee."""
        from hrvdesk.domain.roles import Permission
        from hrvdesk.store import followups_repo, plan_proposals_repo, plan_round_repo

        notices = []
        late = followups_repo.overdue_count(db) if db.session.can(Permission.VIEW_CASES) else 0
        if late:
            notices.append(ngettext(
                "{n} follow-up is overdue: see Children taken abroad, Follow-ups.",
                "{n} follow-ups are overdue: see Children taken abroad, Follow-ups.", late).format(n=late))
        waiting = plan_proposals_repo.awaiting_decision(db)
        if waiting:
            notices.append(ngettext(
                "{n} proposed activity awaits your decision: see Action plan, Proposals.",
                "{n} proposed activities await your decision: see Action plan, Proposals.",
                waiting).format(n=waiting))
        for round_, _share in plan_round_repo.reminders(db)[:1]:
            notices.append(_("The plan follow-up of {year} is due on {deadline} and your committee's "
                             "part is not marked ready: see Action plan, Reporting round.").format(
                year=round_.year, deadline=format_date(round_.deadline)))
        if notices:
            self.window.statusBar().showMessage(" ".join(notices))

    def _scan_pages_if_due(self, db: Database) -> None:
        """The daily full page check, in the background (see :mod:`hrvdesk.services.integrity`)."""
        from hrvdesk.services import integrity
        from hrvdesk.store.keyslots import wipe
        from hrvdesk.store.maintenance import page_scan

        if self.demo or not integrity.due(db):
            return
        key, path = bytearray(db.key), db.path

        def job() -> int:
            try:
                return page_scan(path, key)
            finally:
                wipe(key)

        def done(damaged: int) -> None:
            if self.db is db:  # still the same session
                integrity.record(db, damaged)
                if damaged and self.window is not None:
                    self.window.statusBar().showMessage(_(
                        "{n} damaged page(s) found in the database: restore it from a backup and run "
                        "\u201chrvdesk check\u201d.").format(n=damaged))

        def failed(exc: BaseException) -> None:
            if self.db is db and self.window is not None:
                self.window.statusBar().showMessage(str(exc) if isinstance(exc, HrvError) else _(
                    "The background check of the database's pages could not run; run \u201chrvdesk check\u201d."))

        self.tasks.submit(job, done, failed)

    def show_create(self) -> CreateDatabaseDialog:
        dialog = CreateDatabaseDialog(self.unlock, self.tasks, self.dialogs)
        dialog.completed.connect(self._created)
        dialog.open()
        return dialog

    def _created(self, db: Database) -> None:
        self.unlock.set_path(db.path)
        self.unlock.set_user(db.user)
        self._unlocked(db)
        self.offer_second_admin()

    def offer_second_admin(self) -> UserDialog | None:
        if self.window is None or not self.dialogs.question(self.window, _("Second administrator"), _(
                "Add a second administrator now? If you forget your passphrase, another administrator "
                "can give you a new one; nobody else can."), default_yes=True):
            return None
        from hrvdesk.ui.sections.administration import UserDialog

        dialog = UserDialog(self.window.ctx, Role.ADMIN)
        dialog.completed.connect(lambda _user: self.window and self.window.mark_changed(None))
        dialog.open()
        return dialog

    # --- locking -----------------------------------------------------------------------

    def lock(self, reason: str = "manual") -> None:
        """Hide every data view now; close the database as soon as that is safe."""
        if self._locking or self.window is None:  # nothing shown, or already locking
            return
        self._locking = reason
        self.idle.stop()
        self.unlock.show_locked(_lock_message(reason))
        self.unlock.setEnabled(False)  # until the database is really closed
        self.unlock.show()             # first, so that a window is always there
        self._hide_data_windows()
        self.clipboard.clear_if_ours()
        if self.tasks.busy:
            self.tasks.idle.connect(self._finish_lock_soon, Qt.ConnectionType.SingleShotConnection)
        else:
            self._finish_lock_soon()

    def _hide_data_windows(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget is self.unlock or not widget.isVisible():
                continue
            if isinstance(widget, QDialog):
                widget.reject()
            widget.hide()

    def _finish_lock_soon(self) -> None:
        """Finish when no nested dialog loop still runs code that might use the database."""
        if QThread.currentThread().loopLevel() > 1 or self.tasks.busy:
            QTimer.singleShot(50, self._finish_lock_soon)
            return
        self._finish_lock()

    def _finish_lock(self) -> None:
        reason, self._locking = self._locking, None
        if self.db is not None:
            with contextlib.suppress(Exception):  # a full disk must not keep the data open
                self.db.audited("lock", detail={"reason": reason or "manual"})
        self._close_database()
        self.unlock.setEnabled(True)
        self.unlock.show_locked(_lock_message(reason or "manual"))

    def _close_database(self) -> None:
        self.lease_timer.stop()
        if self.window is not None:
            window, self.window = self.window, None
            window.shutdown()
            window.hide()
            window.deleteLater()
        if self.db is not None:
            db, self.db = self.db, None
            db.close()  # wipes the key
        gc.collect()

    # --- switching files ---------------------------------------------------------------

    def open_other(self) -> None:
        self.lock("manual")
        self.unlock.choose_file()

    def create_new(self) -> CreateDatabaseDialog:
        self.lock("manual")
        return self.show_create()

    def restore_database(self, source: Path, passphrase: str, on_done: Callable[[Any], None],
                         on_error: Callable[[BaseException], None]) -> None:
        """Close the database, put the verified backup ``source`` in its place and open it.
        If that fails, the current file is opened again (with the key kept meanwhile)."""
        from hrvdesk.store.database import Database
        from hrvdesk.store.keyslots import wipe
        from hrvdesk.store.maintenance import restore

        db = self.db
        if db is None or not db.session.can(Permission.RESTORE):
            on_error(PermissionDenied(_("Your role does not allow restoring a backup.")))
            return
        path, user, keep = db.path, db.user, bytearray(db.key)
        window = self.window
        window.set_busy(True)
        self.db = None
        db.close()

        def job() -> tuple[Database | None, BaseException | None]:
            try:
                restored = restore(source, path, user, passphrase)
            except Exception as exc:  # noqa: BLE001 - handed to on_error below
                try:
                    return Database.open_with_key(path, user, keep), exc
                except Exception:  # noqa: BLE001
                    return None, exc
            wipe(keep)
            return restored, None

        def finished(result: tuple[Database | None, BaseException | None]) -> None:
            new_db, exc = result
            if window is not None:
                window.set_busy(False)
            if new_db is None:  # neither the backup nor the old file opens
                self.idle.stop()
                self._close_database()
                self.unlock.show()
                self.unlock.show_locked(failure_message(exc))
                return
            self.db = new_db
            if self.window is not None:
                self.window.database_replaced()
            (on_error(exc) if exc is not None else on_done(new_db))

        self.tasks.submit(job, finished, lambda exc: finished((None, exc)))

    # --- language ----------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        """Switch the language of every window; nothing typed or opened is lost."""
        chosen = i18n.set_language(lang)
        qt_translations.apply(chosen)
        self.settings.put(Key.LANGUAGE, chosen)
        self.unlock.retranslate()
        if self.window is not None:
            self.window.retranslate()
        for widget in QApplication.topLevelWidgets():  # open forms (create database, …)
            if isinstance(widget, FormDialog) and widget.isVisible():
                widget.retranslate()

    # --- quitting ----------------------------------------------------------------------

    def quit(self) -> None:
        self.shutdown()
        QApplication.quit()

    def shutdown(self) -> None:
        """Close everything; the demo folder is deleted. Safe to call twice."""
        if self._shut_down:
            return
        self._shut_down = True
        self.idle.stop()
        if isinstance(self.tasks, ThreadRunner):
            self.tasks.wait()
        self.clipboard.clear_if_ours()
        self._close_database()
        self.screen.detach()  # before the window it registered is destroyed
        self.unlock.hide()
        self.unlock.deleteLater()
        if self.demo_dir is not None:
            shutil.rmtree(self.demo_dir, ignore_errors=True)


def preload_modules() -> list[str]:
    """What unlocking and the first main window import: the database, the case retention run
    at unlock, then every section module."""
    import pkgutil

    from hrvdesk.ui import sections

    return ["hrvdesk.store.database", "hrvdesk.store.abroad_repo", "hrvdesk.ui.mainwindow",
            *(f"{sections.__name__}.{m.name}" for m in pkgutil.iter_modules(sections.__path__))]


def binding_keeps_references(calls: int = 200) -> bool:
    """False when the Qt binding loses a reference to None on each call (PySide6 6.12.0's
    abi3 wheels on CPython < 3.12 do: the process then dies after a few thousand calls)."""
    probe = QObject()
    before = sys.getrefcount(None)
    for _call in range(calls):
        probe.setObjectName("probe")
    return sys.getrefcount(None) - before > -calls // 2


@contextlib.contextmanager
def _quit_on_termination_signals(qapp: QApplication):
    """While the app runs, SIGTERM/SIGINT end it the normal way (database closed, key wiped,
    the demo's folder removed), also when they arrive before the event loop has started.
    Python handles signals only between bytecodes, so a timer lets it run now and then
    while Qt's event loop waits."""
    def quit_soon(*_args) -> None:
        QTimer.singleShot(0, qapp.quit)  # queued: also works before exec() has begun

    names = [name for name in ("SIGTERM", "SIGINT") if hasattr(signal, name)]
    previous = {name: signal.signal(getattr(signal, name), quit_soon) for name in names}
    ticker = QTimer(qapp)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    try:
        yield
    finally:
        ticker.stop()
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def run(db_path: str | os.PathLike | None = None, demo: bool = False, *, language: str | None = None) -> int:
    """Open the desktop app (on ``db_path``, or on a fresh demo database); the exit code."""
    if QApplication.instance() is None and (trouble := platform_check.problem()):
        print(trouble, file=sys.stderr)
        return 1
    qapp = QApplication.instance() or QApplication(sys.argv[:1] or [APP_NAME])
    if not binding_keeps_references():
        print(_("Warning: the installed PySide6 does not work correctly with this version of "
                "Python and will make hrvdesk stop unexpectedly. Install a PySide6 release "
                "older than 6.12 or use Python 3.12 or newer."), file=sys.stderr)
    qapp.setApplicationName(APP_NAME)
    qapp.setDesktopFileName(DESKTOP_ID)
    qapp.setWindowIcon(app_icon())
    settings = WorkstationSettings()
    if language is None and settings.is_set(Key.LANGUAGE):
        language = settings.get(Key.LANGUAGE)
    qt_translations.apply(i18n.set_language(language or i18n.current_language()))
    app = App(settings=settings)
    qapp.aboutToQuit.connect(app.shutdown)
    try:
        with _quit_on_termination_signals(qapp):
            if demo:
                app.start_demo()
            else:
                app.start(Path(db_path) if db_path else None)
            return qapp.exec()
    finally:
        qapp.aboutToQuit.disconnect(app.shutdown)
        app.shutdown()


def main(argv: list[str] | None = None) -> int:
    """``hrvdesk-gui [--lang sv|en] [--demo] [DB]``"""
    disable_core_dumps()
    i18n.set_language(i18n.language_from_environment())
    parser = argparse.ArgumentParser(prog="hrvdesk-gui", description=_("Open the hrvdesk desktop app."))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("language of messages (sv or en)"))
    parser.add_argument("--demo", action="store_true", help=_("open the app on a fresh demo database"))
    parser.add_argument("database", nargs="?", metavar="DB")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    return run(db_path=args.database, demo=args.demo, language=args.lang)


if __name__ == "__main__":
    sys.exit(main())
