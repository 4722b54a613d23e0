"""The statistics, the national package and the import tabs of the Children taken abroad
section (:mod:`hrvdesk.ui.sections.abroad`).

- :class:`StatisticsPanel`: the exact national tables of one reporting period, with margins,
  for internal use (viewer role upward).
- :class:`ExportPanel`: the protected package for the national competence team, previewed
  with the suppression marker before it is written (administrators).
- :class:`ImportPanel`: a CSV or XLSX file of cases checked by a dry run (accepted rows, and
  every rejected row with line, column and reason), then imported all at once
  (:class:`hrvdesk.ui.import_panel.ImportPanel`).

Every national table is shown as a cross table by :class:`StatTableModel`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QLabel,
                               QScrollArea, QVBoxLayout, QWidget)

from hrvdesk.domain.abroad_stats import Period, Table, category_label, table_title
from hrvdesk.domain.codes import CASE_STATUSES, GENDERS, HONOUR_LINKS, PURPOSES
from hrvdesk.domain.disclosure import MARKER
from hrvdesk.domain.settings import Key
from hrvdesk.i18n import N_, _, format_date, format_number
from hrvdesk.io import export_national
from hrvdesk.io.export_national import NationalPackage
from hrvdesk.services.outputs import written
from hrvdesk.services.statistics import abroad_statistics
from hrvdesk.store import abroad_repo, releases_repo, settings
from hrvdesk.ui import import_panel
from hrvdesk.ui.import_panel import ImportKind, field
from hrvdesk.ui.locking import ClipboardGuard
from hrvdesk.ui.models import Column, Index, RecordTableModel, RecordTableView
from hrvdesk.ui.sections.tabbed import TabPanel
from hrvdesk.ui.widgets import Retranslator, error_text, heading, message_label
from hrvdesk.ui.work_widgets import button_row, fill_combo, labels_text, list_text


# --- reporting periods ----------------------------------------------------------------------


def current_period(db) -> Period:
    """The reporting period that contains today (setting ``period_start_month``)."""
    return Period.containing(dt.date.today(), settings.get(db, Key.PERIOD_START_MONTH))


def reporting_years(db) -> list[int]:
    """The reporting years with cases, and the current one, newest first."""
    return sorted(set(abroad_repo.totals_by_year(db)) | {current_period(db).year}, reverse=True)


def period_text(period: Period) -> str:
    """"2025 (1 Jan 2025 – 31 Dec 2025)": the reporting year and its days."""
    return _("{year} ({start} – {end})").format(
        year=period.year, start=format_date(period.start), end=format_date(period.end))


def fill_years(combo: QComboBox, db, first: str | None = None) -> None:
    """The reporting years in ``combo`` (after ``first``, e.g. "All periods"), keeping the
    chosen one."""
    fill_combo(combo, [(period_text(abroad_repo.period_for(db, year)), year)
                       for year in reporting_years(db)], first)


def labelled(tr: Retranslator, msgid: str, widget: QWidget, accessible: str) -> QLabel:
    """A label with a mnemonic for ``widget`` outside a form; ``accessible`` names the widget."""
    label = QLabel()
    label.setBuddy(widget)
    tr.bind(label.setText, msgid)
    tr.bind(widget.setAccessibleName, accessible)
    return label


def year_row(tr: Retranslator, combo: QComboBox, *more: QWidget) -> QHBoxLayout:
    """"Reporting year: [combo]" and further widgets, left-aligned."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    row = QHBoxLayout()
    row.addWidget(labelled(tr, N_("Reporting &year:"), combo, N_("Reporting year")))
    row.addWidget(combo)
    for widget in more:
        row.addWidget(widget)
    row.addStretch(1)
    return row


# --- the national tables --------------------------------------------------------------------


class StatTableModel(QAbstractTableModel):
    """One national table as a cross table: the first dimension's categories (``Total``
    last) down, the second's across; a one-dimensional table has one column of persons,
    a table without dimensions one cell. A count may be the suppression marker."""

    def __init__(self, table: Table, parent: QObject | None = None):
        super().__init__(parent)
        self._show(table)

    def _show(self, table: Table) -> None:
        self.table = table
        self._counts = {cell.key: cell.count for cell in table.cells}

        def axis(dimension: int) -> tuple[str | None, ...]:
            if dimension >= len(table.dimensions):
                return (None,)
            return tuple(dict.fromkeys(cell.key[dimension] for cell in table.cells))

        self._rows, self._columns = axis(0), axis(1)

    def set_table(self, table: Table) -> None:
        self.beginResetModel()
        self._show(table)
        self.endResetModel()

    def count(self, row: int, column: int) -> int | str:
        """The count (or marker) shown in a cell."""
        key = tuple(part for part in (self._rows[row], self._columns[column]) if part is not None)
        return self._counts[key]

    def row_label(self, row: int) -> str:
        category = self._rows[row]
        if category is None:  # a table of one number
            return _("Total")
        return category_label(self.table.dimensions[0], category)

    def column_label(self, column: int) -> str:
        category = self._columns[column]
        if category is None:
            return _("Persons")
        return category_label(self.table.dimensions[1], category)

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._rows) - 1)
        self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))

    # --- QAbstractTableModel -----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self._columns):
            return None
        count = self.count(index.row(), index.column())
        text = count if count == MARKER else format_number(count)
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return _("{row}, {column}: {count}").format(
                row=self.row_label(index.row()), column=self.column_label(index.column()),
                count=_("suppressed") if count == MARKER else text)
        if role == Qt.ItemDataRole.ToolTipRole and count == MARKER:
            return _("Suppressed: too few persons to publish, or a figure from which one could "
                     "be worked out")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.column_label(section) if 0 <= section < len(self._columns) else None
        return self.row_label(section) if 0 <= section < len(self._rows) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class StatTableView(RecordTableView):
    """A small cross table shown in full (no scrolling of its own); Ctrl+C copies through
    the clipboard guard like every list."""

    def __init__(self, clipboard: ClipboardGuard, parent: QWidget | None = None):
        super().__init__("", clipboard, parent)
        self.setSortingEnabled(False)
        self.horizontalHeader().setSortIndicatorShown(False)
        self.horizontalHeader().setStretchLastSection(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.verticalHeader().show()
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def fit(self) -> None:
        """Exactly as large as its cells and headers (the page scrolls, not the table)."""
        self.resizeColumnsToContents()
        frame = 2 * self.frameWidth()
        vertical, horizontal = self.verticalHeader(), self.horizontalHeader()
        self.setFixedSize(vertical.sizeHint().width() + horizontal.length() + frame,
                          horizontal.sizeHint().height() + vertical.length() + frame)


class TablesView(QScrollArea):
    """The national tables one below the other, each under its title."""

    def __init__(self, clipboard: ClipboardGuard, parent: QWidget | None = None):
        super().__init__(parent)
        self._clipboard = clipboard
        self.setWidgetResizable(True)
        content = QWidget()
        self._layout = QVBoxLayout(content)
        self._layout.addStretch(1)
        self.setWidget(content)
        self.models: dict[str, StatTableModel] = {}
        self.views: dict[str, StatTableView] = {}
        self._titles: dict[str, QLabel] = {}

    def show_tables(self, tables: Sequence[Table]) -> None:
        for table in tables:
            if table.id in self.models:
                self.models[table.id].set_table(table)
            else:
                self._add(table)
            self.views[table.id].fit()
        self.retranslate()

    def _add(self, table: Table) -> None:
        title = heading(2)
        model = StatTableModel(table, self)
        view = StatTableView(self._clipboard)
        view.setModel(model)
        view.setObjectName(f"table_{table.id}")
        title.setBuddy(view)
        position = self._layout.count() - 1  # before the stretch
        self._layout.insertWidget(position, title)
        self._layout.insertWidget(position + 1, view)
        self.models[table.id], self.views[table.id], self._titles[table.id] = model, view, title

    def retranslate(self) -> None:
        for table_id, model in self.models.items():
            title = table_title(table_id)
            self._titles[table_id].setText(title)
            self.views[table_id].setAccessibleName(title)
            model.retranslate()
            self.views[table_id].fit()


# --- statistics -----------------------------------------------------------------------------


class PeriodTablesPanel(TabPanel):
    """A tab showing national tables (``self.tables``) of the reporting period chosen in
    ``self.year``, described by :meth:`_describe`."""

    year: QComboBox
    tables: TablesView

    def _describe(self) -> None:
        """Say what is shown (again, in the current language)."""

    def retranslate(self) -> None:
        super().retranslate()
        if self.ctx.host.db is not None:
            fill_years(self.year, self.ctx.db)
        self._describe()
        self.tables.retranslate()


class StatisticsPanel(PeriodTablesPanel):
    """The tables of one reporting period as the role may see them, margins included
    (internal use; see :mod:`hrvdesk.services.statistics`)."""

    def __init__(self, section):
        super().__init__(section)
        self.stats = self.seen = None
        layout = QVBoxLayout(self)
        self.year = QComboBox()
        self.year.setObjectName("statistics_year")
        layout.addLayout(year_row(self.tr_, self.year))
        self.note = message_label()
        layout.addWidget(self.note)
        self.tables = TablesView(self.ctx.clipboard)
        layout.addWidget(self.tables, 1)
        self.cross = None
        if self.ctx.session.is_admin:
            from hrvdesk.ui.sections.abroad_cross import CrossTableBox

            self.cross = CrossTableBox(self.ctx, self.tr_, self.year.currentData)
            layout.addWidget(self.cross)
        self.year.currentIndexChanged.connect(lambda _i: self.show_year())

    def refresh(self) -> None:
        fill_years(self.year, self.ctx.db)
        self.show_year()

    def show_year(self) -> None:
        year = self.year.currentData()
        if year is None or self.ctx.host.db is None:
            return
        self.seen = abroad_statistics(self.ctx.db, year)
        self.stats = self.seen.stats
        self.tables.show_tables(self.stats.tables)
        self._describe()

    def retranslate(self) -> None:
        super().retranslate()
        if self.cross is not None:
            self.cross.retranslate()

    def _describe(self) -> None:
        if self.stats is None:
            return
        counted = _("persons counted: {n}").format(n=format_number(self.stats.total))
        if self.stats.cases is not None:
            counted = _("persons counted: {n} (in {cases} cases)").format(
                n=format_number(self.stats.total), cases=format_number(self.stats.cases))
        self.note.setText(_(
            "Reporting period {period}, {what}; {counted}. For internal use only; the "
            "package for the national team is protected against re-identification."
        ).format(period=period_text(self.stats.period), what=self.seen.heading(), counted=counted))


# --- the package for the national team ------------------------------------------------------


class ExportPanel(PeriodTablesPanel):
    """Preview the protected package of a reporting period, then write it (JSON, and CSV
    if wanted) through :func:`hrvdesk.io.export_national.export_national`."""

    def __init__(self, section):
        super().__init__(section)
        self.package: NationalPackage | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.explanation(N_(
            "The package holds the national tables with every small figure suppressed (shown "
            "as “..”), so that nobody can be recognised. Check the preview, then save it and "
            "send it to the national competence team.")))
        self.year = QComboBox()
        self.year.setObjectName("export_year")
        self.preview_button = self.button(N_("&Preview the package"), self.preview,
                                          N_("Suppress and check the tables of the chosen year"))
        layout.addLayout(year_row(self.tr_, self.year, self.preview_button))
        self.summary = message_label()
        self.summary.setObjectName("export_summary")
        layout.addWidget(self.summary)
        self.tables = TablesView(self.ctx.clipboard)
        self.tables.hide()
        layout.addWidget(self.tables, 1)
        self.with_csv = QCheckBox()
        self.tr_.bind(self.with_csv.setText, N_("Also save a &CSV file (for Excel)"))
        self.save_button = self.button(N_("&Save the package…"), self.save,
                                       N_("Write the package shown in the preview"))
        self.save_button.setEnabled(False)
        row = button_row(self.save_button)
        row.insertWidget(0, self.with_csv)
        layout.addLayout(row)
        self.result = message_label()
        self.result.setObjectName("export_result")
        layout.addWidget(self.result)
        releases = self._releases_view()
        layout.addWidget(labelled(self.tr_, N_("Packages already &sent:"), releases,
                                  N_("Packages already sent")))
        layout.addWidget(releases)
        self.again_button = self.button(N_("Save a sent package a&gain…"), self.save_again,
                                        N_("Write the chosen package again, byte for byte as it was sent"))
        layout.addLayout(button_row(self.again_button))
        self.year.currentIndexChanged.connect(lambda _i: self._forget_preview())

    def _releases_view(self) -> RecordTableView:
        self.releases = RecordTableModel([
            Column(N_("Release"), lambda r: r.id),
            Column(N_("Period"), lambda r: Period(r.period_from, r.period_to), period_text),
            Column(N_("Persons"), lambda r: r.total, format_number),
            Column(N_("Suppressed cells"), lambda r: r.suppressed, format_number),
            Column(N_("Corrects release"), lambda r: r.supersedes, lambda v: "" if v is None else str(v)),
            Column(N_("Sent"), lambda r: r.created_at[:16].replace("T", " ")),
            Column(N_("By"), lambda r: r.created_by),
        ], parent=self)
        self.releases_view = RecordTableView("", self.ctx.clipboard)
        self.releases_view.setObjectName("releases")
        self.releases_view.setModel(self.releases)
        return self.releases_view

    def save_again(self) -> None:
        release = self.releases_view.current_row()
        if release is None:
            self.result.setText(_("Choose a package in the list first."))
            return
        name = f"national-statistics-release-{release.id}.json"
        out_json = self.ctx.dialogs.save_file(self.ctx.window, _("Save the package again"),
                                              str(Path.home() / name), _("JSON files (*.json)"))
        if out_json is None:
            return
        db = self.ctx.db

        def done(_release) -> None:
            self.result.setText(_("Release {id} was written again: {file}.").format(
                id=release.id, file=out_json.name))

        self.ctx.run(lambda: written(out_json, lambda: export_national.write_release(
            db, release.id, out_json)), done, self._failed)

    def refresh(self) -> None:
        db = self.ctx.db
        self.releases.set_rows(releases_repo.list_releases(db))
        fresh = self.year.count() == 0
        fill_years(self.year, db)
        if fresh:  # the national survey asks for the last completed period
            self.year.setCurrentIndex(max(0, self.year.findData(current_period(db).year - 1)))
        self._forget_preview()

    def _forget_preview(self) -> None:
        self.package = None
        self.tables.hide()
        self.summary.clear()
        self.save_button.setEnabled(False)

    def preview(self) -> None:
        year = self.year.currentData()
        if year is None:
            return
        db = self.ctx.db
        self.result.clear()
        self.ctx.run(lambda: export_national.build_package(db, year), self._show, self._failed)

    def _show(self, package: NationalPackage) -> None:
        self.package = package
        self.tables.show_tables(package.protected.tables)
        self.tables.show()
        self.save_button.setEnabled(True)
        self._describe()

    def _describe(self) -> None:
        package = self.package
        if package is None:
            return
        control = package.protected
        self.summary.setText(_(
            "Reporting period {period}, {code} {name}. Threshold {k}: {n} cells are suppressed "
            "and shown as “..”; a 0 is a real zero. The attacker audit found every suppressed "
            "cell protected.").format(period=period_text(control.period),
                                      code=package.municipality_code, name=package.municipality_name,
                                      k=control.threshold, n=format_number(control.suppressed_cells)))

    def save(self) -> None:
        package = self.package
        if package is None:
            return
        year = package.protected.period.year
        title = _("Save the package for the national team")
        suggested = Path.home() / f"national-statistics-{package.municipality_code}-{year}.json"
        out_json = self.ctx.dialogs.save_file(self.ctx.window, title, str(suggested),
                                              _("JSON files (*.json)"))
        if out_json is None:
            return
        out_csv = None
        if self.with_csv.isChecked():
            out_csv = self.ctx.dialogs.save_file(self.ctx.window, _("Save the package as CSV"),
                                                 str(out_json.with_suffix(".csv")), _("CSV files (*.csv)"))
            if out_csv is None:
                return
        db = self.ctx.db
        self.ctx.run(lambda: written(out_json, lambda: export_national.export_national(
            db, year, out_json, out_csv)), lambda written: self._saved(written, out_json, out_csv),
            self._failed)

    def _saved(self, written: NationalPackage, out_json: Path, out_csv: Path | None) -> None:
        files = list_text(p.name for p in (out_json, out_csv) if p is not None)
        text = _("The package was written: {files}. The export is recorded in the audit log.").format(
            files=files)
        if self.package is None or written.protected.tables != self.package.protected.tables:
            text += " " + _("The register changed after the preview; the preview now shows what was written.")
            self._show(written)
        self.result.setText(text)
        self.ctx.status(text)
        self.releases.set_rows(releases_repo.list_releases(self.ctx.db))
        self.ctx.changed(self.section)

    def _failed(self, exc: BaseException) -> None:
        self.result.setText(_("Nothing was written. {reason}").format(reason=error_text(exc)))

    def retranslate(self) -> None:
        super().retranslate()
        self.releases.retranslate()


# --- import ---------------------------------------------------------------------------------


class ImportPanel(import_panel.ImportPanel):
    """Cases from a file in the agreed format: all rows or none."""

    KINDS = (ImportKind(
        "abroad",
        [Column(N_("Reported by"), field("reported_by")),
         Column(N_("Known date"), field("known_date"), format_date),
         Column(N_("Gender"), field("gender"), GENDERS.label),
         Column(N_("Birth year"), field("birth_year"), align_right=True),
         Column(N_("Suspected purposes"), field("purposes"), labels_text(PURPOSES)),
         Column(N_("Honour link"), field("honour_link"), HONOUR_LINKS.label),
         Column(N_("Destination"), field("destination")),
         Column(N_("Status"), field("status"), CASE_STATUSES.label)],
        would=N_("Import would add {added} new cases; {present} are already present."),
        done=N_("Imported: {added} new cases, {present} already present."),
        file_title=N_("Import cases from a file")),)
    INTRO = N_(
        "Import cases from a CSV or Excel (.xlsx) file in the agreed format. The file is "
        "checked first and nothing is changed until you press Import; if any row is "
        "rejected, nothing is imported.")
