"""The Routines section on a real database: the list with review states in words and icons,
filters, create/edit, version history, documents kept inside the database, role rules,
the Overview's figures, and a screenshot."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from hrvdesk.domain.errors import PermissionDenied
from hrvdesk.domain.routines import DEFAULT_DUE_WITHIN_DAYS, ContactPath, Routine, RoutineVersion
from hrvdesk.store import audit, organisation, routines_repo
from hrvdesk.store.database import Database
from hrvdesk.ui.dialogs import OPEN_FILE, QUESTION, SAVE_FILE
from hrvdesk.ui.actions import Act
from hrvdesk.ui.sections.routines import OVERDUE_ONLY, OVERDUE_OR_DUE, REVIEW_COLUMN, RoutineDialog
from tests.conftest import ADMIN, PASSPHRASE
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, VIEWER, unlock
from tests.ui.test_screenshots import assert_drawn

TODAY = dt.date.today()
REVIEW = REVIEW_COLUMN  # the list's review column


def routine(title: str, owner: str = "SOC", participants=("UBF",), status: str = "adopted",
            adopted: dt.date | None = TODAY, **more) -> Routine:
    versions = (RoutineVersion(1, adopted, "Socialnämnden"),) if adopted else ()
    return Routine(None, title, "act_on_suspicion", owner, tuple(participants), status, versions,
                   contacts=(ContactPath("Socialjouren", "Via kommunens växel"),), **more)


def add_routines(db_file, *routines: Routine) -> None:
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        for r in routines:
            routines_repo.save_routine(db, r)


def open_as(app, db_file, user: str = ADMIN):
    window = unlock(app, db_file, user, PASSPHRASE if user == ADMIN else OTHER_PASSPHRASE)
    assert window is not None, app.unlock.message.text()
    app.set_language("en")
    return window, window.show_section("routines").panel


def row_of(panel, title: str) -> int:
    return next(i for i, r in enumerate(panel.model.rows) if r.routine.title == title)


def files_containing(folder, data: bytes) -> list:
    return [p for p in folder.rglob("*") if p.is_file() and data in p.read_bytes()]


def test_create_adopt_and_attach_round_trip(app, db_file, dialogs, tmp_path, tmp_path_factory):
    window, panel = open_as(app, db_file, EDITOR)
    window.registry.action(Act.NEW_RECORD).trigger()  # Ctrl+N
    [dialog] = [w for w in QApplication.topLevelWidgets() if isinstance(w, RoutineDialog) and w.isVisible()]
    # an editor owns routines only for their own administration
    assert [dialog.owner.itemData(i) for i in range(dialog.owner.count())] == ["SOC"]
    dialog.title.setText("Samverkan vid oro för hedersrelaterat våld")
    dialog.purpose.setCurrentIndex(dialog.purpose.findData("individual_cooperation"))
    dialog.set_participants({"UBF", "POL", "SOC"})  # the owner cannot take part in its own routine
    dialog.interval.setValue(6)
    dialog.add_contact("Socialjouren", "Telefon via kommunens växel")
    dialog.add_contact("Elevhälsan", "")
    dialog.ok_button.click()
    assert dialog.isVisible() and "needs a role and a way to reach it" in dialog.message.text()
    dialog.contacts.setCurrentCell(1, 0)
    dialog.remove_contact()
    dialog.ok_button.click()
    assert not dialog.isVisible()

    [stored] = routines_repo.list_routines(app.db)
    assert (stored.owner, stored.participants, stored.status, stored.review_interval_months) == (
        "SOC", ("UBF", "POL"), "draft", 6)
    assert stored.contacts == (ContactPath("Socialjouren", "Telefon via kommunens växel"),)
    assert panel.selected().id == stored.id
    assert panel.model.index(0, 1).data() == "Draft"
    assert "Participants: Utbildningsförvaltningen, Polisen" in panel.details.text()

    # version history: each adoption adds a version, earlier ones stay
    for adopted_on, note in ((TODAY - dt.timedelta(days=400), "Första versionen"), (TODAY, "Reviderad")):
        adopt = panel.adopt_version()
        assert adopt.adopted_by.text() == "Socialnämnden"  # the owner's committee
        adopt.adopted_on.setDate(QDate(adopted_on))
        adopt.note.setText(note)
        adopt.ok_button.click()
    versions = [(panel.versions.index(r, 0).data(), panel.versions.index(r, 3).data())
                for r in range(panel.versions.rowCount())]
    assert versions == [("1", "Första versionen"), ("2", "Reviderad")]
    assert panel.model.index(0, 1).data() == "Adopted"
    assert panel.model.index(0, REVIEW).data() == "Up to date"  # adopted today, every 6 months

    # a document: read from a file outside the test folder, kept only inside the database
    marker = secrets.token_hex(16).encode()
    content = b"%PDF-1.4\n% " + marker + b"\n1 0 obj << >> endobj\n%%EOF\n"
    outside = tmp_path_factory.mktemp("outside")
    source = outside / "Rutin samverkan.pdf"
    source.write_bytes(content)
    dialogs.expect(OPEN_FILE, source)
    panel.add_document()
    [attachment] = panel.documents.rows
    assert (attachment.name, attachment.size) == ("Rutin samverkan.pdf", len(content))
    assert panel.documents.index(0, 1).data() == "PDF document"
    assert routines_repo.attachment_bytes(app.db, attachment.id) == content
    assert files_containing(tmp_path, marker) == []

    # a renamed file is refused, and so is a type that cannot be attached
    fake = outside / "rutin.docx"
    fake.write_bytes(b"not a word document")
    text = outside / "rutin.txt"
    text.write_bytes(b"plain text")
    for wrong, message in ((fake, "is not a .docx document"), (text, "Only PDF and Word")):
        dialogs.expect(OPEN_FILE, wrong)
        panel.add_document()
        assert message in dialogs.texts("error")[-1]
    assert len(panel.documents.rows) == 1

    # "Save a copy…" is the only way out, and it is audited
    copy = tmp_path_factory.mktemp("copies") / "kopia.pdf"
    panel.documents_view.selectRow(0)
    dialogs.expect(SAVE_FILE, copy)
    panel.save_copy()
    assert copy.read_bytes() == content
    assert files_containing(tmp_path, marker) == []
    exports = audit.entries(app.db.conn, action="export")
    assert [e.target for e in exports] == [f"attachment:{attachment.id}"]

    # the same routine edited: the form shows what is stored
    edit = panel.edit_routine()
    assert edit.title.text() == stored.title and edit.chosen_participants() == ("UBF", "POL")
    edit.status.setCurrentIndex(edit.status.findData("under_revision"))
    edit.ok_button.click()
    assert panel.model.index(0, 1).data() == "Under revision"
    assert [v.number for v in routines_repo.load_routine(app.db, stored.id).versions] == [1, 2]


def test_review_states_in_words_and_icons_and_filters(app, db_file):
    due_edge = TODAY + dt.timedelta(days=DEFAULT_DUE_WITHIN_DAYS)
    add_routines(
        db_file,
        routine("Försenad", adopted=TODAY - dt.timedelta(days=400)),  # 12 months have passed
        routine("Snart", owner="UBF", participants=("SOC",), planned_review=due_edge),
        routine("I tid", owner="KOF", participants=("SOC",), planned_review=due_edge + dt.timedelta(days=1)),
        routine("Utkast", status="draft", adopted=None),
    )
    _window, panel = open_as(app, db_file)
    states = {r.routine.title: (panel.model.index(i, REVIEW).data(),
                                panel.model.index(i, REVIEW).data(Qt.ItemDataRole.DecorationRole))
              for i, r in enumerate(panel.model.rows)}
    assert {title: text for title, (text, _icon) in states.items()} == {
        "Försenad": "Review overdue", "Snart": "Review due soon", "I tid": "Up to date", "Utkast": ""}
    assert {title for title, (_text, icon) in states.items() if icon is not None} == {"Försenad", "Snart"}
    assert panel.model.index(row_of(panel, "Snart"), 4).data() != ""  # the date is shown too

    def shown() -> set[str]:
        return {r.routine.title for r in panel.model.rows}

    panel.review_filter.setCurrentIndex(panel.review_filter.findData(OVERDUE_OR_DUE))
    assert shown() == {"Försenad", "Snart"}
    panel.review_filter.setCurrentIndex(panel.review_filter.findData(OVERDUE_ONLY))
    assert shown() == {"Försenad"}
    assert panel.count.text() == "1 of 4 routines shown."
    panel.review_filter.setCurrentIndex(0)
    panel.status_filter.setCurrentIndex(panel.status_filter.findData("draft"))
    assert shown() == {"Utkast"}
    panel.status_filter.setCurrentIndex(0)
    panel.owner_filter.setCurrentIndex(panel.owner_filter.findData("UBF"))
    assert shown() == {"Snart"}
    panel.owner_filter.setCurrentIndex(0)
    panel.search.setText("tid")
    assert shown() == {"I tid"}
    panel.search.clear()
    assert len(shown()) == 4

    app.set_language("sv")  # the states and the filters in Swedish, the choices kept
    panel.review_filter.setCurrentIndex(panel.review_filter.findData(OVERDUE_ONLY))
    assert panel.model.index(0, REVIEW).data() == "Översyn försenad"
    assert panel.review_filter.currentText() == "Försenad" and panel.status_filter.itemText(0) == "Alla"


def test_viewer_cannot_change_routines(app, db_file):
    add_routines(db_file, routine("Rutin"))
    _window, panel = open_as(app, db_file, VIEWER)
    assert len(panel.model.rows) == 1
    for button in (panel.new_button, panel.edit_button, panel.adopt_button,
                   panel.add_document_button, panel.remove_document_button):
        assert button.isHidden()
    assert not panel.save_copy_button.isHidden()
    assert panel.new_routine() is None and panel.edit_routine() is None and panel.adopt_version() is None
    # and the store refuses what the window does not offer
    stored = panel.selected()
    with pytest.raises(PermissionDenied):
        routines_repo.save_routine(app.db, routine("Ny rutin"))
    with pytest.raises(PermissionDenied):
        routines_repo.adopt_version(app.db, stored.id, TODAY, "Socialnämnden")
    with pytest.raises(PermissionDenied):
        routines_repo.save_attachment(app.db, stored.id, "a.pdf", "application/pdf", b"%PDF-1.4 x")


def test_editor_changes_only_routines_of_their_administration(app, db_file):
    add_routines(db_file, routine("Socialtjänstens rutin"),
                 routine("Skolans rutin", owner="UBF", participants=("SOC",)))
    _window, panel = open_as(app, db_file, EDITOR)
    panel.select(panel.model.rows[row_of(panel, "Skolans rutin")].routine.id)
    assert not panel.edit_button.isHidden() and not panel.edit_button.isEnabled()
    assert not panel.adopt_button.isEnabled() and not panel.add_document_button.isEnabled()
    assert panel.edit_routine() is None
    other = panel.selected()
    with pytest.raises(PermissionDenied):
        routines_repo.save_routine(app.db, dataclasses.replace(other, title="Ändrad"))
    panel.select(panel.model.rows[row_of(panel, "Socialtjänstens rutin")].routine.id)
    assert panel.edit_button.isEnabled() and panel.adopt_button.isEnabled()


def test_editing_keeps_a_participant_that_became_inactive(app, db_file):
    add_routines(db_file, routine("Rutin", participants=("UBF", "KVJ")))
    with Database.open(db_file, ADMIN, PASSPHRASE) as db:
        shelter = next(p for p in organisation.partners(db) if p.code == "KVJ")
        organisation.save_partner(db, dataclasses.replace(shelter, active=False))
    _window, panel = open_as(app, db_file)
    edit = panel.edit_routine()
    assert edit.chosen_participants() == ("UBF", "KVJ")
    edit.interval.setValue(24)
    edit.ok_button.click()
    saved = routines_repo.load_routine(app.db, panel.selected().id)
    assert (saved.participants, saved.review_interval_months) == (("UBF", "KVJ"), 24)
    # a new routine offers only active partners
    new = panel.new_routine()
    offered = {new.participants.item(i).data(Qt.ItemDataRole.UserRole) for i in range(new.participants.count())}
    assert "KVJ" not in offered and "POL" in offered
    new.reject()


def test_every_routines_model(app, db_file, dialogs, qtmodeltester, tmp_path_factory):
    add_routines(db_file, routine("Rutin A"), routine("Rutin B", owner="UBF", participants=("SOC",)))
    _window, panel = open_as(app, db_file)
    source = tmp_path_factory.mktemp("outside") / "rutin.pdf"
    source.write_bytes(b"%PDF-1.4\n%%EOF\n")
    dialogs.expect(OPEN_FILE, source)
    panel.add_document()
    for model in (panel.model, panel.versions, panel.documents):
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)


def test_overview_figures(app, db_file):
    add_routines(
        db_file,
        routine("Försenad", participants=("UBF",), adopted=TODAY - dt.timedelta(days=400)),
        routine("Snart", owner="KOF", participants=("POL",), planned_review=TODAY + dt.timedelta(days=3)),
        routine("Utkast", owner="AVUX", participants=("SOC",), status="draft", adopted=None),
        routine("Ensam", owner="SBF", participants=()),  # no other party: no cooperation
    )
    window, _panel = open_as(app, db_file)
    overview = window.show_section("overview")
    figures = overview.figure_values()
    assert figures["Routine reviews overdue"] == "1"
    assert figures["Routine reviews due soon"] == "1"
    # SOC, UBF and KOF of the 7 committees' administrations cooperate under a routine in force
    assert figures["Committees with cooperation routines"] == "42.9%"
    overdue = next(card for card in overview.cards if card.figure.label == "Routine reviews overdue")
    assert overdue.figure.attention and "Needs attention" in overdue.accessibleDescription()


def test_routines_section_draws(app, db_file, tmp_path):
    add_routines(db_file, routine("Försenad", adopted=TODAY - dt.timedelta(days=400)), routine("Rutin"))
    window, panel = open_as(app, db_file)
    panel.view.selectRow(0)
    assert_drawn(window, tmp_path / "routines.png")
    panel.tabs.setCurrentIndex(1)
    assert_drawn(panel, tmp_path / "routines-versions.png")


def test_delete_only_a_routine_never_adopted(app, db_file, dialogs):
    add_routines(db_file, routine("Utkast", status="draft", adopted=None), routine("Antagen"))
    _window, panel = open_as(app, db_file, EDITOR)
    assert not panel.delete_button.isHidden()

    # an adopted routine: the store refuses after the question, nothing changes
    panel.select(panel.model.rows[row_of(panel, "Antagen")].routine.id)
    dialogs.expect(QUESTION, True)
    panel.delete_routine()
    assert "cannot be deleted; retire it instead" in dialogs.texts("error")[-1]
    assert {r.title for r in routines_repo.list_routines(app.db)} == {"Utkast", "Antagen"}

    # a draft: asked first; "No" keeps it, "Yes" deletes it
    panel.select(panel.model.rows[row_of(panel, "Utkast")].routine.id)
    dialogs.expect(QUESTION, False)
    panel.delete_routine()
    assert len(routines_repo.list_routines(app.db)) == 2
    dialogs.expect(QUESTION, True)
    panel.delete_routine()
    assert "Utkast" in dialogs.texts("question")[-1]
    assert [r.title for r in routines_repo.list_routines(app.db)] == ["Antagen"]
    assert [r.routine.title for r in panel.model.rows] == ["Antagen"]


def test_viewer_cannot_delete_routines(app, db_file):
    add_routines(db_file, routine("Utkast", status="draft", adopted=None))
    _window, panel = open_as(app, db_file, VIEWER)
    assert panel.delete_button.isHidden()
    panel.delete_routine()  # no question is asked (none is scripted), nothing changes
    assert len(routines_repo.list_routines(app.db)) == 1
    with pytest.raises(PermissionDenied):
        routines_repo.delete_routine(app.db, panel.selected().id)
