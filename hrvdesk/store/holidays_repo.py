"""The municipality's school holidays per school year (table ``school_holidays``).

A school year without rows of its own uses the Swedish defaults
(:func:`hrvdesk.domain.school_holidays.default_school_year`), which a user sees and can
correct; an administrator stores corrected dates (``CHANGE_SETTINGS``, audited as
``settings`` with target ``school_holidays:<year>``). The statistics read the whole calendar
(:func:`calendar`) to place each departure in a holiday or in term.
"""

from __future__ import annotations

import datetime as dt

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.school_holidays import (KINDS, HolidayCalendar, Holiday, SchoolYear,
                                            default_school_year, school_year_problems)
from hrvdesk.i18n import _
from hrvdesk.store.database import Database


def _entered(db: Database, where: str = "1 = 1", params: tuple = ()) -> dict[int, SchoolYear]:
    found: dict[int, dict[str, Holiday]] = {}
    for year, kind, first, last in db.conn.execute(
            f"SELECT start_year, kind, first_day, last_day FROM school_holidays WHERE {where}",
            params):
        found.setdefault(year, {})[kind] = Holiday(kind, dt.date.fromisoformat(first),
                                                   dt.date.fromisoformat(last))
    return {year: SchoolYear(year, tuple(holidays[kind] for kind in KINDS))
            for year, holidays in found.items() if set(holidays) == set(KINDS)}


def calendar(db: Database) -> HolidayCalendar:
    """Every entered school year, the defaults for the others."""
    return HolidayCalendar(_entered(db))


def school_year(db: Database, start_year: int) -> SchoolYear:
    """The holidays of school year ``start_year``/``start_year + 1`` (``default`` when none
    were entered)."""
    return _entered(db, "start_year = ?", (start_year,)).get(start_year) or default_school_year(start_year)


def _target(start_year: int) -> str:
    return f"school_holidays:{start_year}"


def set_school_year(db: Database, year: SchoolYear) -> None:
    """Store the holidays of one school year (all five, validated; nothing stored on error)."""
    db.require(Permission.CHANGE_SETTINGS, what=_("change the school holidays"))
    problems = school_year_problems(year)
    if problems:
        raise ValidationError("; ".join(str(p) for p in problems), problems)
    with db.transaction() as conn:
        conn.execute("DELETE FROM school_holidays WHERE start_year = ?", (year.start_year,))
        conn.executemany(
            "INSERT INTO school_holidays(start_year, kind, first_day, last_day) VALUES (?, ?, ?, ?)",
            [(year.start_year, h.kind, h.start.isoformat(), h.end.isoformat()) for h in year.holidays])
        db.audit("settings", target=_target(year.start_year), fields=KINDS)


def reset_school_year(db: Database, start_year: int) -> None:
    """Go back to the Swedish defaults for one school year."""
    db.require(Permission.CHANGE_SETTINGS, what=_("change the school holidays"))
    with db.transaction() as conn:
        conn.execute("DELETE FROM school_holidays WHERE start_year = ?", (start_year,))
        db.audit("settings", target=_target(start_year), fields=KINDS)
