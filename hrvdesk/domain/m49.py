"""ISO 3166-1 alpha-2 countries grouped into UN M49 geographic sub-regions.

The national statistics report destinations by sub-region, never by country. The grouping
is the classic one of the UN Statistics Division's M49 standard (the 22 regions such as
``014`` Eastern Africa or ``145`` Western Asia): where M49 splits a sub-region into
intermediate regions (Sub-Saharan Africa, Latin America and the Caribbean), the
intermediate region is used; the Channel Islands count to Northern Europe.

Not in M49 but accepted: ``TW`` (Eastern Asia) and ``XK`` Kosovo (a user-assigned code in
common use, Southern Europe). ``AQ`` Antarctica belongs to no sub-region (``region_of``
returns None).
"""

from __future__ import annotations

from hrvdesk.i18n import N_, _

# (M49 code, English name as message id, alpha-2 codes), grouped by continent.
_SUB_REGIONS: tuple[tuple[str, str, str], ...] = (
    # Africa
    ("015", N_("Northern Africa"), "DZ EG EH LY MA SD TN"),
    ("014", N_("Eastern Africa"),
     "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW"),
    ("017", N_("Middle Africa"), "AO CD CF CG CM GA GQ ST TD"),
    ("018", N_("Southern Africa"), "BW LS NA SZ ZA"),
    ("011", N_("Western Africa"), "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG"),
    # Americas
    ("029", N_("Caribbean"),
     "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI"),
    ("013", N_("Central America"), "BZ CR GT HN MX NI PA SV"),
    ("005", N_("South America"), "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE"),
    ("021", N_("Northern America"), "BM CA GL PM US"),
    # Asia
    ("143", N_("Central Asia"), "KG KZ TJ TM UZ"),
    ("030", N_("Eastern Asia"), "CN HK JP KP KR MN MO TW"),
    ("035", N_("South-eastern Asia"), "BN ID KH LA MM MY PH SG TH TL VN"),
    ("034", N_("Southern Asia"), "AF BD BT IN IR LK MV NP PK"),
    ("145", N_("Western Asia"), "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE"),
    # Europe
    ("151", N_("Eastern Europe"), "BG BY CZ HU MD PL RO RU SK UA"),
    ("154", N_("Northern Europe"), "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ"),
    ("039", N_("Southern Europe"), "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA XK"),
    ("155", N_("Western Europe"), "AT BE CH DE FR LI LU MC NL"),
    # Oceania
    ("053", N_("Australia and New Zealand"), "AU CC CX HM NF NZ"),
    ("054", N_("Melanesia"), "FJ NC PG SB VU"),
    ("057", N_("Micronesia"), "FM GU KI MH MP NR PW UM"),
    ("061", N_("Polynesia"), "AS CK NU PF PN TK TO TV WF WS"),
)

# Valid codes that belong to no sub-region.
_WITHOUT_REGION: tuple[str, ...] = ("AQ",)

SUB_REGIONS: tuple[str, ...] = tuple(code for code, _name, _countries in _SUB_REGIONS)
"""The sub-region codes in reporting order (by continent)."""

_NAMES: dict[str, str] = {code: name for code, name, _countries in _SUB_REGIONS}

COUNTRY_TO_SUB_REGION: dict[str, str | None] = {
    **{country: code for code, _name, countries in _SUB_REGIONS for country in countries.split()},
    **{country: None for country in _WITHOUT_REGION},
}
"""Every accepted ISO 3166-1 alpha-2 code -> its M49 sub-region code (None: none)."""


def is_country(code: str | None) -> bool:
    """True for an accepted alpha-2 code in canonical (upper-case) form."""
    return code in COUNTRY_TO_SUB_REGION


def parse_country(text: str | None) -> str | None:
    """Canonical alpha-2 code for ``text`` (any case, surrounding spaces); None if unknown."""
    if text is None:
        return None
    code = text.strip().upper()
    return code if code in COUNTRY_TO_SUB_REGION else None


def region_of(country: str | None) -> str | None:
    """The M49 sub-region of a country code; None when unknown or without a sub-region."""
    if country is None:
        return None
    return COUNTRY_TO_SUB_REGION.get(country)


def region_name(code: str) -> str:
    """Translated name of a sub-region code (the code itself when not a sub-region)."""
    name = _NAMES.get(code)
    return _(name) if name else code


def country_name(code: str) -> str:
    """The country's name in the UI language (CLDR, through Babel); the code when unknown."""
    from babel import Locale

    from hrvdesk.i18n import current_language

    return Locale.parse(current_language()).territories.get(code, code)


def country_shown(code: str) -> str:
    """How a country is shown in a form: ``Irak (IQ)``."""
    return f"{country_name(code)} ({code})"


def country_from_text(text: str | None) -> str | None:
    """The country code a user meant: a code (``iq``), a name in Swedish or English (``Irak``,
    ``Iraq``, any case) or the form's own ``Irak (IQ)``; None when it is none of these."""
    from babel import Locale

    text = (text or "").strip()
    if not text:
        return None
    if text.endswith(")") and "(" in text:
        text = text[text.rindex("(") + 1:-1]
    if (code := parse_country(text)) is not None:
        return code
    wanted = text.casefold()
    for language in ("sv", "en"):
        names = Locale.parse(language).territories
        for code in COUNTRY_TO_SUB_REGION:
            if names.get(code, "").casefold() == wanted:
                return code
    return None
