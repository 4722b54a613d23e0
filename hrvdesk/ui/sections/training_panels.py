"""The Headcounts and Import tabs of the Training section, and what its tabs share.

- :class:`HeadcountsPanel`: staff and target group per administration for a year, edited in
  the table by those who may (each change saved at once); administrations without a
  figure say so in words.
- :class:`ImportPanel`: a learning-platform or HR file is checked and previewed (a dry run:
  accepted rows, rows already present, every rejected row with line, column and reason)
  before anything is written; then all rows are imported, or none, with a progress bar
  (:class:`hrvdesk.ui.import_panel.ImportPanel`). Person identifiers of a training file are
  never shown, not even in the preview.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QSpinBox, QVBoxLayout

from hrvdesk.domain.codes import TRAINING_FORMATS, TRAINING_TOPICS
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.training import Headcount
from hrvdesk.i18n import N_, _, format_date, format_decimal, format_number
from hrvdesk.store import organisation, training_repo
from hrvdesk.ui import import_panel
from hrvdesk.ui.import_panel import ImportKind, field
from hrvdesk.ui.models import Column, EditableTableModel
from hrvdesk.ui.sections.tabbed import TabPanel
from hrvdesk.ui.widgets import message_label
from hrvdesk.ui.work_widgets import add_labelled, button_row, labels_text, list_text

if TYPE_CHECKING:
    from hrvdesk.ui.sections.training import TrainingSection

#: Years before the current one that the year selectors offer even without data.
YEARS_BACK = 1
#: The column of a training file that is never shown (the raw person identifier).
PERSON_COLUMN = "person_id"


def year_range(db) -> range:
    """The years to choose from: from the first year with data (or last year) to the last
    year with data (at least the current year)."""
    this_year = dt.date.today().year
    years = training_repo.years_with_data(db)
    return range(min([*years, this_year - YEARS_BACK]), max([*years, this_year]) + 1)


def year_box(years: range, year: int) -> QSpinBox:
    """A year selector that reads the database once a year has been typed."""
    box = QSpinBox()
    box.setKeyboardTracking(False)
    box.setRange(years.start, years.stop - 1)
    box.setValue(min(max(year, years.start), years.stop - 1))
    return box


def set_years(box: QSpinBox, years: range) -> None:
    """Change the range of a year selector without emitting a change."""
    box.blockSignals(True)
    box.setRange(years.start, years.stop - 1)
    box.blockSignals(False)


# --- headcounts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadcountLine:
    """An administration and its figure for the year (None: not entered)."""

    code: str
    name: str
    figure: Headcount | None


def count_text(value: int) -> str:
    return format_number(value)


def hours_text(hours) -> str:
    return format_decimal(float(hours), 1)


def headcount_state(line: HeadcountLine) -> str:
    if line.figure is None:
        return _("No headcount – coverage cannot be computed")
    if line.figure.headcount == 0:
        return _("Headcount 0 – coverage cannot be computed")
    return _("Entered")


def parse_count(text: Any) -> int | None:
    """A count as typed ("1 234"; empty: none); ValidationError when it is not one."""
    cleaned = "".join(str(text or "").split())
    if not cleaned:
        return None
    if not cleaned.isdigit():
        raise ValidationError.single(_("“{value}” is not a whole number of 0 or more.").format(value=cleaned))
    return int(cleaned)


class HeadcountModel(EditableTableModel):
    """The year's headcounts; the figures of the rows ``editable(line)`` allows can be
    changed, each change saved at once with ``save(line, column, value)``."""

    HEADCOUNT, TARGET_GROUP = 2, 3
    EDITABLE = (HEADCOUNT, TARGET_GROUP)

    def edit_value(self, row: HeadcountLine, column: int) -> str:
        figure = row.figure
        value = None if figure is None else (
            figure.headcount if column == self.HEADCOUNT else figure.target_group)
        return "" if value is None else str(value)


class HeadcountsPanel(TabPanel):
    """Staff and target group per administration for a chosen year."""

    def __init__(self, section: "TrainingSection"):
        super().__init__(section)
        self.may_edit = self.ctx.can(Permission.EDIT_WORK)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.year_box = year_box(year_range(self.ctx.db), dt.date.today().year)
        add_labelled(top, self.tr_, N_("&Year:"), self.year_box)
        top.addStretch(1)
        layout.addLayout(top)
        self.model = HeadcountModel([
            Column(N_("Code"), lambda line: line.code),
            Column(N_("Administration"), lambda line: line.name),
            Column(N_("Headcount"), lambda line: line.figure.headcount if line.figure else None,
                   count_text, align_right=True),
            Column(N_("Target group"), lambda line: line.figure.target_group if line.figure else None,
                   count_text, align_right=True),
            Column(N_("State"), headcount_state),
        ], self.editable, self.save, parent=self)
        self.view = self.table(N_("Headcounts"), self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.EditKeyPressed
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        layout.addWidget(self.view, 1)
        self.summary = message_label()
        layout.addWidget(self.summary)
        self.hint = self.explanation(N_(
            "The target group is the staff who work with children and young people. To change a "
            "figure, select the cell and press F2 (or double-click it); you can change the figures "
            "of your own administration.") if self.may_edit
            else N_("Read only: your role cannot change headcounts."))
        layout.addWidget(self.hint)
        self.remove_button = self.button(N_("Re&move headcount…"), self.remove)
        self.import_button = self.button(N_("&Import from HR file…"), self.import_file,
                                         N_("Check a headcount file from HR and import it"))
        self.remove_button.setVisible(self.may_edit)
        self.import_button.setVisible(self.ctx.can(Permission.IMPORT))
        layout.addLayout(button_row(self.remove_button, self.import_button))
        self.year_box.valueChanged.connect(lambda _y: self.refresh())

    @property
    def year(self) -> int:
        return self.year_box.value()

    def editable(self, line: HeadcountLine) -> bool:
        return self.may_edit and self.ctx.can(Permission.EDIT_WORK, line.code)

    def refresh(self) -> None:
        db, year = self.ctx.db, self.year
        set_years(self.year_box, year_range(db))
        figures = {h.administration: h for h in training_repo.headcounts(db, year)}
        lines = [HeadcountLine(a.code, a.name, figures.get(a.code))
                 for a in organisation.administrations(db, include_inactive=True)
                 if a.active or a.code in figures]
        self.model.set_rows(lines)
        self._summarise()

    def _summarise(self, lines: list[HeadcountLine] | None = None) -> None:
        lines = self.model.rows if lines is None else lines
        missing = [line.code for line in lines if line.figure is None]
        text = _("Headcounts {year}: {entered} of {total} administrations entered.").format(
            year=self.year, entered=format_number(len(lines) - len(missing)), total=format_number(len(lines)))
        if missing:
            text += " " + _("Missing: {codes}.").format(codes=list_text(missing))
        self.summary.setText(text)
        self._enable()

    def _enable(self) -> None:
        line = self.view.current_row()
        self.remove_button.setEnabled(line is not None and line.figure is not None and self.editable(line))

    def save(self, line: HeadcountLine, column: int, value: Any) -> HeadcountLine | None:
        """Store one changed figure; an error is shown and nothing is changed in the table."""
        title = _("The headcount was not saved")
        try:
            number = parse_count(value)
            figure = line.figure
            if column == HeadcountModel.HEADCOUNT:
                if number is None:
                    raise ValidationError.single(_("Enter a number; to delete the figure, use Remove headcount."))
                new = Headcount(self.year, line.code, number, figure.target_group if figure else None)
            else:
                if figure is None:
                    raise ValidationError.single(_("Enter the headcount first."))
                new = Headcount(self.year, line.code, figure.headcount, number)
            training_repo.save_headcount(self.ctx.db, new)
        except Exception as exc:
            self.ctx.show_error(exc, title)
            return None
        self.section.changed(self)
        saved = HeadcountLine(line.code, line.name, new)
        self._summarise([saved if other.code == saved.code else other for other in self.model.rows])
        return saved

    def remove(self) -> None:
        line = self.view.current_row()
        if line is None or line.figure is None or not self.editable(line):
            return
        if self.confirmed_change(_("Remove headcount"), _(
                "Remove the headcount of {administration} for {year}?").format(
                administration=line.name, year=self.year),
                lambda: training_repo.delete_headcount(self.ctx.db, self.year, line.code)):
            self.changed()

    def import_file(self) -> None:
        panel = self.section.show_panel(ImportPanel)
        panel.choose(HEADCOUNT_KIND)


# --- import ---------------------------------------------------------------------------------

TRAINING_KIND, HEADCOUNT_KIND = "training", "headcount"
#: What importing would do and what it did, for both kinds.
WOULD = N_("Importing would add {added} new and replace {replaced}; {present} are already present. "
           "Nothing has been changed yet.")
DONE = N_("Imported: {added} new, {replaced} replaced, {present} already present.")


class ImportPanel(import_panel.ImportPanel):
    """Completed trainings or headcounts from a file: all rows or none."""

    KINDS = (
        ImportKind(TRAINING_KIND, [
            Column(N_("Administration"), field("administration")),
            Column(N_("Unit"), field("unit")),
            Column(N_("Training"), field("training")),
            Column(N_("Topics"), field("topics"), labels_text(TRAINING_TOPICS)),
            Column(N_("Format"), field("format"), TRAINING_FORMATS.label),
            Column(N_("Completed on"), field("completed_date"), format_date),
            Column(N_("Hours"), field("hours"), hours_text, align_right=True),
        ], WOULD, DONE, name=N_("Completed trainings (learning platform or attendance list)"),
            hidden=frozenset({PERSON_COLUMN})),
        ImportKind(HEADCOUNT_KIND, [
            Column(N_("Year"), field("year"), str),
            Column(N_("Administration"), field("administration")),
            Column(N_("Headcount"), field("headcount"), count_text, align_right=True),
            Column(N_("Target group"), field("target_group"), count_text, align_right=True),
        ], WOULD, DONE, name=N_("Headcounts (from HR)")),
    )
    INTRO = N_(
        "Import completed trainings from a learning platform or an attendance list, or "
        "headcounts from HR, from a CSV or Excel (.xlsx) file in the agreed format. The file "
        "is checked first and nothing is changed until you press Import; if any row is "
        "rejected, nothing is imported. Employee numbers and e-mail addresses are replaced by "
        "pseudonyms and are not shown here.")
