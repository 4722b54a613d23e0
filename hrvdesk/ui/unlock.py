"""Unlocking, creating a database, and changing one's own passphrase.

The key derivation and the opening of the database run through the task runner, so the
dialog stays responsive; each kind of failure has its own sentence.
"""

from __future__ import annotations

import contextlib
import math
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from hrvdesk.domain.accounts import check_user_name
from hrvdesk.domain.errors import (AuthenticationError, DamagedDatabaseError, HrvError,
                                   LockedOutError, NewerVersionError)
from hrvdesk.i18n import LANGUAGES, N_, _, current_language, ngettext
from hrvdesk.ui.settings_store import data_dir
from hrvdesk.ui.widgets import (DEMO_COLOURS, Banner, FormDialog, PassphraseFields, Retranslator,
                                error_text, form_row, heading, message_label, plain)

# The key store, the database and the key file are imported when they are first used (the
# key store and the key file right after the dialog's first paint, to offer remembering the
# key: see UnlockDialog._update_remember): a faster start.
if TYPE_CHECKING:
    from hrvdesk.store.database import Database
    from hrvdesk.store.keyslots import KeyHeader
    from hrvdesk.ui.dialogs import Dialogs
    from hrvdesk.ui.tasks import TaskRunner

LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}  # endonyms: shown as they are


def format_delay(seconds: float) -> str:
    """A waiting time in words: '45 seconds', '3 minutes 5 seconds'."""
    total = max(1, math.ceil(seconds))
    minutes, secs = divmod(total, 60)
    sec_text = ngettext("{n} second", "{n} seconds", secs).format(n=secs)
    if not minutes:
        return sec_text
    min_text = ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    return _("{minutes} {seconds}").format(minutes=min_text, seconds=sec_text) if secs else min_text


def failure_message(exc: BaseException) -> str:
    """The sentence the unlock dialog shows for a failed attempt, one kind per class."""
    if isinstance(exc, LockedOutError):
        return _("Too many failed attempts. You can try again in {delay}.").format(
            delay=format_delay(exc.seconds_left))
    if isinstance(exc, AuthenticationError):
        return _("Wrong user name or passphrase. Check both (and Caps Lock) and try again.")
    if isinstance(exc, NewerVersionError):
        return _("This database was made by a newer version of hrvdesk and cannot be opened with "
                 "this one. Install the newer version.") + "\n" + exc.message
    if isinstance(exc, DamagedDatabaseError):
        return _("This file cannot be opened: it is damaged or is not a hrvdesk database. "
                 "Nothing was changed; restore it from a backup.") + "\n" + exc.message
    return error_text(exc)


class UnlockDialog(QDialog):
    """The window shown while no database is open: choose a file, user and passphrase."""

    unlocked = Signal(object)           # Database
    create_requested = Signal()
    language_requested = Signal(str)
    quit_requested = Signal()

    def __init__(self, tasks: "TaskRunner", dialogs: "Dialogs", parent: QWidget | None = None):
        super().__init__(parent)
        self._tasks = tasks
        self._dialogs = dialogs
        self.path: Path | None = None
        self._wait = QTimer(self)
        self._wait.setInterval(1000)
        self._wait.timeout.connect(self._tick)
        self._wait_left = 0.0
        self._attempt_id = 0
        self.tr_ = Retranslator()
        self.tr_.bind(self.setWindowTitle, N_("Unlock – hrvdesk"))
        self._build()

    # --- layout ------------------------------------------------------------------------

    def _build(self) -> None:
        tr = self.tr_
        layout = QVBoxLayout(self)
        self.banner = Banner(*DEMO_COLOURS)
        self.banner.hide()
        layout.addWidget(self.banner)
        title = heading()
        tr.bind(title.setText, N_("Unlock hrvdesk"))
        layout.addWidget(title)
        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.file_label.setObjectName("file")
        layout.addWidget(self.file_label)
        files = QHBoxLayout()
        self.open_button = QPushButton()
        self.create_button = QPushButton()
        for button, msgid in ((self.open_button, N_("&Open another file…")),
                              (self.create_button, N_("&Create a new database…"))):
            tr.bind(button.setText, msgid)
            tr.bind(lambda text, b=button: b.setAccessibleName(plain(text)), msgid)
            button.setAutoDefault(False)
            files.addWidget(button)
        files.addStretch(1)
        layout.addLayout(files)
        self.open_button.clicked.connect(self.choose_file)
        self.create_button.clicked.connect(self.create_requested)

        form = QFormLayout()
        self.user = QLineEdit()
        self.user.setObjectName("user")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox()
        self.remember.setObjectName("remember")
        form_row(form, tr, N_("&User:"), self.user)
        form_row(form, tr, N_("&Passphrase:"), self.passphrase)
        tr.bind(self.remember.setText, N_("&Remember on this workstation"))
        tr.bind(self.remember.setAccessibleDescription, N_(
            "The key is kept in this computer's key store; you can then unlock without typing the passphrase"))
        form.addRow("", self.remember)
        layout.addLayout(form)
        self.user.editingFinished.connect(self._update_remember)
        self.remember.toggled.connect(self._remember_chosen)

        self.message = message_label()
        self.message.setObjectName("message")
        tr.bind(self.message.setAccessibleName, N_("Message"))
        layout.addWidget(self.message)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        tr.bind(self.progress.setAccessibleName, N_("Unlocking…"))
        layout.addWidget(self.progress)

        buttons = QHBoxLayout()
        self.language = QComboBox()
        for code in LANGUAGES:
            self.language.addItem(LANGUAGE_NAMES[code], code)
        self.language.setCurrentIndex(self.language.findData(current_language()))
        self.language.activated.connect(lambda _i: self.language_requested.emit(self.language.currentData()))
        language_label = QLabel()
        language_label.setBuddy(self.language)
        tr.bind(language_label.setText, N_("&Language:"))
        tr.bind(self.language.setAccessibleName, N_("Language"))
        buttons.addWidget(language_label)
        buttons.addWidget(self.language)
        buttons.addStretch(1)
        self.quit_button = QPushButton()
        self.unlock_button = QPushButton()
        self.unlock_button.setObjectName("unlock")
        self.unlock_button.setDefault(True)
        self.quit_button.setAutoDefault(False)
        for button, msgid in ((self.quit_button, N_("&Quit")), (self.unlock_button, N_("U&nlock"))):
            tr.bind(button.setText, msgid)
            tr.bind(lambda text, b=button: b.setAccessibleName(plain(text)), msgid)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.quit_button.clicked.connect(self.reject)
        self.unlock_button.clicked.connect(self.attempt)
        chain = (self.user, self.passphrase, self.remember, self.unlock_button, self.open_button,
                 self.create_button, self.language, self.quit_button)
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self._demo_text: tuple[str, str] | None = None
        self._remember_usable = False
        self._remember_probed = False   # the key store was asked (after the first paint)
        self._tick_from_store = False   # the probe ticks "remember" as the key store says
        self.remember.setEnabled(False)  # until the probe
        self._show_file()

    # --- state -------------------------------------------------------------------------

    def set_path(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self._show_file()
        self._update_remember()

    def _show_file(self) -> None:
        if self.path is None:
            self.file_label.setText(_("No database chosen. Open a file or create a new database."))
            self.file_label.setToolTip("")
        else:
            self.file_label.setText(_("Database: {file}").format(file=self.path.name))
            self.file_label.setToolTip(str(self.path))
        self.file_label.setAccessibleName(self.file_label.text())

    def set_user(self, name: str) -> None:
        self.user.setText(name)
        self._update_remember()

    def set_demo(self, user: str, passphrase: str) -> None:
        """Demo: say so, and show the fictitious database's user and passphrase."""
        self._demo_text = (user, passphrase)
        self.banner.show()
        self.open_button.hide()
        self.create_button.hide()
        self._show_demo()

    def _show_demo(self) -> None:
        if self._demo_text:
            user, passphrase = self._demo_text
            self.banner.setText(_("DEMO – fictitious data, deleted when hrvdesk closes. User: {user}, "
                                  "passphrase: {passphrase}").format(user=user, passphrase=passphrase))

    def _header(self) -> KeyHeader | None:
        from hrvdesk.store.keyslots import KeyHeader

        try:
            return KeyHeader.load(self.path) if self.path else None
        except HrvError:
            return None

    def _update_remember(self) -> None:
        """Offer "remember" where the key store can keep a key, ticked when it holds one for
        this user and file. Until the dialog's first paint the offer stays undecided (shown,
        not usable: where there is a key store, as on Windows, the layout does not move):
        asking the key store and reading the key file would delay the dialog. The probe
        (:meth:`_probe_remember`) decides right after the paint, or before a sooner attempt."""
        if self._remember_probed or self._demo_text is not None:  # nothing of the demo is remembered
            self._offer_remember(tick=True)
        else:
            self._tick_from_store = True

    def _remember_chosen(self) -> None:
        """"remember" was ticked or unticked: a probe still to run keeps that."""
        self._tick_from_store = False

    def _probe_remember(self) -> None:
        """Ask the key store, once, and make "remember" usable (or hide it)."""
        if not self._remember_probed:
            self._remember_probed = True
            self._offer_remember(tick=self._tick_from_store)
            self.remember.setEnabled(True)

    def _offer_remember(self, tick: bool) -> None:
        """Show "remember" where it is usable; with ``tick``, tick it when the key store holds
        a key for this user and file."""
        from hrvdesk.store import keystore

        self._remember_usable = self._demo_text is None and keystore.available()
        self.remember.setVisible(self._remember_usable)
        if not tick:
            return
        user = self.user.text().strip()
        header = self._header() if self._remember_usable and user else None  # no user: no key to look for
        key = keystore.recall(header.db_id, user) if header else None
        self.remember.setChecked(key is not None)
        if key is not None:
            from hrvdesk.store.keyslots import wipe

            wipe(key)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        if not self._remember_probed:  # on screen: now there is time to ask the key store
            QTimer.singleShot(0, self, self._probe_remember)

    def show_locked(self, text: str) -> None:
        self.passphrase.clear()
        self.message.setText(text)
        self.passphrase.setFocus() if self.user.text() else self.user.setFocus()

    def retranslate(self) -> None:
        self.tr_.retranslate()
        self._show_file()
        self._show_demo()
        self.language.setCurrentIndex(self.language.findData(current_language()))
        if self._wait.isActive():
            self._tick(count=False)

    # --- actions -----------------------------------------------------------------------

    def choose_file(self) -> None:
        folder = str(self.path.parent) if self.path else ""
        chosen = self._dialogs.open_file(self, _("Open a database"), folder)
        if chosen is not None:
            self.set_path(chosen)
            self.message.clear()

    def attempt(self) -> None:
        """Unlock with what is typed (or a key remembered on this workstation)."""
        if self.path is None:
            self.message.setText(_("Choose a database file first."))
            return
        user, secret = self.user.text().strip(), self.passphrase.text()
        if not user:
            self.message.setText(_("Enter your user name."))
            self.user.setFocus()
            return
        from hrvdesk.store import keystore
        from hrvdesk.store.database import Database

        self._probe_remember()  # sooner than the first paint: ask the key store now
        path, remember = self.path, self._remember_usable and self.remember.isChecked()
        job = None
        if not secret:
            header = self._header()
            key = keystore.recall(header.db_id, user) if header and self._remember_usable else None
            if key is None:
                self.message.setText(_("Enter your passphrase."))
                self.passphrase.setFocus()
                return
            job = lambda: keystore.open_remembered(path, user, key)  # noqa: E731
        else:
            job = lambda: Database.open(path, user, secret)  # noqa: E731
        self.passphrase.clear()
        self.message.setText(_("Unlocking…"))
        self._set_busy(True)
        self._attempt_id += 1
        attempt = self._attempt_id
        self._tasks.submit(job, lambda db: self._opened(attempt, db, remember),
                           lambda exc: self._failed(attempt, exc, user, not secret))

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for widget in (self.user, self.passphrase, self.remember, self.unlock_button,
                       self.open_button, self.create_button):
            widget.setEnabled(not busy)

    def _opened(self, attempt: int, db: Database, remember: bool) -> None:
        from hrvdesk.store import keystore
        from hrvdesk.store.keyslots import wipe

        self._set_busy(False)
        if attempt != self._attempt_id or not self.isVisible():  # given up meanwhile
            db.close()
            return
        if self._remember_usable:
            if remember and keystore.allowed(db):
                secret = db.remembered_secret()
                keystore.remember(db.header.db_id, db.user, secret)
                wipe(secret)
            else:
                keystore.forget(db.header.db_id, db.user)
        self.message.clear()
        self.unlocked.emit(db)

    def _failed(self, attempt: int, exc: BaseException, user: str, with_key: bool) -> None:
        self._set_busy(False)
        if attempt != self._attempt_id:
            return
        if with_key and isinstance(exc, HrvError):
            from hrvdesk.store import keystore

            header = self._header()
            if header:
                keystore.forget(header.db_id, user)  # a remembered key that no longer opens it
        self.message.setText(failure_message(exc))
        if isinstance(exc, LockedOutError):
            self._wait_left = exc.seconds_left
            self.unlock_button.setEnabled(False)
            self._wait.start()
        self.passphrase.setFocus()

    def _tick(self, count: bool = True) -> None:
        """Count the lock-out down in the message; unlock again when it is over."""
        if count:
            self._wait_left -= self._wait.interval() / 1000
        if self._wait_left <= 0:
            self._wait.stop()
            self.unlock_button.setEnabled(True)
            self.message.setText(_("You can try again now."))
            return
        self.message.setText(_("Too many failed attempts. You can try again in {delay}.").format(
            delay=format_delay(self._wait_left)))

    def reject(self) -> None:
        self.quit_requested.emit()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        event.ignore()
        self.quit_requested.emit()


class CreateDatabaseDialog(FormDialog):
    """A new database: where, the first administrator, and a passphrase that cannot be recovered."""

    def __init__(self, parent: QWidget | None, tasks: "TaskRunner", dialogs: "Dialogs"):
        super().__init__(parent, tasks, N_("Create a new database"), N_("&Create"))
        self._dialogs = dialogs
        self.path: Path | None = None
        chooser = QWidget()
        row = QHBoxLayout(chooser)
        row.setContentsMargins(0, 0, 0, 0)
        self.file = QLineEdit()
        self.file.setReadOnly(True)
        self.file.setObjectName("file")
        self.choose = QPushButton()
        self.tr_.bind(self.choose.setText, N_("C&hoose…"))
        self.tr_.bind(self.choose.setAccessibleName, N_("Choose where to save the database"))
        self.choose.clicked.connect(self.choose_file)
        self.choose.setAutoDefault(False)
        row.addWidget(self.file, 1)
        row.addWidget(self.choose)
        form_row(self.form, self.tr_, N_("&File:"), chooser)
        self.tr_.bind(self.file.setAccessibleName, N_("File"))
        self.user = QLineEdit()
        self.user.setObjectName("user")
        form_row(self.form, self.tr_, N_("Your &user name:"), self.user,
                 N_("You become the first administrator"))
        self.passphrase = PassphraseFields(self.tr_, self.form)
        self.warning = message_label()
        self.warning.setObjectName("warning")
        self.tr_.bind(self.warning.setText, N_(
            "Warning: a lost passphrase cannot be recovered by anyone. Without it, or another "
            "administrator who can give you a new one, the data is lost. Write it down and keep it "
            "locked away, or add a second administrator."))
        self.form.addRow(self.warning)
        self.understood = QCheckBox()
        self.understood.setObjectName("understood")
        self.tr_.bind(self.understood.setText, N_("I under&stand that a lost passphrase cannot be recovered"))
        self.tr_.bind(lambda t: self.understood.setAccessibleName(plain(t)),
                      N_("I under&stand that a lost passphrase cannot be recovered"))
        self.form.addRow(self.understood)

    def choose_file(self) -> None:
        folder = data_dir()  # the platform's place for the user's application data
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        chosen = self._dialogs.save_file(self, _("Create a new database"), str(folder / "hrvdesk.db"))
        if chosen is not None:
            self.path = chosen
            self.file.setText(str(chosen))

    def work(self):
        from hrvdesk.store.database import Database

        problems = []
        if self.path is None:
            problems.append(_("Choose where to save the database."))
        elif self.path.exists():
            problems.append(_("{file} already exists; hrvdesk never overwrites a database.").format(
                file=self.path.name))
        user = self.user.text().strip()
        try:
            check_user_name(user)
        except HrvError as exc:
            problems.append(exc.message)
        problems += self.passphrase.problems()
        if not self.understood.isChecked():
            problems.append(_("Confirm that you understand that a lost passphrase cannot be recovered."))
        if not self.show_problems(problems):
            return None
        path, secret = self.path, self.passphrase.value()
        return lambda: Database.create(path, user, secret)

    def retranslate(self) -> None:
        super().retranslate()
        self.passphrase.retranslate()


class ChangePassphraseDialog(FormDialog):
    """The signed-in user changes their own passphrase (the current one is asked first)."""

    def __init__(self, parent: QWidget | None, tasks: "TaskRunner", db: Database):
        super().__init__(parent, tasks, N_("Change my passphrase"), N_("C&hange passphrase"))
        self._db = db
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        self.current.setObjectName("current_passphrase")
        form_row(self.form, self.tr_, N_("&Current passphrase:"), self.current)
        self.passphrase = PassphraseFields(self.tr_, self.form)

    def work(self):
        from hrvdesk.services.accounts import change_own_passphrase

        if not self.show_problems(self.passphrase.problems()):
            return None
        db, current, new = self._db, self.current.text(), self.passphrase.value()
        self.current.clear()
        return lambda: change_own_passphrase(db, current, new)

    def _failed(self, exc: BaseException) -> None:
        super()._failed(exc)
        if isinstance(exc, AuthenticationError):
            self.message.setText(failure_message(exc))
