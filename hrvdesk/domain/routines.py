"""The register of cross-agency routines: who owns them, who takes part, when to review them.

Routines hold no personal data: contact paths name a role and a functional way to reach it
(a shared phone number or mailbox), and any text that looks like a personal identity number
is refused.

The plan's measure "share of committees with routines for cooperating with other bodies"
(M3.1) is computed here. Rule: an administration counts when it owns or takes part in a
routine *in force* (adopted, or adopted and now under revision — the adopted version
applies until the next one) that has at least one other party, administration or partner.
Drafts and retired routines do not count.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

from hrvdesk.domain.codes import Code, CodeList
from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.domain.plan import personal_number_problems, raise_problems
from hrvdesk.i18n import N_, _

ROUTINE_PURPOSES = CodeList("routine_purpose", N_("Purpose"), [
    Code("detect", "upptäcka", N_("Detecting violence and oppression")),
    Code("act_on_suspicion", "agera_vid_misstanke", N_("Acting on suspicion or knowledge")),
    Code("individual_cooperation", "samverkan_enskilda_ärenden",
         N_("Cooperation in individual cases")),
    Code("parental_support", "föräldrastöd", N_("Support for parents")),
    Code("family_contact", "familjekontakt", N_("Contact with the family")),
    Code("information", "information", N_("Information")),
    Code("children_abroad", "barn_utomlands", N_("Children taken abroad or at risk of it")),
    Code("reported_married", "uppges_gifta", N_("Children reported married")),
])

ROUTINE_STATUSES = CodeList("routine_status", N_("Status"), [
    Code("draft", "utkast", N_("Draft")),
    Code("adopted", "antagen", N_("Adopted")),
    Code("under_revision", "under_revidering", N_("Under revision")),
    Code("retired", "upphävd", N_("Retired")),
])

#: Statuses in which an adopted version applies.
IN_FORCE_STATUSES = frozenset({"adopted", "under_revision"})

REVIEW_STATES = CodeList("review_state", N_("Review"), [
    Code("overdue", "försenad", N_("Review overdue")),
    Code("due", "snart", N_("Review due soon")),
    Code("ok", "ok", N_("Up to date")),
])

#: Allowed attachment types: MIME type -> file name extension.
ATTACHMENT_TYPES: dict[str, str] = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
#: How each allowed type's content starts (PDF header; DOCX is a ZIP container).
ATTACHMENT_SIGNATURES: dict[str, bytes] = {
    "application/pdf": b"%PDF-",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
}
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
DEFAULT_REVIEW_INTERVAL_MONTHS = 12
DEFAULT_DUE_WITHIN_DAYS = 30
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class RoutineVersion:
    """An adopted version: its number, when and by whom (a body, not a person) it was adopted."""

    number: int
    adopted_on: dt.date
    adopted_by: str
    note: str = ""


@dataclass(frozen=True)
class ContactPath:
    """Whom to contact under the routine: a role and a functional way to reach it."""

    role: str
    how_to_reach: str


@dataclass(frozen=True)
class Attachment:
    """Metadata of the routine document (the file itself is kept by the store)."""

    name: str
    mime: str
    size: int
    sha256: str
    id: int | None = None  # the store's id, for fetching the bytes


@dataclass(frozen=True)
class Routine:
    """A routine owned by one administration, with participating administrations/partners."""

    id: int | None
    title: str
    purpose: str
    owner: str
    participants: tuple[str, ...] = ()
    status: str = "draft"
    versions: tuple[RoutineVersion, ...] = ()
    review_interval_months: int = DEFAULT_REVIEW_INTERVAL_MONTHS
    planned_review: dt.date | None = None  # set by hand; overrides the computed date
    contacts: tuple[ContactPath, ...] = ()
    attachments: tuple[Attachment, ...] = ()

    @property
    def parties(self) -> frozenset[str]:
        """The owner and every participant."""
        return frozenset((self.owner, *self.participants))

    @property
    def in_force(self) -> bool:
        return self.status in IN_FORCE_STATUSES

    @property
    def last_adopted(self) -> dt.date | None:
        return max((v.adopted_on for v in self.versions), default=None)

    @property
    def next_review(self) -> dt.date | None:
        """The planned review date if set, else the last adoption plus the review interval."""
        if self.planned_review is not None:
            return self.planned_review
        last = self.last_adopted
        return None if last is None else add_months(last, self.review_interval_months)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months; a day past the month's end becomes its last
    day (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_state(routine: Routine, on: dt.date,
                 within_days: int = DEFAULT_DUE_WITHIN_DAYS) -> str | None:
    """``'overdue'`` when the review date has passed, ``'due'`` when it falls within
    ``within_days`` from ``on`` (the day itself included), else ``'ok'``. None for a routine
    not in force or without a review date."""
    due = routine.next_review
    if not routine.in_force or due is None:
        return None
    if due < on:
        return "overdue"
    if due <= on + dt.timedelta(days=within_days):
        return "due"
    return "ok"


# --- validation -----------------------------------------------------------------------


def _texts(routine: Routine) -> Iterator[tuple[str, str]]:
    """Every free-text value of the routine with the field it belongs to."""
    yield "title", routine.title
    for contact in routine.contacts:
        yield "contacts", contact.role
        yield "contacts", contact.how_to_reach
    for version in routine.versions:
        yield "versions", version.adopted_by
        yield "versions", version.note
    for attachment in routine.attachments:
        yield "attachments", attachment.name


def _attachment_problems(attachment: Attachment) -> list[Problem]:
    field = "attachments"
    problems = []
    extension = ATTACHMENT_TYPES.get(attachment.mime)
    if extension is None:
        problems.append(Problem(_("Only PDF and Word (.docx) documents can be attached."),
                                field=field))
    elif not attachment.name.lower().endswith(extension):
        problems.append(Problem(_("The file name does not end with {extension}.").format(
            extension=extension), field=field))
    if not 0 < attachment.size <= MAX_ATTACHMENT_BYTES:
        problems.append(Problem(_("The file is empty or larger than {size} MB.").format(
            size=MAX_ATTACHMENT_BYTES // (1024 * 1024)), field=field))
    if not _SHA256.fullmatch(attachment.sha256):
        problems.append(Problem(_("The checksum is not a SHA-256 value."), field=field))
    return problems


def validate_attachment_content(mime: str, data: bytes) -> None:
    """Reject a document whose content does not start like its type (a renamed file)."""
    signature = ATTACHMENT_SIGNATURES.get(mime)
    if signature is not None and not data.startswith(signature):
        raise ValidationError.single(_("The file's content is not a {extension} document.").format(
            extension=ATTACHMENT_TYPES[mime]), field="attachments")


def validate_routine(routine: Routine, known_parties: Collection[str] | None = None) -> None:
    """Reject a routine with missing or unknown values, or with personal identity numbers.

    ``known_parties`` are the registered administration and partner codes, when known.
    """
    problems = []
    if not routine.title.strip():
        problems.append(Problem(_("A title is required."), field="title"))
    if routine.purpose not in ROUTINE_PURPOSES:
        problems.append(Problem(_("Unknown purpose: {code}.").format(code=routine.purpose),
                                field="purpose"))
    if routine.status not in ROUTINE_STATUSES:
        problems.append(Problem(_("Unknown status: {code}.").format(code=routine.status),
                                field="status"))
    elif routine.status != "draft" and not routine.versions:
        problems.append(Problem(_("An adopted routine needs at least one adopted version."),
                                field="versions"))
    if routine.owner in routine.participants or (
            len(set(routine.participants)) != len(routine.participants)):
        problems.append(Problem(_("A participant is listed twice or is also the owner."),
                                field="participants"))
    if known_parties is not None:
        for code in sorted(routine.parties - set(known_parties)):
            problems.append(Problem(_("Unknown administration or partner: {code}.").format(
                code=code), field="owner" if code == routine.owner else "participants"))
    numbers = [v.number for v in routine.versions]
    if any(n < 1 for n in numbers) or len(set(numbers)) != len(numbers):
        problems.append(Problem(_("Version numbers must be unique and at least 1."),
                                field="versions"))
    if routine.review_interval_months < 1:
        problems.append(Problem(_("The review interval must be at least one month."),
                                field="review_interval_months"))
    if any(not c.role.strip() or not c.how_to_reach.strip() for c in routine.contacts):
        problems.append(Problem(_("Each contact path needs a role and a way to reach it."),
                                field="contacts"))
    for attachment in routine.attachments:
        problems += _attachment_problems(attachment)
    problems += personal_number_problems(_texts(routine))
    raise_problems(problems)


# --- the plan's measure ---------------------------------------------------------------


def cooperating_parties(routines: Iterable[Routine]) -> frozenset[str]:
    """Administrations and partners that own or take part in a routine in force with at
    least one other party."""
    return frozenset(party for r in routines if r.in_force and len(r.parties) > 1
                     for party in r.parties)


def committees_with_cooperation_routines_share(routines: Iterable[Routine],
                                               administrations: Collection[str]) -> float | None:
    """Share of ``administrations`` (one per committee) with a cooperation routine in
    force (measure M3.1; rule in the module docstring). None without administrations."""
    wanted = set(administrations)
    if not wanted:
        return None
    return len(wanted & cooperating_parties(routines)) / len(wanted)
