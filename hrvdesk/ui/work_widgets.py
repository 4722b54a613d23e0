"""Building blocks shared by the sections' pages and tabs.

- :class:`Panel`: a page or tab of a section, with its Retranslator and helpers for buttons,
  tables, notes, forms and confirmed changes.
- :class:`IconTableModel`: a record table whose one column also shows an icon (the cell's
  text always says the same in words, so nothing is told by the icon or colour alone).
- :class:`CodeComboDelegate`: edits a code column of a table with a combo box.
- :func:`fill_combo` / :func:`fill_codes`: (re)fill a combo box keeping the chosen value.
- :func:`writing`: an operating-system error while writing a file, said as a sentence.
- :func:`make_button`, :func:`button_row`, :func:`add_labelled`, :func:`add_tab`,
  :func:`format_share`, :func:`years_text`, :func:`yes_no`, :func:`labels_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QApplication, QBoxLayout, QComboBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QStyle, QStyledItemDelegate, QTabWidget, QVBoxLayout,
                               QWidget)

from hrvdesk.domain.codes import CodeList
from hrvdesk.i18n import _, format_number, format_percent
from hrvdesk.ui.models import Column, RecordTableModel, RecordTableView
from hrvdesk.ui.widgets import FormDialog, Retranslator, message_label, plain

if TYPE_CHECKING:
    from hrvdesk.ui.sections import Section, SectionContext

Index = QModelIndex | QPersistentModelIndex
NO_VALUE = "–"


def icon(name: str) -> QIcon:
    """A QStyle standard icon by name (``"SP_MessageBoxWarning"``)."""
    pixmap = getattr(QStyle.StandardPixmap, name, QStyle.StandardPixmap.SP_FileIcon)
    return QApplication.style().standardIcon(pixmap)


class IconTableModel(RecordTableModel):
    """A record table whose column ``icon_column`` also shows ``icon_of(row)`` (a QStyle
    standard pixmap name, or None for no icon)."""

    def __init__(self, columns: Sequence[Column], icon_column: int,
                 icon_of: Callable[[Any], str | None], parent=None):
        super().__init__(columns, parent=parent)
        self._icon_column = icon_column
        self._icon_of = icon_of

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DecorationRole:
            row = self.row_at(index)
            if row is None or index.column() != self._icon_column:
                return None
            name = self._icon_of(row)
            return icon(name) if name else None
        return super().data(index, role)


def fill_combo(combo: QComboBox, items: Iterable[tuple[str, Any]], first: str | None = None) -> None:
    """Put (text, data) items in ``combo`` (after ``first`` with data None, e.g. "All"),
    keeping the chosen data when it is still there; emits no change signals."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    if first is not None:
        combo.addItem(first, None)
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


def fill_codes(combo: QComboBox, codes: CodeList, first: str | None = None,
               only: Iterable[str] | None = None) -> None:
    """A code list's translated labels in ``combo`` (``only`` those codes when given)."""
    wanted = None if only is None else set(only)
    fill_combo(combo, [(codes.label(c), c) for c in codes.values if wanted is None or c in wanted],
               first)


def select_data(combo: QComboBox, data: Any) -> None:
    combo.setCurrentIndex(max(0, combo.findData(data)))


class CodeComboDelegate(QStyledItemDelegate):
    """Edits a column whose EditRole value is a code of ``codes`` with a combo box."""

    def __init__(self, codes: CodeList, parent: QWidget | None = None):
        super().__init__(parent)
        self._codes = codes

    def createEditor(self, parent: QWidget, option, index: Index) -> QWidget:  # noqa: N802 (Qt API)
        combo = QComboBox(parent)
        fill_codes(combo, self._codes)
        combo.setAccessibleName(_(self._codes.title))
        return combo

    def setEditorData(self, editor: QComboBox, index: Index) -> None:  # noqa: N802
        select_data(editor, index.data(Qt.ItemDataRole.EditRole))

    def setModelData(self, editor: QComboBox, model, index: Index) -> None:  # noqa: N802
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


def make_button(tr: Retranslator, msgid: str, slot: Callable[[], object],
                description: str = "") -> QPushButton:
    """A push button whose (translated) text is also its accessible name."""
    button = QPushButton()
    tr.bind(button.setText, msgid)
    tr.bind(lambda text: button.setAccessibleName(plain(text)), msgid)
    if description:
        tr.bind(button.setAccessibleDescription, description)
        tr.bind(button.setToolTip, description)
    button.clicked.connect(lambda _checked=False: slot())
    return button


def button_row(*buttons: QPushButton) -> QHBoxLayout:
    """Buttons side by side, left-aligned."""
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


def add_labelled(layout: QBoxLayout, tr: Retranslator, msgid: str, widget: QWidget) -> None:
    """``widget`` after a label (with mnemonic) whose text, without the colon, also names it."""
    label = QLabel()
    label.setBuddy(widget)
    tr.bind(label.setText, msgid)
    tr.bind(lambda text: widget.setAccessibleName(plain(text).rstrip(":")), msgid)
    layout.addWidget(label)
    layout.addWidget(widget)


def filter_rows(tr: Retranslator, rows: Sequence[Sequence[tuple[str, QWidget]]],
                apply: Callable[[], object]) -> QVBoxLayout:
    """The filters above a list, labelled, in the given rows so that they fit beside the
    navigation at 1100 px (a combo box no wider than a short entry needs); a change of any of
    them calls ``apply``."""
    layout = QVBoxLayout()
    for specs in rows:
        row = QHBoxLayout()
        for msgid, widget in specs:
            add_labelled(row, tr, msgid, widget)
            if isinstance(widget, QComboBox):
                widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                widget.setMinimumContentsLength(12)
                widget.currentIndexChanged.connect(lambda _i: apply())
            elif isinstance(widget, QLineEdit):
                widget.setClearButtonEnabled(True)
                widget.setMinimumWidth(widget.fontMetrics().averageCharWidth() * 18)
                widget.textChanged.connect(lambda _t: apply())
        row.addStretch(1)
        layout.addLayout(row)
    return layout


def add_tab(tabs: QTabWidget, tr: Retranslator, title: str, page: QWidget) -> int:
    """Add ``page`` to ``tabs`` under the message ``title`` (shown again after a language switch)."""
    index = tabs.addTab(page, "")
    tr.bind(lambda text: tabs.setTabText(index, text), title)
    return index


class Panel(QWidget):
    """A page or tab of a section: a Retranslator, the context, and refresh/retranslate."""

    def __init__(self, section: "Section"):
        super().__init__()
        self.section = section
        self.ctx: "SectionContext" = section.ctx
        self.tr_ = Retranslator()

    def button(self, msgid: str, slot: Callable[[], object], description: str = "") -> QPushButton:
        return make_button(self.tr_, msgid, slot, description)

    def table(self, name: str, model: RecordTableModel) -> RecordTableView:
        view = RecordTableView("", self.ctx.clipboard)
        self.tr_.bind(view.setAccessibleName, name)
        view.setModel(model)  # its columns fit contents and headers (RecordTableView.setModel)
        return view

    def explanation(self, msgid: str) -> QLabel:
        """A wrapped label showing the message ``msgid``."""
        label = message_label()
        self.tr_.bind(label.setText, msgid)
        return label

    def open_form(self, dialog: FormDialog, done: Callable[[Any], object] | None = None) -> FormDialog:
        """Open ``dialog``; when its work is done, ``done(result)`` (default: :meth:`changed`)."""
        dialog.completed.connect(done or (lambda _result: self.changed()))
        dialog.open()
        return dialog

    def confirmed_change(self, title: str, question: str, change: Callable[[], object]) -> bool:
        """Ask ``question``; when the user agrees, ``change()``. An error is shown under
        ``title``; True when the change was made."""
        if not self.ctx.dialogs.question(self.ctx.window, title, question):
            return False
        try:
            change()
        except Exception as exc:
            self.ctx.show_error(exc, title)
            return False
        return True

    def changed(self) -> None:
        """Something was saved here: read it again, and tell the other sections."""
        self.refresh()
        self.ctx.changed(self.section)

    def refresh(self) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        self.tr_.retranslate()
        for model in self.findChildren(RecordTableModel):
            model.retranslate()


def format_share(value: float | None, unit: str = "share") -> str:
    """A measure's value: a share as a percentage, a count as a whole number."""
    if value is None:
        return NO_VALUE
    return format_percent(value) if unit == "share" else format_number(int(value))


def years_text(first: int, last: int | None) -> str:
    """"2022–2025", "2024", or "from 2026" for an open end."""
    if last is None:
        return _("from {year}").format(year=first)
    return str(first) if first == last else f"{first}–{last}"


def list_text(items: Iterable[str]) -> str:
    """Items joined with commas, or a dash when there are none."""
    return ", ".join(items) or NO_VALUE


def labels_text(codes: CodeList) -> Callable[[Iterable[str]], str]:
    """A display function: the translated labels of several codes of ``codes``."""
    return lambda values: list_text(codes.label(c) for c in values)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")
