"""The administrations' yearly pilot survey (action plan, section 3).

Until HRV figures can be taken from the municipality's own systems, each administration
concerned answers a short survey every year, for a pilot period of four years. Each year has
its own questions (a default set is offered for a new year). Answers are figures and short
comments about the work, never about people: text containing a personal identity number is
refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hrvdesk.domain.codes import YES_NO, Code, CodeList
from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.domain.plan import personal_number_problems, raise_problems
from hrvdesk.i18n import N_, _

PILOT_YEARS = 4
MAX_TEXT_LENGTH = 2000

QUESTION_KINDS = CodeList("question_kind", N_("Kind of answer"), [
    Code("number", "antal", N_("Number")),
    Code("yes_no", "ja_nej", N_("Yes or no")),
    Code("text", "text", N_("Text")),
])

COMPLETION_STATES = CodeList("completion", N_("Answers"), [
    Code("complete", "komplett", N_("Complete")),
    Code("partial", "delvis", N_("Partly answered")),
    Code("missing", "saknas", N_("Not answered")),
])

AnswerValue = int | bool | str | None


@dataclass(frozen=True)
class Question:
    """A question of one year's survey; ``text`` is a message id for the default questions
    and the author's own words otherwise (``_()`` returns unknown text unchanged)."""

    year: int
    number: int
    text: str
    kind: str
    required: bool = True


@dataclass(frozen=True)
class Answer:
    """An administration's answer to a question: an int for ``number``, a bool for
    ``yes_no``, a str for ``text``; None when not answered."""

    year: int
    administration: str
    question: int
    value: AnswerValue

    @property
    def answered(self) -> bool:
        return self.value is not None and self.value != ""


_DEFAULT_QUESTIONS: tuple[tuple[str, str, bool], ...] = (
    (N_("How many cases concerning honour-related violence and oppression came to the "
        "attention of social services during the year?"), "number", True),
    (N_("How many children and young people were suspected of having been taken abroad "
        "because of honour-related violence or oppression?"), "number", True),
    (N_("How many pupils without a school placement were suspected of having been taken "
        "abroad?"), "number", True),
    (N_("How many staff members were offered training on honour-related violence and "
        "oppression?"), "number", True),
    (N_("Does the administration have routines for cooperating with other bodies on "
        "honour-related violence and oppression?"), "yes_no", True),
    (N_("Comments on the year's figures (no names or personal identity numbers)"), "text",
     False),
)


def default_questions(year: int) -> tuple[Question, ...]:
    """The default question set for a new survey year, numbered from 1."""
    return tuple(Question(year, number, text, kind, required)
                 for number, (text, kind, required) in enumerate(_DEFAULT_QUESTIONS, 1))


def validate_questions(year: int, questions: Iterable[Question]) -> None:
    """Reject a year's question set with wrong years, repeated or non-positive numbers,
    unknown kinds, empty or overlong texts, or personal identity numbers."""
    questions = list(questions)
    problems = []
    numbers = [q.number for q in questions]
    if any(n < 1 for n in numbers) or len(set(numbers)) != len(numbers):
        problems.append(Problem(_("Question numbers must be unique and at least 1."),
                                field="number"))
    for q in questions:
        field = _field(q)
        if q.year != year:
            problems.append(Problem(_("The question belongs to another year."), field=field))
        if q.kind not in QUESTION_KINDS:
            problems.append(Problem(_("Unknown kind of question: {code}.").format(code=q.kind),
                                    field=field))
        if not q.text.strip() or len(q.text) > MAX_TEXT_LENGTH:
            problems.append(Problem(_("A question needs a text of at most {limit} characters.")
                                    .format(limit=MAX_TEXT_LENGTH), field=field))
    problems += personal_number_problems((_field(q), q.text) for q in questions)
    raise_problems(problems)


def _field(question: Question) -> str:
    return _("question {number}").format(number=question.number)


def parse_answer(question: Question, text: str) -> AnswerValue:
    """The typed value of ``text`` as entered in a form or a cell; empty text is None.

    Numbers may carry spaces as thousands separators; yes/no accepts yes/no and ja/nej.
    """
    text = text.strip()
    if not text:
        return None
    if question.kind == "number":
        digits = "".join(text.split())
        if not digits.isascii() or not digits.isdigit():
            raise ValidationError.single(_("Enter a whole number of at least 0."),
                                         field=_field(question))
        return int(digits)
    if question.kind == "yes_no":
        code = YES_NO.parse(text)
        if code is None:
            raise ValidationError.single(_("Answer yes or no."), field=_field(question))
        return code == "yes"
    return text


def _value_problem(question: Question, value: AnswerValue) -> str | None:
    """Why ``value`` does not fit the question's kind (translated), or None."""
    if value is None:
        return None
    if question.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return _("Enter a whole number of at least 0.")
    elif question.kind == "yes_no":
        if not isinstance(value, bool):
            return _("Answer yes or no.")
    elif question.kind == "text":
        if not isinstance(value, str):
            return _("Enter text.")
        if len(value) > MAX_TEXT_LENGTH:
            return _("The text is longer than {limit} characters.").format(limit=MAX_TEXT_LENGTH)
    else:
        return _("Unknown kind of question: {code}.").format(code=question.kind)
    return None


def validate_answer(question: Question, answer: Answer) -> None:
    """Reject an answer that does not belong to ``question``, does not fit its kind, or
    holds a personal identity number."""
    field = _field(question)
    problems = []
    if (answer.year, answer.question) != (question.year, question.number):
        problems.append(Problem(_("The answer belongs to another question."), field=field))
    reason = _value_problem(question, answer.value)
    if reason:
        problems.append(Problem(reason, field=field))
    if isinstance(answer.value, str):
        problems += personal_number_problems([(field, answer.value)])
    raise_problems(problems)


def completion(year: int, questions: Iterable[Question], answers: Iterable[Answer],
               administrations: Iterable[str]) -> dict[str, str]:
    """Per administration: ``'complete'`` when every required question of ``year`` is
    answered, ``'missing'`` when nothing is answered, else ``'partial'``."""
    required = {q.number for q in questions if q.year == year and q.required}
    answered: dict[str, set[int]] = {}
    for a in answers:
        if a.year == year and a.answered:
            answered.setdefault(a.administration, set()).add(a.question)
    states = {}
    for code in administrations:
        done = answered.get(code, set())
        states[code] = ("missing" if not done else
                        "complete" if required <= done else "partial")
    return states


@dataclass(frozen=True)
class PilotProgress:
    """The pilot period's years: collected (some answers), missing (none although due),
    upcoming (not yet due)."""

    years: tuple[int, ...]
    collected: tuple[int, ...]
    missing: tuple[int, ...]
    upcoming: tuple[int, ...]


def pilot_progress(first_year: int, answers: Iterable[Answer], as_of_year: int,
                   length: int = PILOT_YEARS) -> PilotProgress:
    """Which of the pilot years ``first_year`` … ``first_year + length - 1`` have answers;
    years up to and including ``as_of_year`` without any answer are missing."""
    years = tuple(range(first_year, first_year + length))
    with_answers = {a.year for a in answers if a.answered}
    return PilotProgress(
        years=years,
        collected=tuple(y for y in years if y in with_answers),
        missing=tuple(y for y in years if y <= as_of_year and y not in with_answers),
        upcoming=tuple(y for y in years if y > as_of_year and y not in with_answers),
    )
