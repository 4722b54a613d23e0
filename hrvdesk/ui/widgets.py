"""Small building blocks shared by the windows and sections.

- :class:`Retranslator`: remembers which setter shows which message id, so a widget shows
  itself again in another language with one call (the language switch keeps all input).
- :func:`form_row`: a label with a buddy, whose text is also the control's accessible name.
- :class:`Banner`: a coloured strip that always says in words what it means.
- :class:`PassphraseFields`: new passphrase, repeat, and a strength meter in words.
- :class:`FormDialog`: a window-modal form that runs its work through the task runner.
"""

from __future__ import annotations

import math
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QFrame, QLabel, QLineEdit,
                               QProgressBar, QVBoxLayout, QWidget)

from hrvdesk.domain.accounts import MIN_PASSPHRASE
from hrvdesk.domain.errors import HrvError, ValidationError
from hrvdesk.i18n import N_, _
from hrvdesk.ui.tasks import TaskRunner

Setter = Callable[[str], Any]


class Retranslator:
    """``bind(setter, N_("msgid"))`` shows the message now and again after a language switch."""

    def __init__(self) -> None:
        self._bindings: list[tuple[Setter, str, dict]] = []

    def bind(self, setter: Setter, msgid: str, **values) -> None:
        self._bindings.append((setter, msgid, values))
        setter(_translated(msgid, values))

    def retranslate(self) -> None:
        for setter, msgid, values in self._bindings:
            setter(_translated(msgid, values))


def _translated(msgid: str, values: dict) -> str:
    text = _(msgid)
    return text.format(**values) if values else text


def plain(text: str) -> str:
    """A label's text without its & mnemonic marker (for accessible names)."""
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&")


def group_form(box: QWidget) -> QFormLayout:
    """A form layout filling ``box`` (a group box of a settings-like dialog)."""
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def form_row(form: QFormLayout, tr: Retranslator, msgid: str, field: QWidget,
             description: str | None = None, **values) -> QLabel:
    """Add ``field`` to ``form`` under a label (with mnemonic) that also names it."""
    label = QLabel()
    label.setBuddy(field)
    tr.bind(label.setText, msgid)
    tr.bind(lambda text: field.setAccessibleName(plain(text)), msgid)
    if description:
        tr.bind(field.setAccessibleDescription, description, **values)
        tr.bind(field.setToolTip, description, **values)
    form.addRow(label, field)
    return label


def heading(level: int = 1) -> QLabel:
    label = QLabel()
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * (1.5 if level == 1 else 1.2))
    font.setBold(True)
    label.setFont(font)
    label.setAccessibleDescription("heading")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


def message_label() -> QLabel:
    """A wrapped, selectable label for messages (errors are also said in words)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                  | Qt.TextInteractionFlag.TextSelectableByKeyboard)
    label.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return label


def error_text(exc: BaseException) -> str:
    """The sentence to show for an error; a bug says it is one (details go to stderr only)."""
    if isinstance(exc, ValidationError):
        lines = [exc.message] + [str(p) for p in exc.problems if str(p) != exc.message]
        return "\n".join(lines)
    if isinstance(exc, HrvError):
        return exc.message
    traceback.print_exception(type(exc), None, exc.__traceback__)  # locations only, no values
    return _("hrvdesk met an internal error (a bug). Nothing more was changed. Please report it.")


class Banner(QLabel):
    """A strip with a background colour and, always, text saying what it means."""

    def __init__(self, background: str, foreground: str = "#1a1a1a", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setMargin(8)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.setStyleSheet(f"QLabel {{ background: {background}; color: {foreground}; "
                           f"border: 2px solid {foreground}; }}")

    def setText(self, text: str) -> None:  # noqa: N802 (Qt API)
        super().setText(text)
        self.setAccessibleName(text)


DEMO_COLOURS = ("#ffd54f", "#3e2700")
IN_USE_COLOURS = ("#e3f2fd", "#0d3c61")

# --- passphrases ---------------------------------------------------------------------------

STRENGTH_WORDS = (N_("too short"), N_("weak"), N_("fair"), N_("good"), N_("strong"))


def passphrase_strength(text: str) -> int:
    """0 (shorter than the minimum) … 4 (strong): a rough guess from length and variety."""
    if len(text) < MIN_PASSPHRASE:
        return 0
    pool = 0
    pool += 26 if any(c.islower() and c.isascii() for c in text) else 0
    pool += 26 if any(c.isupper() and c.isascii() for c in text) else 0
    pool += 10 if any(c.isdigit() for c in text) else 0
    pool += 33 if any(not c.isalnum() and c.isascii() for c in text) else 0
    pool += 40 if any(not c.isascii() for c in text) else 0
    distinct = len(set(text))
    effective = min(len(text), 2 * distinct)  # "aaaaaaaaaaaa" is not long
    bits = effective * math.log2(max(pool, 2))
    words = len([w for w in text.split() if len(w) >= 3])
    if distinct < 5:
        return 1
    if bits >= 100 or words >= 4:
        return 4
    return 3 if bits >= 75 else 2 if bits >= 55 else 1


class PassphraseFields(QObject):
    """A new passphrase typed twice, with its strength shown as a bar and in words: three
    rows added to ``form`` (whose widget owns them)."""

    changed = Signal()

    def __init__(self, tr: Retranslator, form: QFormLayout):
        super().__init__(form.parentWidget())
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setObjectName("new_passphrase")
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setObjectName("repeat_passphrase")
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(True)
        self.meter.setObjectName("strength")
        form_row(form, tr, N_("New &passphrase:"), self.first,
                 N_("At least {n} characters; several unrelated words are easy to remember and hard "
                    "to guess."), n=MIN_PASSPHRASE)
        form_row(form, tr, N_("R&epeat the passphrase:"), self.second)
        form_row(form, tr, N_("Strength:"), self.meter)
        self.first.textChanged.connect(self._update)
        self.second.textChanged.connect(self.changed)
        self._update()

    def _update(self) -> None:
        score = passphrase_strength(self.first.text())
        self.meter.setValue(score)
        word = _(STRENGTH_WORDS[score])
        self.meter.setFormat(word)
        self.meter.setAccessibleDescription(word)
        self.changed.emit()

    def retranslate(self) -> None:
        self._update()

    @property
    def strength_text(self) -> str:
        return self.meter.format()

    def problems(self) -> list[str]:
        """Why the passphrase cannot be used yet (translated), empty when it can."""
        out = []
        if len(self.first.text()) < MIN_PASSPHRASE:
            out.append(_("The passphrase must be at least {n} characters long.").format(n=MIN_PASSPHRASE))
        if self.first.text() != self.second.text():
            out.append(_("The two passphrases differ."))
        return out

    def value(self) -> str:
        return self.first.text()

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()


# --- forms ---------------------------------------------------------------------------------


class FormDialog(QDialog):
    """A window-modal form: fields, an inline message, OK/Cancel, and work run off the GUI
    thread. Subclasses fill ``self.form`` and implement :meth:`work` (return a callable
    that does the job, or None after showing what is wrong)."""

    completed = Signal(object)  # the result of the work

    def __init__(self, parent: QWidget | None, tasks: TaskRunner, title: str, ok_text: str):
        super().__init__(parent)
        self.tr_ = Retranslator()
        self._tasks = tasks
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # typed values do not linger
        self.tr_.bind(self.setWindowTitle, title)
        layout = QVBoxLayout(self)
        self.body = QWidget()
        self.form = QFormLayout(self.body)
        self.form.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.body)
        self.message = message_label()
        self.message.setObjectName("message")
        layout.addWidget(self.message)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.tr_.bind(self.progress.setAccessibleName, N_("Working…"))
        layout.addWidget(self.progress)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("ok")
        self.tr_.bind(self.ok_button.setText, ok_text)
        self.tr_.bind(self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText, N_("Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def work(self) -> Callable[[], Any] | None:
        raise NotImplementedError

    def submit(self) -> None:
        self.message.clear()
        job = self.work()
        if job is None:
            return
        self._set_busy(True)
        self._tasks.submit(job, self._succeeded, self._failed)

    def show_problems(self, problems: list[str]) -> bool:
        """Show the problems; True when there are none."""
        self.message.setText("\n".join(problems))
        return not problems

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.body.setEnabled(not busy)
        self.buttons.setEnabled(not busy)

    def _succeeded(self, result) -> None:
        self._set_busy(False)
        self.completed.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.message.setText(error_text(exc))

    def done(self, result: int) -> None:
        """Closing (accepted, cancelled or locked): passphrases typed here are cleared."""
        for field in self.findChildren(QLineEdit):
            if field.echoMode() != QLineEdit.EchoMode.Normal:
                field.clear()
        super().done(result)

    def retranslate(self) -> None:
        self.tr_.retranslate()


class Page(QWidget):
    """A section's page: a heading, an optional introduction, then ``self.body``."""

    def __init__(self, tr: Retranslator, title: str, intro: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.heading = heading()
        tr.bind(self.heading.setText, title)
        layout.addWidget(self.heading)
        if intro:
            self.intro = message_label()
            tr.bind(self.intro.setText, intro)
            layout.addWidget(self.intro)
        self.body = QVBoxLayout()
        layout.addLayout(self.body, 1)
