"""The Action plan section's pilot survey tab, and the base of all its tabs.

Each year has its own questions, set by the plan's coordinator (the administration of the
committee that owns the plan) or an administrator. Each administration's answers are
entered by an editor of that administration; everyone who may read the plan sees each
administration's completion and answers, and which years of the pilot period have been
collected.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QSpinBox, QVBoxLayout, QWidget)

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.plan import Plan
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.survey import (COMPLETION_STATES, QUESTION_KINDS, AnswerValue, Question,
                                   parse_answer)
from hrvdesk.i18n import N_, _, format_number
from hrvdesk.store import organisation, plan_repo, survey_repo
from hrvdesk.ui.models import Column, RecordTableModel
from hrvdesk.ui.sections import SectionContext
from hrvdesk.ui.sections.tabbed import TabPanel
from hrvdesk.ui.widgets import FormDialog, error_text, form_row, message_label, plain
from hrvdesk.ui.work_widgets import (IconTableModel, button_row, fill_codes, fill_combo, list_text,
                                     select_data, yes_no)

if TYPE_CHECKING:
    from hrvdesk.ui.sections.plan import ActionPlanSection

MAX_PILOT_YEARS = 20
TITLE_WIDTH = 340  # the widest a title column of the plan's tables gets (shortened "…")
COMPLETION_ICONS = {"complete": "SP_DialogApplyButton", "partial": "SP_MessageBoxWarning",
                    "missing": "SP_MessageBoxCritical"}


def is_coordinator(ctx: SectionContext) -> bool:
    """Whether the session may change the plan itself (the store's ``require_coordinator``)."""
    return ctx.can(Permission.EDIT_WORK, plan_repo.coordinating_administration(ctx.db) or "")


class PlanPanel(TabPanel):
    """A tab of the Action plan section: it shows the section's chosen version and year;
    a change reloads every tab."""

    section: "ActionPlanSection"

    def __init__(self, section: "ActionPlanSection"):
        super().__init__(section)
        self._committees: dict[str, str] = {}  # code -> title (message id), read by refresh()

    def committee(self, code: str) -> str:
        """A committee's title, or its code when it is not known."""
        title = self._committees.get(code)
        return _(title) if title else code

    @property
    def plan(self) -> Plan:
        return self.section.plan

    @property
    def year(self) -> int:
        return self.section.year


def answer_text(value: AnswerValue) -> str:
    """An answer as shown: a number, yes/no, or the text; empty when not answered."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int):
        return format_number(value)
    return str(value)


def _question_label(question: Question) -> str:
    return _("{number}. {question}").format(number=question.number, question=_(question.text))


@dataclass(frozen=True)
class Completion:
    """An administration's answers in the year: its state and how many were answered."""

    code: str
    name: str
    state: str
    answered: int
    asked: int


@dataclass(frozen=True)
class AnswerRow:
    question: Question
    value: AnswerValue


# --- dialogs --------------------------------------------------------------------------------


class QuestionDialog(FormDialog):
    """Add or change one question of a year's survey (the whole set is saved)."""

    def __init__(self, ctx: SectionContext, year: int, questions: list[Question],
                 existing: Question | None):
        super().__init__(ctx.window, ctx.tasks, N_("Edit question") if existing else N_("Add question"),
                         N_("&Save"))
        self.ctx, self.year, self.questions, self.existing = ctx, year, questions, existing
        self.number = (existing.number if existing
                       else max((q.number for q in questions), default=0) + 1)
        self.text = QLineEdit(_(existing.text) if existing else "")
        self.kind = QComboBox()
        fill_codes(self.kind, QUESTION_KINDS)
        self.required = QCheckBox()
        self.required.setChecked(existing.required if existing else True)
        if existing:
            select_data(self.kind, existing.kind)
        form_row(self.form, self.tr_, N_("Number:"), QLabel(str(self.number)))
        form_row(self.form, self.tr_, N_("&Question:"), self.text,
                 N_("Ask about figures and the work, never about persons"))
        form_row(self.form, self.tr_, N_("&Kind of answer:"), self.kind)
        form_row(self.form, self.tr_, N_("&Required:"), self.required,
                 N_("An administration's answers are complete when every required question is answered"))

    def retranslate(self) -> None:
        super().retranslate()
        fill_codes(self.kind, QUESTION_KINDS)

    def work(self):
        question = Question(self.year, self.number, self.text.text(), self.kind.currentData(),
                            self.required.isChecked())
        others = [q for q in self.questions if q.number != self.number]
        new = sorted([*others, question], key=lambda q: q.number)
        db, year = self.ctx.db, self.year
        return lambda: survey_repo.save_questions(db, year, new)


class PilotPeriodDialog(FormDialog):
    """Set the pilot period: its first year and how many years it runs."""

    def __init__(self, ctx: SectionContext):
        super().__init__(ctx.window, ctx.tasks, N_("Set the pilot period"), N_("&Save"))
        self.ctx = ctx
        first, length = survey_repo.pilot_period(ctx.db)
        self.first_year, self.length = QSpinBox(), QSpinBox()
        self.first_year.setRange(2000, 2100)
        self.first_year.setValue(first)
        self.length.setRange(1, MAX_PILOT_YEARS)
        self.length.setValue(length)
        form_row(self.form, self.tr_, N_("&First year:"), self.first_year)
        form_row(self.form, self.tr_, N_("&Number of years:"), self.length)

    def work(self):
        db, first, length = self.ctx.db, self.first_year.value(), self.length.value()
        return lambda: survey_repo.set_pilot_period(db, first, length)


class AnswersDialog(FormDialog):
    """An administration's answers to the year's questions: numbers, yes/no, texts."""

    def __init__(self, ctx: SectionContext, year: int, administration: organisation.Administration,
                 questions: list[Question], answers: dict[int, AnswerValue]):
        super().__init__(ctx.window, ctx.tasks, N_("Answer the pilot survey"), N_("&Save"))
        self.ctx, self.year, self.administration, self.questions = ctx, year, administration, questions
        self.fields: dict[int, QWidget] = {}
        form_row(self.form, self.tr_, N_("Administration:"), QLabel(administration.name))
        form_row(self.form, self.tr_, N_("Year:"), QLabel(str(year)))
        for question in questions:
            value = answers.get(question.number)
            if question.kind == "yes_no":
                field = QComboBox()
                self._fill_yes_no(field)
                select_data(field, value)
            else:
                field = QLineEdit("" if value is None else str(value))
                if question.kind == "number":
                    self.tr_.bind(field.setPlaceholderText, N_("a whole number; empty if not answered"))
            label = QLabel()
            label.setWordWrap(True)
            label.setBuddy(field)
            self.tr_.bind(lambda _text, q=question, w=label: w.setText(_question_label(q)), question.text)
            self.tr_.bind(lambda _text, q=question, w=field: w.setAccessibleName(plain(_question_label(q))),
                          question.text)
            self.form.addRow(label, field)
            self.fields[question.number] = field

    @staticmethod
    def _fill_yes_no(combo: QComboBox) -> None:
        fill_combo(combo, [(_("Yes"), True), (_("No"), False)], _("Not answered"))

    def retranslate(self) -> None:
        super().retranslate()
        for field in self.fields.values():
            if isinstance(field, QComboBox):
                self._fill_yes_no(field)

    def values(self) -> dict[int, AnswerValue]:
        """The typed values (ValidationError for one that does not fit its question)."""
        out, problems = {}, []
        for question in self.questions:
            field = self.fields[question.number]
            if isinstance(field, QComboBox):
                out[question.number] = field.currentData()
                continue
            try:
                out[question.number] = parse_answer(question, field.text())
            except ValidationError as exc:
                problems += exc.problems
        if problems:
            raise ValidationError(str(problems[0]), problems)
        return out

    def work(self):
        try:
            values = self.values()
        except ValidationError as exc:
            self.show_problems([error_text(exc)])
            return None
        db, year, code = self.ctx.db, self.year, self.administration.code
        return lambda: survey_repo.save_answers(db, year, code, values)


# --- the tab --------------------------------------------------------------------------------


class SurveyPanel(PlanPanel):
    """The year's questions, each administration's completion and answers, the pilot period."""

    def __init__(self, section: "ActionPlanSection"):
        super().__init__(section)
        self.coordinator = is_coordinator(self.ctx)
        self.may_answer = self.ctx.can(Permission.EDIT_WORK)
        self.administrations: list[organisation.Administration] = []
        self.question_list: list[Question] = []
        self._answers: dict[tuple[str, int], AnswerValue] = {}
        layout = QVBoxLayout(self)
        self.pilot = message_label()
        self.pilot.setObjectName("pilot_period")
        layout.addWidget(self.pilot)
        self.pilot_button = self.button(N_("Set the pilot &period…"), self.set_pilot_period,
                                        N_("Change the pilot period's first year and length"))
        self.pilot_button.setVisible(self.coordinator)
        layout.addLayout(button_row(self.pilot_button))
        layout.addWidget(self._questions_box(), 1)
        layout.addWidget(self._answers_box(), 2)

    def _questions_box(self) -> QGroupBox:
        box = QGroupBox()
        self.tr_.bind(box.setTitle, N_("Questions"))
        layout = QVBoxLayout(box)
        self.questions = RecordTableModel([
            Column(N_("No."), lambda q: q.number, align_right=True),
            Column(N_("Question"), lambda q: _(q.text)),
            Column(N_("Kind of answer"), lambda q: q.kind, QUESTION_KINDS.label),
            Column(N_("Required"), lambda q: q.required, yes_no),
        ], parent=self)
        self.questions_view = self.table(N_("Questions"), self.questions)
        self.questions_view.activated.connect(lambda _index: self.edit_question())
        layout.addWidget(self.questions_view)
        self.no_questions = QLabel()
        layout.addWidget(self.no_questions)
        self.default_button = self.button(N_("Use the &default questions"), self.use_defaults,
                                          N_("Start the year's survey with the standard questions"))
        self.add_button = self.button(N_("Add &question…"), self.add_question)
        self.edit_button = self.button(N_("Edit q&uestion…"), self.edit_question)
        self.remove_button = self.button(N_("Remove ques&tion…"), self.remove_question)
        buttons = (self.default_button, self.add_button, self.edit_button, self.remove_button)
        for button in buttons:
            button.setVisible(self.coordinator)
        layout.addLayout(button_row(*buttons))
        return box

    def _answers_box(self) -> QGroupBox:
        box = QGroupBox()
        self.tr_.bind(box.setTitle, N_("Answers per administration"))
        layout = QVBoxLayout(box)
        tables = QHBoxLayout()
        self.completion = IconTableModel([
            Column(N_("Administration"), lambda c: c.name),
            Column(N_("Answers"), lambda c: c.state, COMPLETION_STATES.label),
            Column(N_("Answered"), lambda c: _("{answered} of {asked}").format(
                answered=format_number(c.answered), asked=format_number(c.asked))),
        ], icon_column=1, icon_of=lambda c: COMPLETION_ICONS.get(c.state), parent=self)
        self.completion_view = self.table(N_("Completion per administration"), self.completion)
        self.completion_view.activated.connect(lambda _index: self.enter_answers())
        self.completion_view.selectionModel().currentRowChanged.connect(lambda *_a: self.show_answers())
        self.answers = RecordTableModel([
            Column(N_("No."), lambda a: a.question.number, align_right=True),
            Column(N_("Question"), lambda a: _(a.question.text)),
            Column(N_("Answer"), lambda a: a.value, answer_text),
        ], parent=self)
        self.answers_view = self.table(N_("Answers of the selected administration"), self.answers)
        tables.addWidget(self.completion_view, 1)
        tables.addWidget(self.answers_view, 2)
        layout.addLayout(tables)
        self.answer_button = self.button(N_("Enter &answers…"), self.enter_answers,
                                         N_("Enter the selected administration's answers (your own only)"))
        self.answer_button.setVisible(self.may_answer)
        layout.addLayout(button_row(self.answer_button))
        return box

    # --- reading -------------------------------------------------------------------------

    def refresh(self) -> None:
        db, year = self.ctx.db, self.year
        self._show_pilot()
        self.question_list = survey_repo.questions(db, year)
        self.questions.set_rows(self.question_list)
        self.no_questions.setText("" if self.question_list else _(
            "No questions have been set for {year}.").format(year=year))
        self.no_questions.setVisible(not self.question_list)
        self.administrations = organisation.administrations(db)
        self._answers = {(a.administration, a.question): a.value for a in survey_repo.answers(db, year)}
        states = survey_repo.completion_status(db, year)
        selected = self.selected_administration()
        self.completion.set_rows([Completion(
            a.code, a.name, states[a.code],
            sum((a.code, q.number) in self._answers for q in self.question_list), len(self.question_list))
            for a in self.administrations])
        own = self.ctx.session.administration
        self.select_administration(selected.code if selected else own)
        self._enable()

    def _show_pilot(self) -> None:
        first, length = survey_repo.pilot_period(self.ctx.db)
        progress = survey_repo.pilot_status(self.ctx.db, dt.date.today().year)
        text = _("Pilot period {first}–{last} ({count} years). Collected: {collected}. Missing: "
                 "{missing}. Still to come: {upcoming}.").format(
            first=first, last=first + length - 1, count=length,
            collected=list_text(map(str, progress.collected)),
            missing=list_text(map(str, progress.missing)),
            upcoming=list_text(map(str, progress.upcoming)))
        if self.year not in progress.years:
            text += " " + _("{year} is outside the pilot period.").format(year=self.year)
        self.pilot.setText(text)

    def select_administration(self, code: str | None) -> None:
        self.completion_view.select_row(lambda c: c.code == code, or_first=True)
        self.show_answers()

    def selected_administration(self) -> organisation.Administration | None:
        row = self.completion_view.current_row()
        return next((a for a in self.administrations if row and a.code == row.code), None)

    def show_answers(self) -> None:
        administration = self.selected_administration()
        self.answers.set_rows([AnswerRow(q, self._answers.get((administration.code, q.number)))
                               for q in self.question_list] if administration else [])
        self._enable()

    def may_answer_for(self, administration: organisation.Administration | None) -> bool:
        return administration is not None and self.ctx.can(Permission.EDIT_WORK, administration.code)

    def _enable(self) -> None:
        has_questions = bool(self.question_list)
        self.default_button.setEnabled(not has_questions)
        for button in (self.edit_button, self.remove_button):
            button.setEnabled(has_questions)
        self.answer_button.setEnabled(has_questions and self.may_answer_for(self.selected_administration()))

    # --- changing --------------------------------------------------------------------------

    def set_pilot_period(self) -> FormDialog | None:
        if not self.coordinator:
            return None
        return self.open_form(PilotPeriodDialog(self.ctx))

    def use_defaults(self) -> None:
        if not self.coordinator:
            return
        db, year = self.ctx.db, self.year
        self.ctx.run(lambda: survey_repo.start_survey_year(db, year), lambda _q: self.changed())

    def add_question(self) -> FormDialog | None:
        if not self.coordinator:
            return None
        return self.open_form(QuestionDialog(self.ctx, self.year, self.question_list, None))

    def edit_question(self) -> FormDialog | None:
        question = self.questions_view.current_row()
        if not self.coordinator or question is None:
            return None
        return self.open_form(QuestionDialog(self.ctx, self.year, self.question_list, question))

    def remove_question(self) -> None:
        question = self.questions_view.current_row()
        if not self.coordinator or question is None:
            return
        if self.confirmed_change(_("Remove question"), _(
                "Remove question {number} from the survey for {year}?").format(
                number=question.number, year=self.year),
                lambda: survey_repo.save_questions(self.ctx.db, self.year, [
                    q for q in self.question_list if q.number != question.number])):
            self.changed()

    def enter_answers(self) -> FormDialog | None:
        administration = self.selected_administration()
        if not self.question_list or not self.may_answer_for(administration):
            return None
        given = {n: v for (code, n), v in self._answers.items() if code == administration.code}
        return self.open_form(AnswersDialog(self.ctx, self.year, administration, self.question_list, given))
