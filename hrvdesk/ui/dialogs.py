"""Every message box, question and file dialog hrvdesk shows goes through :class:`Dialogs`.

Code asks ``ctx.dialogs.question(...)`` instead of calling ``QMessageBox`` itself, so that
tests can use :class:`ScriptedDialogs`: answers are queued in advance with
:meth:`ScriptedDialogs.expect`, messages are recorded in ``shown``, and nothing ever blocks.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

from hrvdesk.i18n import _

INFO, WARNING, ERROR, QUESTION, CHOICE, OPEN_FILE, SAVE_FILE, FOLDER, PASSPHRASE = (
    "info", "warning", "error", "question", "choice", "open_file", "save_file", "folder",
    "passphrase")


@dataclass(frozen=True)
class Shown:
    """A dialog that was shown: its kind, title and text (translated)."""

    kind: str
    title: str
    text: str


class Dialogs:
    """The real dialogs (modal, native where the platform has them)."""

    # --- messages --------------------------------------------------------------------

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        self._message(INFO, parent, title, text)

    def warning(self, parent: QWidget | None, title: str, text: str) -> None:
        self._message(WARNING, parent, title, text)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        self._message(ERROR, parent, title, text)

    def question(self, parent: QWidget | None, title: str, text: str, *, default_yes: bool = False) -> bool:
        """Yes/no; True for yes."""
        self._record(QUESTION, title, text)
        return bool(self._answer(QUESTION, lambda: self._ask_yes_no(parent, title, text, default_yes)))

    def choose(self, parent: QWidget | None, title: str, text: str, buttons: list[str]) -> int | None:
        """A message with a button per choice; the index of the one pressed (None: closed)."""
        self._record(CHOICE, title, text)
        return self._answer(CHOICE, lambda: self._ask_choice(parent, title, text, buttons))

    # --- files and secrets -----------------------------------------------------------

    def open_file(self, parent: QWidget | None, title: str, folder: str = "",
                  filters: str = "") -> Path | None:
        self._record(OPEN_FILE, title, folder)
        return self._answer(OPEN_FILE, lambda: _path(QFileDialog.getOpenFileName(
            parent, title, folder, filters or _database_filter())[0]))

    def save_file(self, parent: QWidget | None, title: str, suggested: str = "",
                  filters: str = "") -> Path | None:
        self._record(SAVE_FILE, title, suggested)
        return self._answer(SAVE_FILE, lambda: _path(QFileDialog.getSaveFileName(
            parent, title, suggested, filters or _database_filter())[0]))

    def folder(self, parent: QWidget | None, title: str, folder: str = "") -> Path | None:
        """An existing folder; None when cancelled."""
        self._record(FOLDER, title, folder)
        return self._answer(FOLDER, lambda: _path(QFileDialog.getExistingDirectory(parent, title, folder)))

    def passphrase(self, parent: QWidget | None, title: str, label: str) -> str | None:
        """A passphrase typed once (for an existing slot); None when cancelled."""
        self._record(PASSPHRASE, title, label)

        def ask() -> str | None:
            text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
            return text if ok else None

        return self._answer(PASSPHRASE, ask)

    # --- mechanics -------------------------------------------------------------------

    def _message(self, kind: str, parent, title: str, text: str) -> None:
        self._record(kind, title, text)
        self._answer(kind, lambda: self._show_box(kind, parent, title, text))

    def _record(self, kind: str, title: str, text: str) -> None:
        """Hook for tests; the real dialogs keep nothing."""

    def _answer(self, kind: str, ask):
        return ask()

    @staticmethod
    def _show_box(kind: str, parent, title: str, text: str) -> None:
        icon = {INFO: QMessageBox.Icon.Information, WARNING: QMessageBox.Icon.Warning,
                ERROR: QMessageBox.Icon.Critical}[kind]
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
        box.setAccessibleName(title)
        box.setAccessibleDescription(text)
        box.exec()

    @staticmethod
    def _ask_choice(parent, title: str, text: str, buttons: list[str]) -> int | None:
        box = QMessageBox(QMessageBox.Icon.Information, title, text, QMessageBox.StandardButton.NoButton,
                          parent)
        added = [box.addButton(label, QMessageBox.ButtonRole.AcceptRole) for label in buttons]
        box.setEscapeButton(added[-1])
        box.setAccessibleName(title)
        box.setAccessibleDescription(text)
        box.exec()
        return added.index(box.clickedButton()) if box.clickedButton() in added else None

    @staticmethod
    def _ask_yes_no(parent, title: str, text: str, default_yes: bool) -> bool:
        buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        box = QMessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
        box.setDefaultButton(QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No)
        box.setAccessibleName(title)
        box.setAccessibleDescription(text)
        return box.exec() == QMessageBox.StandardButton.Yes


class UnexpectedDialog(AssertionError):
    """A scripted run reached a dialog it had no answer for."""


class ScriptedDialogs(Dialogs):
    """Pre-answered dialogs for tests: messages are only recorded; questions, file and
    passphrase dialogs take the next answer queued for their kind."""

    def __init__(self) -> None:
        self.shown: list[Shown] = []
        self._queue: deque[tuple[str, object]] = deque()

    def expect(self, kind: str, answer) -> "ScriptedDialogs":
        self._queue.append((kind, answer))
        return self

    @property
    def pending(self) -> list[tuple[str, object]]:
        return list(self._queue)

    def texts(self, kind: str | None = None) -> list[str]:
        return [s.text for s in self.shown if kind is None or s.kind == kind]

    def _record(self, kind: str, title: str, text: str) -> None:
        self.shown.append(Shown(kind, title, text))

    def _answer(self, kind: str, ask):
        if kind in (INFO, WARNING, ERROR):
            return None
        if not self._queue or self._queue[0][0] != kind:
            raise UnexpectedDialog(f"no answer queued for a {kind} dialog; queue: {self.pending}")
        return self._queue.popleft()[1]


def _path(name: str) -> Path | None:
    return Path(name) if name else None


def _database_filter() -> str:
    return _("hrvdesk databases (*.db *.hrv);;All files (*)")
