"""Administration from the GUI: users round trip, organisation register, audit viewer
filters, backup and restore with their verification result, and the Overview's figures."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QDate

from hrvdesk.domain.errors import AuthenticationError
from hrvdesk.domain.roles import Role
from hrvdesk.services import audit_log
from hrvdesk.store import organisation, users
from hrvdesk.store.database import Database
from hrvdesk.store.maintenance import BEFORE_RESTORE
from hrvdesk.ui.dialogs import OPEN_FILE, PASSPHRASE as ASK_PASSPHRASE, QUESTION, SAVE_FILE
from hrvdesk.ui.sections.administration import AuditPanel, BackupPanel, OrganisationPanel, UsersPanel
from tests.conftest import ADMIN, PASSPHRASE
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, VIEWER

NEW_USER = "nora"
NEW_PASSPHRASE = "a brand new passphrase for nora"


@pytest.fixture
def admin(app, admin_window):
    app.set_language("en")
    return admin_window


def panel(window, panel_class):
    section = window.show_section("administration")
    return section.show_panel(panel_class)


def names(model) -> list[str]:
    return [row.name for row in model.rows]


def codes(model) -> list[str]:
    return [row.code for row in model.rows]


def test_user_round_trip(app, admin, db_file, dialogs):
    users_panel = panel(admin, UsersPanel)
    assert names(users_panel.model) == [ADMIN, EDITOR, VIEWER]

    dialog = users_panel.add_user()
    dialog.name.setText(NEW_USER)
    dialog.role.setCurrentIndex(dialog.role.findData(Role.EDITOR.value))
    assert dialog.administration.isEnabled()
    dialog.administration.setCurrentIndex(dialog.administration.findData("UBF"))
    dialog.passphrase.first.setText(OTHER_PASSPHRASE)
    dialog.passphrase.second.setText(OTHER_PASSPHRASE)
    dialog.ok_button.click()
    assert names(users_panel.model) == [ADMIN, EDITOR, NEW_USER, VIEWER]
    added = next(u for u in users_panel.model.rows if u.name == NEW_USER)
    assert (added.role, added.administration) == (Role.EDITOR, "UBF")

    # the same name again is refused inline, the dialog stays open
    again = users_panel.add_user()
    again.name.setText(NEW_USER)
    again.passphrase.first.setText(OTHER_PASSPHRASE)
    again.passphrase.second.setText(OTHER_PASSPHRASE)
    again.ok_button.click()
    assert again.isVisible() and "already exists" in again.message.text()
    again.reject()

    users_panel.select(NEW_USER)
    reset = users_panel.reset_passphrase()
    reset.passphrase.first.setText(NEW_PASSPHRASE)
    reset.passphrase.second.setText(NEW_PASSPHRASE)
    reset.ok_button.click()
    with Database.open(db_file, NEW_USER, NEW_PASSPHRASE) as db:
        assert db.session.role is Role.EDITOR and db.session.administration == "UBF"

    users_panel.select(NEW_USER)
    dialogs.expect(QUESTION, True)
    users_panel.remove_user()
    assert NEW_USER not in names(users_panel.model)
    with pytest.raises(AuthenticationError):
        Database.open(db_file, NEW_USER, NEW_PASSPHRASE)


def test_cannot_remove_oneself_and_cancel_keeps_the_user(app, admin, dialogs):
    users_panel = panel(admin, UsersPanel)
    users_panel.select(ADMIN)
    users_panel.remove_user()
    assert "cannot remove yourself" in dialogs.texts("info")[-1]
    users_panel.select(VIEWER)
    dialogs.expect(QUESTION, False)
    users_panel.remove_user()
    assert VIEWER in names(users_panel.model)


def test_organisation_register(app, admin):
    org = panel(admin, OrganisationPanel)
    before = len(org.administrations.rows)
    dialog = org.add_administration()
    dialog.code.setText("hrv")
    dialog.name.setText("Samordningsenheten")
    dialog.kind.setCurrentIndex(dialog.kind.findData("other"))
    dialog.ok_button.click()
    assert len(org.administrations.rows) == before + 1
    assert "HRV" in codes(org.administrations)

    row = codes(org.administrations).index("HRV")
    org.administration_view.selectRow(row)
    edit = org.edit_administration()
    assert edit.code.isReadOnly()
    edit.name.setText("Samordning mot hedersrelaterat våld")
    edit.active.setChecked(False)
    edit.ok_button.click()
    changed = next(a for a in org.administrations.rows if a.code == "HRV")
    assert changed.name == "Samordning mot hedersrelaterat våld" and not changed.active

    partner = org.add_partner()
    partner.code.setText("")
    partner.name.setText("Nobody")
    partner.ok_button.click()
    assert partner.isVisible() and partner.message.text()  # invalid code: said, not saved
    partner.code.setText("BUP")
    partner.kind.setCurrentIndex(partner.kind.findData("region"))
    partner.ok_button.click()
    assert "BUP" in codes(org.partners)
    assert {p.code: p.kind for p in organisation.partners(app.db)}["BUP"] == "region"
    kinds = {org.partners.index(r, 0).data(): org.partners.index(r, 2).data()
             for r in range(org.partners.rowCount())}
    assert kinds["KVJ"] == "Women's shelter" and kinds["BOB"] == "Housing company"  # words, not codes


def test_overview_shows_real_figures(app, admin):
    overview = admin.show_section("overview")
    figures = overview.figure_values()
    assert figures["Users"] == "3"
    assert figures["Administrations"] == str(len(organisation.administrations(app.db)))
    assert figures["Partners"] == str(len(organisation.partners(app.db)))
    assert int(figures["Audit log entries today"]) >= 4  # created, 2 users added, unlocked
    assert figures["Last backup"] == "never"
    # a change elsewhere shows on the Overview the next time it is shown
    org = panel(admin, OrganisationPanel)
    dialog = org.add_partner()
    dialog.code.setText("BUP")
    dialog.name.setText("Barn- och ungdomspsykiatrin")
    dialog.ok_button.click()
    overview = admin.show_section("overview")
    assert overview.figure_values()["Partners"] == str(int(figures["Partners"]) + 1)


def test_overview_for_a_viewer_has_no_administration_figures(app, db_file):
    from tests.ui.conftest import unlock

    window = unlock(app, db_file, VIEWER, OTHER_PASSPHRASE)
    app.set_language("en")
    figures = window.show_section("overview").figure_values()
    assert "Administrations" in figures
    assert "Users" not in figures and "Last backup" not in figures


def test_audit_viewer_filters(app, admin):
    audit_panel = panel(admin, AuditPanel)
    everything = audit_panel.model.rows
    assert {e.action for e in everything} >= {"create_database", "user_add", "unlock"}
    assert [e.seq for e in everything] == sorted((e.seq for e in everything), reverse=True)

    audit_panel.action.setCurrentIndex(audit_panel.action.findData("user_add"))
    shown = audit_panel.model.rows
    assert sorted(e.target for e in shown) == [EDITOR, VIEWER]
    assert "2 entries" in audit_panel.count.text()

    audit_panel.action.setCurrentIndex(0)
    audit_panel.user.setCurrentIndex(audit_panel.user.findData(ADMIN))
    assert audit_panel.model.rows and all(e.user == ADMIN for e in audit_panel.model.rows)

    tomorrow = QDate.currentDate().addDays(1)
    audit_panel.since.setDate(tomorrow)
    audit_panel.use_since.setChecked(True)
    assert audit_panel.model.rows == []
    audit_panel.since.setDate(QDate.currentDate())
    assert len(audit_panel.model.rows) == len([e for e in everything if e.user == ADMIN])
    audit_panel.use_since.setChecked(False)
    audit_panel.until.setDate(QDate.currentDate().addDays(-1))
    audit_panel.use_until.setChecked(True)
    assert audit_panel.model.rows == []

    audit_panel.verify()
    assert "the chain is intact" in audit_panel.verify_result.text()


def test_backup_and_restore_from_the_gui(app, admin, db_file, tmp_path, dialogs, settings):
    backup_panel = panel(admin, BackupPanel)
    assert "No backup" in backup_panel.last.text()
    out = tmp_path / "backups" / "copy.db"
    out.parent.mkdir()

    dialogs.expect(SAVE_FILE, out)
    backup_panel.make_backup()
    assert out.exists()
    assert "was written and verified" in backup_panel.result.text()
    lines = [backup_panel.checks.item(i).text() for i in range(backup_panel.checks.count())]
    assert len(lines) >= 5 and all(line.startswith("OK – ") for line in lines)
    assert "Last backup:" in backup_panel.last.text()
    assert settings.get("backup_folder") == str(out.parent)
    assert backup_panel.progress.isHidden() and backup_panel.backup_button.isEnabled()

    # a change after the backup ...
    org = panel(admin, OrganisationPanel)
    dialog = org.add_partner()
    dialog.code.setText("LATE")
    dialog.name.setText("Added after the backup")
    dialog.ok_button.click()
    assert "LATE" in codes(org.partners)
    old_db = app.db

    # ... is gone after restoring it
    backup_panel = panel(admin, BackupPanel)
    dialogs.expect(OPEN_FILE, out).expect(QUESTION, True).expect(ASK_PASSPHRASE, PASSPHRASE)
    backup_panel.restore()
    assert app.db is not None and app.db is not old_db and app.window is admin
    assert "Restored from copy.db" in backup_panel.result.text()
    lines = [backup_panel.checks.item(i).text() for i in range(backup_panel.checks.count())]
    assert lines and all(line.startswith("OK – ") for line in lines)
    assert (db_file.parent / (db_file.name + BEFORE_RESTORE)).exists()
    assert "LATE" not in [p.code for p in organisation.partners(app.db)]
    org = panel(admin, OrganisationPanel)
    assert "LATE" not in codes(org.partners)
    assert admin.centralWidget().isEnabled()


def test_failed_restore_keeps_the_database_open(app, admin, tmp_path, dialogs):
    backup_panel = panel(admin, BackupPanel)
    out = tmp_path / "copy.db"
    dialogs.expect(SAVE_FILE, out)
    backup_panel.make_backup()
    dialogs.expect(OPEN_FILE, out).expect(QUESTION, True).expect(ASK_PASSPHRASE, "not the passphrase!")
    backup_panel.restore()
    assert "Nothing was changed" in backup_panel.result.text()
    assert app.db is not None and app.window is admin
    assert users.list_users(app.db)  # usable
    assert admin.centralWidget().isEnabled()


def test_backup_cancelled_does_nothing(app, admin, dialogs, tmp_path):
    backup_panel = panel(admin, BackupPanel)
    before = sorted(tmp_path.rglob("*"))
    dialogs.expect(SAVE_FILE, None)
    backup_panel.make_backup()
    assert backup_panel.result.text() == "" and backup_panel.checks.count() == 0
    assert sorted(tmp_path.rglob("*")) == before
    assert audit_log.last_backup(app.db) is None


def test_the_overview_warns_of_backups_older_than_the_retention_period(app, admin_window, tmp_path):
    import os
    import time

    folder = tmp_path / "backups"
    folder.mkdir()
    for name, years in (("gammal.db", 6), ("ny.db", 1)):
        for path in (folder / name, folder / (name + ".keys")):
            path.write_bytes(b"x")
            then = time.time() - years * 366 * 86400
            os.utime(path, (then, then))
    app.settings.put("backup_folder", str(folder))
    figures = {f.label: f for f in admin_window.show_section("administration").figures()}
    warning = figures["Säkerhetskopior äldre än gallringstiden"]
    assert warning.value == "1" and warning.attention and "5" in warning.description


def test_the_audit_viewer_says_targets_and_fields_in_words(app, admin):
    from hrvdesk.domain.training import Headcount
    from hrvdesk.store import training_repo

    training_repo.save_headcount(app.db, Headcount(2025, "UBF", 40, 12))
    audit_panel = panel(admin, AuditPanel)
    audit_panel.refresh()
    row = next(i for i, e in enumerate(audit_panel.model.rows) if e.target == "headcount:2025:UBF")
    assert audit_panel.model.index(row, 4).data() == "Headcount 2025, UBF"
    assert audit_panel.model.index(row, 5).data() == "Headcount, Target group"
