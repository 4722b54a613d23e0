"""Shared set-up for the tests of the register of children taken abroad."""

from __future__ import annotations

import datetime as dt

from hrvdesk.domain.abroad import AbroadCase

D = dt.date


def case(**fields) -> AbroadCase:
    """A valid case as a social services officer would register it; override any field."""
    defaults = dict(case_ref="SOC-2025-17", reported_by="SOC", known_date=D(2025, 3, 10),
                    gender="girl", birth_year=2010, purposes=("forced_marriage",),
                    honour_link="suspected", destination="IQ", status="at_risk",
                    notes="Skolan har uppmärksammat oro inför sommarlovet.")
    return AbroadCase(**{**defaults, **fields})


def moment(year: int, month: int = 6, day: int = 1) -> dt.datetime:
    """A local time on the given day (for backdated changes)."""
    return dt.datetime(year, month, day, 10, 0).astimezone()


#: A personal identity number with a valid check digit (a well-known test number).
PERSONAL_NUMBER = "19121212-1212"
