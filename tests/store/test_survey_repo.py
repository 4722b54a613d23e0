"""The pilot survey in the database: questions, answers per administration, completion, pilot."""

from __future__ import annotations

import dataclasses

import pytest

from hrvdesk import i18n
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.survey import Question, default_questions
from hrvdesk.store import audit, organisation, survey_repo
from tests.store.plan_helpers import add_users, opened_as


@pytest.fixture
def db(admin_db):
    add_users(admin_db)
    survey_repo.start_survey_year(admin_db, 2024)
    return admin_db


def _full_answers() -> dict:
    # default questions: 1–4 numbers, 5 yes/no, 6 an optional comment
    return {1: 12, 2: 3, 3: 0, 4: 140, 5: True}


def test_a_new_year_gets_the_default_questions_once(db):
    assert survey_repo.questions(db, 2024) == list(default_questions(2024))
    assert survey_repo.start_survey_year(db, 2024) == list(default_questions(2024))
    assert survey_repo.questions(db, 2025) == []
    assert len([e for e in audit.entries(db.conn) if e.target == "survey:2024:questions"]) == 1


def test_completion_status_per_administration(db):
    survey_repo.save_answers(db, 2024, "SOC", {**_full_answers(), 6: "Fler ärenden än väntat"})
    survey_repo.save_answers(db, 2024, "UBF", {1: 4, 5: False})
    survey_repo.save_answers(db, 2024, "KOF", {6: "Bara en kommentar"})
    states = survey_repo.completion_status(db, 2024)
    assert set(states) == {a.code for a in organisation.administrations(db)}
    assert (states["SOC"], states["UBF"], states["KOF"], states["VOF"]) == (
        "complete", "partial", "partial", "missing")
    # completing UBF, then clearing one of SOC's required answers
    survey_repo.save_answers(db, 2024, "UBF", {2: 0, 3: 1, 4: 80})
    survey_repo.save_answers(db, 2024, "SOC", {4: None})
    states = survey_repo.completion_status(db, 2024)
    assert (states["UBF"], states["SOC"]) == ("complete", "partial")
    assert {a.question: a.value for a in survey_repo.answers(db, 2024, "SOC")} == {
        1: 12, 2: 3, 3: 0, 5: True, 6: "Fler ärenden än väntat"}


def test_answers_keep_their_types(db):
    survey_repo.save_answers(db, 2024, "SOC", {1: 0, 5: False, 6: "  Åäö – text  "})
    values = {a.question: a.value for a in survey_repo.answers(db, 2024, "SOC")}
    assert values == {1: 0, 5: False, 6: "Åäö – text"}
    assert type(values[1]) is int and type(values[5]) is bool


def test_every_answer_is_checked_before_anything_is_written(db):
    with pytest.raises(ValidationError) as err:
        survey_repo.save_answers(db, 2024, "SOC", {1: 5, 2: "många", 5: 1, 9: 3})
    assert len(err.value.problems) == 3
    assert survey_repo.answers(db, 2024) == []
    with pytest.raises(ValidationError) as err:
        survey_repo.save_answers(db, 2024, "SOC", {6: "Gäller 19121212-1212"})
    assert "19121212" not in str(err.value)
    with pytest.raises(ValidationError):
        survey_repo.save_answers(db, 2023, "SOC", {1: 5})      # no questions that year
    assert survey_repo.answers(db, 2024) == []


def test_editors_answer_for_their_own_administration_only(db):
    with opened_as(db, "SOC") as soc:
        survey_repo.save_answers(soc, 2024, "SOC", _full_answers())
        with pytest.raises(PermissionDenied):
            survey_repo.save_answers(soc, 2024, "UBF", _full_answers())
        with pytest.raises(PermissionDenied):            # the questions are the working group's
            survey_repo.save_questions(soc, 2025, default_questions(2025))
        assert survey_repo.completion_status(soc, 2024)["SOC"] == "complete"
    with opened_as(db, "viewer") as viewer:
        assert len(survey_repo.answers(viewer, 2024)) == 5
        with pytest.raises(PermissionDenied):
            survey_repo.save_answers(viewer, 2024, "SOC", {1: 1})
    with opened_as(db, "KLF") as coordinator:
        survey_repo.save_questions(coordinator, 2025, default_questions(2025)[:3])
    assert [a.administration for a in survey_repo.answers(db, 2024)] == ["SOC"] * 5
    assert {a.value for a in survey_repo.answers(db, 2024)} >= {12, 140}


def test_audit_names_the_answered_questions_not_the_answers(db):
    survey_repo.save_answers(db, 2024, "SOC", {1: 4711, 6: "Hemlig kommentar"})
    survey_repo.save_answers(db, 2024, "SOC", {1: 4711, 2: 8})
    entries = [e for e in audit.entries(db.conn) if e.target == "survey:2024:SOC"]
    assert [e.fields for e in entries] == [("question 2",), ("question 1", "question 6")]
    assert "4711" not in repr(audit.entries(db.conn)) and "Hemlig" not in repr(audit.entries(db.conn))


def test_answered_questions_stay_and_keep_their_kind(db):
    survey_repo.save_answers(db, 2024, "SOC", {1: 4, 5: True})
    questions = survey_repo.questions(db, 2024)
    with pytest.raises(ValidationError):
        survey_repo.save_questions(db, 2024, questions[1:])                       # removes 1
    with pytest.raises(ValidationError):
        survey_repo.save_questions(db, 2024, [dataclasses.replace(questions[4], kind="text"),
                                              *questions[:4], questions[5]])
    reworded = [dataclasses.replace(q, text="Antal aktualiserade ärenden") if q.number == 1 else q
                for q in questions[:5]] + [Question(2024, 7, "Antal utbildade chefer", "number", False)]
    stored = survey_repo.save_questions(db, 2024, reworded)
    assert [q.number for q in stored] == [1, 2, 3, 4, 5, 7]
    assert stored[0].text == "Antal aktualiserade ärenden"
    with pytest.raises(ValidationError):
        survey_repo.save_questions(db, 2024, [Question(2024, 1, "", "number"),
                                              Question(2024, 1, "Dubbel", "colour")])


def test_default_question_texts_keep_their_message_ids(db):
    i18n.set_language("sv")
    shown = [dataclasses.replace(q, text=i18n._(q.text)) for q in survey_repo.questions(db, 2024)]
    assert shown != survey_repo.questions(db, 2024)
    assert survey_repo.save_questions(db, 2024, shown) == list(default_questions(2024))


def test_pilot_period_shows_collected_and_missing_years(db):
    assert survey_repo.pilot_period(db) == (2022, 4)
    survey_repo.save_answers(db, 2024, "SOC", {1: 1})
    survey_repo.start_survey_year(db, 2023)
    survey_repo.save_answers(db, 2023, "UBF", {1: 2})
    progress = survey_repo.pilot_status(db, 2024)
    assert (progress.years, progress.collected, progress.missing, progress.upcoming) == (
        (2022, 2023, 2024, 2025), (2023, 2024), (2022,), (2025,))
    survey_repo.set_pilot_period(db, 2023, 4)
    assert survey_repo.pilot_status(db, 2026).missing == (2025, 2026)
    with pytest.raises(ValidationError):
        survey_repo.set_pilot_period(db, 2023, 0)
    with opened_as(db, "SOC") as soc, pytest.raises(PermissionDenied):
        survey_repo.set_pilot_period(soc, 2020, 4)
