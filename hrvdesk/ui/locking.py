"""What makes the app lock itself, and the clipboard it cleans up when it does.

- :class:`IdleWatcher`: an application-wide event filter restarts one timer on every
  keyboard, mouse or touch input; when it runs out, ``idle`` is emitted.
- :class:`ScreenLockWatcher`: ``screen_locked`` when the desktop session's screen saver
  locks (freedesktop/GNOME D-Bus where available) or the session is locked (Windows, macOS:
  :mod:`hrvdesk.ui.session_lock_native`); elsewhere it stays silent.
- :class:`ClipboardGuard`: copies values marked as concealed for clipboard managers and
  clears the clipboard later only if it still holds what hrvdesk put there.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QEvent, QMimeData, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QWidget

from hrvdesk.ui.session_lock_native import SessionLockNative

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.TabletPress, QEvent.Type.ShortcutOverride,
})

MINUTE_MS = 60_000
CONCEALED_HINT = "x-kde-passwordManagerHint"
# What Windows clipboard managers and clipboard history look for (as KeePassXC sets them):
# skip this content, keep it out of the history and out of the cloud clipboard.
WINDOWS_HINTS = {
    "ExcludeClipboardContentFromMonitorProcessing": b"1",
    "CanIncludeInClipboardHistory": b"\x00\x00\x00\x00",
    "CanUploadToCloudClipboard": b"\x00\x00\x00\x00",
}


class IdleWatcher(QObject):
    """Emits ``idle`` after ``interval_ms`` without user input anywhere in the application,
    and ``lock_key`` when the lock shortcut is pressed in a window where the Lock action's
    own shortcut cannot fire (a modal dialog is open)."""

    idle = Signal()
    lock_key = Signal()

    def __init__(self, interval_ms: int, parent: QObject | None = None,
                 lock_sequence: QKeySequence | None = None):
        super().__init__(parent)
        self._lock_sequence = lock_sequence or QKeySequence("Ctrl+L")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.idle)
        self._installed = False

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    def set_interval_ms(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)
        if self._timer.isActive():
            self._timer.start()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        """Watch input from now on (after unlocking)."""
        app = QGuiApplication.instance()
        if not self._installed and app is not None:
            app.installEventFilter(self)
            self._installed = True
        self._timer.start()

    def stop(self) -> None:
        """Stop watching (while locked)."""
        self._timer.stop()
        app = QGuiApplication.instance()
        if self._installed and app is not None:
            app.removeEventFilter(self)
        self._installed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        kind = event.type()
        if kind in _ACTIVITY:
            self._timer.start()
            # A shortcut that fired never arrives as a KeyPress; one blocked by a modal
            # dialog does, and is handled here.
            if kind == QEvent.Type.KeyPress and not event.isAutoRepeat() \
                    and QKeySequence(event.keyCombination()).matches(self._lock_sequence) \
                    == QKeySequence.SequenceMatch.ExactMatch:
                self.lock_key.emit()
                return True
        return False


class ScreenLockWatcher(QObject):
    """``screen_locked`` when the session's screen saver becomes active (where D-Bus tells) or
    Windows or macOS locks the session (:class:`SessionLockNative`)."""

    screen_locked = Signal()

    _SERVICES = (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                 ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver"))

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.native = SessionLockNative(self)
        self.native.screen_locked.connect(self.screen_locked)
        self._dbus = self._connect_dbus()

    @property
    def listening(self) -> bool:
        return self._dbus or self.native.listening

    def attach(self, window: QWidget) -> bool:
        """Windows: session changes go to ``window``, which lives until :meth:`detach`."""
        return self.native.attach(window)

    def detach(self) -> None:
        self.native.detach()

    def _connect_dbus(self) -> bool:
        try:
            from PySide6.QtCore import SLOT
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            return False
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return False
        connected = False
        for interface, path in self._SERVICES:
            connected |= bus.connect("", path, interface, "ActiveChanged", self,
                                     SLOT("active_changed(bool)"))
        return connected

    @Slot(bool)
    def active_changed(self, active: bool) -> None:
        """The D-Bus ``ActiveChanged`` signal (also what tests call)."""
        if active:
            self.screen_locked.emit()


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class ClipboardGuard(QObject):
    """The clipboard as hrvdesk uses it: concealed copies, cleared only if still ours."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._ours: bytes | None = None  # a digest, so the value itself is not kept

    def copy(self, text: str) -> None:
        mime = QMimeData()
        mime.setText(text)
        mime.setData(CONCEALED_HINT, b"secret")
        for name, value in WINDOWS_HINTS.items():
            mime.setData(name, value)
        QGuiApplication.clipboard().setMimeData(mime)
        self._ours = _digest(text)

    @property
    def holds_ours(self) -> bool:
        return self._ours is not None and _digest(QGuiApplication.clipboard().text()) == self._ours

    def clear_if_ours(self) -> bool:
        """Clear the clipboard when it still holds our copy; True if it was cleared."""
        ours = self.holds_ours
        if ours:
            QGuiApplication.clipboard().clear()
        self._ours = None
        return ours
