"""Swedish personal identity numbers (personnummer) and coordination numbers (samordningsnummer).

The ``abroad`` register recognises a child across cases and administrations by a keyed
pseudonym of their number (``import-formats.md``, column ``person``). This module checks a
number as written and normalises it to twelve digits ``YYYYMMDDNNNC``:

- ten or twelve ASCII digits, with at most one separator ``-``, ``+`` or a space before
  the last four (full-width or other non-ASCII digits are refused, not converted);
- a real date of birth; in a coordination number the day is increased by 60;
- the Luhn check digit over the ten-digit form;
- a ten-digit number takes its century from the reference date (the day the municipality
  learned of the case): the latest century in which the date of birth is not after it,
  one century earlier with ``+`` (a person of 100 years or more);
- the date of birth is not after the reference date.

:func:`pseudonym` turns the normalised number into the keyed hash that is stored; the raw
number itself is never stored, logged or shown. Messages never repeat the number.
"""

from __future__ import annotations

import datetime as dt
import re

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.pii import luhn_valid
from hrvdesk.domain.pseudonyms import keyed_hash
from hrvdesk.i18n import _

COORDINATION_OFFSET = 60
#: Prefixes the pseudonymised text, so that a pseudonym of a number can never equal one of
#: another kind of identifier hashed with the same mechanism.
PSEUDONYM_DOMAIN = "personnummer:"

_SHAPE = re.compile(r"(?P<date>[0-9]{6}|[0-9]{8})(?P<sep>[-+ ]?)(?P<serial>[0-9]{4})")


class PersonnummerError(ValidationError):
    """A number that is not a valid personal identity or coordination number; the message
    (translated) says why, without repeating the number."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _reject(reason: str):
    raise PersonnummerError(reason)


def _birth_date(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise PersonnummerError(_(
            "The personal identity number does not hold a real date of birth.")) from None


def _century_for(yymmdd: str, separator: str, reference: dt.date) -> int:
    """The full year of birth of a ten-digit number (see the module's rule)."""
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    if day > COORDINATION_OFFSET:
        day -= COORDINATION_OFFSET
    year = reference.year - (reference.year - yy) % 100
    if (month, day) > (reference.month, reference.day) and year == reference.year:
        year -= 100
    if separator == "+":
        year -= 100
    return year


def normalise(text: str, reference: dt.date) -> str:
    """The twelve digits ``YYYYMMDDNNNC`` of a personal identity or coordination number.

    ``reference`` is the date the number is read at (the case's known date): it decides the
    century of a ten-digit number, and the date of birth must not be after it. Raises
    :class:`PersonnummerError` with a translated reason.
    """
    stripped = text.strip() if isinstance(text, str) else ""
    if not stripped:
        _reject(_("The personal identity number is empty."))
    if any(not (char.isascii() and (char.isdigit() or char in "-+ ")) for char in stripped):
        _reject(_("A personal identity number may hold only the digits 0–9 and one separator "
                  "(-, + or a space) before the last four digits."))
    match = _SHAPE.fullmatch(stripped)
    if match is None:
        _reject(_("Write the personal identity number with 10 or 12 digits, e.g. "
                  "YYMMDD-NNNN or YYYYMMDD-NNNN."))
    date_part, separator, serial = match.group("date", "sep", "serial")
    ten = date_part[-6:] + serial
    if len(date_part) == 8:
        year = int(date_part[:4])
    else:
        year = _century_for(date_part, separator, reference)
    month, day = int(date_part[-4:-2]), int(date_part[-2:])
    if day > COORDINATION_OFFSET:
        day -= COORDINATION_OFFSET
    born = _birth_date(year, month, day)
    if born > reference:
        _reject(_("The date of birth in the personal identity number is after the date the "
                  "case became known."))
    if not luhn_valid(ten):
        _reject(_("The check digit of the personal identity number is wrong; check the number."))
    return f"{year:04d}{ten[2:]}"


def is_coordination_number(twelve: str) -> bool:
    """True for a normalised coordination number (samordningsnummer: day + 60)."""
    return int(twelve[6:8]) > COORDINATION_OFFSET


def problem_reason(text: str, reference: dt.date) -> str | None:
    """Why ``text`` is not a valid number at ``reference`` (translated), or None when it is."""
    try:
        normalise(text, reference)
    except PersonnummerError as error:
        return error.reason
    return None


def pseudonym(twelve: str, key: bytes) -> str:
    """The keyed pseudonym of a normalised (twelve-digit) number: what the register stores."""
    if len(twelve) != 12 or not twelve.isascii() or not twelve.isdigit():
        raise ValueError("normalise the number first")
    return keyed_hash(PSEUDONYM_DOMAIN + twelve, key)
