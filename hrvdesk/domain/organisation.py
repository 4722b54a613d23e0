"""The municipal organisation as the register holds it: administrations (förvaltningar), each
working for a committee, and the partners outside the municipality (police, the housing
company, the women's shelter, …). An inactive one stays for the records that name it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Administration:
    """An administration; ``committee`` names the committee it works for."""

    code: str
    name: str
    committee: str
    kind: str
    active: bool = True


@dataclass(frozen=True)
class Committee:
    """A committee (nämnd) and the administration that works for it; ``title`` is a message
    id for the seeded committees and the municipality's own words otherwise."""

    code: str
    title: str
    administration: str


@dataclass(frozen=True)
class Partner:
    """A body outside the municipal organisation, of a kind in
    :data:`hrvdesk.domain.codes.PARTNER_KINDS`."""

    code: str
    name: str
    kind: str
    active: bool = True
