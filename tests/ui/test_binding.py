"""The Qt binding itself must keep reference counts (a broken wheel ends the app mid-session)."""

from __future__ import annotations

from hrvdesk.ui.app import binding_keeps_references


def test_qt_binding_keeps_reference_counts(qapp):
    assert binding_keeps_references(1000), (
        "The installed PySide6 loses a reference to None on every call (PySide6 6.12.0 abi3 wheels "
        "on CPython < 3.12); the process dies after a few thousand calls. Pin PySide6 < 6.12.")
