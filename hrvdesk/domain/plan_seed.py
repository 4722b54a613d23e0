"""Botkyrka's action plan "Fri att leva i Botkyrka" as data, with its committees and partners.

Goals, measures and activities follow section 4 of the plan (section 5 restates the same
responsibilities per actor). Titles are short English message ids in our own words. The
plan marks the lead committee in bold, which a text copy loses; the plan lists it first,
so the first responsible committee is the lead here.

A new database takes Botkyrka's plan from the profile ``resources/profiles/botkyrka.toml``
(:mod:`hrvdesk.domain.profile`), and an upgraded one from the literals frozen in migration 3;
``tests/test_profiles.py`` checks that both equal this module. It stays the plan in code:
its ``N_()`` titles keep the plan's message ids in the catalogs, and :data:`PARTNERS` are the
named plan partners an activity may refer to besides the partner register.
"""

from __future__ import annotations

from hrvdesk.domain.codes import Code, CodeList
from hrvdesk.domain.plan import Activity, Goal, Measure, Plan
from hrvdesk.i18n import N_

COMMITTEES = CodeList("committee", N_("Committee"), [
    Code("KS", "kommunstyrelsen", N_("Municipal Executive Board")),
    Code("UN", "utbildningsnämnden", N_("Education Committee")),
    Code("SN", "socialnämnden", N_("Social Services Committee")),
    Code("KFN", "kultur- och fritidsnämnden", N_("Culture and Leisure Committee")),
    Code("AVN", "arbetsmarknads- och vuxenutbildningsnämnden",
         N_("Labour Market and Adult Education Committee")),
    Code("SBN", "samhällsbyggnadsnämnden", N_("Urban Planning Committee")),
    Code("VON", "vård- och omsorgsnämnden", N_("Health and Social Care Committee")),
])

#: The administration (import-formats.md) that works for each committee.
COMMITTEE_ADMINISTRATION: dict[str, str] = {
    "KS": "KLF", "UN": "UBF", "SN": "SOC", "KFN": "KOF", "AVN": "AVUX", "SBN": "SBF",
    "VON": "VOF",
}

#: Bodies outside the municipal organisation that the plan works with.
PARTNERS = CodeList("partner", N_("Partner"), [
    Code("police", "polisen", N_("Police")),
    Code("botkyrkabyggen", "botkyrkabyggen", N_("Botkyrkabyggen (housing company)")),
    Code("womens_shelter", "kvinnojouren", N_("Botkyrka women's shelter")),
    Code("fire_service", "brandförsvaret", N_("Södertörn fire and rescue service")),
    Code("region", "regionen", N_("Region Stockholm (health care)")),
    Code("prosecutor", "åklagare", N_("Prosecution Authority")),
    Code("origo", "origo", N_("Origo resource centre")),
])

_ALL_COMMITTEES = COMMITTEES.values


def _activity(code: str, title: str, *responsible: str, **more) -> Activity:
    """An activity led by the first responsible committee, as the plan lists them."""
    return Activity(code, title, responsible, responsible[0], **more)


_GOAL_1 = Goal(1, N_("Services work to prevent honour-related violence"), (
    Measure("M1.1", N_("Share of schools and preschools whose systematic violence prevention "
                       "includes HRV")),
), (
    _activity("A1.1", N_("Cover HRV and FGM in the introduction to parenting-support "
                         "programmes"), "SN", "KS"),
    _activity("A1.2", N_("Build HRV, with a focus on men, boys and masculinity, into Tåget "
                         "and MVP at school and in leisure"), "KS", "SN", "UN", "KFN"),
    _activity("A1.3", N_("Include gender equality and freedom from violence, with HRV, in "
                         "school teaching"), "UN", "KS"),
    _activity("A1.4", N_("Cover sexuality, consent, relationships and HRV in adult "
                         "education"), "AVN", "UN"),
    _activity("A1.5", N_("Raise HRV with young people met through the municipal activity "
                         "responsibility"), "AVN"),
    _activity("A1.6", N_("Check that subsidised associations for children and young people "
                         "have the knowledge needed"), "KS", "KFN", "SN"),
))

_GOAL_2 = Goal(2, N_("Children and young people subjected to HRV are detected"), (
    Measure("M2.1", N_("Share of preschools that ask about violence to detect HRV and FGM")),
    Measure("M2.2", N_("Share of preschools with routines to detect HRV and FGM")),
), (
    _activity("A2.1", N_("Spread easy-to-read information on support and protection in "
                         "several languages"), "AVN", "KFN", "SN",
              partners=("botkyrkabyggen",), timeframe=N_("Ongoing")),
    _activity("A2.2", N_("Inform about HRV and FGM at school and in leisure, with a contact "
                         "path to social services' expertise"), "UN", "SN", "KFN",
              partners=("region",)),
    _activity("A2.3", N_("Ask routinely about violence and HRV with standardised methods"),
              "SN", "AVN", "KFN", "UN"),
    _activity("A2.4", N_("Let the violence-prevention centre co-organise HRV training for "
                         "more than one administration"), "KS"),
    _activity("A2.5", N_("Keep statistics on cases identified as HRV"), "UN", "SN"),
))

_GOAL_3 = Goal(3, N_("Administrations cooperate so that children get knowledge-based "
                     "support"), (
    Measure("M3.1", N_("Share of committees with routines for cooperating with other bodies"),
            source="routines_share"),
    Measure("M3.2", N_("Share of parents exercising HRV who receive treatment and support")),
), (
    _activity("A3.1", N_("Offer joint training on domestic violence and HRV for social "
                         "services, education and the violence-prevention centre"),
              "KS", "SN", "UN", timeframe=N_("Continuous")),
    _activity("A3.2", N_("Draw up joint routines to motivate parents exercising HRV to "
                         "accept support"), "AVN", "SN", "UN", "KFN"),
    _activity("A3.3", N_("Offer family treatment and support to parents exercising HRV"),
              "SN"),
))

_GOAL_4 = Goal(4, N_("Systematic knowledge development, evaluation and follow-up"), (
    Measure("M4.1", N_("Share of administrations whose staff have knowledge of domestic "
                       "violence, FGM and HRV"), source="training_coverage"),
), (
    _activity("A4.1", N_("Train preschool staff on HRV and FGM"), "KS", "UN"),
    _activity("A4.2", N_("Train staff in school, leisure and culture, social services and "
                         "labour market on HRV and FGM"), *_ALL_COMMITTEES),
    _activity("A4.3", N_("Hold experience meetings and training on cooperating in individual "
                         "HRV cases for education and social services"), "KS", "UN", "SN"),
    _activity("A4.4", N_("Ask in the staff survey about exposure to violence and whether HRV "
                         "training was offered"), "KS",
              timeframe=N_("Yearly, baseline in 2022"), first_year=2022),
))

BOTKYRKA_PLAN = Plan(
    id="botkyrka-hrv",
    name=N_("Free to live in Botkyrka – action plan against honour-related violence and "
            "oppression"),
    version="1",
    adopted_year=2022,
    valid_from=2022,
    valid_to=None,
    goals=(_GOAL_1, _GOAL_2, _GOAL_3, _GOAL_4),
)
