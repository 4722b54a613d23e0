"""Workstation settings (:data:`hrvdesk.domain.settings.WORKSTATION`) in a small JSON file.

The file lives in the user's configuration folder (platformdirs) and holds only the
declared keys: language, idle minutes, backup folder, reminder days, last database path.
Never secrets, never record contents. An unreadable file counts as empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import platformdirs

from hrvdesk import APP_NAME
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.settings import WORKSTATION, Key, renamed
from hrvdesk.safewrite import write_bytes

FILE_NAME = "settings.json"


def default_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / FILE_NAME


def data_dir() -> Path:
    """Where databases go by default: the platform's folder for the user's application data."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


class WorkstationSettings:
    """Read at construction; every change is validated and written at once, and the
    functions given to :meth:`subscribe` are told which key changed. A value stored under a
    setting's earlier name (``Setting.renamed_from``) is read under today's and written so."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else default_path()
        self._listeners: list[Callable[[str], object]] = []
        self._values: dict[str, object] = self._read()

    def _read(self) -> dict[str, object]:
        try:
            raw = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(raw, dict):
            return {}
        moved = renamed(WORKSTATION)
        values = {}
        for stored, value in raw.items():
            key = moved.get(stored, stored)
            if key in WORKSTATION and not (key != stored and key in raw):  # today's name wins
                try:
                    values[key] = WORKSTATION[key].validate(value)
                except ValidationError:
                    continue  # an edited or outdated value falls back to the default
        return values

    def subscribe(self, listener: Callable[[str], object]) -> None:
        """Call ``listener(key)`` after each change."""
        self._listeners.append(listener)

    def get(self, key: Key):
        return self._values.get(key, WORKSTATION[key].default)

    def is_set(self, key: Key) -> bool:
        """True when the value was chosen (stored), not a default."""
        return key in self._values

    def put(self, key: Key, value) -> None:
        """Validate (ValidationError) and save. Unknown keys are refused (KeyError)."""
        self._values[key] = WORKSTATION[key].validate(value)
        self._write()
        for listener in self._listeners:
            listener(key)

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = json.dumps(self._values, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8")
        write_bytes(self.path, data + b"\n")  # mode 0600
