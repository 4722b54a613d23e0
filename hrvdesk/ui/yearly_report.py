"""A section's yearly PDF report: a button opens a dialog to choose the year, then the user
chooses where to save it and the report is built and written off the GUI thread (the
store records it in the audit log, so the other sections are told of a change).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton, QSpinBox

from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_, _
from hrvdesk.store import safewrite
from hrvdesk.ui.widgets import FormDialog, Retranslator, form_row
from hrvdesk.ui.work_widgets import make_button, writing

if TYPE_CHECKING:
    from hrvdesk.store.database import Database
    from hrvdesk.ui.sections import Section, SectionContext


@dataclass(frozen=True)
class YearlyReport:
    """What a yearly report is called (message ids) and how it is built."""

    title: str        # the dialog's title, e.g. N_("Action plan report")
    summary: str      # the report in a few words: the button's description
    contents: str     # what the report holds: the year field's description
    save_title: str   # the title of the save dialog
    file_name: str    # the suggested file name, with {year}
    build: Callable[["Database", int], bytes]


class ReportDialog(FormDialog):
    """Choose the year of a report."""

    def __init__(self, ctx: "SectionContext", report: YearlyReport, years: range, year: int):
        super().__init__(ctx.window, ctx.tasks, report.title, N_("&Create report…"))
        self.year = QSpinBox()
        self.year.setRange(years.start, years.stop - 1)
        self.year.setValue(year)
        form_row(self.form, self.tr_, N_("&Year:"), self.year, report.contents)

    def work(self):
        year = self.year.value()
        return lambda: year


def report_button(section: "Section", tr: Retranslator, report: YearlyReport,
                  slot: Callable[[], object]) -> QPushButton:
    """"Create report…", present for the roles that may create reports."""
    button = make_button(tr, N_("Create &report…"), slot, report.summary)
    button.setVisible(section.ctx.can(Permission.REPORT))
    return button


def open_report_dialog(section: "Section", report: YearlyReport, years: range, year: int) -> FormDialog:
    """Ask for the year (``year`` first), then create the report of the year chosen."""
    dialog = ReportDialog(section.ctx, report, years, year)
    dialog.completed.connect(lambda chosen: create_report(section, report, chosen))
    dialog.open()
    return dialog


def create_report(section: "Section", report: YearlyReport, year: int) -> None:
    """Ask where to save the report of ``year``, then build and write it off the GUI thread."""
    ctx = section.ctx
    path = ctx.dialogs.save_file(ctx.window, _(report.save_title),
                                 str(Path.home() / _(report.file_name).format(year=year)),
                                 _("PDF documents (*.pdf)"))
    if path is None:
        return
    db = ctx.db

    def reported(_result) -> None:
        ctx.changed(section)  # the audit log grew
        ctx.status(_("The report was saved as {file}.").format(file=path.name))

    ctx.run(lambda: writing(path, lambda: safewrite.write_bytes(path, report.build(db, year))), reported)
