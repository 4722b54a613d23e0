"""Running slow work (key derivation, opening, backup, restore) off the GUI thread.

A :class:`TaskRunner` runs ``fn()`` somewhere and calls ``on_done(result)`` or
``on_error(exception)`` on the GUI thread. :class:`ThreadRunner` uses Qt's thread pool;
:class:`SyncRunner` runs everything at once on the calling thread (tests, scripts).
``busy`` tells whether a task is running, so that locking can wait for it to finish
before the database is closed under it.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class TaskRunner(QObject):
    """Base: counts running tasks and says when the last one has finished."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._running = 0

    @property
    def busy(self) -> bool:
        return self._running > 0

    def submit(self, fn: Callable[[], Any], on_done: Done, on_error: Failed) -> None:
        raise NotImplementedError

    def _started(self) -> None:
        self._running += 1

    def _finished(self) -> None:
        self._running -= 1
        if not self._running:
            self.idle.emit()


class SyncRunner(TaskRunner):
    """Runs the function immediately; callbacks are called before ``submit`` returns."""

    def submit(self, fn, on_done, on_error) -> None:
        self._started()
        try:
            try:
                result = fn()
            except Exception as exc:  # delivered, like the threaded runner does
                on_error(exc)
            else:
                on_done(result)
        finally:
            self._finished()


class _Relay(QObject):
    """Lives on the GUI thread; signals emitted by the worker are queued to it."""

    succeeded = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.setAutoDelete(True)
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:
            self._relay.failed.emit(exc)
        else:
            self._relay.succeeded.emit(result)


class ThreadRunner(TaskRunner):
    """Runs the function on a pool thread; the callbacks run on the GUI thread."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None):
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._relays: set[_Relay] = set()

    def submit(self, fn, on_done, on_error) -> None:
        relay = _Relay()  # created here, so it belongs to the GUI thread
        self._relays.add(relay)

        def finish(callback: Callable[[Any], None], value: Any) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            try:
                callback(value)
            finally:
                self._finished()

        relay.succeeded.connect(lambda value: finish(on_done, value))
        relay.failed.connect(lambda exc: finish(on_error, exc))
        self._started()
        self._pool.start(_Job(fn, relay))

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool's threads are done (shutting down); events are not processed."""
        return self._pool.waitForDone(msecs)
