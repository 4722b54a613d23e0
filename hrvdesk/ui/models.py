"""Table models and the table view every list in hrvdesk uses.

:class:`RecordTableModel` shows a Python list of row objects through declared
:class:`Column` s. Cells are computed only when Qt asks for them (the visible ones), the
header is translated when it is drawn, and sorting sorts the list in place, so lists of
tens of thousands of rows load and scroll without delay. :class:`RecordTableView` has
fixed row heights (no per-row measuring), copies selected cells through the
:class:`~hrvdesk.ui.locking.ClipboardGuard`, and is keyboard operable.
:class:`EditableTableModel` lets chosen cells be changed in place, each change saved at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Generic, Sequence, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from hrvdesk.i18n import _
from hrvdesk.ui.locking import ClipboardGuard

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1   # the row object itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value the column sorts by


@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: a translatable title (message id), how to get the value of a row and
    how to show it (default ``str``; None shows as empty). ``widest`` (pixels) keeps a
    column of long texts from pushing the columns after it off the screen (shortened "…")."""

    title: str
    value: Callable[[Row], Any]
    display: Callable[[Any], str] | None = None
    align_right: bool = False
    widest: int | None = None

    def text(self, row: Row) -> str:
        value = self.value(row)
        if value is None:
            return ""
        return self.display(value) if self.display else str(value)


def _sort_key(value: Any) -> tuple:
    """None first, then values of one kind; mixed kinds compare by text."""
    if value is None:
        return (0, "")
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, (int, float)):
        return (1, value)
    return (2, str(value).casefold())


class RecordTableModel(QAbstractTableModel, Generic[Row]):
    """A read-only table of row objects."""

    def __init__(self, columns: Sequence[Column[Row]], rows: Sequence[Row] = (), parent=None):
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Row] = list(rows)

    # --- content ---------------------------------------------------------------------

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    @property
    def columns(self) -> tuple[Column[Row], ...]:
        return tuple(self._columns)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, index: Index) -> Row | None:
        return self._rows[index.row()] if index.isValid() and index.row() < len(self._rows) else None

    def column_title(self, column: int) -> str:
        return _(self._columns[column].title)

    def retranslate(self) -> None:
        """Headers and cells (labels, dates) in the new language."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(self._columns) - 1))
        if self._rows and self._columns:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))

    # --- QAbstractTableModel ---------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(self._columns):
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if column.align_right else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return column.value(row)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.column_title(section) if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        value = self._columns[column].value
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        before = [self._rows[i.row()] for i in persistent]
        self._rows.sort(key=lambda r: _sort_key(value(r)), reverse=order == Qt.SortOrder.DescendingOrder)
        if persistent:
            position = {id(r): i for i, r in enumerate(self._rows)}
            self.changePersistentIndexList(
                persistent, [self.index(position[id(r)], i.column()) for r, i in zip(before, persistent)])
        self.layoutChanged.emit()


class EditableTableModel(RecordTableModel[Row]):
    """A record table whose cells in the :attr:`EDITABLE` columns can be changed in the rows
    ``editable(row)`` allows; each change is saved at once with ``save(row, column, value)``,
    which returns the row as saved (None: not saved, and the table stays as it was)."""

    EDITABLE: ClassVar[tuple[int, ...]] = ()

    def __init__(self, columns: Sequence[Column[Row]], editable: Callable[[Row], bool],
                 save: Callable[[Row, int, Any], Row | None], parent=None):
        super().__init__(columns, parent=parent)
        self._editable = editable
        self._save = save

    def edit_value(self, row: Row, column: int) -> Any:
        """What an editor of the cell starts with."""
        raise NotImplementedError

    def _may_edit(self, index: Index) -> Row | None:
        """The row of ``index`` when its cell may be changed."""
        row = self.row_at(index)
        return row if row is not None and index.column() in self.EDITABLE and self._editable(row) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self._may_edit(index) is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole:
            row = self.row_at(index)
            if row is None or index.column() not in self.EDITABLE:
                return None
            return self.edit_value(row, index.column())
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row = self._may_edit(index) if role == Qt.ItemDataRole.EditRole else None
        if row is None:
            return False
        saved = self._save(row, index.column(), value)
        if saved is None:
            return False
        self._rows[index.row()] = saved
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.columnCount() - 1))
        return True


class RecordTableView(QTableView):
    """A table for record lists: whole-row selection, fixed row height, Ctrl+C copies."""

    def __init__(self, name: str, clipboard: ClipboardGuard | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._clipboard = clipboard
        self.setAccessibleName(name)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table: logical tab order
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        vertical.hide()
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setResizeContentsPrecision(200)  # measure at most 200 rows when fitting columns
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the order rows come in
        self.setSortingEnabled(True)

    def setModel(self, model) -> None:  # noqa: N802 (Qt API)
        """Columns fit their contents and headers whenever the rows or the headers' language
        change, so that an empty table's headers are not cut off either."""
        old = self.model()
        if old is not None:
            old.modelReset.disconnect(self._fit)
            old.headerDataChanged.disconnect(self._fit)
        super().setModel(model)
        if model is not None:
            model.modelReset.connect(self._fit)
            model.headerDataChanged.connect(self._fit)
        self._fit()

    def _fit(self, *_changed) -> None:
        self.resizeColumnsToContents()  # measures at most 200 rows (setResizeContentsPrecision)
        for number, column in enumerate(getattr(self.model(), "columns", ())):
            if column.widest is not None:
                self.setColumnWidth(number, min(self.columnWidth(number), column.widest))

    def _selected_row_numbers(self) -> list[int]:
        """The selected rows, from the selection's ranges (not one index per cell: selecting
        all of 100 000 rows must stay instant)."""
        selection = self.selectionModel()
        if selection is None:
            return []
        rows: set[int] = set()
        for span in selection.selection():
            rows.update(range(span.top(), span.bottom() + 1))
        return sorted(rows)

    def selected_rows(self) -> list[Any]:
        model = self.model()
        rows = getattr(model, "rows", None)  # a RecordTableModel: its rows in display order
        if rows is not None:
            return [rows[r] for r in self._selected_row_numbers()]
        return [model.index(r, 0).data(ROW_ROLE) for r in self._selected_row_numbers()]

    def current_row(self) -> Any:
        index = self.currentIndex()
        return index.siblingAtColumn(0).data(ROW_ROLE) if index.isValid() else None

    def select_row(self, wanted: Callable[[Any], bool], or_first: bool = False) -> None:
        """Select the first row for which ``wanted(row)`` holds; when none does, the first
        row if ``or_first``."""
        rows = self.model().rows
        index = next((i for i, row in enumerate(rows) if wanted(row)), 0 if or_first and rows else -1)
        if index >= 0:
            self.selectRow(index)

    def copy_selection(self) -> str:
        """Selected rows as tab-separated text, put on the clipboard as a concealed value."""
        model = self.model()
        rows = self._selected_row_numbers()
        columns = range(model.columnCount())
        text = "\n".join("\t".join(str(model.index(r, c).data() or "") for c in columns) for r in rows)
        if text and self._clipboard is not None:
            self._clipboard.copy(text)
        return text

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)
