"""Training log and training coverage per administration.

Pure rules (no SQL, no files): the records of the training log, the pseudonymisation of
person identifiers, the coverage measure of the action plan ("the share of administrations
and units that have ensured their staff have relevant knowledge … increases") and the plan's
rule that the violence-prevention centre co-organises HRV trainings for several
administrations.

Coverage rule (``import-formats.md``, ``training``): a person counts towards coverage for year
Y and topic T when they completed at least one training covering T during the
``validity_years`` calendar years ending with Y (Y - validity_years + 1 … Y inclusive); they
belong to the administration (and unit) of their latest such record up to the end of Y.
Coverage of an administration is ``trained / headcount`` for year Y (``headcount`` import).
Aggregate attendance (head counts from attendance lists without person identifiers) are
activity figures only and never count towards coverage.

:func:`coverage` applies the rule to records in two steps that can also be used apart:
:func:`count_trained` (who counts, and where) and :func:`coverage_from_counts` (headcounts,
shares, threshold, totals). A store with many records may compute the counts in its own
query language and pass them to the second step; it must then give what
:func:`count_trained` gives.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from hrvdesk.domain.codes import TOPIC_SEPARATOR, TRAINING_FORMATS, TRAINING_TOPICS
from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.domain.pii import personal_number_problem
from hrvdesk.domain.pseudonyms import keyed_hash
from hrvdesk.i18n import _

DEFAULT_VALIDITY_YEARS = 3
DEFAULT_THRESHOLD = 0.8
#: The topic the action plan's co-organisation rule is about ("utbildning i HRV").
VPC_RULE_TOPIC = "hrv"
_JSON_DIGITS = 4


# --- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Training:
    """One training event or course in the training log."""

    id: int
    title: str
    topics: frozenset[str]
    format: str
    start_date: dt.date
    end_date: dt.date | None = None
    hours: Decimal | None = None
    organiser: str = ""
    administrations: tuple[str, ...] = ()
    vpc_coorganised: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "topics", frozenset(self.topics))
        object.__setattr__(self, "administrations", tuple(self.administrations))

    def covers(self, topic: str) -> bool:
        return topic in self.topics


@dataclass(frozen=True)
class Completion:
    """One person's completed training.

    ``person_key`` identifies the person pseudonymously: the pseudonym itself
    (:func:`pseudonymise`) or the store's number for it; only equality matters here.
    """

    person_key: str | int
    administration: str
    unit: str | None
    training_id: int
    completed_date: dt.date


@dataclass(frozen=True)
class AggregateAttendance:
    """A number of participants from one administration, without person identifiers."""

    training_id: int
    administration: str
    count: int
    date: dt.date


@dataclass(frozen=True)
class Headcount:
    """Staff of an administration (or of one ``unit`` of it) in a year; ``target_group``
    works with children and young people."""

    year: int
    administration: str
    headcount: int
    target_group: int | None = None
    unit: str | None = None


# --- checking records as entered -----------------------------------------------------------


def training_problems(training: Training) -> list[Problem]:
    """Everything wrong with a training as entered (empty when it may be saved)."""
    problems = []
    if not training.title.strip():
        problems.append(Problem(_("The title is required."), field=_("title")))
    problems += [p for text, name in ((training.title, _("title")), (training.organiser, _("organiser")))
                 if (p := personal_number_problem(text, name))]
    if not training.topics:
        problems.append(Problem(_("Choose at least one topic."), field=_("topics")))
    elif not training.topics <= set(TRAINING_TOPICS.values):
        problems.append(Problem(_("Unknown training topic. Use one of: {values}.").format(
            values=", ".join(TRAINING_TOPICS.values)), field=_("topics")))
    if training.format not in TRAINING_FORMATS.values:
        problems.append(Problem(_("Unknown format. Use one of: {values}.").format(
            values=", ".join(TRAINING_FORMATS.values)), field=_("format")))
    if training.end_date is not None and training.end_date < training.start_date:
        problems.append(Problem(_("The last day is before the first day."), field=_("end date")))
    if training.hours is not None and not (training.hours.is_finite() and training.hours >= 0):
        problems.append(Problem(_("The hours must be a number of 0 or more."), field=_("hours")))
    return problems


def headcount_problems(figure: Headcount) -> list[Problem]:
    """Everything wrong with a headcount as entered (empty when it may be saved)."""
    problems = []
    if not 1900 <= figure.year <= 9999:
        problems.append(Problem(_("The year must have four digits."), field=_("year")))
    if figure.headcount < 0:
        problems.append(Problem(_("The headcount cannot be negative."), field=_("headcount")))
    if figure.target_group is not None and not 0 <= figure.target_group <= max(figure.headcount, 0):
        problems.append(Problem(_("The target group must be between 0 and the headcount."),
                                field=_("target group")))
    return problems


def attendance_problems(record: AggregateAttendance) -> list[Problem]:
    """Everything wrong with an aggregate attendance figure as entered."""
    if record.count < 1:
        return [Problem(_("The number of participants must be at least 1."),
                        field=_("participants"))]
    return []


# --- pseudonymisation ---------------------------------------------------------------------


def normalise_identifier(identifier: str) -> str:
    """The canonical form of an employee number or work e-mail before hashing.

    Unicode NFC, surrounding and internal whitespace removed (including no-break spaces
    from spreadsheets); e-mail addresses are lower-cased and employee numbers upper-cased,
    so that "e99001" and "E99001" are one person. Numbers already in upper case (or digits
    only) keep the pseudonym they had before case was normalised.
    """
    if not unicodedata.is_normalized("NFC", identifier):  # most are: then no new string
        identifier = unicodedata.normalize("NFC", identifier)
    text = "".join(identifier.split())
    return text.lower() if "@" in text else text.upper()


def pseudonymise(identifier: str, key: bytes) -> str:
    """Keyed hash (HMAC-SHA256, hex) of a normalised person identifier.

    The same identifier and key always give the same pseudonym; without the key the
    pseudonym cannot be linked back. The raw identifier is not kept anywhere.
    """
    return keyed_hash(normalise_identifier(identifier), key)


# --- coverage results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Activity:
    """Activity figures for the year: individual completions and aggregate attendance."""

    completions: int = 0
    attendance: int = 0

    @property
    def participants(self) -> int:
        return self.completions + self.attendance

    def __add__(self, other: Activity) -> Activity:
        return Activity(self.completions + other.completions, self.attendance + other.attendance)

    def to_json_dict(self) -> dict:
        return {"completions": self.completions, "attendance": self.attendance}


@dataclass(frozen=True)
class UnitCoverage:
    """Trained persons of one unit (the units named in the records or with a headcount of
    their own); ``headcount`` and the shares are None where HR gave no figure for the unit
    ("unknown", never 0 %)."""

    unit: str
    trained: int
    headcount: int | None = None
    target_group: int | None = None

    @property
    def coverage(self) -> float | None:
        return _share(self.trained, self.headcount)

    @property
    def target_coverage(self) -> float | None:
        return _share(self.trained, self.target_group)

    def to_json_dict(self) -> dict:
        return {"unit": self.unit, "trained": self.trained, "headcount": self.headcount,
                "coverage": _round(self.coverage), "target_group": self.target_group,
                "target_coverage": _round(self.target_coverage)}


@dataclass(frozen=True)
class AdministrationCoverage:
    """Coverage of one administration.

    ``headcount`` is None when no headcount is registered for the year; ``coverage`` and
    ``ensured`` are None when the headcount is missing or zero. ``registered`` is False for
    an administration code found in the records but not in the register (its name is then
    the code).
    """

    code: str
    name: str
    trained: int
    headcount: int | None
    target_group: int | None
    coverage: float | None
    ensured: bool | None
    units: tuple[UnitCoverage, ...] = ()
    activity: Activity = field(default_factory=Activity)
    registered: bool = True
    target_coverage: float | None = None
    target_ensured: bool | None = None

    def to_json_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "trained": self.trained,
            "headcount": self.headcount,
            "coverage": _round(self.coverage),
            "target_group": self.target_group,
            "ensured": self.ensured,
            "units": [u.to_json_dict() for u in self.units],
            "activity": self.activity.to_json_dict(),
            "target_coverage": _round(self.target_coverage),
            "target_ensured": self.target_ensured,
        }


@dataclass(frozen=True)
class TotalCoverage:
    """The municipality as a whole.

    ``trained`` counts every qualifying person once. ``coverage`` is computed over the
    administrations whose headcount is known and positive:
    ``trained_with_headcount / headcount``, so administrations without a headcount do not
    inflate it. ``ensured_share`` is the plan's measure: administrations ensured among those
    with a coverage (None when there are none).
    """

    trained: int
    headcount: int | None
    target_group: int | None
    coverage: float | None
    trained_with_headcount: int
    administrations_with_headcount: int
    administrations_ensured: int
    ensured_share: float | None
    activity: Activity = field(default_factory=Activity)
    target_coverage: float | None = None
    administrations_with_target_group: int = 0
    administrations_target_ensured: int = 0

    @property
    def target_ensured_share(self) -> float | None:
        """The plan's measure for staff who work with children and young people: ensured
        administrations among those with a target-group figure (None: no such figure)."""
        return _share(self.administrations_target_ensured, self.administrations_with_target_group)

    def to_json_dict(self) -> dict:
        return {
            "trained": self.trained,
            "headcount": self.headcount,
            "coverage": _round(self.coverage),
            "target_group": self.target_group,
            "trained_with_headcount": self.trained_with_headcount,
            "administrations_with_headcount": self.administrations_with_headcount,
            "administrations_ensured": self.administrations_ensured,
            "ensured_share": _round(self.ensured_share),
            "activity": self.activity.to_json_dict(),
            "target_coverage": _round(self.target_coverage),
            "administrations_with_target_group": self.administrations_with_target_group,
            "administrations_target_ensured": self.administrations_target_ensured,
            "target_ensured_share": _round(self.target_ensured_share),
        }


@dataclass(frozen=True)
class CoverageResult:
    """Training coverage for one year and topic (``hrvdesk stats training``)."""

    year: int
    topic: str
    validity_years: int
    threshold: float
    administrations: tuple[AdministrationCoverage, ...]
    total: TotalCoverage

    def to_json_dict(self) -> dict:
        """The ``stats training --json`` object of ``cli.md``.

        Required keys first, in the contract's order. Extra keys (documented here):
        per administration ``target_group``, ``ensured`` (coverage >= threshold, None
        without coverage), ``units`` (``[{"unit", "trained", "headcount", "coverage",
        "target_group", "target_coverage"}]``, None where the unit has no figure) and ``activity``
        (``{"completions", "attendance"}`` in year Y); in ``total`` ``target_group``,
        ``trained_with_headcount``, ``administrations_with_headcount``,
        ``administrations_ensured``, ``ensured_share`` and ``activity``; at the top
        ``threshold``. Coverage of the target group (staff who work with children and young
        people, where HR supplied it) follows: per administration ``target_coverage``
        (trained / target_group, None without a target-group figure) and ``target_ensured``;
        in ``total`` ``target_coverage`` (over the administrations with a target group),
        ``administrations_with_target_group``, ``administrations_target_ensured`` and
        ``target_ensured_share``. Shares are rounded to 4 decimals.
        """
        return {
            "year": self.year,
            "topic": self.topic,
            "validity_years": self.validity_years,
            "administrations": [a.to_json_dict() for a in self.administrations],
            "total": self.total.to_json_dict(),
            "threshold": self.threshold,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, _JSON_DIGITS)


def _share(part: int, whole: int | None) -> float | None:
    return part / whole if whole else None


# --- coverage computation -------------------------------------------------------------------


def validity_window(year: int, validity_years: int = DEFAULT_VALIDITY_YEARS) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the validity window ending with ``year``."""
    if validity_years < 1:
        raise ValueError("validity_years must be at least 1")
    return dt.date(year - validity_years + 1, 1, 1), dt.date(year, 12, 31)


def parse_topic(topic: str) -> str:
    """Canonical topic code (code or Swedish alias); :class:`ValidationError` when unknown."""
    code = TRAINING_TOPICS.parse(topic)
    if code is None:
        raise ValidationError.single(
            _("Unknown training topic. Use one of: {values}.").format(
                values=", ".join(TRAINING_TOPICS.values)),
            field="topic")
    return code


def _headcount_index(headcounts: Iterable[Headcount]) -> dict[tuple[int, str], Headcount]:
    """(year, administration) -> the administration's figure (not a unit's); a later figure
    replaces an earlier one."""
    return {(h.year, h.administration): h for h in headcounts if not h.unit}


def unit_key(unit: str) -> str:
    """How a unit's name is matched between training records and headcounts: spaces around
    it and letter case do not matter ("Skola 03" and "skola 03 " are one unit)."""
    return " ".join(unit.split()).casefold()


def _unit_index(headcounts: Iterable[Headcount]) -> dict[tuple[int, str, str], Headcount]:
    """(year, administration, unit key) -> a unit's figure."""
    return {(h.year, h.administration, unit_key(h.unit)): h for h in headcounts if h.unit}


def _latest_qualifying(completions: Iterable[Completion], training_ids: set[int],
                       start: dt.date, end: dt.date) -> dict[str | int, Completion]:
    """Each qualifying person's latest qualifying record.

    Ties on the same date are resolved by (administration, unit) so that the result does
    not depend on the order of the records.
    """
    latest: dict[str | int, Completion] = {}
    for c in completions:
        if c.training_id not in training_ids or not start <= c.completed_date <= end:
            continue
        held = latest.get(c.person_key)
        if held is None or _recency(c) > _recency(held):
            latest[c.person_key] = c
    return latest


def _recency(c: Completion) -> tuple[dt.date, str, str]:
    return c.completed_date, c.administration, c.unit or ""


@dataclass(frozen=True)
class TrainedCount:
    """The number of persons who count towards coverage in one administration and unit
    (``unit`` None or blank: not known)."""

    administration: str
    unit: str | None
    persons: int


def count_trained(completions: Iterable[Completion], training_ids: Collection[int],
                  start: dt.date, end: dt.date) -> list[TrainedCount]:
    """The coverage rule on records: every person with a completion of one of
    ``training_ids`` from ``start`` to ``end`` (inclusive) counts once, in the
    administration and unit of their latest such record (ties on the same date: the
    greatest (administration, unit)). A store may compute the same counts in its own
    query language and pass them to :func:`coverage_from_counts`."""
    counts: dict[tuple[str, str | None], int] = defaultdict(int)
    for record in _latest_qualifying(completions, set(training_ids), start, end).values():
        counts[(record.administration, record.unit)] += 1
    return [TrainedCount(adm, unit, n) for (adm, unit), n in counts.items()]


def count_activity(year: int, training_ids: Collection[int], completions: Iterable[Completion],
                   attendance: Iterable[AggregateAttendance]) -> dict[str, Activity]:
    """Activity figures per administration in ``year``: completions and aggregate attendance
    of the trainings ``training_ids``."""
    training_ids = set(training_ids)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in completions:
        if c.training_id in training_ids and c.completed_date.year == year:
            counts[c.administration][0] += 1
    for a in attendance:
        if a.training_id in training_ids and a.date.year == year:
            counts[a.administration][1] += a.count
    return {code: Activity(*pair) for code, pair in counts.items()}


def _units(counts: list[TrainedCount], figures: Mapping[str, Headcount]) -> tuple[UnitCoverage, ...]:
    """Per unit (by :func:`unit_key`; named as HR names it, else by the first in sort order of
    the records' spellings) the trained persons beside the unit's own headcount (``figures``:
    unit key -> figure)."""
    names = {key: figure.unit.strip() for key, figure in figures.items()}
    per_unit: dict[str, int] = dict.fromkeys(figures, 0)
    for c in counts:
        if c.unit and c.unit.strip():
            key, spelling = unit_key(c.unit), " ".join(c.unit.split())
            if key not in figures:
                names[key] = min(names.get(key, spelling), spelling)
            per_unit[key] = per_unit.get(key, 0) + c.persons
    found = []
    for key, trained in per_unit.items():
        figure = figures.get(key)
        found.append(UnitCoverage(names[key], trained, figure.headcount if figure else None,
                                  figure.target_group if figure else None))
    return tuple(sorted(found, key=lambda u: (u.unit.casefold(), u.unit)))


def _administration_row(code: str, name: str, registered: bool, counts: list[TrainedCount],
                        figure: Headcount | None, unit_figures: Mapping[str, Headcount],
                        activity: Activity, threshold: float) -> AdministrationCoverage:
    trained = sum(c.persons for c in counts)
    headcount = figure.headcount if figure else None
    cov = _share(trained, headcount)
    target_cov = _share(trained, figure.target_group if figure else None)
    return AdministrationCoverage(
        code=code, name=name, trained=trained, headcount=headcount,
        target_group=figure.target_group if figure else None,
        coverage=cov, ensured=None if cov is None else cov >= threshold,
        units=_units(counts, unit_figures), activity=activity, registered=registered,
        target_coverage=target_cov,
        target_ensured=None if target_cov is None else target_cov >= threshold)


def _sum_known(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _total(rows: tuple[AdministrationCoverage, ...]) -> TotalCoverage:
    measured = [r for r in rows if r.coverage is not None]
    ensured = sum(1 for r in measured if r.ensured)
    headcount = _sum_known(r.headcount for r in rows)
    trained_with_headcount = sum(r.trained for r in measured)
    targeted = [r for r in rows if r.target_coverage is not None]
    activity = Activity()
    for r in rows:
        activity += r.activity
    return TotalCoverage(
        trained=sum(r.trained for r in rows),
        headcount=headcount,
        target_group=_sum_known(r.target_group for r in rows),
        coverage=_share(trained_with_headcount, headcount),
        trained_with_headcount=trained_with_headcount,
        administrations_with_headcount=len(measured),
        administrations_ensured=ensured,
        ensured_share=_share(ensured, len(measured)),
        activity=activity,
        target_coverage=_share(sum(r.trained for r in targeted),
                               sum(r.target_group or 0 for r in targeted)),
        administrations_with_target_group=len(targeted),
        administrations_target_ensured=sum(1 for r in targeted if r.target_ensured))


def _topic_training_ids(trainings: Iterable[Training], topic: str) -> set[int]:
    return {t.id for t in trainings if t.covers(topic)}


def coverage_from_counts(year: int, topic: str, trained: Iterable[TrainedCount],
                         activity: Mapping[str, Activity], headcounts: Iterable[Headcount],
                         administrations: Mapping[str, str],
                         validity_years: int = DEFAULT_VALIDITY_YEARS,
                         threshold: float = DEFAULT_THRESHOLD) -> CoverageResult:
    """Coverage from persons already counted by the rule (:func:`count_trained`) and the
    year's activity figures (:func:`count_activity`); see :func:`coverage` for the rows.
    ``topic`` may be several codes joined by ``+`` (:func:`coverage_all_topics`)."""
    topic = TOPIC_SEPARATOR.join(parse_topic(t) for t in topic.split(TOPIC_SEPARATOR))
    validity_window(year, validity_years)  # checks validity_years
    by_admin: dict[str, list[TrainedCount]] = defaultdict(list)
    for count in trained:
        if count.persons:
            by_admin[count.administration].append(count)
    headcounts = list(headcounts)
    index = _headcount_index(headcounts)
    units: dict[str, dict[str, Headcount]] = defaultdict(dict)
    for (figure_year, code, key), figure in _unit_index(headcounts).items():
        if figure_year == year:
            units[code][key] = figure
    unregistered = sorted(set(by_admin) - set(administrations))
    rows = tuple(
        _administration_row(code, administrations.get(code, code), code in administrations,
                            by_admin.get(code, []), index.get((year, code)), units.get(code, {}),
                            activity.get(code, Activity()), threshold)
        for code in [*administrations, *unregistered])
    return CoverageResult(year=year, topic=topic, validity_years=validity_years,
                          threshold=threshold, administrations=rows, total=_total(rows))


def _coverage(year: int, topic: str, training_ids: set[int], completions: list[Completion],
              headcounts: list[Headcount], administrations: Mapping[str, str],
              attendance: list[AggregateAttendance], validity_years: int,
              threshold: float) -> CoverageResult:
    start, end = validity_window(year, validity_years)
    return coverage_from_counts(
        year, topic, count_trained(completions, training_ids, start, end),
        count_activity(year, training_ids, completions, attendance), headcounts,
        administrations, validity_years, threshold)


def coverage(year: int, topic: str, completions: Iterable[Completion],
             trainings: Iterable[Training], headcounts: Iterable[Headcount],
             administrations: Mapping[str, str], validity_years: int = DEFAULT_VALIDITY_YEARS,
             threshold: float = DEFAULT_THRESHOLD,
             attendance: Iterable[AggregateAttendance] = ()) -> CoverageResult:
    """Training coverage for ``year`` and ``topic`` per administration and in total.

    ``administrations`` maps every registered code to its name, in register order; each
    gets a row, with or without headcount. Codes that occur in qualifying records but not
    in the register get a row after them (name = code) so that no person is dropped and
    the rows always add up to the total. Completions of trainings not in ``trainings`` do
    not qualify. ``attendance`` only feeds the activity figures.
    """
    topic = parse_topic(topic)
    return _coverage(year, topic, _topic_training_ids(trainings, topic), list(completions),
                     list(headcounts), administrations, list(attendance), validity_years,
                     threshold)


def count_trained_all(completions: Iterable[Completion], trainings: Iterable[Training],
                      topics: Collection[str], start: dt.date, end: dt.date) -> list[TrainedCount]:
    """The combined measure: every person trained in *each* of ``topics`` from ``start`` to
    ``end`` (by one training or several) counts once, in the administration and unit of the
    latest of their qualifying records."""
    completions, trainings = list(completions), list(trainings)
    per_topic = [_latest_qualifying(completions, _topic_training_ids(trainings, parse_topic(t)),
                                    start, end) for t in topics]
    if not per_topic:
        return []
    counts: dict[tuple[str, str | None], int] = defaultdict(int)
    for person in set.intersection(*(set(p) for p in per_topic)):
        record = max((p[person] for p in per_topic), key=_recency)
        counts[(record.administration, record.unit)] += 1
    return [TrainedCount(adm, unit, n) for (adm, unit), n in counts.items()]


def coverage_all_topics(year: int, topics: Collection[str], completions: Iterable[Completion],
                        trainings: Iterable[Training], headcounts: Iterable[Headcount],
                        administrations: Mapping[str, str],
                        validity_years: int = DEFAULT_VALIDITY_YEARS,
                        threshold: float = DEFAULT_THRESHOLD,
                        attendance: Iterable[AggregateAttendance] = ()) -> CoverageResult:
    """:func:`coverage` for the persons trained in all ``topics`` (the plan's required set);
    the result's ``topic`` is the codes joined by ``+`` (e.g. ``hrv+fgm+dv``). Activity
    figures count the trainings of any of the topics."""
    codes = sorted({parse_topic(t) for t in topics}, key=TRAINING_TOPICS.values.index)
    completions, trainings = list(completions), list(trainings)
    start, end = validity_window(year, validity_years)
    ids = set().union(*(_topic_training_ids(trainings, t) for t in codes))
    return coverage_from_counts(
        year, TOPIC_SEPARATOR.join(codes), count_trained_all(completions, trainings, codes, start, end),
        count_activity(year, ids, completions, attendance), headcounts, administrations,
        validity_years, threshold)


def trend(years: Iterable[int], topic: str, completions: Iterable[Completion],
          trainings: Iterable[Training], headcounts: Iterable[Headcount],
          administrations: Mapping[str, str], validity_years: int = DEFAULT_VALIDITY_YEARS,
          threshold: float = DEFAULT_THRESHOLD,
          attendance: Iterable[AggregateAttendance] = ()) -> tuple[CoverageResult, ...]:
    """:func:`coverage` for each of ``years`` (ascending, each year once), for the trend view."""
    topic = parse_topic(topic)
    training_ids = _topic_training_ids(trainings, topic)
    completions, attendance, headcounts = list(completions), list(attendance), list(headcounts)
    return tuple(_coverage(y, topic, training_ids, completions, headcounts, administrations,
                           attendance, validity_years, threshold)
                 for y in sorted(set(years)))


# --- the action plan's co-organisation rule -------------------------------------------------


def vpc_rule_broken(training: Training) -> bool:
    """True when an HRV training for more than one administration is not co-organised by
    the violence-prevention centre.

    Botkyrka's action plan: "Om det är fler än en förvaltning som ska få utbildning i HRV
    så ska VPC vara en del av arrangörskapet."
    """
    return (training.covers(VPC_RULE_TOPIC) and len(set(training.administrations)) > 1
            and not training.vpc_coorganised)


def vpc_rule_warning(training: Training) -> str | None:
    """The translated warning to show for a training that breaks the rule, else None."""
    if not vpc_rule_broken(training):
        return None
    return _("“{title}” is given to {count} administrations but the violence-prevention "
             "centre is not a co-organiser. The action plan requires the centre to take "
             "part in organising HRV training for more than one administration.").format(
        title=training.title, count=len(set(training.administrations)))
