"""Code lists shared by records, imports, statistics and the UI.

Each code list is declared once: the canonical (English) code, the Swedish alias accepted
in imports (``import-formats.md``), and a translatable label for the UI and reports.
Codes are matched case-insensitively.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from hrvdesk.i18n import N_, _


@dataclass(frozen=True)
class Code:
    code: str
    alias_sv: str
    label: str  # English message id, translate with _()


class CodeList:
    def __init__(self, name: str, title: str, codes: list[Code]):
        self.name = name
        self.title = title  # message id
        self.codes = tuple(codes)
        self._lookup: dict[str, str] = {}
        for c in codes:
            self._lookup[c.code.lower()] = c.code
            self._lookup[c.alias_sv.lower()] = c.code

    def __iter__(self):
        return iter(self.codes)

    def __contains__(self, code: str) -> bool:
        return any(c.code == code for c in self.codes)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.codes)

    def parse(self, text: str) -> str | None:
        """Canonical code for a code or Swedish alias (any case); None when unknown."""
        return self._lookup.get(text.strip().lower())

    def label(self, code: str) -> str:
        for c in self.codes:
            if c.code == code:
                return _(c.label)
        return code


def _codes(*triples: tuple[str, str, str]) -> list[Code]:
    return [Code(*t) for t in triples]


ADMINISTRATION_KINDS = CodeList("administration_kind", N_("Kind of administration"), _codes(
    ("social_services", "socialtjänst", N_("Social services")),
    ("education", "utbildning", N_("Education")),
    ("other", "övrig", N_("Other")),
))

GENDERS = CodeList("gender", N_("Gender"), _codes(
    ("girl", "flicka", N_("Girl")),
    ("boy", "pojke", N_("Boy")),
    ("other", "annat", N_("Other")),
    ("unknown", "okänt", N_("Unknown")),
))

AGE_BANDS = CodeList("age_band", N_("Age"), _codes(
    ("0-12", "0-12", N_("0–12 years")),
    ("13-17", "13-17", N_("13–17 years")),
    ("18+", "18+", N_("18 years or older")),
    ("unknown", "okänd", N_("Unknown age")),
))

PURPOSES = CodeList("purpose", N_("Suspected purpose"), _codes(
    ("child_marriage", "barnäktenskap", N_("Child marriage")),
    ("forced_marriage", "tvångsäktenskap", N_("Forced marriage")),
    ("fgm", "könsstympning", N_("Female genital mutilation")),
    ("upbringing_trip", "uppfostringsresa", N_("Upbringing trip")),
    ("conversion", "omvändelseförsök", N_("Attempted conversion")),
    ("evade_authorities", "undkomma_myndigheter", N_("Evading the authorities")),
    ("other", "annat", N_("Other purpose")),
    ("unknown", "okänt", N_("Unknown purpose")),
))

HONOUR_LINKS = CodeList("honour_link", N_("Honour link"), _codes(
    ("suspected", "misstänkt", N_("Suspected")),
    ("confirmed", "bekräftad", N_("Confirmed")),
))

CASE_STATUSES = CodeList("status", N_("Status"), _codes(
    ("at_risk", "risk", N_("At risk")),
    ("abroad", "utomlands", N_("Abroad")),
    ("returned", "återkommit", N_("Returned")),
    ("unknown", "okänt", N_("Unknown status")),
))

ACTIONS = CodeList("action", N_("Actions taken"), _codes(
    ("concern_report", "orosanmälan", N_("Report of concern")),
    ("investigation", "utredning", N_("Investigation")),
    ("police_report", "polisanmälan", N_("Police report")),
    ("travel_ban", "utreseförbud", N_("Travel ban")),
    ("lvu", "lvu", N_("Care under LVU")),
    ("school_followup", "skoluppföljning", N_("School follow-up")),
    ("consular_contact", "ud_kontakt", N_("Consular contact")),
    ("placement", "placering", N_("Placement")),
    ("protected_housing", "skyddat_boende", N_("Protected housing")),
    ("no_action", "ingen_åtgärd", N_("No action")),
))
#: The action code that stands alone: no other action beside it.
NO_ACTION = "no_action"

DEPARTURE_TIMINGS = CodeList("departure_timing", N_("Departure"), _codes(
    ("summer_holiday", "sommarlov", N_("During the summer holiday")),
    ("other_school_holiday", "annat_lov", N_("During another school holiday")),
    ("school_term", "terminstid", N_("During the school term")),
    ("not_departed", "ej_avrest", N_("Not departed")),
    ("unknown", "okänt", N_("Departure unknown")),
))

PARTNER_KINDS = CodeList("partner_kind", N_("Kind of partner"), _codes(
    ("police", "polis", N_("Police")),
    ("housing", "bostadsbolag", N_("Housing company")),
    ("womens_shelter", "kvinnojour", N_("Women's shelter")),
    ("fire_service", "räddningstjänst", N_("Fire and rescue service")),
    ("region", "region", N_("Region (health care)")),
    ("civil_society", "civilsamhälle", N_("Civil society organisation")),
    ("other", "övrig", N_("Other partner")),
))

YES_NO = CodeList("yes_no", N_("Yes/no"), _codes(
    ("yes", "ja", N_("Yes")),
    ("no", "nej", N_("No")),
))

TRAINING_TOPICS = CodeList("topic", N_("Topic"), _codes(
    ("hrv", "heder", N_("Honour-related violence and oppression")),
    ("fgm", "könsstympning", N_("Female genital mutilation")),
    ("dv", "våld_i_nära_relationer", N_("Domestic violence")),
))

TOPIC_SEPARATOR = "+"
"""Joins topic codes into a set of topics ("hrv+fgm+dv"), in the order of the list."""
TOPIC_SETS = tuple(TOPIC_SEPARATOR.join(combination)
                   for size in range(len(TRAINING_TOPICS.values), 0, -1)
                   for combination in itertools.combinations(TRAINING_TOPICS.values, size))
"""Every non-empty set of training topics, the whole set first."""


def topic_set_label(topics: str) -> str:
    """A set of topics in words ("Honour-related violence …, Female genital mutilation")."""
    return ", ".join(TRAINING_TOPICS.label(code) for code in topics.split(TOPIC_SEPARATOR))


TRAINING_FORMATS = CodeList("format", N_("Format"), _codes(
    ("web", "webb", N_("Web-based")),
    ("classroom", "fysisk", N_("Classroom")),
    ("conference", "konferens", N_("Conference")),
    ("network_meeting", "erfarenhetsträff", N_("Network meeting")),
))
