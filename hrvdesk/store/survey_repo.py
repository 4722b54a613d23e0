"""The administrations' yearly pilot survey in the database: questions, answers, completion.

The working group (the plan owner's administration, see
:func:`hrvdesk.store.plan_repo.require_coordinator`) sets each year's questions and the
pilot period; each administration's answers are written by an editor of that
administration (or an administrator). Answers are stored as JSON (a number, true/false
or a text).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping

from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.domain.plan import raise_problems
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.survey import (
    Answer, AnswerValue, PilotProgress, Question, completion, default_questions, pilot_progress,
    validate_answer, validate_questions,
)
from hrvdesk.i18n import _
from hrvdesk.store import organisation
from hrvdesk.store.database import Database, now_iso
from hrvdesk.store.plan_repo import kept_text, require_coordinator


def _require_view(db: Database) -> None:
    db.require(Permission.VIEW_WORK, what=_("read the pilot survey"))


# --- the pilot period ---------------------------------------------------------------------


def pilot_period(db: Database) -> tuple[int, int]:
    """(first year, number of years) of the pilot."""
    return db.conn.execute("SELECT first_year, length FROM survey_pilot WHERE id = 1").fetchone()


def set_pilot_period(db: Database, first_year: int, length: int) -> None:
    require_coordinator(db, _("set the pilot period"))
    if length < 1 or not 1900 < first_year < 3000:
        raise ValidationError.single(_("The pilot period needs a first year and at least one year."),
                                     field="year")
    with db.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO survey_pilot(id, first_year, length) VALUES (1, ?, ?)",
                     (first_year, length))
        db.audit("update", target="survey:pilot", fields=("first_year", "length"))


def pilot_status(db: Database, as_of_year: int) -> PilotProgress:
    """Which pilot years have answers, which are missing, which are still to come."""
    _require_view(db)
    first, length = pilot_period(db)
    return pilot_progress(first, _answers(db, "1 = 1", ()), as_of_year, length)


# --- questions ----------------------------------------------------------------------------


def questions(db: Database, year: int) -> list[Question]:
    _require_view(db)
    return [Question(year, n, text, kind, bool(required)) for n, text, kind, required in db.conn.execute(
        "SELECT number, text, kind, required FROM survey_questions WHERE year = ? ORDER BY number",
        (year,))]


def save_questions(db: Database, year: int, new: Iterable[Question]) -> list[Question]:
    """Set ``year``'s questions. An answered question must stay, with the same kind."""
    require_coordinator(db, _("set the survey's questions"))
    stored = {q.number: q for q in questions(db, year)}
    new = [dataclasses.replace(q, text=kept_text(stored[q.number].text, q.text)
                               if q.number in stored else q.text.strip()) for q in new]
    validate_questions(year, new)
    answered = {n for (n,) in db.conn.execute(
        "SELECT DISTINCT question FROM survey_answers WHERE year = ?", (year,))}
    by_number = {q.number: q for q in new}
    problems = [Problem(_("Question {number} has answers and cannot be removed or change kind.")
                        .format(number=n), field="number")
                for n in sorted(answered)
                if n not in by_number or by_number[n].kind != stored[n].kind]
    raise_problems(problems)
    fields = sorted({f"question {n}" for n in set(stored) | set(by_number)
                     if stored.get(n) != by_number.get(n)})
    if not fields:
        return new
    with db.transaction() as conn:
        conn.executemany("DELETE FROM survey_questions WHERE year = ? AND number = ?",
                         [(year, n) for n in stored if n not in by_number])
        conn.executemany(
            "INSERT INTO survey_questions(year, number, text, kind, required) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(year, number) DO UPDATE SET text = excluded.text, kind = excluded.kind,"
            " required = excluded.required",
            [(year, q.number, q.text, q.kind, int(q.required)) for q in new])
        db.audit("update", target=f"survey:{year}:questions", fields=fields)
    return questions(db, year)


def start_survey_year(db: Database, year: int) -> list[Question]:
    """``year``'s questions; a year without any gets the default set."""
    return questions(db, year) or save_questions(db, year, default_questions(year))


# --- answers ------------------------------------------------------------------------------


def _answers(db: Database, where: str, params: tuple) -> list[Answer]:
    return [Answer(year, adm, q, json.loads(value)) for year, adm, q, value in db.conn.execute(
        f"SELECT year, administration, question, value FROM survey_answers WHERE {where}"
        " ORDER BY year, administration, question", params)]


def answers(db: Database, year: int, administration: str | None = None) -> list[Answer]:
    """The year's answers, of every administration or of one."""
    _require_view(db)
    if administration is None:
        return _answers(db, "year = ?", (year,))
    return _answers(db, "year = ? AND administration = ?", (year, administration))


def save_answers(db: Database, year: int, administration: str,
                 values: Mapping[int, AnswerValue]) -> list[Answer]:
    """Record an administration's answers (question number -> value; None or "" clears).

    Every value is checked before anything is written; returns the administration's answers.
    """
    db.require(Permission.EDIT_WORK, administration=administration, what=_("answer the pilot survey"))
    if administration not in {a.code for a in organisation.administrations(db)}:
        raise ValidationError.single(_("Unknown administration {code}.").format(code=administration),
                                     field="administration")
    asked = {q.number: q for q in questions(db, year)}
    problems = [Problem(_("The survey for {year} has no question {number}.").format(
        year=year, number=n), field="question") for n in sorted(set(values) - set(asked))]
    given = {n: Answer(year, administration, n, v.strip() if isinstance(v, str) else v)
             for n, v in values.items() if n in asked}
    for n, answer in given.items():
        try:
            validate_answer(asked[n], answer)
        except ValidationError as exc:
            problems += exc.problems
    raise_problems(problems)
    stored = {a.question: a for a in answers(db, year, administration)}
    changed = sorted(n for n, a in given.items()
                     if (stored[n].value if n in stored else None) != (a.value if a.answered else None))
    if not changed:
        return list(stored.values())
    now = now_iso()
    with db.transaction() as conn:
        for n in changed:
            answer = given[n]
            if answer.answered:
                conn.execute(
                    "INSERT INTO survey_answers(year, administration, question, value, updated_by,"
                    " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(year, administration, question)"
                    " DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by,"
                    " updated_at = excluded.updated_at",
                    (year, administration, n, json.dumps(answer.value, ensure_ascii=False), db.user, now))
            else:
                conn.execute("DELETE FROM survey_answers WHERE year = ? AND administration = ?"
                             " AND question = ?", (year, administration, n))
        db.audit("update", target=f"survey:{year}:{administration}",
                 fields=[f"question {n}" for n in changed])
    return answers(db, year, administration)


def completion_status(db: Database, year: int) -> dict[str, str]:
    """Per active administration: ``complete``, ``partial`` or ``missing`` (for the coordinator)."""
    return completion(year, questions(db, year), answers(db, year),
                      [a.code for a in organisation.administrations(db)])
