"""The audit log in a reader's words (issue 16): what an entry's target and fields mean.

The log stores compact references (``survey:2025:VOF``, ``followup:botkyrka-hrv:A1.1:2025``)
and field names (``target_group``); :func:`target_text` and :func:`fields_text` say them in
the UI language ("Pilot survey 2025, VOF", "Follow-up of activity A1.1, 2025", "Target
group"). A reference of a kind not known here is shown as stored.
"""

from __future__ import annotations

from collections.abc import Iterable

from hrvdesk.domain.settings import DATABASE
from hrvdesk.i18n import N_, _

#: target kind -> message with the reference's parts after the kind as {0}, {1}, … (by count).
_TARGETS: dict[str, dict[int, str]] = {
    "case": {1: N_("Case {0}")},
    "training": {0: N_("Training log"), 1: N_("Training {0}")},
    "completion": {1: N_("Training completion {0}")},
    "attendance": {1: N_("Attendance without a list {0}")},
    "headcount": {2: N_("Headcount {0}, {1}"), 3: N_("Headcount {0}, {1}, unit {2}")},
    "survey": {1: N_("Pilot survey ({0})"), 2: N_("Pilot survey {0}, {1}")},
    "routine": {1: N_("Routine {0}")},
    "attachment": {1: N_("Attachment {0}")},
    "plan": {0: N_("Action plan"), 2: N_("Action plan, version {1}")},
    "followup": {2: N_("Follow-up {1}"), 3: N_("Follow-up of activity {1}, {2}")},
    "measure": {3: N_("Measure {1}, {2}")},
    "measures": {2: N_("Measures, {1}")},
    "target": {2: N_("Target of measure {1}")},
    "round": {2: N_("Reporting round {1}"), 3: N_("Reporting round {1}, committee {2}")},
    "proposal": {1: N_("Proposed activity {0}")},
    "administration": {1: N_("Administration {0}")},
    "partner": {1: N_("Partner {0}")},
    "statistics": {2: N_("Statistics ({0}), {1}")},
    "abroad": {1: N_("Children taken abroad ({0})")},
    "demo": {0: N_("Demo data"), 1: N_("Demo data ({0})")},
    "profile": {0: N_("Municipality profile")},
}

#: Parts of a reference that are themselves codes with words.
_PARTS = {"list": N_("the register"), "followups": N_("the follow-up work list"),
          "questions": N_("questions"), "pilot": N_("the pilot period"), "abroad": N_("abroad"),
          "cross": N_("cross table"), "training": N_("training")}

_FIELDS = {
    "active": N_("Active"), "administration": N_("Administration"), "administrations": N_("Administrations"),
    "committee": N_("Committee"), "completed_date": N_("Date completed"), "date": N_("Date"),
    "deadline": N_("Deadline"), "first_year": N_("First year"), "follow_up_date": N_("Next follow-up"),
    "headcount": N_("Headcount"), "kind": N_("Kind"), "length": N_("Length"), "name": N_("Name"),
    "no_school_since": N_("Without a school placement since"), "participants": N_("Participants"),
    "person": N_("Person"), "person_key": N_("Personal identity number"), "ready": N_("Ready"),
    "role": N_("Role"), "source": N_("Source"), "status": N_("Status"), "target_group": N_("Target group"),
    "training": N_("Training"), "unit": N_("Unit"), "valid_to": N_("Valid until"), "value": N_("Value"),
    "comment": N_("Comment"), "title": N_("Title"), "topics": N_("Topics"), "format": N_("Format"),
    "start_date": N_("Start date"), "end_date": N_("End date"), "hours": N_("Hours"),
    "organiser": N_("Organiser"), "vpc_coorganised": N_("Co-organised by the violence-prevention centre"),
    "reported_by": N_("Reported by"), "known_date": N_("Known since"), "departure_date": N_("Departure date"),
    "gender": N_("Gender"), "birth_year": N_("Birth year"), "purposes": N_("Purposes"),
    "honour_link": N_("Honour link"), "destination": N_("Destination country"),
    "reported_married": N_("Reported married"), "actions": N_("Actions"), "notes": N_("Notes"),
    "case_ref": N_("Case reference"), "data": N_("Contents"), "mime": N_("File type"),
    "completions": N_("Completions"), "target": N_("Target value"), "goal": N_("Goal"),
    "reason": N_("Why"), "state": N_("Decision"), "note": N_("Reason for the decision"),
}


def target_text(target: str) -> str:
    """A stored reference in words; as stored when its kind is not known."""
    if not target:
        return ""
    if target in DATABASE:  # a setting changed
        return _("Setting: {title}").format(title=_(DATABASE[target].title))
    kind, *parts = target.split(":")
    message = _TARGETS.get(kind, {}).get(len(parts))
    if message is None:
        return target
    return _(message).format(*(_(_PARTS[p]) if p in _PARTS else p for p in parts))


def field_text(name: str) -> str:
    """A field name in words (a setting by its title; an activity's field after its code)."""
    if name in _FIELDS:
        return _(_FIELDS[name])
    if name in DATABASE:
        return _(DATABASE[name].title)
    code, _dot, field = name.rpartition(".")
    if code and field in _FIELDS:
        return f"{code} {_(_FIELDS[field]).lower()}"
    return name


def fields_text(names: Iterable[str]) -> str:
    return ", ".join(field_text(n) for n in names)
