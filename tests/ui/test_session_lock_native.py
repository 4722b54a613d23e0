"""Screen lock on Windows and macOS (issue #14), run on Linux: a real ``MSG`` in memory goes
through the native event filter; wtsapi32 and PyObjC are stand-ins that record their calls."""

from __future__ import annotations

import ctypes
import sys
import types

import pytest
import shiboken6
from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QWidget

from hrvdesk.ui import session_lock_native as native
from hrvdesk.ui.session_lock_native import (
    MSG, NOTIFY_FOR_THIS_SESSION, WM_WTSSESSION_CHANGE, WTS_CONSOLE_DISCONNECT,
    WTS_REMOTE_DISCONNECT, WTS_SESSION_LOCK, SessionLockNative, locks_session,
)

WTS_CONSOLE_CONNECT, WTS_SESSION_LOGON, WTS_SESSION_UNLOCK = 0x1, 0x5, 0x8
WM_ACTIVATEAPP = 0x001C
WINDOWS = b"windows_generic_MSG"


def make_msg(message: int, wparam: int, layout: type = MSG) -> ctypes.Structure:
    msg = layout()
    msg.hWnd, msg.message, msg.wParam, msg.lParam = 0x1234, message, wparam, 3  # lParam: session id
    return msg


def deliver(watcher: SessionLockNative, event_type, message: int, wparam: int,
            layout: type = MSG) -> tuple[bool, int]:
    msg = make_msg(message, wparam, layout)
    return watcher.filter.nativeEventFilter(event_type, ctypes.addressof(msg))


@pytest.fixture
def watcher(qapp):
    made = SessionLockNative()
    fired: list[None] = []
    made.screen_locked.connect(lambda: fired.append(None))
    made.fired = fired
    yield made
    made.detach()


class FakeWtsapi32:
    """Records the two calls; ``accept`` is what WTSRegisterSessionNotification returns."""

    def __init__(self, accept: bool = True):
        self.accept = accept
        self.calls: list[tuple] = []

    def WTSRegisterSessionNotification(self, hwnd, flags):  # noqa: N802 (Win32 name)
        self.calls.append(("register", hwnd, flags))
        return int(self.accept)

    def WTSUnRegisterSessionNotification(self, hwnd):  # noqa: N802 (Win32 name)
        self.calls.append(("unregister", hwnd))
        return 1


class Untouchable:
    def __getattr__(self, name):
        raise AssertionError(f"Windows API used on {sys.platform}: {name}")

    def __call__(self, *args, **kwargs):
        raise AssertionError(f"Windows API used on {sys.platform}")


def test_the_documented_values():
    assert (WM_WTSSESSION_CHANGE, WTS_CONSOLE_DISCONNECT, WTS_REMOTE_DISCONNECT, WTS_SESSION_LOCK,
            NOTIFY_FOR_THIS_SESSION) == (0x02B1, 0x2, 0x4, 0x7, 0)
    assert locks_session(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    assert locks_session(0xABCD0000 | WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)  # system's high word
    assert not locks_session(WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK)
    assert not locks_session(WM_ACTIVATEAPP, WTS_SESSION_LOCK)


def test_fallback_layout_puts_message_and_wparam_where_wintypes_does():
    from ctypes import wintypes

    for field in ("hWnd", "message", "wParam", "lParam"):
        assert getattr(native._MSG, field).offset == getattr(wintypes.MSG, field).offset, field
    assert native._MSG.wParam.size == native._MSG.lParam.size == ctypes.sizeof(ctypes.c_void_p)


@pytest.mark.parametrize("layout", [MSG, native._MSG], ids=["wintypes", "fallback"])
@pytest.mark.parametrize("wparam", [WTS_SESSION_LOCK, WTS_REMOTE_DISCONNECT, WTS_CONSOLE_DISCONNECT])
def test_session_lock_message_fires_and_is_not_swallowed(watcher, wparam, layout):
    assert deliver(watcher, WINDOWS, WM_WTSSESSION_CHANGE, wparam, layout) == (False, 0)
    assert len(watcher.fired) == 1


def test_every_form_qt_passes_the_type_and_pointer_in(watcher, qtbot):
    msg = make_msg(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK)
    address = ctypes.addressof(msg)
    for event_type, pointer in ((QByteArray(WINDOWS), address), ("windows_generic_MSG", address),
                                (memoryview(WINDOWS), shiboken6.Shiboken.VoidPtr(address))):
        with qtbot.waitSignal(watcher.screen_locked, timeout=0):
            result = watcher.filter.nativeEventFilter(event_type, pointer)
        assert result == (False, 0)
    assert len(watcher.fired) == 3


@pytest.mark.parametrize("event_type, message, wparam", [
    (WINDOWS, WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK),
    (WINDOWS, WM_WTSSESSION_CHANGE, WTS_SESSION_LOGON),
    (WINDOWS, WM_WTSSESSION_CHANGE, WTS_CONSOLE_CONNECT),
    (WINDOWS, WM_ACTIVATEAPP, WTS_SESSION_LOCK),
    (b"windows_dispatcher_MSG", WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK),  # seen again as generic
    (b"xcb_generic_event_t", WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK),
    (b"mac_generic_NSEvent", WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK),
])
def test_other_messages_and_event_types_pass_untouched(watcher, event_type, message, wparam):
    assert deliver(watcher, event_type, message, wparam) == (False, 0)
    assert watcher.fired == []


def test_a_null_message_pointer_is_ignored(watcher):
    assert watcher.filter.nativeEventFilter(WINDOWS, 0) == (False, 0)
    assert watcher.filter.nativeEventFilter(WINDOWS, None) == (False, 0)
    assert watcher.fired == []


@pytest.mark.skipif(sys.platform == "win32", reason="the real platform is asked here")
def test_off_windows_nothing_touches_the_windows_api(qapp, monkeypatch):
    monkeypatch.setattr(ctypes, "windll", Untouchable(), raising=False)
    monkeypatch.setattr(ctypes, "WinDLL", Untouchable(), raising=False)
    monkeypatch.setattr(native, "_wtsapi32", Untouchable())
    watcher, window = SessionLockNative(), QWidget()
    assert not watcher.attach(window)
    assert not watcher.listening
    assert not window.internalWinId()  # no native window was made for registering
    watcher.detach()
    window.deleteLater()


def test_windows_registers_the_window_and_unregisters_it(qapp, monkeypatch):
    wts = FakeWtsapi32()
    monkeypatch.setattr(native, "_wtsapi32", lambda: wts)
    watcher, window = SessionLockNative(platform="win32"), QWidget()
    assert not watcher.listening
    assert watcher.attach(window) and watcher.listening
    hwnd = int(window.winId())
    assert wts.calls == [("register", hwnd, NOTIFY_FOR_THIS_SESSION)]
    watcher.detach()
    watcher.detach()  # once only: one unregister for every register
    assert wts.calls[1:] == [("unregister", hwnd)]
    assert not watcher.listening
    window.deleteLater()


def test_windows_refusing_the_registration_means_not_listening(qapp, monkeypatch):
    wts = FakeWtsapi32(accept=False)
    monkeypatch.setattr(native, "_wtsapi32", lambda: wts)
    watcher, window = SessionLockNative(platform="win32"), QWidget()
    assert not watcher.attach(window)
    watcher.detach()
    assert [call[0] for call in wts.calls] == ["register"]  # nothing to unregister
    window.deleteLater()


def test_macos_observes_the_distributed_notification(qapp, monkeypatch):
    observed: list[tuple] = []

    class Center:
        def addObserverForName_object_queue_usingBlock_(self, name, obj, queue, block):  # noqa: N802
            observed.append(("add", name, obj, queue, block))
            return "token"

        def removeObserver_(self, token):  # noqa: N802
            observed.append(("remove", token))

    center = Center()
    foundation = types.ModuleType("Foundation")
    foundation.NSDistributedNotificationCenter = types.SimpleNamespace(defaultCenter=lambda: center)
    foundation.NSOperationQueue = types.SimpleNamespace(mainQueue=lambda: "main queue")
    monkeypatch.setitem(sys.modules, "Foundation", foundation)
    watcher = SessionLockNative(platform="darwin")
    fired: list[None] = []
    watcher.screen_locked.connect(lambda: fired.append(None))
    assert watcher.listening
    (_, name, obj, queue, block), = observed
    assert (name, obj, queue) == ("com.apple.screenIsLocked", None, "main queue")
    block(object())  # the notification arrives
    assert fired == [None]
    watcher.detach()
    assert observed[-1] == ("remove", "token") and not watcher.listening


def test_macos_without_pyobjc_is_not_listening(qapp, monkeypatch):
    monkeypatch.setitem(sys.modules, "Foundation", None)  # import fails
    assert not SessionLockNative(platform="darwin").listening


def test_windows_follows_the_window_when_its_native_window_is_made_again(qapp, monkeypatch):
    wts = FakeWtsapi32()
    monkeypatch.setattr(native, "_wtsapi32", lambda: wts)
    watcher, window = SessionLockNative(platform="win32"), QWidget()
    watcher.attach(window)
    old = int(window.winId())
    window.destroy()  # the native window goes: let go of it
    assert wts.calls[-1] == ("unregister", old) and not watcher.listening
    window.create()  # a new one (as after changed window flags): registered again
    new = int(window.winId())
    assert new != old and wts.calls[-1] == ("register", new, NOTIFY_FOR_THIS_SESSION)
    assert watcher.listening
    watcher.detach()
    assert wts.calls[-1] == ("unregister", new)
    assert [call[0] for call in wts.calls] == ["register", "unregister", "register", "unregister"]
    window.deleteLater()
