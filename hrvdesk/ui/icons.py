"""The icons shipped in ``resources/icons`` (one per section) and the application's own."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from hrvdesk.resources import resource_dir


def icon(name: str) -> QIcon:
    """``resources/icons/NAME.svg`` (a null icon when there is none)."""
    path = resource_dir("icons") / f"{name}.svg"
    return QIcon(str(path)) if path.is_file() else QIcon()


def app_icon() -> QIcon:
    return QIcon(str(resource_dir() / "hrvdesk.svg"))
