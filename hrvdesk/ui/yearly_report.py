"""A section's yearly report: a button opens a dialog to choose the year, then the user
chooses where to save it (PDF, or Word for committee papers) and the report is built and
written off the GUI thread (the store records it in the audit log, so the other sections are
told of a change); a message then says where it is and offers to open it or its folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QPushButton, QSpinBox

from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_, _
from hrvdesk.io.report_annual import build_annual_report
from hrvdesk.io.report_plan import build_plan_report
from hrvdesk.io.report_training import build_training_report
from hrvdesk.io.reports import Format
from hrvdesk.services import outputs
from hrvdesk.store import plan_repo
from hrvdesk.ui.widgets import FormDialog, Retranslator, form_row
from hrvdesk.ui.work_widgets import fill_combo, make_button

if TYPE_CHECKING:
    from hrvdesk.ui.sections import Section, SectionContext


@dataclass(frozen=True)
class YearlyReport:
    """What a yearly report is called (message ids) and how it is built."""

    title: str        # the dialog's title, e.g. N_("Action plan report")
    summary: str      # the report in a few words: the button's description
    contents: str     # what the report holds: the year field's description
    save_title: str   # the title of the save dialog
    file_name: str    # the suggested file name, with {year}
    build: Callable[..., bytes]  # (database, year, fmt=[, committee=]) -> the document
    by_committee: bool = False   # the dialog also offers one responsible committee's share


class ReportDialog(FormDialog):
    """Choose the year of a report."""

    def __init__(self, ctx: "SectionContext", report: YearlyReport, years: range, year: int):
        super().__init__(ctx.window, ctx.tasks, report.title, N_("&Create report…"))
        self.year = QSpinBox()
        self.year.setRange(years.start, years.stop - 1)
        self.year.setValue(year)
        form_row(self.form, self.tr_, N_("&Year:"), self.year, report.contents)
        self.committee: QComboBox | None = None
        if report.by_committee:
            self.committee = QComboBox()
            fill_combo(self.committee, [(_(c.title), c.code) for c in plan_repo.committees(ctx.db)],
                       _("All committees"))
            form_row(self.form, self.tr_, N_("&Committee:"), self.committee, N_(
                "One responsible committee's share of the follow-up, for its papers"))

    def work(self):
        chosen = (self.year.value(), self.committee.currentData() if self.committee else None)
        return lambda: chosen


def report_button(section: "Section", tr: Retranslator, report: YearlyReport,
                  slot: Callable[[], object]) -> QPushButton:
    """"Create report…", present for the roles that may create reports."""
    button = make_button(tr, N_("Create &report…"), slot, report.summary)
    button.setVisible(section.ctx.can(Permission.REPORT))
    return button


def open_report_dialog(section: "Section", report: YearlyReport, years: range, year: int) -> FormDialog:
    """Ask for the year (``year`` first), then create the report of the year chosen."""
    dialog = ReportDialog(section.ctx, report, years, year)
    dialog.completed.connect(lambda chosen: create_report(section, report, *chosen))
    dialog.open()
    return dialog


def report_path(path: Path) -> tuple[Path, Format]:
    """The file to write and its format: Word for ``.docx``, else PDF (``.pdf`` added to a
    name without an extension)."""
    if path.suffix.lower() == ".docx":
        return path, "docx"
    return (path if path.suffix else path.with_suffix(".pdf")), "pdf"


def create_report(section: "Section", report: YearlyReport, year: int,
                  committee: str | None = None) -> None:
    """Ask where to save the report of ``year`` (PDF, or Word for committee papers), then
    build and write it off the GUI thread and say where it is, offering to open it."""
    ctx = section.ctx
    chosen = ctx.dialogs.save_file(ctx.window, _(report.save_title),
                                   str(Path.home() / _(report.file_name).format(year=year)),
                                   _("PDF documents (*.pdf);;Word documents (*.docx)"))
    if chosen is None:
        return
    path, fmt = report_path(chosen)
    db = ctx.db

    def reported(_result) -> None:
        ctx.changed(section)  # the audit log grew
        ctx.status(_("The report was saved as {file}.").format(file=path.name))
        answer = ctx.dialogs.choose(ctx.window, _(report.title), _(
            "The report was saved as {path}.").format(path=str(path)),
            [_("&Open the report"), _("Open its &folder"), _("&Close")])
        if answer in (0, 1):
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path if answer == 0 else path.parent)))

    options = {"committee": committee} if committee else {}
    ctx.run(lambda: outputs.save(path, report.build(db, year, fmt=fmt, **options)), reported)


# --- the yearly reports ---------------------------------------------------------------------

PLAN_REPORT = YearlyReport(
    title=N_("Action plan report"),
    summary=N_("The yearly follow-up of the action plan as a PDF file"),
    contents=N_("The yearly follow-up: measures, activities, routines due for review, the pilot survey"),
    save_title=N_("Save the action plan report"),
    file_name=N_("action-plan-{year}.pdf"),
    build=build_plan_report, by_committee=True)

TRAINING_REPORT = YearlyReport(
    title=N_("Training coverage report"),
    summary=N_("Training coverage for a year as a PDF file"),
    contents=N_("Coverage per administration and topic, the trend, the action plan's measure and the method"),
    save_title=N_("Save the training coverage report"),
    file_name=N_("training-coverage-{year}.pdf"),
    build=build_training_report)

ANNUAL_REPORT = YearlyReport(
    title=N_("Annual statistics on children taken abroad"),
    summary=N_("The annual statistics as sent to the national team, as a PDF file"),
    contents=N_("The tables of the reporting period with small counts suppressed exactly as in the "
                "package for the national team, with charts, the method and the trend over the years."),
    save_title=N_("Save the annual statistics report"),
    file_name=N_("children-taken-abroad-{year}.pdf"),
    build=build_annual_report)

INTERNAL_ANNUAL_REPORT = YearlyReport(
    title=N_("Annual statistics on children taken abroad, internal"),
    summary=N_("The exact annual statistics without suppression, as a PDF file"),
    contents=N_("The exact figures of the reporting period without suppression, for use within the "
                "municipality only; only administrators may produce it."),
    save_title=N_("Save the internal annual statistics report"),
    file_name=N_("children-taken-abroad-{year}-internal.pdf"),
    build=partial(build_annual_report, internal=True))
