"""The Reports section: every yearly PDF report on one page.

The page lists the reports registered in :mod:`hrvdesk.io.reports` that the user's role may
produce, each with its title, what it holds and a "Create…" button; one year selector
(the last completed year first) serves them all. Creating one goes through
:func:`hrvdesk.ui.yearly_report.create_report`, as the sections' own report buttons do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget

from hrvdesk.domain.roles import Permission, Session
from hrvdesk.i18n import N_, _
from hrvdesk.io import reports
from hrvdesk.ui.sections import Section, register
from hrvdesk.ui.widgets import Page, Retranslator, message_label
from hrvdesk.ui.work_widgets import add_labelled, button_row, make_button
from hrvdesk.ui.yearly_report import (ANNUAL_REPORT, INTERNAL_ANNUAL_REPORT, PLAN_REPORT, TRAINING_REPORT,
                                      YearlyReport, create_report)

#: How many years back the year selector reaches.
YEARS_BACK = 20

@dataclass(frozen=True)
class ReportEntry:
    """One report on the page: its texts and builder, and whether only administrators may
    produce it."""

    report: YearlyReport
    admin_only: bool = False

    def allowed(self, session: Session) -> bool:
        return session.can(Permission.REPORT) and (session.is_admin or not self.admin_only)


#: Registered report name (:func:`hrvdesk.io.reports.available`) -> its entries, in page order.
ENTRIES: dict[str, tuple[ReportEntry, ...]] = {
    "annual": (ReportEntry(ANNUAL_REPORT), ReportEntry(INTERNAL_ANNUAL_REPORT, admin_only=True)),
    "training": (ReportEntry(TRAINING_REPORT),),
    "plan": (ReportEntry(PLAN_REPORT),),
}


def entries_for(session: Session) -> list[ReportEntry]:
    """The registered reports ``session`` may produce, in the order of :data:`ENTRIES`."""
    registered = reports.available()
    return [entry for name, entries in ENTRIES.items() if name in registered
            for entry in entries if entry.allowed(session)]


@register
class ReportsSection(Section):
    key = "reports"
    title = N_("Reports")
    description = N_("The yearly reports as PDF files")
    permission = Permission.REPORT
    order = 60

    def create_widget(self) -> QWidget:
        self._tr = Retranslator()
        page = Page(self._tr, self.title, N_(
            "Choose the year, then create a report and choose where to save it. Every report is "
            "written in the current language and recorded in the audit log."))
        years = self.years()
        self.year = QSpinBox()
        self.year.setRange(years.start, years.stop - 1)
        self.year.setValue(years.stop - 2)  # the last completed year
        self._tr.bind(self.year.setToolTip, N_("The year of the report; for the annual statistics, "
                                               "the year its reporting period ends"))
        row = QHBoxLayout()
        add_labelled(row, self._tr, N_("&Year:"), self.year)
        row.addStretch(1)
        page.body.addLayout(row)
        self.buttons: dict[YearlyReport, QPushButton] = {}
        for entry in entries_for(self.ctx.session):
            page.body.addWidget(self._report_box(entry.report))
        page.body.addStretch(1)
        return page

    @staticmethod
    def years() -> range:
        """The years one may choose: the last :data:`YEARS_BACK` years and this one."""
        this_year = dt.date.today().year
        return range(this_year - YEARS_BACK, this_year + 1)

    def _report_box(self, report: YearlyReport) -> QGroupBox:
        box = QGroupBox()
        self._tr.bind(box.setTitle, report.title)
        self._tr.bind(box.setAccessibleName, report.title)
        layout = QVBoxLayout(box)
        contents = message_label()
        self._tr.bind(contents.setText, report.contents)
        layout.addWidget(contents)
        button = make_button(self._tr, N_("Create…"), lambda: self.create(report), report.summary)
        self._tr.bind(lambda text: button.setAccessibleName(text.format(report=_(report.title))),
                      N_("Create: {report}"))
        layout.addLayout(button_row(button))
        self.buttons[report] = button
        return box

    def create(self, report: YearlyReport) -> None:
        """Ask where to save ``report`` of the chosen year, then build and write it."""
        create_report(self, report, self.year.value())

    def retranslate(self) -> None:
        if self.created:
            self._tr.retranslate()
