"""The cross-table of the statistics tab (administrators): persons of the chosen reporting
period by two dimensions, exact, savable as CSV for Excel (built in memory, written with the
safe-write helper; no temporary file)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from hrvdesk.domain.cross_tables import DIMENSIONS
from hrvdesk.domain.errors import HrvError
from hrvdesk.i18n import N_, _
from hrvdesk.io.safe_export import csv_bytes
from hrvdesk.services import outputs
from hrvdesk.services.statistics import cross_table
from hrvdesk.ui.models import Column, RecordTableModel, RecordTableView
from hrvdesk.ui.widgets import Retranslator, error_text, message_label


class CrossTableBox(QGroupBox):
    def __init__(self, ctx, tr: Retranslator, year_of, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.tr_, self.year_of = ctx, tr, year_of
        self.setObjectName("cross_table")
        tr.bind(self.setTitle, N_("Cross-table of your choice (exact, for internal use)"))
        self.rows, self.columns = QComboBox(), QComboBox()
        for combo, name, first in ((self.rows, N_("Rows"), "action"), (self.columns, N_("Columns"), "status")):
            tr.bind(combo.setAccessibleName, name)
            combo.setProperty("first", first)
        self.show_button, self.save_button = QPushButton(), QPushButton()
        tr.bind(self.show_button.setText, N_("S&how"))
        tr.bind(self.save_button.setText, N_("Save as CS&V…"))
        self.show_button.clicked.connect(self.show_table)
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(False)
        row = QHBoxLayout()
        for widget in (self.rows, self.columns, self.show_button, self.save_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.view = RecordTableView("", ctx.clipboard)
        self.view.setObjectName("cross_table_view")
        self.model = RecordTableModel([], parent=self)
        self.view.setModel(self.model)
        self.message = message_label()
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.view)
        layout.addWidget(self.message)
        self.table = None
        self.retranslate()

    def retranslate(self) -> None:
        for combo in (self.rows, self.columns):
            chosen = combo.currentData() or combo.property("first")
            combo.clear()
            for dimension in DIMENSIONS.values():
                combo.addItem(_(dimension.title), dimension.id)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
        if self.table is not None:
            self.show_table()

    def show_table(self) -> None:
        year = self.year_of()
        if year is None:
            return
        try:
            self.table = cross_table(self.ctx.db, year, self.rows.currentData(), self.columns.currentData())
        except HrvError as exc:
            self.message.setText(error_text(exc))
            return
        header = self.table.header()
        model = RecordTableModel([Column(title, lambda r, i=i: r[i]) for i, title in enumerate(header)],
                                 self.table.body(), parent=self)
        self.view.setModel(model)
        self.model = model
        self.save_button.setEnabled(True)
        self.message.setText(_("{n} persons. A child may be counted in several rows or columns of "
                               "actions, purposes and \u201cknown to\u201d.").format(n=self.table.total))

    def save(self) -> Path | None:
        if self.table is None:
            return None
        out = self.ctx.dialogs.save_file(self.ctx.window, _("Save the cross-table as CSV"),
                                         str(Path.home() / "cross-table.csv"), _("CSV files (*.csv)"))
        if out is None:
            return None
        try:
            outputs.save(out, csv_bytes(self.table.header(), self.table.body()))
        except HrvError as exc:
            self.message.setText(str(exc))
            return None
        self.message.setText(_("Saved: {file}").format(file=out.name))
        return out
