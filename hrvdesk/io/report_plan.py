"""The yearly follow-up of the action plan as PDF or Word (``hrvdesk report plan --year Y``).

Per goal: the measures with their values over the last years and their trend, and the
activities with status and comments grouped by lead committee. Then the routines whose
review is overdue or due, and the pilot survey: the pilot period, each administration's
completion and answers. Written in the current UI language; producing it is audited.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.organisation import Committee
from hrvdesk.domain.plan import FOLLOWUP_STATUSES, MEASURE_SOURCES, TARGET_STATES, TRENDS
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.routines import DEFAULT_DUE_WITHIN_DAYS, REVIEW_STATES
from hrvdesk.domain.survey import COMPLETION_STATES
from hrvdesk.i18n import _, format_date
from hrvdesk.io.pdf import EMPTY_CELL, ReportBuilder, Share, format_cell
from hrvdesk.io.reports import Format, register, render
from hrvdesk.domain.plan_round import share_state
from hrvdesk.domain.settings import Key
from hrvdesk.store import organisation, plan_repo, plan_round_repo, routines_repo, settings, survey_repo
from hrvdesk.store.database import Database
from hrvdesk.store.plan_repo import ActivityFollowUp, MeasureStatus

#: How many years of measure values the tables show (the report's year and those before).
VALUE_YEARS = 3
COMPUTED_MARK = " *"


def _years(first: int, last: int) -> str:
    return f"{first}–{last}" if first != last else str(first)


def _measure_cell(status: MeasureStatus, year: int) -> Share | int:
    """The value of ``year`` (a share or a count); a missing one shows as a dash."""
    value = next((v for v in (*status.values, status.value) if v is not None and v.year == year), None)
    if value is None:
        return Share(None)
    return Share(value.value) if status.measure.unit == "share" else int(value.value)


def _measure_text(status: MeasureStatus) -> str:
    source = MEASURE_SOURCES.label(status.value.source if status.value else status.measure.source)
    trend = TRENDS.label(status.trend) if status.trend else EMPTY_CELL
    details = _("Source: {source}. Trend: {trend}.").format(source=source, trend=trend)
    if status.target is not None:
        target = Share(status.target) if status.measure.unit == "share" else int(status.target)
        details += " " + _("Target: {target} ({state}).").format(
            target=format_cell(target),
            state=TARGET_STATES.label(status.target_state) if status.target_state else EMPTY_CELL)
    return "{code} {title}\n{details}{mark}".format(
        code=status.measure.code, title=_(status.measure.title), details=details,
        mark=COMPUTED_MARK if status.computed_now else "")


def _measures_table(report: ReportBuilder, measures: list[MeasureStatus], year: int) -> None:
    """Measures with a column per year: only the measure column wraps (the years keep their width)."""
    years = list(range(year - VALUE_YEARS + 1, year + 1))
    rows = [[_measure_text(m), *(_measure_cell(m, y) for y in years)] for m in measures]
    computed = any(m.computed_now for m in measures)
    report.table([_("Measure"), *map(str, years)], rows,
                 note=_("* The value for {year} is computed from the register now; it is not yet "
                        "recorded.").format(year=year) if computed else None)


def _status_cell(line: ActivityFollowUp) -> str:
    f = line.followup
    if not line.recorded or f.updated_at is None:
        return line.status_text
    return "{status}\n{updated}".format(status=line.status_text, updated=_("{user}, {date}").format(
        user=f.updated_by, date=format_date(f.updated_at.date())))


def _activity_cell(line: ActivityFollowUp) -> str:
    text = f"{line.activity.code} {_(line.activity.title)}"
    if line.followup.comment:
        text += "\n" + _("Comment: {comment}").format(comment=line.followup.comment)
    return text


def _activities_tables(report: ReportBuilder, lines: list[ActivityFollowUp],
                       committees: list[Committee], one: Committee | None) -> None:
    """The activities grouped by lead committee, a short table per committee (for ``one``
    committee: the activities it is responsible for, in one table): the comment goes under
    the activity, who updated it and when under the status."""
    groups = ([(_("Responsible: {committee}").format(committee=_(one.title)), lines)] if one else
              [(_("Lead committee: {committee}").format(committee=_(c.title)),
                [ln for ln in lines if ln.activity.lead == c.code]) for c in committees])
    for caption, group in groups:
        if group:
            report.caption(caption)
            report.table([_("Activity and comment"), _("Status")],
                         [[_activity_cell(ln), _status_cell(ln)] for ln in group])


def _plan_sections(report: ReportBuilder, db: Database, year: int,
                   one: Committee | None = None) -> None:
    plan = plan_repo.plan_in_force(db, year)
    sheet = [line for line in plan_repo.year_followup(db, year)
             if one is None or one.code in line.activity.responsible]
    measures = plan_repo.measure_overview(db, year)
    committees = plan_repo.committees(db)
    statuses = Counter(line.followup.status for line in sheet if line.recorded)
    report.key_values([
        (_("Plan version"), plan.version),
        (_("In force"), _years(plan.valid_from, plan.valid_to) if plan.valid_to
         else _("from {year}").format(year=plan.valid_from)),
        (_("Activities this year"), len(sheet)),
        (_("Reported"), sum(line.reported for line in sheet)),
        *((FOLLOWUP_STATUSES.label(code), statuses[code]) for code in FOLLOWUP_STATUSES.values),
    ])
    for goal in plan.goals:
        report.heading(_("Goal {number}: {title}").format(number=goal.number, title=_(goal.title)))
        goal_measures = [m for m in measures if m.goal == goal.number]
        if goal_measures:
            _measures_table(report, goal_measures, year)
        _activities_tables(report, [ln for ln in sheet if ln.goal == goal.number], committees, one)


def _routines_section(report: ReportBuilder, db: Database, on: dt.date) -> None:
    report.heading(_("Routines due for review"))
    report.paragraph(_("Routines in force whose review date has passed or falls within {days} "
                       "days of {date}.").format(days=DEFAULT_DUE_WITHIN_DAYS, date=format_date(on)))
    names = {a.code: a.name for a in organisation.administrations(db, include_inactive=True)}
    report.table([_("Routine"), _("Owner"), _("Review date"), _("Review")],
                 [[r.routine.title, names.get(r.routine.owner, r.routine.owner), r.due,
                   REVIEW_STATES.label(r.state)]
                  for r in routines_repo.reviews_due(db, on)])


def _survey_section(report: ReportBuilder, db: Database, year: int) -> None:
    report.heading(_("Pilot survey {year}").format(year=year))
    first, length = survey_repo.pilot_period(db)
    progress = survey_repo.pilot_status(db, year)
    report.key_values([
        (_("Pilot period"), _years(first, first + length - 1)),
        (_("Years collected"), ", ".join(map(str, progress.collected)) or None),
        (_("Years missing"), ", ".join(map(str, progress.missing)) or None),
    ])
    questions = survey_repo.questions(db, year)
    if not questions:
        report.paragraph(_("No questions have been set for {year}.").format(year=year))
        return
    administrations = organisation.administrations(db)
    states = survey_repo.completion_status(db, year)
    answers = {(a.administration, a.question): a.value for a in survey_repo.answers(db, year)}
    report.key_values([(_("Question {number}").format(number=q.number), _(q.text)) for q in questions])
    closed = [q for q in questions if q.kind != "text"]
    # one row per administration, one narrow column per question
    report.table([_("Administration"), _("Answers"), *(str(q.number) for q in closed)],
                 [[a.name, COMPLETION_STATES.label(states[a.code]),
                   *(answers.get((a.code, q.number)) for q in closed)] for a in administrations],
                 col_align=["left", "left", *["right"] * len(closed)])
    texts = [[a.name, q.number, answers[(a.code, q.number)]]
             for q in questions if q.kind == "text" for a in administrations
             if (a.code, q.number) in answers]
    if texts:
        report.table([_("Administration"), _("Question"), _("Answer")], texts)


def _round_section(report: ReportBuilder, db: Database, year: int, today: dt.date,
                   one: Committee | None = None) -> None:
    """The reporting round, when it was opened: each committee's progress (or ``one``'s)."""
    round_ = plan_round_repo.round_for(db, year)
    if round_ is None:
        return
    titles = {c.code: _(c.title) for c in plan_repo.committees(db)}
    shares = [s for s in plan_round_repo.shares(db, year) if one is None or s.committee == one.code]
    report.heading(_("The reporting round"))
    report.paragraph(_("Deadline {deadline}; {ready} of {total} responsible committees have marked "
                       "their part ready.").format(deadline=format_date(round_.deadline),
                                                   ready=sum(s.ready for s in shares), total=len(shares)))
    report.table([_("Committee"), _("Activities"), _("Reported"), _("State")],
                 [[titles.get(s.committee, s.committee), s.activities, s.reported,
                   share_state(round_, s, today)] for s in shares])


@register("plan")
def build_plan_report(db: Database, year: int, *, now: dt.datetime | None = None,
                      fmt: Format = "pdf", committee: str | None = None) -> bytes:
    """The action plan's yearly follow-up for ``year`` as PDF (or ``fmt="docx"``: Word)
    bytes (audited). With ``committee``: that committee's share only, for its papers (its
    activities, its row of the round; the municipality-wide routines and survey left out)."""
    db.require(Permission.REPORT, what=_("produce the action plan report"))
    now = now or dt.datetime.now()
    plan = plan_repo.plan_in_force(db, year)
    one = None
    if committee is not None:
        one = next((c for c in plan_repo.committees(db) if c.code == committee), None)
        if one is None:
            raise ValidationError.single(_("There is no committee {code}.").format(code=committee),
                                         field="--committee")
    title = _("Action plan follow-up {year}").format(year=year)
    report = ReportBuilder(
        title if one is None else _("{title}: {committee}").format(title=title, committee=_(one.title)),
        _("{plan}, version {version}").format(plan=_(plan.name), version=plan.version),
        db.user, now,
        _("{name} municipality").format(name=settings.get(db, Key.MUNICIPALITY_NAME)))
    _round_section(report, db, year, now.date(), one)
    _plan_sections(report, db, year, one)
    if one is None:
        _routines_section(report, db, now.date())
        _survey_section(report, db, year)
    document = render(report, fmt)
    db.audited("report", target="plan",
               detail={"year": year, **({"committee": committee} if committee else {})})
    return document
