"""Persons taken abroad, or at risk of it, in an honour context (the ``abroad`` register).

One :class:`AbroadCase` per person and event, with the fields of the ``abroad`` import
format (``import-formats.md``); codes are the canonical codes of :mod:`hrvdesk.domain.codes`.
The status may change over time: :class:`StatusChange` records each change so that the
status on a given day (e.g. the end of a reporting period) can be computed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from hrvdesk.domain import m49
from hrvdesk.domain.codes import (ACTIONS, CASE_STATUSES, GENDERS, HONOUR_LINKS, NO_ACTION,
                                  PURPOSES, CodeList)
from hrvdesk.domain.errors import Problem
from hrvdesk.domain.pii import personal_number_problem
from hrvdesk.i18n import _

CASE_REF_MAX_LENGTH = 40
_PERSON_KEY = re.compile(r"[0-9a-f]{64}")
#: Fields that are not free text: never scanned for a personal identity number (a pseudonym
#: is hex and could by chance hold ten digits in a row).
_NOT_SCANNED = frozenset({"person_key"})
_DEPARTURE = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")


@dataclass(frozen=True)
class Coarsened:
    """What retention keeps of a case's exact details (:func:`coarsened`): the age band
    instead of the birth year, the M49 region instead of the country, the departure timing
    instead of the date."""

    age_band: str
    region: str
    timing: str


@dataclass(frozen=True, kw_only=True)
class AbroadCase:
    """One person and event. ``departure_date`` is text ``YYYY-MM-DD`` or ``YYYY-MM``;
    ``destination`` an upper-case ISO 3166-1 alpha-2 code; ``person_key`` the keyed
    pseudonym of the child's personal identity number (:mod:`hrvdesk.domain.personnummer`),
    never the number itself; ``follow_up_date`` when the case is next to be followed up;
    ``no_school_since`` the day since which a child reported by a school has had no school
    placement; None means unknown / not given."""

    person_key: str | None = None
    case_ref: str | None = None
    reported_by: str
    known_date: dt.date
    departure_date: str | None = None
    gender: str
    birth_year: int | None
    purposes: tuple[str, ...]
    honour_link: str
    destination: str | None = None
    status: str
    reported_married: bool = False
    actions: tuple[str, ...] = ()
    follow_up_date: dt.date | None = None
    no_school_since: dt.date | None = None
    notes: str | None = None
    id: int | None = None
    coarsened: Coarsened | None = None  # set by retention, never by a user


@dataclass(frozen=True)
class StatusChange:
    """From ``date`` on, the case has ``status``."""

    status: str
    date: dt.date


def status_at(case: AbroadCase, history: Sequence[StatusChange], day: dt.date) -> str:
    """The status of ``case`` at the end of ``day``.

    ``history`` holds the case's dated status changes in any order (on the same date, the
    later one in the sequence wins). The latest change on or before ``day`` applies; before
    the first recorded change the first recorded status applies (the status registered when
    the case became known). Without history, the case's own ``status``.
    """
    if not history:
        return case.status
    ordered = sorted(history, key=lambda change: change.date)  # stable: ties keep their order
    current = ordered[0].status
    for change in ordered:
        if change.date > day:
            break
        current = change.status
    return current


def age(case: AbroadCase) -> int | None:
    """``year(known_date) − birth_year``; None when the birth year is unknown."""
    if case.birth_year is None:
        return None
    return case.known_date.year - case.birth_year


def age_band(case: AbroadCase) -> str:
    """``0-12``, ``13-17``, ``18+`` or ``unknown`` (also for an impossible negative age); a
    case reduced by retention keeps only its band."""
    if case.coarsened is not None:
        return case.coarsened.age_band
    years = age(case)
    if years is None or years < 0:
        return "unknown"
    if years <= 12:
        return "0-12"
    if years <= 17:
        return "13-17"
    return "18+"


def is_departure_date(text: str) -> bool:
    """True for a real date written ``YYYY-MM-DD`` or a real month written ``YYYY-MM``."""
    match = _DEPARTURE.fullmatch(text)
    if match is None:
        return False
    year, month, day = match.groups()
    try:
        dt.date(int(year), int(month), int(day or 1))
    except ValueError:
        return False
    return True


def validate_case(case: AbroadCase, today: dt.date, known_administrations: Collection[str],
                  line: int | None = None) -> list[Problem]:
    """Every problem with ``case`` (empty when valid); ``Problem.field`` is the field name.

    ``known_administrations`` holds the codes of the registered administrations.
    Messages never repeat the rejected value (it may be personal data).
    """
    problems: list[Problem] = []

    def problem(field: str, reason: str) -> None:
        problems.append(Problem(reason=reason, line=line, field=field))

    if case.case_ref is not None and len(case.case_ref) > CASE_REF_MAX_LENGTH:
        problem("case_ref", _("At most {max} characters are allowed.").format(
            max=CASE_REF_MAX_LENGTH))
    if case.reported_by not in known_administrations:
        problem("reported_by", _("Not a registered administration; registered: {codes}.").format(
            codes=", ".join(sorted(known_administrations))))
    if case.known_date > today:
        problem("known_date", _("The date is in the future."))
    if case.departure_date is not None and not is_departure_date(case.departure_date):
        problem("departure_date", _("Write the date as YYYY-MM-DD or YYYY-MM."))
    _check_code(problem, "gender", GENDERS, (case.gender,))
    if case.birth_year is not None:
        if not 1000 <= case.birth_year <= 9999:
            problem("birth_year", _("The birth year must have four digits."))
        elif case.birth_year > case.known_date.year:
            problem("birth_year", _("The birth year is after the year the case became known."))
    if not case.purposes:
        problem("purposes", _("At least one purpose is required."))
    _check_code(problem, "purposes", PURPOSES, case.purposes)
    _check_code(problem, "honour_link", HONOUR_LINKS, (case.honour_link,))
    if case.destination is not None and not m49.is_country(case.destination):
        problem("destination", _("Not an ISO 3166-1 alpha-2 country code (e.g. SE)."))
    _check_code(problem, "status", CASE_STATUSES, (case.status,))
    _check_code(problem, "actions", ACTIONS, case.actions)
    if NO_ACTION in case.actions and len(set(case.actions)) > 1:
        problem("actions", _('"No action" cannot be combined with another action.'))
    if case.person_key is not None and not _PERSON_KEY.fullmatch(case.person_key):
        problem("person_key", _("Not a pseudonym of a personal identity number."))
    if case.no_school_since is not None and case.no_school_since > today:
        problem("no_school_since", _("The date is in the future."))
    problems.extend(_personal_number_problems(case, line))
    return problems


def _check_code(problem, field: str, codes: CodeList, values: Iterable[str]) -> None:
    if any(value not in codes for value in values):
        problem(field, _("Not a valid value; allowed: {values}.").format(
            values=", ".join(codes.values)))


def _personal_number_problems(case: AbroadCase, line: int | None) -> list[Problem]:
    """A problem for every field whose text holds a personal identity number."""
    found = []
    for field in dataclasses.fields(case):
        if field.name in _NOT_SCANNED:
            continue
        value = getattr(case, field.name)
        texts = value if isinstance(value, tuple) else (value,)
        for text in texts:
            if isinstance(text, str) and (p := personal_number_problem(text, field.name, line)):
                found.append(p)
                break
    return found


#: What retention erases of a case: everything that could point at a child or a date finer
#: than a month (the codes stay; see :func:`coarsened`).
ERASED_BY_RETENTION: tuple[str, ...] = (
    "person_key", "case_ref", "departure_date", "birth_year", "destination", "follow_up_date",
    "no_school_since", "notes")


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def coarsened(case: AbroadCase, status: str, timing: str) -> AbroadCase:
    """``case`` reduced to what later statistics still need: the month of the known date,
    the age band, the M49 region and the departure timing (``timing``, from the school
    holidays), the codes; ``status`` its status at the end of its reporting period."""
    from hrvdesk.domain import m49

    kept = Coarsened(age_band(case), m49.region_of(case.destination) or "unknown", timing)
    return dataclasses.replace(case, **dict.fromkeys(ERASED_BY_RETENTION),
                               known_date=case.known_date.replace(day=1), status=status,
                               coarsened=kept)

