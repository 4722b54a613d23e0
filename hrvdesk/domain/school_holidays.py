"""The municipality's school holidays, and whether a departure fell in a holiday or in term.

The national table ``by_departure_timing`` (``national-export.md``) asks whether a child left
during the summer holiday, another school holiday or the school term. The holidays are the
municipality's own: an administrator keeps them per school year in the settings
(:mod:`hrvdesk.store.settings`); a school year without its own dates uses the Swedish
defaults of :func:`default_school_year` (Stockholm county's weeks, as in Botkyrka).

School year ``Y/Y+1`` holds, in order: the autumn holiday (höstlov, week 44 of Y), the
Christmas holiday (jullov, 20 December – 8 January), the sports holiday (sportlov, week 8
of Y+1 in Stockholm county), the Easter holiday (påsklov, the week after Easter) and the
summer holiday after the spring term (sommarlov, mid-June – mid-August of Y+1). A default
week-long holiday runs from the Saturday before its weekdays to the Sunday after them; the
summer holiday from the Saturday of week 24 to the Sunday of week 33. Both days are
included.

:func:`departure_timing` is the rule of the table: a departure day in a holiday counts for
that holiday's kind, any other day is term; a month-only departure counts for a kind only
when every day of the month has that kind (else ``unknown``); without a departure date a
child at risk has ``not_departed``, anyone else ``unknown``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from hrvdesk.domain.errors import Problem
from hrvdesk.i18n import N_, _

SUMMER = "summer"
#: The holidays of a school year, in the order they fall, with their names.
HOLIDAY_KINDS: tuple[tuple[str, str], ...] = (
    ("autumn", N_("Autumn holiday (höstlov)")),
    ("christmas", N_("Christmas holiday (jullov)")),
    ("sports", N_("Sports holiday (sportlov)")),
    ("easter", N_("Easter holiday (påsklov)")),
    (SUMMER, N_("Summer holiday (sommarlov)")),
)
KINDS: tuple[str, ...] = tuple(kind for kind, _title in HOLIDAY_KINDS)
_TITLES = dict(HOLIDAY_KINDS)
_MAX_DAYS = 100
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True)
class Holiday:
    """One school holiday, both days included."""

    kind: str
    start: dt.date
    end: dt.date

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class SchoolYear:
    """The holidays of school year ``start_year``/``start_year + 1``, one per kind in
    :data:`KINDS` order. ``default``: the Swedish defaults, not dates an admin entered."""

    start_year: int
    holidays: tuple[Holiday, ...]
    default: bool = False

    @property
    def label(self) -> str:
        """``2025/26``."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def holiday(self, kind: str) -> Holiday:
        return next(h for h in self.holidays if h.kind == kind)


def holiday_title(kind: str) -> str:
    """Translated name of a kind of holiday."""
    return _(_TITLES[kind])


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own name)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _week(year: int, week: int) -> tuple[dt.date, dt.date]:
    """From the Saturday before ISO week ``week`` of ``year`` to its Sunday."""
    monday = dt.date.fromisocalendar(year, week, 1)
    return monday - dt.timedelta(days=2), monday + dt.timedelta(days=6)


def default_school_year(start_year: int) -> SchoolYear:
    """The Swedish defaults for school year ``start_year``/``start_year + 1`` (see the module)."""
    spring = start_year + 1
    easter = easter_sunday(spring)
    summer = (_week(spring, 24)[0] + dt.timedelta(days=7), dt.date.fromisocalendar(spring, 33, 7))
    spans = {
        "autumn": _week(start_year, 44),
        "christmas": (dt.date(start_year, 12, 20), dt.date(spring, 1, 8)),
        "sports": _week(spring, 8),
        "easter": (easter - dt.timedelta(days=1), easter + dt.timedelta(days=7)),
        SUMMER: summer,
    }
    return SchoolYear(start_year, tuple(Holiday(kind, *spans[kind]) for kind in KINDS), default=True)


def school_year_problems(year: SchoolYear) -> list[Problem]:
    """Every problem with an entered school year (empty when it can be stored)."""
    problems = []
    earliest, latest = dt.date(year.start_year, 7, 1), dt.date(year.start_year + 1, 9, 30)
    if tuple(h.kind for h in year.holidays) != KINDS:
        raise ValueError("a school year has one holiday of each kind, in order")
    for holiday in year.holidays:
        field = holiday_title(holiday.kind)
        if holiday.end < holiday.start:
            problems.append(Problem(_("The last day is before the first day."), field=field))
        elif (holiday.end - holiday.start).days >= _MAX_DAYS:
            problems.append(Problem(_("A holiday can be at most {days} days long.").format(
                days=_MAX_DAYS), field=field))
        if not (earliest <= holiday.start and holiday.end <= latest):
            problems.append(Problem(_(
                "The holiday must lie in school year {label} (July {first} – September {last})."
            ).format(label=year.label, first=year.start_year, last=year.start_year + 1),
                field=field))
    ordered = sorted(year.holidays, key=lambda h: h.start)
    for before, after in zip(ordered, ordered[1:]):
        if after.start <= before.end:
            problems.append(Problem(_("The holiday overlaps {other}.").format(
                other=holiday_title(before.kind)), field=holiday_title(after.kind)))
    return problems


class HolidayCalendar:
    """The school holidays of every school year: those entered (``entered``: start year ->
    :class:`SchoolYear`), the Swedish defaults for the others."""

    def __init__(self, entered: Mapping[int, SchoolYear] | None = None):
        self._years: dict[int, SchoolYear] = dict(entered or {})

    def school_year(self, start_year: int) -> SchoolYear:
        if start_year not in self._years:
            self._years[start_year] = default_school_year(start_year)
        return self._years[start_year]

    def kind_on(self, day: dt.date) -> str | None:
        """The kind of holiday ``day`` falls in, or None in term."""
        for start_year in (day.year - 1, day.year):
            for holiday in self.school_year(start_year).holidays:
                if day in holiday:
                    return holiday.kind
        return None


def _timing_of_day(calendar_: HolidayCalendar, day: dt.date) -> str:
    kind = calendar_.kind_on(day)
    if kind is None:
        return "school_term"
    return "summer_holiday" if kind == SUMMER else "other_school_holiday"


def departure_timing(departure_date: str | None, status: str,
                     holidays: HolidayCalendar | None = None) -> str:
    """The ``by_departure_timing`` category of a departure (``YYYY-MM-DD``, ``YYYY-MM`` or
    None) for a person whose status is ``status``; see the module for the rule. Without
    ``holidays``, the Swedish defaults."""
    calendar_ = holidays if holidays is not None else HolidayCalendar()
    if departure_date is None:
        return "not_departed" if status == "at_risk" else "unknown"
    month = _MONTH.fullmatch(departure_date)
    if month is None:
        return _timing_of_day(calendar_, dt.date.fromisoformat(departure_date))
    year, number = int(month.group(1)), int(month.group(2))
    days = calendar.monthrange(year, number)[1]
    timings = {_timing_of_day(calendar_, dt.date(year, number, day)) for day in range(1, days + 1)}
    return timings.pop() if len(timings) == 1 else "unknown"
