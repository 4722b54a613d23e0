"""Training coverage as PDF or Word (``hrvdesk report training --year Y``).

The action plan's measure (the share of administrations that have ensured the knowledge of
their staff who work with children in every topic the plan requires: setting
``required_topics``), then per topic and for all required topics a coverage table and bar chart with
the threshold line and the year's activity, the trend over the last years, trainings that
break the co-organisation rule, trained persons per unit, and the method. Written in the
current UI language; producing it is audited.
"""

from __future__ import annotations

import datetime as dt

from hrvdesk.domain.codes import TRAINING_TOPICS, topic_set_label
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.training import VPC_RULE_TOPIC, CoverageResult, UnitCoverage, vpc_rule_broken
from hrvdesk.domain.settings import Key
from hrvdesk.i18n import N_, _, format_percent
from hrvdesk.io.pdf import ReportBuilder, Share
from hrvdesk.io.reports import Format, register, render
from hrvdesk.store import settings, training_repo
from hrvdesk.store.database import Database

TOPICS = ("hrv", "fgm", "dv")
REQUIRED = "required"  # the persons trained in every topic the plan requires
TREND_YEARS = 5
#: Column headers for the topics where a table has one column per topic.
SHORT_TOPIC = {"hrv": N_("HRV"), "fgm": N_("FGM"), "dv": N_("DV")}
WHOLE_MUNICIPALITY = N_("Whole municipality")


def _window(result: CoverageResult) -> str:
    first = result.year - result.validity_years + 1
    return f"{first}–{result.year}" if first != result.year else str(result.year)


def _measure_section(report: ReportBuilder, current: CoverageResult, trend: list[CoverageResult]) -> None:
    """The plan's goal-4 measure: staff who work with children, trained in every required topic."""
    t = current.total
    report.heading(_("The action plan's measure"))
    report.paragraph(_(
        "Goal 4 of the action plan is followed up by the share of administrations where staff who "
        "work with children and young people have knowledge of {topics}. An administration has "
        "ensured that knowledge when at least {threshold} of its target group (as HR reports it) "
        "completed trainings in all of these topics in {window}. Administrations without a "
        "target-group figure are not measured; the whole staff's coverage is shown beside it.")
        .format(topics=topic_set_label(current.topic).lower(),
                threshold=format_percent(current.threshold, 0), window=_window(current)))
    report.key_values([
        (_("Administrations that have ensured knowledge, {year}").format(year=current.year),
         Share(t.target_ensured_share)),
        (_("Administrations ensured / with a target-group figure"),
         f"{t.administrations_target_ensured} / {t.administrations_with_target_group}"),
        (_("Coverage of target group in the municipality"), Share(t.target_coverage)),
        (_("Staff coverage in the municipality"), Share(t.coverage)),
    ])
    report.table([_("Year"), _("Administrations ensured"), _("Coverage of target group"),
                  _("Staff coverage")],
                 [[str(r.year), Share(r.total.target_ensured_share), Share(r.total.target_coverage),
                   Share(r.total.coverage)] for r in trend])


def _topic_section(report: ReportBuilder, result: CoverageResult, title: str) -> None:
    report.heading(title)
    rows = [[a.name, a.trained, a.headcount, a.target_group, Share(a.coverage),
             Share(a.target_coverage), None if a.ensured is None else a.ensured]
            for a in result.administrations]
    t = result.total
    rows.append([_(WHOLE_MUNICIPALITY), t.trained, t.headcount, t.target_group, Share(t.coverage),
                 Share(t.target_coverage), None])
    missing = [a.name for a in result.administrations if a.headcount is None]
    note = _("No headcount for {year}: {names}. Their coverage cannot be computed and they are left "
             "out of the municipality's coverage and the measure.").format(
        year=result.year, names=", ".join(missing)) if missing else None
    report.table([_("Administration"), _("Trained persons"), _("Headcount"), _("Target group"),
                  _("Coverage"), _("Coverage of target group"), _("Ensured")], rows, note=note)
    report.bar_chart([a.name for a in result.administrations],
                     [a.coverage for a in result.administrations], threshold=result.threshold,
                     title=_("Coverage per administration, {window}").format(window=_window(result)),
                     share=True)
    report.table([_("Administration"), _("Completions in {year}").format(year=result.year),
                  _("Participants without a list in {year}").format(year=result.year)],
                 [[a.name, a.activity.completions, a.activity.attendance] for a in result.administrations]
                 + [[_(WHOLE_MUNICIPALITY), t.activity.completions, t.activity.attendance]],
                 note=_("Activity figures: participants counted without a list of persons are "
                        "not part of the coverage."))


def _trend_section(report: ReportBuilder, trends: dict[str, list[CoverageResult]]) -> None:
    report.heading(_("Trend"))
    years = [r.year for r in trends[TOPICS[0]]]
    report.table([_("Year"), *(_(SHORT_TOPIC[t]) for t in TOPICS)],
                 [[str(y), *(Share(trends[t][i].total.coverage) for t in TOPICS)]
                  for i, y in enumerate(years)],
                 note=_("Staff coverage of the municipality per topic; each year counts the "
                        "completions of its own validity window."))
    report.bar_chart([str(y) for y in years], [r.total.coverage for r in trends[VPC_RULE_TOPIC]],
                     threshold=trends[VPC_RULE_TOPIC][-1].threshold, share=True,
                     title=TRAINING_TOPICS.label(VPC_RULE_TOPIC))


def _rule_section(report: ReportBuilder, db: Database, year: int) -> None:
    broken = [t for t in training_repo.trainings(db, year=year) if vpc_rule_broken(t)]
    report.heading(_("Co-organisation by the violence-prevention centre"))
    report.paragraph(_("The action plan requires the violence-prevention centre to take part in "
                       "organising HRV training for more than one administration. Trainings in "
                       "{year} where it did not: {count}.").format(year=year, count=len(broken)))
    if broken:
        report.table([_("Training"), _("Date"), _("Administrations"), _("Organiser")],
                     [[t.title, t.start_date, ", ".join(t.administrations), t.organiser] for t in broken])


def _units_section(report: ReportBuilder, results: dict[str, CoverageResult]) -> None:
    """Per unit: its headcount where HR gave one, the trained persons per topic and in all
    required topics, and the coverage of the latter."""
    units: dict[tuple[str, str], dict[str, UnitCoverage]] = {}
    for topic, result in results.items():
        for a in result.administrations:
            for u in a.units:
                units.setdefault((a.code, u.unit), {})[topic] = u
    report.heading(_("Appendix: trained persons per unit"))
    rows = []
    for (adm, unit), by_topic in sorted(units.items(), key=lambda i: (i[0][0], i[0][1].casefold())):
        figure = next(iter(by_topic.values()))
        required = by_topic.get(REQUIRED)
        rows.append([adm, unit, figure.headcount,
                     *((by_topic[t].trained if t in by_topic else 0) for t in (*TOPICS, REQUIRED)),
                     Share(required.coverage if required else None)])
    report.table([_("Administration"), _("Unit"), _("Headcount"),
                  *(_(SHORT_TOPIC[t]) for t in TOPICS), _("All required"), _("Coverage")], rows,
                 note=_("Units as named in the completions or in HR's headcount file; persons "
                        "without a unit are counted only for their administration, and a unit "
                        "without a headcount of its own has no coverage (unknown, not 0 %). HRV: "
                        "honour-related violence and oppression, FGM: female genital mutilation, "
                        "DV: domestic violence; all required: {topics}.").format(
                     topics=topic_set_label(results[REQUIRED].topic).lower()))


def _method_section(report: ReportBuilder, result: CoverageResult) -> None:
    first = result.year - result.validity_years + 1
    report.heading(_("Method"))
    for text in (
        _("A person counts towards coverage for {year} and a topic when they completed at least one "
          "training covering the topic from 1 January {first} to 31 December {year} (a validity "
          "window of {n} years, set in the database's settings).").format(
            year=result.year, first=first, n=result.validity_years),
        _("Each person is counted once, in the administration and unit of their latest such "
          "completion up to the end of the year. Persons are pseudonymous: employee numbers and "
          "e-mail addresses are replaced on import by a keyed hash kept in the encrypted database, "
          "and this report contains no identifiers."),
        _("Coverage is the number of trained persons divided by the administration's headcount for "
          "the year. Administrations without a headcount are shown without coverage and left out of "
          "the municipality's coverage and the measure. Coverage can exceed 100 % when persons who "
          "trained during the window have left since."),
        _("Coverage of the target group divides the same trained persons by the staff who work "
          "with children and young people, as HR reports them for the administration or unit; "
          "where HR gave no such figure it is not computed. The action plan's measure uses it."),
        _("An administration has ensured knowledge when its coverage is at least {threshold} (a "
          "setting). Participants counted without a list of persons appear only in the activity "
          "figures and never in the coverage.").format(threshold=format_percent(result.threshold, 0)),
    ):
        report.paragraph(text)


@register("training")
def build_training_report(db: Database, year: int, *, now: dt.datetime | None = None,
                          fmt: Format = "pdf") -> bytes:
    """Training coverage for ``year`` as PDF (or ``fmt="docx"``: Word) bytes (audited)."""
    db.require(Permission.REPORT, what=_("produce the training report"))
    now = now or dt.datetime.now()
    years = range(year - TREND_YEARS + 1, year + 1)
    required_topics = settings.get(db, Key.REQUIRED_TOPICS)
    trends = {t: list(training_repo.trend_for(db, years, t)) for t in TOPICS}
    trends[REQUIRED] = list(training_repo.trend_for(db, years, required_topics))
    results = {t: trend[-1] for t, trend in trends.items()}
    report = ReportBuilder(
        _("Training coverage {year}").format(year=year),
        _("Staff knowledge of honour-related violence, female genital mutilation and domestic violence"),
        db.user, now, _("{name} municipality").format(name=settings.get(db, Key.MUNICIPALITY_NAME)))
    _measure_section(report, results[REQUIRED], trends[REQUIRED])
    for topic in TOPICS:
        _topic_section(report, results[topic], TRAINING_TOPICS.label(topic))
    _topic_section(report, results[REQUIRED], _("All topics the plan requires: {topics}").format(
        topics=topic_set_label(required_topics).lower()))
    _trend_section(report, trends)
    _rule_section(report, db, year)
    _method_section(report, results[VPC_RULE_TOPIC])
    report.page_break()  # the per-unit details are an appendix: the summary comes first
    _units_section(report, results)
    document = render(report, fmt)
    db.audited("report", target="training", detail={"year": year})
    return document
