"""Screen lock notifications from Windows and macOS (issue #14), for ``ScreenLockWatcher``.

hrvdesk locks itself when the desktop session is locked. Linux tells over D-Bus (in
:mod:`hrvdesk.ui.locking`); this module covers the other two platforms:

- Windows: ``WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION)`` makes the
  system send ``WM_WTSSESSION_CHANGE`` to one of our top-level windows; a Qt native event
  filter reads the ``MSG`` and locks on ``WTS_SESSION_LOCK`` and on the session being
  disconnected from its console or remote terminal (someone else may sit there next).
- macOS: the distributed notification ``com.apple.screenIsLocked``, observed only when PyObjC's
  ``Foundation`` is installed (it is not a dependency); otherwise nothing is listening.

Deciding from a message is pure (:func:`locks_session`, :class:`SessionChangeFilter`) and is
tested on Linux with a ``MSG`` built in memory. Every call into wtsapi32 sits behind
:func:`_wtsapi32`, which only a watcher made for ``win32`` ever calls.
"""

from __future__ import annotations

import ctypes
import functools
import sys
from collections.abc import Callable

from PySide6.QtCore import QAbstractNativeEventFilter, QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QWidget

# winuser.h / wtsapi32.h (see the WM_WTSSESSION_CHANGE and WTSRegisterSessionNotification pages)
WM_WTSSESSION_CHANGE = 0x02B1
WTS_CONSOLE_DISCONNECT = 0x2
WTS_REMOTE_DISCONNECT = 0x4
WTS_SESSION_LOCK = 0x7
NOTIFY_FOR_THIS_SESSION = 0
LOCKING_CHANGES = frozenset({WTS_SESSION_LOCK, WTS_CONSOLE_DISCONNECT, WTS_REMOTE_DISCONNECT})
# Qt's name for messages sent to a top-level window; "windows_dispatcher_MSG" (the same posted
# message, seen earlier by the event dispatcher) is left alone so that nothing fires twice.
WINDOWS_EVENT_TYPE = b"windows_generic_MSG"
MACOS_SCREEN_LOCKED = "com.apple.screenIsLocked"


class _POINT(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int32), ("y", ctypes.c_int32)]


class _MSG(ctypes.Structure):
    """winuser.h's ``MSG`` where ``ctypes.wintypes`` is missing: WPARAM and LPARAM are
    pointer-sized, UINT, DWORD and LONG 32 bits, as on 32- and 64-bit Windows."""

    _fields_ = [("hWnd", ctypes.c_void_p), ("message", ctypes.c_uint32),
                ("wParam", ctypes.c_size_t), ("lParam", ctypes.c_ssize_t),
                ("time", ctypes.c_uint32), ("pt", _POINT), ("lPrivate", ctypes.c_uint32)]


try:
    from ctypes.wintypes import MSG
except (ImportError, ValueError):  # ValueError: older Pythons off Windows
    MSG = _MSG


def locks_session(message: int, wparam: int) -> bool:
    """Whether a window message says this session was locked or disconnected."""
    # Only the low word of a message identifier is the message; the system keeps the high word.
    return message & 0xFFFF == WM_WTSSESSION_CHANGE and wparam in LOCKING_CHANGES


def _is_windows_message(event_type: object) -> bool:
    """Qt passes a QByteArray (it compares equal to bytes); str is accepted too."""
    if isinstance(event_type, str):
        return event_type == WINDOWS_EVENT_TYPE.decode()
    return event_type == WINDOWS_EVENT_TYPE


class SessionChangeFilter(QAbstractNativeEventFilter):
    """Calls ``on_lock`` for a ``WM_WTSSESSION_CHANGE`` that locks; never filters anything out."""

    def __init__(self, on_lock: Callable[[], None]):
        super().__init__()
        self._on_lock = on_lock

    def nativeEventFilter(self, event_type: object, message: object) -> tuple[bool, int]:  # noqa: N802
        """``message`` is the address of a ``MSG`` (an int, or a shiboken ``VoidPtr``);
        PySide6 reads the answer as (filtered out?, LRESULT)."""
        address = int(message) if message is not None else 0
        if address and _is_windows_message(event_type):
            msg = MSG.from_address(address)
            if locks_session(msg.message, msg.wParam):
                self._on_lock()
        return False, 0


@functools.cache
def _wtsapi32() -> ctypes.WinDLL:
    """wtsapi32.dll with the prototypes used here. Windows only."""
    from ctypes import wintypes

    dll = ctypes.WinDLL("wtsapi32", use_last_error=True)
    dll.WTSRegisterSessionNotification.argtypes = (wintypes.HWND, wintypes.DWORD)
    dll.WTSRegisterSessionNotification.restype = wintypes.BOOL
    dll.WTSUnRegisterSessionNotification.argtypes = (wintypes.HWND,)
    dll.WTSUnRegisterSessionNotification.restype = wintypes.BOOL
    return dll


def _observe_macos(on_lock: Callable[[], None]) -> Callable[[], None] | None:
    """Observe ``com.apple.screenIsLocked`` if PyObjC is there; returns what stops observing."""
    try:
        from Foundation import NSDistributedNotificationCenter, NSOperationQueue
    except ImportError:
        return None
    center = NSDistributedNotificationCenter.defaultCenter()
    token = center.addObserverForName_object_queue_usingBlock_(
        MACOS_SCREEN_LOCKED, None, NSOperationQueue.mainQueue(), lambda _note: on_lock())
    return lambda: center.removeObserver_(token)


class SessionLockNative(QObject):
    """``screen_locked`` when Windows or macOS locks the session; ``listening`` says whether
    anything will tell. On Windows it starts with :meth:`attach`; elsewhere that does nothing."""

    screen_locked = Signal()

    def __init__(self, parent: QObject | None = None, platform: str = sys.platform):
        super().__init__(parent)
        self._platform = platform
        self.filter = SessionChangeFilter(self._locked)
        self._window: QWidget | None = None
        self._hwnd: int | None = None
        self._stop_macos = _observe_macos(self._locked) if platform == "darwin" else None

    @property
    def listening(self) -> bool:
        return self._hwnd is not None or self._stop_macos is not None

    def _locked(self) -> None:
        self.screen_locked.emit()

    def attach(self, window: QWidget) -> bool:
        """Windows: have the session's changes sent to ``window``, a top-level window that
        lives until :meth:`detach` (the unlock dialog). Returns :attr:`listening`."""
        if self._platform != "win32":
            return self.listening
        hwnd = int(window.winId())  # first: creating the native window sends a WinIdChange
        self._unregister()
        if self._window is not window:
            if self._window is not None:
                self._window.removeEventFilter(self)
            self._window = window
            window.installEventFilter(self)  # a recreated native window needs registering again
        try:
            registered = _wtsapi32().WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION)
        except OSError:
            registered = False
        if registered:
            self._hwnd = hwnd
            QCoreApplication.instance().installNativeEventFilter(self.filter)
        return self.listening

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        """A new native window (flags changed) is registered again; a destroyed one let go."""
        if watched is self._window and event.type() == QEvent.Type.WinIdChange:
            hwnd = int(self._window.internalWinId())  # winId() would create one
            if hwnd != self._hwnd:
                self._unregister()
                if hwnd:
                    self.attach(self._window)
        return False

    def detach(self) -> None:
        """Stop listening: before the attached window is destroyed, and at shutdown."""
        self._unregister()
        if self._window is not None:
            self._window.removeEventFilter(self)
            self._window = None
        if self._stop_macos is not None:
            stop, self._stop_macos = self._stop_macos, None
            stop()

    def _unregister(self) -> None:
        if self._hwnd is None:
            return
        hwnd, self._hwnd = self._hwnd, None
        _wtsapi32().WTSUnRegisterSessionNotification(hwnd)
        app = QCoreApplication.instance()
        if app is not None:
            app.removeNativeEventFilter(self.filter)
