"""Where the files shipped with hrvdesk are (icons, municipality profiles): ``hrvdesk/_resources``
in an installed or frozen build, ``resources/`` in the source tree."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resource_dir(*parts: str) -> Path:
    """The folder ``parts`` below the shipped resources; FileNotFoundError when it is missing."""
    for base in (_HERE / "_resources", _HERE.parent / "resources"):
        candidate = base.joinpath(*parts)
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the shipped resources {'/'.join(parts) or '.'} are missing")


def read_text(*parts: str) -> str:
    """A shipped text file (UTF-8), e.g. ``read_text("profiles", "botkyrka.toml")``."""
    return resource_dir(*parts[:-1]).joinpath(parts[-1]).read_text(encoding="utf-8")
