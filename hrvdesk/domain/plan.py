"""The action plan: goals (målbilder), measures (mått), activities and their yearly follow-up.

A plan is immutable. Revising it (:func:`revise`) closes the old version and starts a new
one with a copy of the structure, so follow-ups recorded against the old version stay
readable. Titles are English message ids (translate with ``_()`` where shown).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from hrvdesk.domain.codes import Code, CodeList
from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.domain.pii import find_personal_number, personal_number_reason
from hrvdesk.i18n import N_, _

#: The key under which a database keeps its one action plan, whichever municipality's it is:
#: every version shares it, and stored references (``followup:botkyrka-hrv:A1.1:2025`` in the
#: audit log) carry it, so it stays as the first database was made. A profile does not set it.
PLAN_KEY = "botkyrka-hrv"

MEASURE_SOURCES = CodeList("measure_source", N_("Source of the value"), [
    Code("training_coverage", "utbildningstäckning", N_("Computed from training coverage")),
    Code("routines_share", "rutinandel", N_("Computed from the routines register")),
    Code("manual", "manuell", N_("Entered by hand")),
])

MEASURE_UNITS = CodeList("measure_unit", N_("Unit"), [
    Code("share", "andel", N_("Share")),
    Code("count", "antal", N_("Count")),
])

FOLLOWUP_STATUSES = CodeList("followup_status", N_("Status"), [
    Code("not_started", "ej_påbörjad", N_("Not started")),
    Code("started", "påbörjad", N_("Started")),
    Code("ongoing", "pågående", N_("Ongoing")),
    Code("done", "genomförd", N_("Done")),
    Code("cancelled", "avbruten", N_("Cancelled")),
])

#: Follow-up statuses after which an activity is not carried over to the next year.
FINISHED_STATUSES = frozenset({"done", "cancelled"})

TRENDS = CodeList("trend", N_("Trend"), [
    Code("up", "ökar", N_("Rising")),
    Code("down", "minskar", N_("Falling")),
    Code("flat", "oförändrad", N_("Unchanged")),
])


@dataclass(frozen=True)
class Measure:
    """A measure (mått) of a goal; ``source`` says where its yearly value comes from."""

    code: str
    title: str
    source: str = "manual"
    unit: str = "share"


@dataclass(frozen=True)
class Activity:
    """An activity; ``lead`` is the committee that starts it (bold in the plan)."""

    code: str
    title: str
    responsible: tuple[str, ...]
    lead: str
    partners: tuple[str, ...] = ()
    timeframe: str = ""  # message id, or "" when the plan gives none
    first_year: int | None = None
    last_year: int | None = None

    def active_in(self, year: int) -> bool:
        """Whether ``year`` lies within the activity's years (open ends are unbounded)."""
        return ((self.first_year is None or self.first_year <= year)
                and (self.last_year is None or year <= self.last_year))


@dataclass(frozen=True)
class Goal:
    """A goal (målbild) with its measures and activities."""

    number: int
    title: str
    measures: tuple[Measure, ...] = ()
    activities: tuple[Activity, ...] = ()


@dataclass(frozen=True)
class Plan:
    """One version of an action plan; ``id`` is shared by all its versions."""

    id: str
    name: str
    version: str
    adopted_year: int
    valid_from: int
    valid_to: int | None
    goals: tuple[Goal, ...]

    @property
    def activities(self) -> tuple[Activity, ...]:
        return tuple(a for g in self.goals for a in g.activities)

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(m for g in self.goals for m in g.measures)

    def activity(self, code: str) -> Activity | None:
        return next((a for a in self.activities if a.code == code), None)

    def measure(self, code: str) -> Measure | None:
        return next((m for m in self.measures if m.code == code), None)

    def in_force(self, year: int) -> bool:
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)


@dataclass(frozen=True)
class FollowUp:
    """The state of one activity in one year, as reported by the responsible committees."""

    activity_code: str
    year: int
    status: str = "not_started"
    comment: str = ""
    updated_by: str = ""
    updated_at: dt.datetime | None = None
    carried_from: int | None = None  # the year it was carried over from, unfinished

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES


@dataclass(frozen=True)
class MeasureValue:
    """The value of a measure in a year: a share in [0, 1] or a count."""

    measure_code: str
    year: int
    value: float
    source: str = "manual"


# --- validation -----------------------------------------------------------------------


def raise_problems(problems: list[Problem]) -> None:
    """Raise one :class:`ValidationError` listing every problem, if there are any."""
    if problems:
        raise ValidationError(
            str(problems[0]) if len(problems) == 1
            else _("{count} values were rejected.").format(count=len(problems)),
            problems)


def personal_number_problems(texts: Iterable[tuple[str, str | None]]) -> list[Problem]:
    """One problem per field whose texts, given as (field, text) pairs, hold a personal
    identity number."""
    fields = dict.fromkeys(field for field, text in texts if find_personal_number(text))
    return [Problem(personal_number_reason(), field=field) for field in fields]


def _activity_problems(activity: Activity, committees: Collection[str] | None) -> list[Problem]:
    problems = []
    field = activity.code
    if not activity.responsible:
        problems.append(Problem(_("No responsible committee is given."), field=field))
    if len(set(activity.responsible)) != len(activity.responsible):
        problems.append(Problem(_("A responsible committee is listed twice."), field=field))
    if activity.lead not in activity.responsible:
        problems.append(Problem(
            _("The lead committee {lead} is not one of the responsible committees.").format(
                lead=activity.lead), field=field))
    if committees is not None:
        for code in activity.responsible:
            if code not in committees:
                problems.append(Problem(
                    _("Unknown committee: {code}.").format(code=code), field=field))
    if (activity.first_year is not None and activity.last_year is not None
            and activity.last_year < activity.first_year):
        problems.append(Problem(_("The last year is before the first year."), field=field))
    return problems


def validate_activity(activity: Activity, committees: Collection[str] | None = None) -> None:
    """Reject an activity whose lead is not responsible, or with unknown committees."""
    raise_problems(_activity_problems(activity, committees))


def _measure_problems(measure: Measure) -> list[Problem]:
    problems = []
    if measure.source not in MEASURE_SOURCES:
        problems.append(Problem(_("Unknown source: {code}.").format(code=measure.source),
                                field=measure.code))
    if measure.unit not in MEASURE_UNITS:
        problems.append(Problem(_("Unknown unit: {code}.").format(code=measure.unit),
                                field=measure.code))
    return problems


def _duplicates(values: Iterable) -> list:
    return [value for value, count in Counter(values).items() if count > 1]


def validate_plan(plan: Plan, committees: Collection[str] | None = None) -> None:
    """Check the whole structure: unique numbers and codes, measures, activities, years."""
    problems = []
    if plan.valid_to is not None and plan.valid_to < plan.valid_from:
        problems.append(Problem(_("The plan ends before it starts.")))
    for number in _duplicates(g.number for g in plan.goals):
        problems.append(Problem(_("Goal {number} appears twice.").format(number=number)))
    codes = [m.code for m in plan.measures] + [a.code for a in plan.activities]
    for code in _duplicates(codes):
        problems.append(Problem(_("The code {code} is used twice.").format(code=code)))
    for measure in plan.measures:
        problems += _measure_problems(measure)
    for activity in plan.activities:
        problems += _activity_problems(activity, committees)
    raise_problems(problems)


def _year_problems(plan: Plan, year: int) -> list[Problem]:
    if plan.in_force(year):
        return []
    return [Problem(_("The plan version {version} is not in force in {year}.").format(
        version=plan.version, year=year), field="year")]


def validate_followup(followup: FollowUp, plan: Plan) -> None:
    """Reject a follow-up of an unknown activity, in a year outside the plan, or with a
    personal identity number in its comment."""
    problems = []
    if plan.activity(followup.activity_code) is None:
        problems.append(Problem(_("Unknown activity: {code}.").format(
            code=followup.activity_code), field="activity"))
    problems += _year_problems(plan, followup.year)
    if followup.status not in FOLLOWUP_STATUSES:
        problems.append(Problem(_("Unknown status: {code}.").format(code=followup.status),
                                field="status"))
    problems += personal_number_problems([("comment", followup.comment)])
    raise_problems(problems)


def validate_measure_value(value: MeasureValue, plan: Plan) -> None:
    """Reject a value of an unknown measure, outside the plan's years or outside its unit."""
    problems = _year_problems(plan, value.year)
    measure = plan.measure(value.measure_code)
    if value.source not in MEASURE_SOURCES:
        problems.append(Problem(_("Unknown source: {code}.").format(code=value.source),
                                field="source"))
    if measure is None:
        problems.append(Problem(_("Unknown measure: {code}.").format(code=value.measure_code),
                                field="measure"))
    elif measure.unit == "share" and not 0 <= value.value <= 1:
        problems.append(Problem(_("A share must be between 0 and 100 %."), field="value"))
    elif measure.unit == "count" and (
            value.value < 0 or not float(value.value).is_integer()):
        problems.append(Problem(_("A count must be a whole number of at least 0."),
                                field="value"))
    raise_problems(problems)


# --- rules ----------------------------------------------------------------------------


def carry_over(followups: Iterable[FollowUp],
               activity_codes: Iterable[str] | None = None) -> list[str]:
    """Codes of the activities left unfinished (not done or cancelled) in one year; they
    must be followed up again the next year.

    ``followups`` are those of a single year, at most one per activity. With
    ``activity_codes`` (the plan's activities, in plan order), an activity without any
    follow-up counts as unfinished too and the result follows that order; otherwise it
    follows the order of ``followups``.
    """
    followups = list(followups)
    if len({f.year for f in followups}) > 1:
        raise ValueError("carry_over takes the follow-ups of a single year")
    by_code = {f.activity_code: f for f in followups}
    if len(by_code) != len(followups):
        raise ValueError("carry_over takes at most one follow-up per activity")
    codes = list(by_code) if activity_codes is None else list(activity_codes)
    return [c for c in codes if c not in by_code or not by_code[c].finished]


REVISION_EVERY = 2  # years: "Möjlighet till revidering av handlingsplanen finns vartannat år" (§8.1)


def next_revision(adopted_year: int, year: int) -> int:
    """The plan's next opportunity to be revised in or after ``year``: every other year from
    two years after its adoption (Botkyrka's first was 2024 for a plan adopted in 2022)."""
    first = adopted_year + REVISION_EVERY
    if year <= first:
        return first
    return first + -(-(year - first) // REVISION_EVERY) * REVISION_EVERY


def changes_since(older: Plan, newer: Plan) -> tuple[list[str], list[str]]:
    """The activity codes ``newer`` added and removed against ``older``."""
    def codes(plan: Plan) -> list[str]:
        return [a.code for g in plan.goals for a in g.activities]
    before, after = codes(older), codes(newer)
    return [c for c in after if c not in before], [c for c in before if c not in after]


TARGET_STATES = CodeList("target_state", N_("Against the target"), [
    Code("met", "uppnått", N_("Target met")),
    Code("on_track", "på_väg", N_("Not yet, rising")),
    Code("off_track", "ej_på_väg", N_("Off track")),
])


def target_state(value: float | None, target: float | None, trend_: str | None) -> str | None:
    """How a measure stands against its target (a higher value is better): met, not yet but
    rising (:func:`trend` up), or off track; None without a target or a value."""
    if target is None or value is None:
        return None
    if value >= target - 1e-9:
        return "met"
    return "on_track" if trend_ == "up" else "off_track"


def target_problems(measure: Measure, target: float) -> list[Problem]:
    """A share's target lies in 0..1 (0–100 %), a count's is 0 or more."""
    if target < 0 or (measure.unit == "share" and target > 1):
        return [Problem(_("A target is a share from 0 to 100 % or a count of 0 or more."),
                        field="target")]
    return []


def trend(values: Iterable[MeasureValue], tolerance: float = 1e-9) -> str | None:
    """``'up'``, ``'down'`` or ``'flat'`` for one measure's values across the years.

    The direction is the sign of the least-squares slope through (year, value), so one
    odd year does not turn a steady rise around; a slope within ``tolerance`` per year is
    flat. None with fewer than two years.
    """
    values = sorted(values, key=lambda v: v.year)
    if len({v.measure_code for v in values}) > 1:
        raise ValueError("trend takes the values of a single measure")
    years = [v.year for v in values]
    if len(set(years)) != len(years):
        raise ValueError("trend takes at most one value per year")
    if len(values) < 2:
        return None
    slope = statistics.linear_regression(years, [float(v.value) for v in values]).slope
    if slope > tolerance:
        return "up"
    if slope < -tolerance:
        return "down"
    return "flat"


def revise(plan: Plan, new_version: str, year: int) -> tuple[Plan, Plan]:
    """Start version ``new_version`` from ``year``: returns (old version closed at the end
    of ``year - 1``, new version with a copy of the structure to be edited)."""
    if new_version == plan.version:
        raise ValidationError.single(
            _("The new version must differ from the current one ({version}).").format(
                version=plan.version), field="version")
    if year <= plan.valid_from or not plan.in_force(year - 1):
        raise ValidationError.single(
            _("A revision must start after {start} while the plan is in force.").format(
                start=plan.valid_from), field="year")
    keeps_end = plan.valid_to is not None and plan.valid_to >= year
    new = dataclasses.replace(plan, version=new_version, adopted_year=year, valid_from=year,
                              valid_to=plan.valid_to if keeps_end else None)
    return dataclasses.replace(plan, valid_to=year - 1), new
