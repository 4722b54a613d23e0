"""Guards against personal data that registers in hrvdesk must never hold.

The ``abroad`` register carries no names and no Swedish personal identity numbers
(personnummer, samordningsnummer). A value is treated as such a number when it contains,
anywhere, ten or twelve digits shaped ``[CC]YYMMDD[-+]NNNC`` with a plausible month and day
(samordningsnummer: day + 60), a century 18–20 in the twelve-digit form, and a valid Luhn
check digit over the ten-digit form; the separator may also be one space
(``YYMMDD NNNN``). Dates such as ``2025-01-01`` and ordinary numbers do not match.

The text is normalised first (:func:`normalise_digits`): NFKC (full-width digits, signs and
spaces become ASCII), every other Unicode decimal digit (Arabic-Indic, Devanagari, …) becomes
its ASCII digit, and dashes (‐ ‑ ‒ – — −) become ``-``, so that a number typed or pasted in
another script is found too. Messages never repeat the offending value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.i18n import _

# ASCII digits only ([0-9], not \d; the text is normalised first): the number must not be
# glued to further digits.
_CANDIDATE = re.compile(
    r"(?<![0-9])(?:(?P<century>[0-9]{2})?)(?P<date>[0-9]{6})[-+ ]?(?P<serial>[0-9]{4})(?![0-9])"
)
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2212"), "-")
_COORDINATION_OFFSET = 60

#: ``personnummer`` is the Swedish name of the ``abroad`` format's ``person`` column, where a
#: number is pseudonymised on import: it is not forbidden.
FORBIDDEN_COLUMNS: tuple[str, ...] = ("name", "namn", "personal_number")


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check with weights 2,1,2,1,… from the left, as for personnummer."""
    total = 0
    for position, char in enumerate(digits):
        product = int(char) * (2 if position % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return total % 10 == 0


def _plausible_date(yymmdd: str) -> bool:
    month, day = int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > _COORDINATION_OFFSET:
        day -= _COORDINATION_OFFSET
    return 1 <= month <= 12 and 1 <= day <= 31


def _is_personal_number(match: re.Match) -> bool:
    century = match.group("century")
    if century is not None and century not in ("18", "19", "20"):
        return False
    date_part = match.group("date")
    return _plausible_date(date_part) and luhn_valid(date_part + match.group("serial"))


def normalise_digits(text: str) -> str:
    """``text`` with every decimal digit as ASCII, NFKC-normalised, dashes as ``-``."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(c if c.isascii() or (d := unicodedata.decimal(c, None)) is None else str(d)
                       for c in text).translate(_DASHES)
    return text


def find_personal_number(text: str | None) -> bool:
    """True when ``text`` contains something shaped like a Swedish personal identity number."""
    if not text:
        return False
    return any(_is_personal_number(m) for m in _CANDIDATE.finditer(normalise_digits(text)))


def personal_number_reason() -> str:
    """Why a value was rejected (translated)."""
    return _("This looks like a personal identity number. Personal identity numbers must never "
             "be stored in hrvdesk; remove it.")


def personal_number_problem(value: str | None, field: str,
                            line: int | None = None) -> Problem | None:
    """A :class:`Problem` for ``field`` when ``value`` holds a personal identity number."""
    if find_personal_number(value):
        return Problem(reason=personal_number_reason(), line=line, field=field)
    return None


def reject_personal_numbers(value: str | None, field: str, line: int | None = None) -> None:
    """Raise :class:`ValidationError` when ``value`` holds a personal identity number."""
    if find_personal_number(value):
        raise ValidationError.single(personal_number_reason(), field=field, line=line)


def _normalise_column(name: str) -> str:
    return re.sub(r"[\s-]+", "_", name.strip().lower())


def forbidden_columns(columns: Iterable[str]) -> list[str]:
    """The header names (as given) that denote names or personal identity numbers."""
    return [c for c in columns if _normalise_column(c) in FORBIDDEN_COLUMNS]


def forbidden_column_problems(columns: Iterable[str], line: int | None = 1) -> list[Problem]:
    """One :class:`Problem` per forbidden column of a header row."""
    reason = _("A column with names or personal identity numbers must not be imported; remove "
               "the column and import the file again.")
    return [Problem(reason=reason, line=line, field=c) for c in forbidden_columns(columns)]


def reject_forbidden_columns(columns: Iterable[str], line: int | None = 1) -> None:
    """Raise :class:`ValidationError` when the header has a name or personal-number column."""
    problems = forbidden_column_problems(columns, line)
    if problems:
        raise ValidationError(
            _("The file has columns that must not be imported; nothing was imported."), problems)
