"""Hypothesis strategies shared by the abroad-statistics and disclosure tests."""

from __future__ import annotations


from hypothesis import strategies as st

from hrvdesk.domain.abroad import AbroadCase
from hrvdesk.domain.codes import ACTIONS, CASE_STATUSES, GENDERS, HONOUR_LINKS, PURPOSES


def abroad_cases(*, known_date, reporters, birth_years, destinations, max_purposes: int,
                 max_size: int):
    """Lists of valid cases; ``known_date`` is a strategy of dates."""
    return st.lists(st.builds(
        AbroadCase,
        reported_by=st.sampled_from(reporters),
        known_date=known_date,
        gender=st.sampled_from(GENDERS.values),
        birth_year=st.one_of(st.none(), st.integers(*birth_years)),
        purposes=st.lists(st.sampled_from(PURPOSES.values), min_size=1, max_size=max_purposes).map(tuple),
        honour_link=st.sampled_from(HONOUR_LINKS.values),
        destination=st.sampled_from(destinations),
        status=st.sampled_from(CASE_STATUSES.values),
        reported_married=st.booleans(),
        actions=st.lists(st.sampled_from(ACTIONS.values), max_size=max_purposes).map(tuple),
    ), max_size=max_size)


