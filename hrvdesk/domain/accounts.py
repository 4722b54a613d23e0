"""The rules for a user's name and passphrase, stated once: the core enforces them, the
desktop app shows them (and a passphrase's strength on top) before anything is sent."""

from __future__ import annotations

from hrvdesk.domain.errors import ValidationError
from hrvdesk.i18n import _

MIN_PASSPHRASE = 10


def check_passphrase(passphrase: str) -> None:
    """The minimum the core enforces; the UI shows strength on top of this."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationError.single(
            _("The passphrase must be at least {n} characters long.").format(n=MIN_PASSPHRASE),
            field=_("passphrase"))


def check_user_name(name: str) -> None:
    if not name or len(name) > 64 or not all(c.isalnum() or c in "._-@" for c in name):
        raise ValidationError.single(
            _("A user name is 1–64 letters, digits or . _ - @ (no spaces)."), field=_("user"))
