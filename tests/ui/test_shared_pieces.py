"""The pieces the sections share: selecting a record in a list, a table edited in place and
saved cell by cell, and which tabs (and sections) a tabbed section has for each role."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import Qt

from hrvdesk.domain.roles import Permission, Role, Session
from hrvdesk.ui.models import Column, EditableTableModel, RecordTableModel, RecordTableView
from hrvdesk.ui.sections.abroad import CasesPanel, ChildrenAbroadSection
from hrvdesk.ui.sections.abroad_followups import FollowUpsPanel
from hrvdesk.ui.sections.abroad_panels import ImportPanel, StatisticsPanel
from hrvdesk.ui.sections.administration import AdministrationSection
from hrvdesk.ui.sections.tabbed import TabbedSection
from hrvdesk.ui.sections.training import TrainingSection
from hrvdesk.ui.sections.training_panels import ImportPanel as TrainingImportPanel
from hrvdesk.ui.work_widgets import Panel
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, unlock


@dataclass(frozen=True)
class Line:
    code: str
    owner: str
    note: str


def lines_view(rows: list[Line]) -> RecordTableView:
    view = RecordTableView("Lines")
    view.setModel(RecordTableModel([Column("Code", lambda r: r.code)], rows, parent=view))
    return view


def current_code(view: RecordTableView) -> str | None:
    row = view.current_row()
    return row.code if row else None


def test_select_row_finds_the_record_or_falls_back_to_the_first_only_when_asked(qapp):
    view = lines_view([Line("A", "x", ""), Line("B", "x", ""), Line("C", "y", "")])
    view.select_row(lambda r: r.code == "C")
    assert current_code(view) == "C"
    view.select_row(lambda r: r.code == "missing")  # not shown: the selection stays
    assert current_code(view) == "C"
    view.select_row(lambda r: r.code == "missing", or_first=True)
    assert current_code(view) == "A"
    empty = lines_view([])
    empty.select_row(lambda r: True, or_first=True)  # nothing to select, no error
    assert current_code(empty) is None


class NoteModel(EditableTableModel):
    NOTE = 2
    EDITABLE = (NOTE,)

    def edit_value(self, row: Line, column: int) -> str:
        return row.note


def note_model(saved: list, refuse: str = "") -> NoteModel:
    def save(row: Line, column: int, value) -> Line | None:
        if value == refuse:
            return None
        saved.append((row.code, column, value))
        return replace(row, note=str(value))

    return NoteModel([Column("Code", lambda r: r.code), Column("Owner", lambda r: r.owner),
                      Column("Note", lambda r: r.note)],
                     editable=lambda row: row.owner == "mine", save=save)


def test_an_editable_table_saves_only_allowed_cells(qtmodeltester):
    saved: list = []
    model = note_model(saved, refuse="no")
    model.set_rows([Line("A", "mine", "first"), Line("B", "theirs", "second")])
    qtmodeltester.check(model, force_py=True)
    editable = Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, NoteModel.NOTE)) & editable
    assert not model.flags(model.index(0, 1)) & editable  # not an editable column
    assert not model.flags(model.index(1, NoteModel.NOTE)) & editable  # not an editable row
    assert model.index(1, NoteModel.NOTE).data(Qt.ItemDataRole.EditRole) == "second"
    assert model.index(0, 1).data(Qt.ItemDataRole.EditRole) is None

    assert not model.setData(model.index(1, NoteModel.NOTE), "changed")
    assert not model.setData(model.index(0, 1), "changed")
    assert not model.setData(model.index(0, NoteModel.NOTE), "no")  # the save refused it
    assert saved == [] and [r.note for r in model.rows] == ["first", "second"]

    changes = []
    model.dataChanged.connect(lambda first, last: changes.append((first.row(), last.row())))
    assert model.setData(model.index(0, NoteModel.NOTE), "new")
    assert saved == [("A", NoteModel.NOTE, "new")]
    assert model.index(0, NoteModel.NOTE).data() == "new" and changes == [(0, 0)]


def session(role: Role) -> Session:
    return Session("someone", role, "SOC" if role is Role.EDITOR else None)


def test_a_tabbed_section_exists_when_one_of_its_tabs_does():
    class BackupOnly(TabbedSection):
        key, title = "backup_only", "Backup only"
        PANELS = ((Permission.BACKUP, Panel, "Backup"),)

    assert BackupOnly.visible_for(session(Role.ADMIN))
    assert not BackupOnly.visible_for(session(Role.EDITOR))
    assert not BackupOnly.visible_for(session(Role.VIEWER))
    assert not AdministrationSection.visible_for(session(Role.VIEWER))
    for role in Role:
        assert ChildrenAbroadSection.visible_for(session(role))
        assert TrainingSection.visible_for(session(role))


def test_tabs_follow_the_role(app, db_file):
    window = unlock(app, db_file, EDITOR, OTHER_PASSPHRASE)
    section = window.show_section("abroad")
    tabs = [type(section.tabs.widget(i)) for i in range(section.tabs.count())]
    assert tabs == [CasesPanel, FollowUpsPanel, StatisticsPanel, ImportPanel]  # no national package
    assert set(section.panels) == set(tabs)
    imports = section.show_panel(ImportPanel)
    assert section.tabs.currentWidget() is imports
    assert imports.kind is None  # one kind of file: no chooser
    training = window.show_section("training").show_panel(TrainingImportPanel)
    assert training.kind is not None and training.kind.count() == 2
