"""The Headcounts and Import tabs of the Training section, and what its tabs share.

- :class:`TrainingPanel`: a tab; a change reads the section's tabs again.
- :class:`HeadcountsPanel`: staff and target group per administration for a year, edited in
  the table by those who may (each change saved at once); administrations without a
  figure say so in words.
- :class:`ImportPanel`: a learning-platform or HR file is checked and previewed (a dry run:
  accepted rows, rows already present, every rejected row with line, column and reason)
  before anything is written; then all rows are imported, or none, with a progress bar.
  Person identifiers of a training file are never shown, not even in the preview.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGroupBox, QHBoxLayout, QLabel,
                               QProgressBar, QSpinBox, QVBoxLayout)

from hrvdesk.domain.codes import TRAINING_FORMATS, TRAINING_TOPICS
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.training import Headcount
from hrvdesk.i18n import N_, _, format_date, format_decimal, format_number
from hrvdesk.io.import_schema import ImportResult
from hrvdesk.store import importing, organisation, training_repo
from hrvdesk.store.importing import ImportReport
from hrvdesk.ui.models import Column, Index, RecordTableModel, RecordTableView
from hrvdesk.ui.sections.administration import Panel
from hrvdesk.ui.widgets import error_text, message_label, plain
from hrvdesk.ui.work_widgets import button_row, fill_combo, list_text, select_data

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


def labelled(panel: Panel, layout: QHBoxLayout, msgid: str, widget) -> None:
    """``widget`` after a label (with mnemonic) that also names it."""
    label = QLabel()
    label.setBuddy(widget)
    panel.tr_.bind(label.setText, msgid)
    panel.tr_.bind(lambda text: widget.setAccessibleName(plain(text).rstrip(":")), msgid)
    layout.addWidget(label)
    layout.addWidget(widget)


class TrainingPanel(Panel):
    """A tab of the Training section: a change reads the section's tabs again."""

    section: "TrainingSection"

    def changed(self) -> None:
        self.section.changed()


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


class HeadcountModel(RecordTableModel):
    """The year's headcounts; the figures of the rows ``editable(line)`` allows can be
    changed, each change saved at once with ``save(line, column, value)``."""

    HEADCOUNT, TARGET_GROUP = 2, 3

    def __init__(self, columns, editable: Callable[[HeadcountLine], bool],
                 save: Callable[[HeadcountLine, int, int | None], HeadcountLine | None], parent=None):
        super().__init__(columns, parent=parent)
        self._editable = editable
        self._save = save

    def _is_figure(self, index: Index) -> bool:
        return index.column() in (self.HEADCOUNT, self.TARGET_GROUP)

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        row = self.row_at(index)
        if row is not None and self._is_figure(index) and self._editable(row):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            row = self.row_at(index)
            if row is None or not self._is_figure(index):
                return None
            figure = row.figure
            value = None if figure is None else (
                figure.headcount if index.column() == self.HEADCOUNT else figure.target_group)
            return "" if value is None else str(value)
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row = self.row_at(index)
        if role != Qt.ItemDataRole.EditRole or row is None or not self._is_figure(index) or not self._editable(row):
            return False
        saved = self._save(row, index.column(), value)
        if saved is None:
            return False
        self._rows[index.row()] = saved
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        return True


class HeadcountsPanel(TrainingPanel):
    """Staff and target group per administration for a chosen year."""

    def __init__(self, section: "TrainingSection"):
        super().__init__(section)
        self.may_edit = self.ctx.can(Permission.EDIT_WORK)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.year_box = year_box(year_range(self.ctx.db), dt.date.today().year)
        labelled(self, top, N_("&Year:"), self.year_box)
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
        self.hint = message_label()
        self.tr_.bind(self.hint.setText, N_(
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
        title = _("Remove headcount")
        if not self.ctx.dialogs.question(self.ctx.window, title, _(
                "Remove the headcount of {administration} for {year}?").format(
                administration=line.name, year=self.year)):
            return
        try:
            training_repo.delete_headcount(self.ctx.db, self.year, line.code)
        except Exception as exc:
            self.ctx.show_error(exc, title)
            return
        self.changed()

    def import_file(self) -> None:
        panel = self.section.show_panel(ImportPanel)
        panel.choose(HEADCOUNT_KIND)


# --- import ---------------------------------------------------------------------------------

TRAINING_KIND, HEADCOUNT_KIND = "training", "headcount"
KIND_NAMES = {TRAINING_KIND: N_("Completed trainings (learning platform or attendance list)"),
              HEADCOUNT_KIND: N_("Headcounts (from HR)")}


@dataclass(frozen=True)
class PreviewRow:
    """An accepted row of the file: its line and checked values (never the person identifier)."""

    line: int
    values: dict


def preview_rows(result: ImportResult, rejected_lines: set[int]) -> list[PreviewRow]:
    """The rows without problems, without the person identifier column."""
    return [PreviewRow(line, {k: v for k, v in values.items() if k != PERSON_COLUMN})
            for line, values in zip(result.line_numbers, result.rows) if line not in rejected_lines]


def _value(name: str) -> Callable[[PreviewRow], Any]:
    return lambda row: row.values.get(name)


def _topics(values) -> str:
    return list_text(TRAINING_TOPICS.label(t) for t in values)


PREVIEW_COLUMNS: dict[str, list[Column]] = {
    TRAINING_KIND: [
        Column(N_("Line"), lambda r: r.line, align_right=True),
        Column(N_("Administration"), _value("administration")),
        Column(N_("Unit"), _value("unit")),
        Column(N_("Training"), _value("training")),
        Column(N_("Topics"), _value("topics"), _topics),
        Column(N_("Format"), _value("format"), TRAINING_FORMATS.label),
        Column(N_("Completed on"), _value("completed_date"), format_date),
        Column(N_("Hours"), _value("hours"), hours_text, align_right=True),
    ],
    HEADCOUNT_KIND: [
        Column(N_("Line"), lambda r: r.line, align_right=True),
        Column(N_("Year"), _value("year"), str),
        Column(N_("Administration"), _value("administration")),
        Column(N_("Headcount"), _value("headcount"), count_text, align_right=True),
        Column(N_("Target group"), _value("target_group"), count_text, align_right=True),
    ],
}


class _Progress(QObject):
    """Carries the import's progress from the worker thread to the GUI thread."""

    advanced = Signal(int, int)


class ImportPanel(TrainingPanel):
    """Choose the kind and a file, see what a dry run would do, then import all rows or none."""

    def __init__(self, section: "TrainingSection"):
        super().__init__(section)
        self.checked: ImportResult | None = None
        self.report: ImportReport | None = None
        self.file: Path | None = None
        self._checked_kind = TRAINING_KIND
        self._progress = _Progress(self)
        self._progress.advanced.connect(self.advance)
        self.previews = {kind: RecordTableModel(columns, parent=self) for kind, columns in PREVIEW_COLUMNS.items()}
        self.rejected = RecordTableModel([
            Column(N_("Line"), lambda p: p.line, align_right=True),
            Column(N_("Column"), lambda p: p.field),
            Column(N_("Reason"), lambda p: p.reason),
        ], parent=self)
        layout = QVBoxLayout(self)
        intro = message_label()
        self.tr_.bind(intro.setText, N_(
            "Import completed trainings from a learning platform or an attendance list, or "
            "headcounts from HR, from a CSV or Excel (.xlsx) file in the agreed format. The file "
            "is checked first and nothing is changed until you press Import; if any row is "
            "rejected, nothing is imported. Employee numbers and e-mail addresses are replaced by "
            "pseudonyms and are not shown here."))
        layout.addWidget(intro)
        top = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill_kinds()
        labelled(self, top, N_("&What:"), self.kind)
        self.choose_button = self.button(N_("&Choose file…"), lambda: self.choose(),
                                         N_("Check a file and show what would be imported"))
        self.import_button = self.button(N_("&Import"), self.import_now,
                                         N_("Import every row of the checked file"))
        self.import_button.setEnabled(False)
        top.addWidget(self.choose_button)
        top.addWidget(self.import_button)
        top.addStretch(1)
        layout.addLayout(top)
        self.summary = message_label()
        self.summary.setObjectName("import_summary")
        layout.addWidget(self.summary)
        self.progress = QProgressBar()
        self.progress.hide()
        self.tr_.bind(self.progress.setAccessibleName, N_("Import progress"))
        layout.addWidget(self.progress)
        self.accepted_view = self._group(layout, N_("Accepted rows"), self.previews[TRAINING_KIND])
        for kind, model in self.previews.items():
            if kind != TRAINING_KIND:  # the first is connected by table()
                model.modelReset.connect(self.accepted_view.resizeColumnsToContents)
        self.rejected_view = self._group(layout, N_("Rejected rows"), self.rejected)
        self.kind.currentIndexChanged.connect(lambda _i: self._kind_chosen())

    def _group(self, layout: QVBoxLayout, title: str, model: RecordTableModel) -> RecordTableView:
        box = QGroupBox()
        self.tr_.bind(box.setTitle, title)
        inner = QVBoxLayout(box)
        view = self.table(title, model)
        inner.addWidget(view)
        layout.addWidget(box, 1)
        return view

    def _fill_kinds(self) -> None:
        fill_combo(self.kind, [(_(name), kind) for kind, name in KIND_NAMES.items()])

    @property
    def chosen_kind(self) -> str:
        return self.kind.currentData() or TRAINING_KIND

    @property
    def accepted(self) -> RecordTableModel:
        """The preview of the accepted rows of the kind chosen now."""
        return self.previews[self.chosen_kind]

    def refresh(self) -> None:
        """Nothing to read: a checked file stays until it is imported or another is chosen."""

    def _kind_chosen(self) -> None:
        self.accepted_view.setModel(self.accepted)
        if self.chosen_kind != self._checked_kind:
            self._clear()

    def _clear(self) -> None:
        self.checked = self.report = self.file = None
        for model in (*self.previews.values(), self.rejected):
            model.set_rows([])
        self.import_button.setEnabled(False)
        self.summary.clear()

    def choose(self, kind: str | None = None) -> None:
        """Ask for a file of ``kind`` (default: the chosen one), check it and show the dry run."""
        if kind is not None:
            select_data(self.kind, kind)
        kind = self.chosen_kind
        path = self.ctx.dialogs.open_file(self.ctx.window, _("Import from a file"), str(Path.home()),
                                          _("CSV and Excel files (*.csv *.xlsx);;All files (*)"))
        if path is None:
            return
        self._clear()
        self.file, self._checked_kind = path, kind
        db = self.ctx.db

        def check() -> tuple[ImportResult, ImportReport]:
            result = importing.check_file(db, kind, path)
            return result, importing.apply_import(db, kind, result, dry_run=True)

        self.ctx.run(check, lambda pair: self._checked(*pair), self._file_rejected)

    def _checked(self, result: ImportResult, report: ImportReport) -> None:
        self.accepted.set_rows(preview_rows(result, {p.line for p in report.problems}))
        self.rejected.set_rows(list(report.problems))
        self.checked, self.report = (result if report.ok else None), report
        self.import_button.setEnabled(report.ok)
        self._describe()

    def _describe(self) -> None:
        report = self.report
        if report is None or self.file is None:
            return
        counts = dict(added=format_number(report.added), replaced=format_number(report.replaced),
                      present=format_number(report.already_present))
        lines = [_("{file}: {rows} rows read, {accepted} accepted, {rejected} rejected.").format(
            file=self.file.name, rows=format_number(report.rows), accepted=format_number(report.accepted),
            rejected=format_number(report.rejected))]
        if report.written:
            lines.append(_("Imported: {added} new, {replaced} replaced, {present} already present.")
                         .format(**counts))
        elif report.ok:
            lines.append(_("Importing would add {added} new and replace {replaced}; {present} are "
                           "already present. Nothing has been changed yet.").format(**counts))
        else:
            lines.append(_("Nothing can be imported: correct the rejected rows and choose the file again."))
        lines += [_("Warning: {warning}").format(warning=w) for w in report.warnings]
        self.summary.setText("\n".join(lines))

    def _file_rejected(self, exc: BaseException) -> None:
        self.summary.setText(_("The file was not accepted. {reason}").format(reason=error_text(exc)))
        if isinstance(exc, ValidationError):
            self.rejected.set_rows(list(exc.problems))

    def import_now(self) -> None:
        checked, kind = self.checked, self._checked_kind
        if checked is None:
            return
        db, progress = self.ctx.db, self._progress
        self.import_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.ctx.run(lambda: importing.apply_import(db, kind, checked, progress=progress.advanced.emit),
                     self._imported, self._import_failed)

    def advance(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _imported(self, report: ImportReport) -> None:
        self.progress.hide()
        self.checked, self.report = None, report  # the identifiers are not kept after the import
        if not report.written:
            self.rejected.set_rows(list(report.problems))
        self._describe()
        if report.written:
            self.ctx.status(_("The file was imported."))
            self.section.changed(self)

    def _import_failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.import_button.setEnabled(self.checked is not None)
        self.summary.setText(_("Nothing was imported. {reason}").format(reason=error_text(exc)))

    def retranslate(self) -> None:
        super().retranslate()
        self._fill_kinds()
        self._describe()
