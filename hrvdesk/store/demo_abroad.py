"""Demo data for the register of children taken abroad: invented cases, clearly fictitious.

``small``: a few dozen cases over three years; ``large``: 5 000 cases over ten years (the
benchmark of the annual statistics). The distributions are plausible for a Swedish
municipality: mostly girls aged 13–17, marriage-related purposes and upbringing trips most
common, destinations mainly in Western and Southern Asia and in Eastern and Northern
Africa, reported mainly by social services and schools. Statuses move from at risk to
abroad to returned over dated changes; some cases become known only when the child is
already abroad. Travel bans appear only after the law took effect (1 July 2020).

Case references are ``DEMO-0001`` … in the order the cases were registered, notes are generic sentences marked as invented, and
nothing resembles a name or a personal identity number. The cases are written in one
transaction, audited as one entry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from hrvdesk.domain.abroad import AbroadCase, StatusChange
from hrvdesk.domain.pseudonyms import keyed_hash
from hrvdesk.store import organisation, pseudonym_keys
from hrvdesk.store.abroad_repo import insert_case, normalised

SCALES = {"small": (36, 3), "large": (5_000, 10)}   # cases, years ending with this year
TRAVEL_BAN_LAW = dt.date(2020, 7, 1)

_REPORTERS = {"SOC": 45, "UBF": 35, "KOF": 6, "AVUX": 6, "KLF": 5, "VOF": 3}
_GENDERS = {"girl": 64, "boy": 31, "other": 1, "unknown": 4}
_AGES = {range(6, 13): 18, range(13, 18): 62, range(18, 24): 15}   # years at known date
_UNKNOWN_AGE = 0.05
# (purpose, weight for girls, weight for boys); a second purpose is added now and then
_PURPOSES = (("forced_marriage", 26, 6), ("child_marriage", 22, 3), ("upbringing_trip", 22, 46),
             ("fgm", 9, 0), ("conversion", 3, 9), ("evade_authorities", 8, 14), ("other", 5, 10),
             ("unknown", 5, 12))
_DESTINATIONS = {"IQ": 16, "SY": 8, "TR": 5, "LB": 3, "YE": 2, "AF": 12, "PK": 5, "IR": 4,
                 "BD": 2, "SO": 12, "ET": 3, "ER": 3, "KE": 2, "EG": 3, "MA": 3, "DZ": 2,
                 "XK": 3, "AL": 2, "BA": 1, "GM": 1, "NG": 1, "CD": 1}
_UNKNOWN_DESTINATION = 0.14
_WITHOUT_NUMBER = 0.2    # cases registered without a personal identity number
_REPORTED_AGAIN = 0.12   # children reported again by another administration
_FIRST_STATUS = {"at_risk": 62, "abroad": 34, "unknown": 4}
_FOLLOW_UP_NOTES = (None, "Demo: samtal med skolans närvaroansvariga.",
                    "Demo: ingen kontakt, nytt försök nästa vecka.", "Demo: familjen besökt.")
_NOTES = (
    "DEMO: påhittat ärende för att visa hrvdesk.",
    "DEMO: fiktiv anteckning om samverkan med skolan.",
    "DEMO: fiktiv anteckning – uppföljning planerad.",
    "DEMO: påhittat exempel, ingen verklig person.",
    None, None,
)


@dataclass(frozen=True)
class _Invented:
    case: AbroadCase
    history: tuple[StatusChange, ...]
    created: dt.datetime
    updated: dt.datetime
    editor: str


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-day time on ``day`` with the local offset."""
    return dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.randint(0, 59))).astimezone()


def _history(rng: random.Random, known: dt.date, today: dt.date) -> list[StatusChange]:
    """From the status at the known date: at risk -> (perhaps) abroad -> (perhaps) returned."""
    status = _pick(rng, _FIRST_STATUS)
    changes = [StatusChange(status, known)]
    day = known
    for follows, chance, days in (("at_risk", 0.35, (7, 120)), ("abroad", 0.55, (30, 540))):
        if status != follows or rng.random() > chance:
            continue
        day += dt.timedelta(days=rng.randint(*days))
        if day > today:
            break
        status = "abroad" if follows == "at_risk" else "returned"
        changes.append(StatusChange(status, day))
    return changes


def _purposes(rng: random.Random, gender: str) -> tuple[str, ...]:
    column = 2 if gender == "boy" else 1
    names = [p[0] for p in _PURPOSES]
    weights = [p[column] for p in _PURPOSES]
    chosen = {rng.choices(names, weights)[0]}
    if rng.random() < 0.25:
        chosen.add(rng.choices(names, weights)[0])
    if len(chosen) > 1:
        chosen.discard("unknown")
    return tuple(chosen)


def _actions(rng: random.Random, reporter: str, history: list[StatusChange], known: dt.date) -> tuple[str, ...]:
    went_abroad = any(c.status == "abroad" for c in history)
    chances = {
        "concern_report": 0.9 if reporter != "SOC" else 0.3,
        "investigation": 0.7,
        "police_report": 0.25,
        "travel_ban": 0.12 if known >= TRAVEL_BAN_LAW else 0.0,
        "lvu": 0.15,
        "school_followup": 0.45 if reporter == "UBF" else 0.15,
        "consular_contact": 0.4 if went_abroad else 0.02,
        "placement": 0.08,
        "protected_housing": 0.05,
    }
    chosen = tuple(action for action, chance in chances.items() if rng.random() < chance)
    return chosen or (("no_action",) if rng.random() < 0.5 else ())


def _invent(rng: random.Random, first: dt.date, today: dt.date) -> _Invented:
    known = first + dt.timedelta(days=rng.randrange((today - first).days + 1))
    reporter = _pick(rng, _REPORTERS)
    gender = _pick(rng, _GENDERS)
    birth_year = None
    if rng.random() >= _UNKNOWN_AGE:
        birth_year = known.year - rng.choice(_pick(rng, _AGES))
    history = _history(rng, known, today)
    purposes = _purposes(rng, gender)
    departure = None
    if any(c.status == "abroad" for c in history) and rng.random() < 0.6:
        left = known - dt.timedelta(days=rng.randint(0, 40))
        departure = left.isoformat() if rng.random() < 0.7 else left.isoformat()[:7]
    married = (birth_year is not None and known.year - birth_year >= 15
               and bool({"forced_marriage", "child_marriage"} & set(purposes)) and rng.random() < 0.3)
    case = normalised(AbroadCase(
        case_ref="DEMO", reported_by=reporter, known_date=known,
        departure_date=departure, gender=gender, birth_year=birth_year, purposes=purposes,
        honour_link="confirmed" if rng.random() < 0.3 else "suspected",
        destination=None if rng.random() < _UNKNOWN_DESTINATION else _pick(rng, _DESTINATIONS),
        status=history[-1].status, reported_married=married,
        actions=_actions(rng, reporter, history, known), notes=rng.choice(_NOTES)))
    created = _at(min(known + dt.timedelta(days=rng.randint(0, 10)), today), rng)
    updated = max(created, _at(history[-1].date, rng))
    return _Invented(case, tuple(history), created, updated, f"demo-editor-{reporter.lower()}")


def _with_persons(ctx, invented: list[_Invented], today: dt.date) -> list[_Invented]:
    """Most children get a (fictitious) person pseudonym; about one in eight is reported again
    by another administration a few weeks later, so that persons and cases differ."""
    key = pseudonym_keys.load(ctx.db.conn, pseudonym_keys.ABROAD_PERSONS)
    out = []
    for number, item in enumerate(invented):
        if ctx.rng.random() < _WITHOUT_NUMBER:
            out.append(item)
            continue
        person = keyed_hash(f"demo-child:{number}", key)
        first = dataclasses.replace(item, case=dataclasses.replace(item.case, person_key=person))
        out.append(first)
        again = item.case.known_date + dt.timedelta(days=ctx.rng.randint(7, 60))
        if ctx.rng.random() < _REPORTED_AGAIN and again <= today:
            other = ctx.rng.choice([r for r in _REPORTERS if r != item.case.reported_by])
            case = dataclasses.replace(first.case, reported_by=other, known_date=again,
                                       actions=_actions(ctx.rng, other, list(item.history), again))
            history = (StatusChange(case.status, again),)
            created = _at(min(again + dt.timedelta(days=2), today), ctx.rng)
            out.append(_Invented(case, history, created, max(created, _at(history[-1].date, ctx.rng)),
                                 f"demo-editor-{other.lower()}"))
    return out


def demo_abroad(ctx) -> None:
    """Fill the register of a new demo database (``ctx``: :class:`hrvdesk.store.demo.DemoContext`)."""
    count, years = SCALES[ctx.scale]
    registered = {a.code for a in organisation.administrations(ctx.db)}
    if not set(_REPORTERS) <= registered:
        return  # a register without the seeded administrations: nothing sensible to invent
    today = dt.date.today()
    first = dt.date(today.year - years + 1, 1, 1)
    invented = _with_persons(ctx, [_invent(ctx.rng, first, today) for _n in range(count)], today)
    invented.sort(key=lambda i: i.created)
    with ctx.db.transaction() as conn:
        for number, item in enumerate(invented, start=1):
            case = _followed_up(ctx.rng, dataclasses.replace(item.case, case_ref=f"DEMO-{number:04d}"),
                                today)
            case_id = insert_case(conn, case, at=item.created, user=item.editor, history=item.history,
                                  updated_at=item.updated)
            _follow_up_log(conn, ctx.rng, case_id, case, item.editor, today)
        ctx.db.audit("create", target="demo:abroad", detail={"cases": len(invented)})


def _followed_up(rng: random.Random, case: AbroadCase, today: dt.date) -> AbroadCase:
    """Open cases get a next follow-up date (some overdue, some due soon, a few none at all);
    some children reported by a school have no school placement."""
    if case.status not in ("abroad", "at_risk"):
        return case
    due = None if rng.random() < 0.1 else today + dt.timedelta(days=rng.randint(-30, 60))
    no_school = None
    if case.reported_by == "UBF" and case.status == "abroad" and rng.random() < 0.5:
        no_school = min(today, case.known_date + dt.timedelta(days=rng.randint(0, 20)))
    return dataclasses.replace(case, follow_up_date=due, no_school_since=no_school)


def _follow_up_log(conn, rng: random.Random, case_id: int, case: AbroadCase, editor: str,
                   today: dt.date) -> None:
    """One to three entries of what was done, between the known date and today."""
    if case.status == "unknown" or rng.random() < 0.4:
        return
    span = max(0, (today - case.known_date).days)
    for _n in range(rng.randint(1, 3)):
        day = case.known_date + dt.timedelta(days=rng.randint(0, min(span, 300)))
        kind = rng.choice(("attendance_officer", "social_services", "home_visit", "police",
                           "embassy", "other") + (("returned",) if case.status == "returned" else ()))
        conn.execute("INSERT INTO abroad_followups(case_id, done_on, kind, note, recorded_at,"
                     " recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
                     (case_id, day.isoformat(), kind, rng.choice(_FOLLOW_UP_NOTES),
                      dt.datetime.combine(day, dt.time(10)).astimezone().isoformat(), editor))
