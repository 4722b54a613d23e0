"""Following each child up in the Children taken abroad section (issue 11).

- :class:`FollowUpLog`: a case's follow-up log in its dialog (what was done on which day), and
  a line to record the next entry together with the next follow-up date.
- :class:`FollowUpsPanel`: the work list — due and overdue follow-ups, children abroad or at
  risk without a follow-up date, most overdue first, the same child's other cases beside.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFormLayout, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from hrvdesk.domain.codes import CASE_STATUSES
from hrvdesk.domain.errors import HrvError
from hrvdesk.domain.followups import FOLLOW_UP_KINDS, FollowUpEntry, overdue
from hrvdesk.i18n import N_, _, format_date, format_number
from hrvdesk.store import followups_repo
from hrvdesk.ui.models import Column, RecordTableModel, RecordTableView
from hrvdesk.ui.sections.tabbed import TabPanel
from hrvdesk.ui.widgets import Retranslator, error_text, form_row, message_label
from hrvdesk.ui.work_widgets import button_row, fill_codes

DATE_FORMAT = "yyyy-MM-dd"


def _optional_date(day: dt.date | None) -> str:
    return format_date(day) if day else "–"


class FollowUpLog(QWidget):
    """The log of one stored case; entries are recorded at once (each audited)."""

    def __init__(self, ctx, case_id: int, tr: Retranslator, editable: bool,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.case_id, self.tr_ = ctx, case_id, tr
        self.model = RecordTableModel([
            Column(N_("Date"), lambda e: e.done_on, format_date),
            Column(N_("What was done"), lambda e: e.kind, FOLLOW_UP_KINDS.label),
            Column(N_("Note"), lambda e: e.note or ""),
            Column(N_("By"), lambda e: e.recorded_by),
        ], followups_repo.entries(ctx.db, case_id), parent=self)
        self.view = RecordTableView("", ctx.clipboard)
        self.view.setObjectName("follow_up_log")
        self.view.setModel(self.model)
        tr.bind(self.view.setAccessibleName, N_("Follow-up log"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.setObjectName("follow_up_kind")
        fill_codes(self.kind, FOLLOW_UP_KINDS)
        self.done_on = QDateEdit(QDate.currentDate())
        self.next_date = QLineEdit()
        self.note = QLineEdit()
        self.note.setMaxLength(2000)
        for date in (self.done_on,):
            date.setCalendarPopup(True)
            date.setDisplayFormat(DATE_FORMAT)
        tr.bind(self.next_date.setPlaceholderText, N_("YYYY-MM-DD"))
        form_row(form, tr, N_("What was &done:"), self.kind)
        form_row(form, tr, N_("O&n:"), self.done_on)
        form_row(form, tr, N_("N&ote:"), self.note,
                 N_("Optional; never exported. No names or personal identity numbers."))
        form_row(form, tr, N_("Ne&xt follow-up:"), self.next_date,
                 N_("The next follow-up date of the case (may be left empty)"))
        layout.addLayout(form)
        self.record_button = QPushButton()
        tr.bind(self.record_button.setText, N_("&Record the follow-up"))
        self.record_button.clicked.connect(self.record)
        self.record_button.setEnabled(editable)
        layout.addLayout(button_row(self.record_button))
        self.result = message_label()
        self.result.setObjectName("follow_up_result")
        layout.addWidget(self.result)

    def record(self) -> bool:
        text = self.next_date.text().strip()
        try:
            next_date = dt.date.fromisoformat(text) if text else None
        except ValueError:
            self.result.setText(_("Write the date as YYYY-MM-DD."))
            return False
        entry = FollowUpEntry(self.done_on.date().toPython(), self.kind.currentData(), self.note.text())
        try:
            followups_repo.add_entry(self.ctx.db, self.case_id, entry, next_date=next_date)
        except HrvError as exc:
            self.result.setText(error_text(exc))
            return False
        self.note.clear()
        self.next_date.clear()
        self.model.set_rows(followups_repo.entries(self.ctx.db, self.case_id))
        self.result.setText(_("The follow-up was recorded."))
        return True

    def retranslate(self) -> None:
        fill_codes(self.kind, FOLLOW_UP_KINDS)
        self.model.retranslate()


class FollowUpsPanel(TabPanel):
    """The work list of the cases the user may see."""

    def __init__(self, section):
        super().__init__(section)
        self.items = []
        self.model = RecordTableModel([
            Column(N_("No."), lambda i: i.case.id, align_right=True),
            Column(N_("Reported by"), lambda i: i.case.reported_by),
            Column(N_("Status"), lambda i: i.case.status, CASE_STATUSES.label),
            Column(N_("Next follow-up"), lambda i: i.case.follow_up_date, _optional_date),
            Column(N_("Why"), lambda i: i.reason),
            Column(N_("Same child"), lambda i: ", ".join(map(str, i.earlier_cases))),
            Column(N_("Without school placement"),
                   lambda i: i.days_without_school(dt.date.today()),
                   lambda days: "" if days is None else _("{days} days").format(days=format_number(days))),
        ], parent=self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation(N_(
            "Follow-ups that are due within two weeks or overdue, and children abroad or at risk "
            "without a follow-up date, most overdue first. Open a case to record what was done "
            "and set the next date.")))
        self.view = self.table("followups", self.model)
        layout.addWidget(self.view, 1)
        self.summary = message_label()
        self.summary.setObjectName("followups_summary")
        layout.addWidget(self.summary)
        layout.addLayout(button_row(
            self.button(N_("&Open the case"), self.open_case, N_("Open the chosen case")),
            self.button(N_("Open the &same child's case"), self.open_same_child,
                        N_("Open the same child's other case"))))

    def refresh(self) -> None:
        self.items = followups_repo.work_list(self.ctx.db)
        self.model.set_rows(self.items)
        self.summary.setText(_("{overdue} of {n} are overdue or have no date.").format(
            overdue=format_number(overdue(self.items)), n=format_number(len(self.items))))

    def _open(self, case_id: int | None):
        from hrvdesk.ui.sections.abroad import CasesPanel

        if case_id is None:
            return None
        cases = self.section.show_panel(CasesPanel)
        cases.select(case_id)
        return cases.open_case()

    def open_case(self):
        item = self.view.current_row()
        return self._open(item.case.id if item else None)

    def open_same_child(self):
        item = self.view.current_row()
        return self._open(item.earlier_cases[0] if item and item.earlier_cases else None)

    def retranslate(self) -> None:
        super().retranslate()
        self.model.retranslate()
