"""Demo data for the action plan, the routines register and the pilot survey.

:func:`demo_plan` is a generator for :data:`hrvdesk.store.demo.GENERATORS`: a few routines
(with adopted versions, functional contact paths and a small PDF made in memory), the
follow-up of the last two years with carry-over, measure values, survey answers from
most administrations and a few proposed activities. Everything is invented; documents say
"DEMO" on their face.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

from hrvdesk.domain.plan import FollowUp, MeasureValue
from hrvdesk.domain.routines import ContactPath, Routine
from hrvdesk.store import organisation, plan_proposals_repo, plan_repo, routines_repo, survey_repo

# (title, purpose, owner, participants) — invented routines in the municipality's words
_ROUTINES = (
    ("Samverkan vid misstanke om hedersrelaterat våld", "act_on_suspicion", "SOC", ("UBF", "POL")),
    ("Upptäcka hedersrelaterat våld i förskola och skola", "detect", "UBF", ("SOC",)),
    ("Samverkan i enskilda ärenden mellan skola och socialtjänst", "individual_cooperation",
     "UBF", ("SOC", "KOF")),
    ("Stöd till föräldrar som utövar hedersrelaterat våld", "parental_support", "SOC", ("AVUX",)),
    ("Återupprätta kontakt med familjen efter placering", "family_contact", "SOC", ()),
    ("Information om stöd och skydd på flera språk", "information", "KLF", ("KOF", "AVUX", "BOB")),
    ("Fritidsverksamhetens agerande vid oro", "act_on_suspicion", "KOF", ("SOC",)),
    ("Vuxenutbildningens agerande vid oro", "act_on_suspicion", "AVUX", ("SOC", "KVJ")),
)
_CONTACTS = (
    ("Socialjouren", "Telefon via kommunens växel, dygnet runt"),
    ("Våldspreventiva centret, samordnare", "Funktionsbrevlåda vpc@kommun.example"),
    ("Elevhälsans samordnare", "Funktionsbrevlåda elevhalsan@kommun.example"),
    ("Mottagningsgruppen barn och unga", "Telefon via kommunens växel, vardagar"),
)
_COMMENTS = (
    "Genomfört enligt plan.",
    "Försenat på grund av omorganisation; fortsätter nästa år.",
    "Två utbildningstillfällen hölls under hösten.",
    "Underlag framtaget, beslut väntar.",
    "Samverkan med polisen har påbörjats.",
    "",
)
_STATUS_WEIGHTS = {"not_started": 2, "started": 4, "ongoing": 3, "done": 2, "cancelled": 1}


def demo_pdf(title: str) -> bytes:
    """A one-page PDF, made in memory, standing in for an adopted routine document."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=0)
    canvas.setTitle(title)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(72, 770, title)
    canvas.setFont("Helvetica", 11)
    canvas.drawString(72, 740, "DEMO – påhittad rutin för att visa hrvdesk.")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _routines(ctx, today: dt.date) -> None:
    db, rng = ctx.db, ctx.rng
    count = len(_ROUTINES) if ctx.scale == "large" else 5
    for index, (title, purpose, owner, participants) in enumerate(_ROUTINES[:count]):
        status = rng.choice(("adopted", "adopted", "under_revision", "draft") if index else ("adopted",))
        routine = routines_repo.save_routine(db, Routine(
            None, title, purpose, owner, participants, "draft",
            review_interval_months=rng.choice((12, 12, 24)),
            contacts=tuple(ContactPath(*c) for c in rng.sample(_CONTACTS, 2))))
        if status != "draft":
            adopted = today - dt.timedelta(days=rng.randint(700, 1400))
            for _number in range(rng.randint(1, 3)):
                routine = routines_repo.adopt_version(db, routine.id, adopted,
                                                      _adopting_body(db, owner))
                adopted += dt.timedelta(days=rng.randint(200, 500))
                if adopted > today:
                    break
            routine = routines_repo.save_routine(db, dataclasses.replace(routine, status=status))
            routines_repo.save_attachment(db, routine.id, f"Rutin {index + 1}.pdf",
                                          "application/pdf", demo_pdf(title))


def _adopting_body(db, administration: str) -> str:
    """The committee name of an administration (the body that adopts its routines)."""
    return next((a.committee or a.name for a in organisation.administrations(db)
                 if a.code == administration), administration)


def _followups(ctx, years: tuple[int, int]) -> None:
    db, rng = ctx.db, ctx.rng
    statuses, weights = zip(*_STATUS_WEIGHTS.items())
    first, second = years
    for activity in plan_repo.plan_in_force(db, first).activities:
        if activity.active_in(first):
            plan_repo.save_followup(db, FollowUp(activity.code, first,
                                                 rng.choices(statuses, weights)[0], rng.choice(_COMMENTS)))
    plan_repo.carry_over_to(db, second)
    for line in plan_repo.year_followup(db, second):
        if line.finished_in is None and rng.random() < 0.6:
            plan_repo.save_followup(db, dataclasses.replace(
                line.followup, status=rng.choices(statuses, weights)[0], comment=rng.choice(_COMMENTS)))


def _measure_values(ctx, years: tuple[int, int]) -> None:
    db, rng = ctx.db, ctx.rng
    for measure in plan_repo.plan_in_force(db, years[0]).measures:
        if measure.source != "manual":
            continue
        value = rng.uniform(0.2, 0.6)
        for year in years:
            plan_repo.save_measure_value(db, MeasureValue(measure.code, year, round(value, 3)))
            value = min(1.0, value + rng.uniform(-0.05, 0.15))
    for year in years:
        plan_repo.record_computed_values(db, year)
    for measure in plan_repo.plan_in_force(db, years[1]).measures:  # the plan's 80 % ambition
        if measure.unit == "share":
            plan_repo.set_measure_target(db, measure.code, 0.8)


def _survey(ctx, years: tuple[int, int]) -> None:
    db, rng = ctx.db, ctx.rng
    administrations = [a.code for a in organisation.administrations(db)]
    for year in years:
        questions = survey_repo.start_survey_year(db, year)
        skipped = set(rng.sample(administrations, 1 if year == years[0] else 2))
        for code in administrations:
            if code in skipped:
                continue
            values = {}
            for q in questions:
                if q.kind == "number":
                    values[q.number] = rng.randint(0, 40)
                elif q.kind == "yes_no":
                    values[q.number] = rng.random() < 0.6
                elif rng.random() < 0.3:
                    values[q.number] = "Siffrorna är hämtade ur verksamhetssystemet."
            if year == years[1] and rng.random() < 0.2:
                values.pop(min(values))  # a partly answered survey
            survey_repo.save_answers(db, year, code, values)


# (goal, title, committee, why, the coordinator's reason for declining or None) — invented
_PROPOSALS = (
    (2, "Samtalsgrupper för föräldrar om barns rätt att välja själva", "SN",
     "Når föräldrar som inte kommer till informationsmöten.", None),
    (3, "Öppen fritidsverksamhet för unga med särskild tjejkväll", "KFN",
     "Ger unga en trygg plats att söka stöd på.", None),
    (1, "Ny kartläggning av elevers erfarenheter", "UN", "Ger underlag till planens mått.",
     "Ingår redan i den nationella kartläggningen som kommunen deltar i."),
)


def _proposals(ctx, year: int) -> None:
    """Two proposals awaiting the coordinator, one declined with her reason."""
    for goal, title, committee, why, declined in _PROPOSALS:
        made = plan_proposals_repo.propose(ctx.db, goal, title, committee, why, year=year)
        if declined:
            plan_proposals_repo.decide(ctx.db, made.id, "declined", declined, year=year)


def demo_plan(ctx) -> None:
    """Fill a demo database (``ctx``: :class:`hrvdesk.store.demo.DemoContext`)."""
    today = dt.date.today()
    first = max(today.year - 2, plan_repo.load_plan(ctx.db).valid_from)
    years = (first, first + 1)
    _routines(ctx, today)
    _followups(ctx, years)
    _measure_values(ctx, years)
    _survey(ctx, years)
    _proposals(ctx, years[1])
