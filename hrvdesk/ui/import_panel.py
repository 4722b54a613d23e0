"""The import tab: a CSV or XLSX file is checked by a dry run and previewed before anything
is written, then all its rows are imported, or none, with a progress bar.

The preview shows the accepted rows (their line and checked values, never the fields a kind
hides, such as a raw person identifier) and every rejected row with its line, column and
reason. A section's import tab is a subclass that names the kinds of file it takes
(:attr:`ImportPanel.KINDS`, kinds of :mod:`hrvdesk.store.importing`); with more than one,
the user chooses the kind first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QProgressBar, QVBoxLayout

from hrvdesk.domain.errors import ValidationError
from hrvdesk.i18n import N_, _, format_number
from hrvdesk.domain.import_formats import ImportResult
from hrvdesk.io.import_templates import template_csv
from hrvdesk.services.importing import check_file
from hrvdesk.store import importing
from hrvdesk.store.importing import ImportReport
from hrvdesk.safewrite import write_bytes
from hrvdesk.ui.models import Column, RecordTableModel, RecordTableView
from hrvdesk.ui.sections.tabbed import TabPanel
from hrvdesk.ui.widgets import error_text, message_label
from hrvdesk.ui.work_widgets import add_labelled, fill_combo, select_data


@dataclass(frozen=True)
class PreviewRow:
    """An accepted row of the file: its line and checked values."""

    line: int
    values: dict


def field(name: str) -> Callable[[PreviewRow], Any]:
    """A column getter: the checked value of the field ``name``."""
    return lambda row: row.values.get(name)


@dataclass(frozen=True)
class ImportKind:
    """A kind of file the tab imports. The messages say what importing would do and what
    it did, with ``{added}``, ``{replaced}`` and ``{present}`` (numbers of rows)."""

    code: str                    # the kind in hrvdesk.store.importing, e.g. "abroad"
    columns: Sequence[Column]    # the preview of an accepted row, after its line
    would: str                   # message id: what importing the checked file would do
    done: str                    # message id: what the import did
    name: str = ""               # message id shown in the chooser when there are several kinds
    file_title: str = N_("Import from a file")  # message id: the title of the file chooser
    hidden: frozenset[str] = frozenset()         # fields never shown, not even in the preview


REJECTED_COLUMNS = (
    Column(N_("Line"), lambda p: p.line, align_right=True),
    Column(N_("Column"), lambda p: p.field),
    Column(N_("Reason"), lambda p: p.reason),
)


class _Progress(QObject):
    """Carries the import's progress from the worker thread to the GUI thread."""

    advanced = Signal(int, int)


class ImportPanel(TabPanel):
    """Choose a file (and its kind), see what a dry run would do, then import all rows or none."""

    #: The kinds of file this tab imports; the first is chosen at the start.
    KINDS: ClassVar[tuple[ImportKind, ...]] = ()
    #: Message id of the explanation at the top of the tab.
    INTRO: ClassVar[str] = ""

    def __init__(self, section):
        super().__init__(section)
        self.checked: ImportResult | None = None
        self.report: ImportReport | None = None
        self.file: Path | None = None
        self._kinds = {kind.code: kind for kind in self.KINDS}
        self._checked_kind = self.KINDS[0]
        self._progress = _Progress(self)
        self._progress.advanced.connect(self.advance)
        self.previews = {kind.code: RecordTableModel(
            [Column(N_("Line"), lambda r: r.line, align_right=True), *kind.columns], parent=self)
            for kind in self.KINDS}
        self.rejected = RecordTableModel(REJECTED_COLUMNS, parent=self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation(self.INTRO))
        top = QHBoxLayout()
        self.kind: QComboBox | None = None
        if len(self.KINDS) > 1:
            self.kind = QComboBox()
            self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            self._fill_kinds()
            add_labelled(top, self.tr_, N_("&What:"), self.kind)
        self.choose_button = self.button(N_("&Choose file…"), lambda: self.choose(),
                                         N_("Check a file and show what would be imported"))
        self.import_button = self.button(N_("&Import"), self.import_now,
                                         N_("Import every row of the checked file"))
        self.import_button.setEnabled(False)
        self.template_button = self.button(N_("Save a &template…"), self.save_template, N_(
            "An example file with the Swedish column headers and one example row to fill in"))
        top.addWidget(self.choose_button)
        top.addWidget(self.import_button)
        top.addStretch(1)
        top.addWidget(self.template_button)
        layout.addLayout(top)
        self.summary = message_label()
        self.summary.setObjectName("import_summary")
        layout.addWidget(self.summary)
        self.progress = QProgressBar()
        self.progress.hide()
        self.tr_.bind(self.progress.setAccessibleName, N_("Import progress"))
        layout.addWidget(self.progress)
        self.accepted_view = self._group(layout, N_("Accepted rows"), next(iter(self.previews.values())))
        self.rejected_view = self._group(layout, N_("Rejected rows"), self.rejected)
        if self.kind is not None:
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
        fill_combo(self.kind, [(_(kind.name), kind.code) for kind in self.KINDS])

    @property
    def chosen_kind(self) -> str:
        chosen = self.kind.currentData() if self.kind is not None else None
        return chosen or self.KINDS[0].code

    @property
    def accepted(self) -> RecordTableModel:
        """The preview of the accepted rows of the kind chosen now."""
        return self.previews[self.chosen_kind]

    def refresh(self) -> None:
        """Nothing to read: a checked file stays until it is imported or another is chosen."""

    def _kind_chosen(self) -> None:
        self.accepted_view.setModel(self.accepted)
        if self.chosen_kind != self._checked_kind.code:
            self._clear()

    def _clear(self) -> None:
        self.checked = self.report = self.file = None
        for model in (*self.previews.values(), self.rejected):
            model.set_rows([])
        self.import_button.setEnabled(False)
        self.summary.clear()

    def save_template(self) -> Path | None:
        """Save the chosen kind's template where the user says (nothing personal in it)."""
        kind = self.chosen_kind
        path = self.ctx.dialogs.save_file(self.ctx.window, _("Save an import template"),
                                          str(Path.home() / _("template-{kind}.csv").format(kind=kind)),
                                          _("CSV files (*.csv)"))
        if path is None:
            return None
        try:
            write_bytes(path, template_csv(kind))
        except OSError as exc:
            self.ctx.show_error(exc, _("The template was not saved"))
            return None
        self.ctx.status(_("The template was saved as {file}.").format(file=str(path)))
        return path

    def choose(self, kind: str | None = None) -> None:
        """Ask for a file of ``kind`` (default: the chosen one), check it and show the dry run."""
        if kind is not None and self.kind is not None:
            select_data(self.kind, kind)
        chosen = self._kinds[self.chosen_kind]
        path = self.ctx.dialogs.open_file(self.ctx.window, _(chosen.file_title), str(Path.home()),
                                          _("CSV and Excel files (*.csv *.xlsx);;All files (*)"))
        if path is None:
            return
        self._clear()
        self.file, self._checked_kind = path, chosen
        db = self.ctx.db

        def check() -> tuple[ImportResult, ImportReport]:
            result = check_file(db, chosen.code, path)
            return result, importing.apply_import(db, chosen.code, result, dry_run=True)

        self.ctx.run(check, lambda pair: self._checked(*pair), self._file_rejected)

    def _checked(self, result: ImportResult, report: ImportReport) -> None:
        rejected_lines = {p.line for p in report.problems}
        hidden = self._checked_kind.hidden
        self.accepted.set_rows([PreviewRow(line, {k: v for k, v in values.items() if k not in hidden})
                                for line, values in zip(result.line_numbers, result.rows)
                                if line not in rejected_lines])
        self.rejected.set_rows(list(report.problems))
        self.checked, self.report = (result if report.ok else None), report
        self.import_button.setEnabled(report.ok)
        self._describe()

    def _outcome(self, report: ImportReport) -> str:
        """What the import did (or would do), in the words of the checked kind."""
        kind = self._checked_kind
        return _(kind.done if report.written else kind.would).format(
            added=format_number(report.added), replaced=format_number(report.replaced),
            present=format_number(report.already_present))

    def _describe(self) -> None:
        report = self.report
        if report is None or self.file is None:
            return
        lines = [_("{file}: {rows} rows read, {accepted} accepted, {rejected} rejected.").format(
            file=self.file.name, rows=format_number(report.rows), accepted=format_number(report.accepted),
            rejected=format_number(report.rejected))]
        if report.written or report.ok:
            lines.append(self._outcome(report))
        else:
            lines.append(_("Nothing can be imported: correct the rejected rows and choose the file again."))
        lines += [_("Warning: {warning}").format(warning=w) for w in report.warnings]
        self.summary.setText("\n".join(lines))

    def _file_rejected(self, exc: BaseException) -> None:
        self.summary.setText(_("The file was not accepted. {reason}").format(reason=error_text(exc)))
        if isinstance(exc, ValidationError):
            self.rejected.set_rows(list(exc.problems))

    def import_now(self) -> None:
        checked, kind = self.checked, self._checked_kind.code
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
        self.checked, self.report = None, report  # the file's rows are not kept after the import
        if not report.written:
            self.rejected.set_rows(list(report.problems))
        self._describe()
        if report.written:
            self.ctx.status(self._outcome(report))
            self.changed()

    def _import_failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self.import_button.setEnabled(self.checked is not None)
        self.summary.setText(_("Nothing was imported. {reason}").format(reason=error_text(exc)))

    def retranslate(self) -> None:
        super().retranslate()
        if self.kind is not None:
            self._fill_kinds()
        self._describe()
