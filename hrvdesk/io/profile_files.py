"""Reading a municipality profile from a file the user names (``hrvdesk init --profile FILE``),
or a shipped one by name; the profile itself is parsed and validated in
:mod:`hrvdesk.domain.profile`."""

from __future__ import annotations

import os
from pathlib import Path

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.profile import DEFAULT_PROFILE, Profile, is_profile_name, parse_profile, shipped_profile
from hrvdesk.i18n import _


def load_profile(source: str | os.PathLike = DEFAULT_PROFILE) -> Profile:
    """A shipped profile by name (``botkyrka``) or a ``.toml``/``.json`` file by path;
    ValidationError (every problem with its key path) when it is not a valid profile."""
    path = Path(source)
    if isinstance(source, str) and is_profile_name(source) and not path.exists():
        return shipped_profile(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise ValidationError.single(_("{file} cannot be read: {reason}").format(
            file=path.name, reason=reason), field="--profile") from None
    return parse_profile(text, path.name, fmt="json" if path.suffix.lower() == ".json" else "toml")
