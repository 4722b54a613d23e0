"""The translation layer: every user-visible string goes through here.

Message ids are English. Catalog sources are gettext ``.po`` files in ``i18n/<lang>/``, one
file per area of the product; beside each is its compiled ``.mo`` file, written by
``i18n/update.py`` (``tests/test_i18n.py`` fails while one is out of date). A language's
``.mo`` files are loaded with the standard library's :mod:`gettext` when it is first chosen.
Swedish is the default and the fallback.

Usage::

    from hrvdesk.i18n import _, N_, ngettext
    raise ValidationError(_("Row {row}: {field} is required.").format(row=3, field="gender"))

``N_`` marks a string for extraction without translating it (module-level constants);
translate it with ``_()`` where it is shown.

Dates and numbers are formatted with :func:`format_date`, :func:`format_number`,
:func:`format_percent` and :func:`format_datetime`, which use Babel with the current locale.
Babel is imported when one of them (or :func:`current_locale`) is first called: translating
does without it, for a faster start.
"""

from __future__ import annotations

import datetime as _dt
import gettext
import locale as _locale
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Babel is imported where it is used: dates, numbers, reading .po sources
    from babel import Locale
    from babel.messages.catalog import Catalog

LANGUAGES: tuple[str, ...] = ("sv", "en")
DEFAULT_LANGUAGE = "sv"
_LOCALES = {"sv": "sv_SE", "en": "en_GB"}

_lock = threading.Lock()
_state = {"lang": DEFAULT_LANGUAGE, "tr": None}


def catalog_dir() -> Path:
    """Where the catalogs (``.po`` sources, compiled ``.mo`` files) are: inside an installed
    wheel, or the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_i18n", here.parent / "i18n"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("translation catalogs not found")


def load_catalog(lang: str) -> Catalog:
    """Merge every ``.po`` file of ``lang`` into one Babel catalog (the sources, not what
    :func:`_` uses: that is their compiled ``.mo`` files)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    merged = Catalog(locale=lang, domain="hrvdesk")
    folder = catalog_dir() / lang
    for po in sorted(folder.glob("*.po")):
        with po.open("rb") as fh:
            part = read_po(fh, locale=lang)
        for message in part:
            if message.id:
                merged[message.id] = message
    return merged


@lru_cache(maxsize=None)
def _translations(lang: str) -> gettext.GNUTranslations:
    """Every compiled ``.mo`` file of ``lang``, chained: a message of a later file (in name
    order) wins, as in :func:`load_catalog`."""
    folder = catalog_dir() / lang
    compiled = sorted(folder.glob("*.mo"), reverse=True)
    if not compiled:
        raise FileNotFoundError(f"no compiled catalogs in {folder}: run i18n/update.py")
    first, *rest = compiled
    with first.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    for mo in rest:
        with mo.open("rb") as fh:
            translations.add_fallback(gettext.GNUTranslations(fh))
    return translations


def normalise_language(value: str | None) -> str:
    """Map ``sv_SE.UTF-8``, ``en-GB`` … to a supported language; fall back to Swedish."""
    if value:
        code = value.replace("-", "_").split("_")[0].split(".")[0].lower()
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def language_from_environment() -> str:
    """The language the environment asks for; Swedish when it asks for none, or for the
    C/POSIX locale (Python's own lookup would report C.UTF-8 as English).

    The first of the POSIX variables that is set decides, as for every other program. Only
    where none is set (Windows, as a rule) is the operating system's locale asked.
    """
    for var in ("HRVDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var)
        if not value:
            continue
        for part in value.split(":"):
            code = part.replace("-", "_").split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
        return DEFAULT_LANGUAGE
    if os.name != "nt":
        return DEFAULT_LANGUAGE
    try:
        loc = _locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "en" if loc.lower().startswith(("en", "english")) else DEFAULT_LANGUAGE


def set_language(lang: str | None) -> str:
    """Switch the process-wide language; returns the language actually chosen."""
    chosen = normalise_language(lang)
    with _lock:
        _state["lang"] = chosen
        _state["tr"] = _translations(chosen)
    return chosen


def current_language() -> str:
    return _state["lang"]


def current_locale() -> Locale:
    from babel import Locale

    return Locale.parse(_LOCALES[current_language()])


def _tr() -> gettext.GNUTranslations:
    if _state["tr"] is None:
        set_language(_state["lang"])
    return _state["tr"]


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _tr().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _tr().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; translate later with ``_()``."""
    return message


# --- locale formatting ----------------------------------------------------------------


def format_date(value: _dt.date | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    from babel import dates

    return dates.format_date(value, format=fmt, locale=current_locale())


def format_datetime(value: _dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    from babel import dates

    return dates.format_datetime(value, format=fmt, locale=current_locale())


def format_number(value: int | float) -> str:
    from babel import numbers

    return numbers.format_decimal(value, locale=current_locale())


def format_decimal(value: float, digits: int = 1) -> str:
    from babel import numbers

    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=current_locale())


def format_percent(value: float, digits: int = 1) -> str:
    """A share as a percentage in the locale's own style ("13,8 %" / "13.8%")."""
    from babel import numbers

    locale = current_locale()
    pattern = locale.percent_formats[None].pattern
    if digits:
        pattern = pattern.replace("#,##0", "#,##0." + "0" * digits, 1)
    return numbers.format_percent(value, format=pattern, locale=locale)
