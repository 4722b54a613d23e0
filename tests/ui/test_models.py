"""Every table model passes pytest-qt's model tester; big lists load and scroll fast."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from hrvdesk.ui.models import ROW_ROLE, Column, RecordTableModel, RecordTableView
from hrvdesk.ui.sections.administration import AuditPanel, OrganisationPanel, UsersPanel


def test_every_administration_model(app, admin_window, qtmodeltester):
    section = admin_window.show_section("administration")
    models = [section.panel(OrganisationPanel).administrations, section.panel(OrganisationPanel).partners,
              section.panel(UsersPanel).model, section.panel(AuditPanel).model]
    for model in models:
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)


@dataclass(frozen=True)
class Item:
    number: int
    name: str | None


def big_model(n: int) -> RecordTableModel:
    return RecordTableModel([
        Column("Number", lambda r: r.number, align_right=True),
        Column("Name", lambda r: r.name),
    ], [Item(i, None if i % 7 == 0 else f"name {n - i:06d}") for i in range(n)])


def test_generic_model_with_sorting(qtmodeltester):
    model = big_model(500)
    qtmodeltester.check(model, force_py=True)
    model.sort(1, Qt.SortOrder.AscendingOrder)
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert names[: 500 // 7 + 1] == [""] * (500 // 7 + 1)  # empty values first
    assert names[500 // 7 + 1:] == sorted(names[500 // 7 + 1:])
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert model.index(0, 0).data() == "499"
    assert model.index(0, 0).data(ROW_ROLE) == Item(499, "name 000001")
    qtmodeltester.check(model, force_py=True)


def test_fifty_thousand_rows_load_sort_scroll_and_select_all(qtbot):
    """Times are the benchmark's (tests/benchmarks/run.py); here: it all works at size."""
    model = big_model(50_000)
    view = RecordTableView("big")
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    view.scrollToBottom()
    view.grab()
    view.scrollToTop()
    view.grab()
    view.selectRow(0)
    assert view.selected_rows() == [model.rows[0]]
    view.selectAll()
    assert view.selected_rows() == list(model.rows)
