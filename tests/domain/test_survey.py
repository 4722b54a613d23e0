"""The yearly pilot survey: questions, answer validation, completion, the pilot period."""

from __future__ import annotations

import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.survey import (
    QUESTION_KINDS, Answer, Question, completion, default_questions, parse_answer,
    pilot_progress, validate_answer,
)

NUMBER = Question(2024, 1, "Antal ärenden", "number")
YES_NO = Question(2024, 2, "Finns rutiner?", "yes_no")
TEXT = Question(2024, 3, "Kommentar", "text", required=False)
QUESTIONS = (NUMBER, YES_NO, TEXT)


def test_default_questions_for_a_new_year():
    questions = default_questions(2025)
    assert 3 <= len(questions) <= 6
    assert [q.number for q in questions] == list(range(1, len(questions) + 1))
    assert {q.year for q in questions} == {2025}
    assert {q.kind for q in questions} <= set(QUESTION_KINDS.values)
    assert sum(q.kind == "number" for q in questions) >= 3
    i18n.set_language("sv")
    assert all(i18n._(q.text) != q.text for q in questions)


@pytest.mark.parametrize("question, text, value", [
    (NUMBER, "12", 12), (NUMBER, " 1 234 ", 1234), (NUMBER, "0", 0),
    (YES_NO, "Ja", True), (YES_NO, "no", False),
    (TEXT, "  Fler orosanmälningar än 2023 ", "Fler orosanmälningar än 2023"),
    (NUMBER, "", None), (YES_NO, "  ", None),
])
def test_parse_answer(question, text, value):
    assert parse_answer(question, text) == value


@pytest.mark.parametrize("question, text", [
    (NUMBER, "-3"), (NUMBER, "2,5"), (NUMBER, "många"), (NUMBER, "١٢"), (YES_NO, "kanske"),
])
def test_parse_answer_rejects_text_that_does_not_fit(question, text):
    with pytest.raises(ValidationError):
        parse_answer(question, text)


@pytest.mark.parametrize("question, value", [
    (NUMBER, 3), (NUMBER, None), (YES_NO, False), (TEXT, "Pilotår två"),
])
def test_valid_answers(question, value):
    validate_answer(question, Answer(2024, "SOC", question.number, value))


@pytest.mark.parametrize("question, value", [
    (NUMBER, -1), (NUMBER, True), (NUMBER, 2.5), (NUMBER, "3"), (YES_NO, "yes"), (YES_NO, 1),
    (TEXT, 5), (TEXT, "x" * 2001),
])
def test_answers_of_the_wrong_kind_are_rejected(question, value):
    with pytest.raises(ValidationError):
        validate_answer(question, Answer(2024, "SOC", question.number, value))


def test_answer_to_another_question_or_with_a_personal_number_is_rejected():
    with pytest.raises(ValidationError):
        validate_answer(NUMBER, Answer(2023, "SOC", 1, 3))
    with pytest.raises(ValidationError):
        validate_answer(NUMBER, Answer(2024, "SOC", 2, 3))
    with pytest.raises(ValidationError) as err:
        validate_answer(TEXT, Answer(2024, "SOC", 3, "Gäller 121212-1212"))
    assert "1212" not in str(err.value)


def test_completion_per_administration():
    answers = [
        Answer(2024, "SOC", 1, 4), Answer(2024, "SOC", 2, True),     # optional text skipped
        Answer(2024, "UBF", 1, 0), Answer(2024, "UBF", 2, None),     # cleared answer
        Answer(2024, "KOF", 3, "Inga ärenden"),                     # only the optional one
        Answer(2023, "AVUX", 1, 2), Answer(2023, "AVUX", 2, False),  # another year
    ]
    states = completion(2024, QUESTIONS, answers, ["SOC", "UBF", "KOF", "AVUX"])
    assert states == {"SOC": "complete", "UBF": "partial", "KOF": "partial",
                      "AVUX": "missing"}


def test_completion_uses_the_questions_of_the_year_asked():
    earlier = Question(2023, 4, "Fråga som inte längre ställs", "number")
    answers = [Answer(2024, "SOC", 1, 4), Answer(2024, "SOC", 2, False)]
    assert completion(2024, QUESTIONS + (earlier,), answers, ["SOC"]) == {"SOC": "complete"}


def test_pilot_progress_over_four_years():
    answers = [Answer(2023, "SOC", 1, 4), Answer(2025, "UBF", 1, 1),
               Answer(2024, "SOC", 1, None), Answer(2027, "SOC", 1, 2)]
    progress = pilot_progress(2023, answers, as_of_year=2025)
    assert progress.years == (2023, 2024, 2025, 2026)
    assert progress.collected == (2023, 2025)
    assert progress.missing == (2024,)
    assert progress.upcoming == (2026,)


def test_validate_questions_reports_every_problem():
    from hrvdesk.domain.survey import validate_questions

    validate_questions(2024, QUESTIONS)
    with pytest.raises(ValidationError) as err:
        validate_questions(2024, [
            Question(2024, 1, "Antal ärenden", "number"),
            Question(2024, 1, "Dubbel", "number"),               # number repeated
            Question(2023, 2, "Fel år", "number"),
            Question(2024, 3, "Färg?", "colour"),
            Question(2024, 4, "  ", "text"),
            Question(2024, 5, "Gäller 19121212-1212", "text"),
        ])
    problems = err.value.problems
    assert len(problems) == 5
    assert all("19121212" not in str(p) for p in problems)
    with pytest.raises(ValidationError):
        validate_questions(2024, [Question(2024, 0, "Noll", "number")])
