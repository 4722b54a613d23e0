"""Administration: the organisation register, users and roles, the audit log, backup and restore.

Each tab exists only when the session has its permission; the section exists when at least
one tab does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QProgressBar, QVBoxLayout)

from hrvdesk.domain.codes import ADMINISTRATION_KINDS, PARTNER_KINDS
from hrvdesk.domain.roles import Permission, Role
from hrvdesk.domain.audit_words import fields_text, target_text
from hrvdesk.domain.settings import Key, backup_overdue
from hrvdesk.i18n import N_, _, format_date, format_datetime, format_number
from hrvdesk.services import audit_log
from hrvdesk.store import audit, organisation, settings as db_settings, users
from hrvdesk.store.maintenance import BEFORE_RESTORE, CheckReport, backup, old_backups
from hrvdesk.ui.models import Column, RecordTableModel, RecordTableView
from hrvdesk.ui.sections import Figure, SectionContext, register
from hrvdesk.ui.sections.tabbed import TabbedSection
from hrvdesk.ui.widgets import FormDialog, PassphraseFields, error_text, form_row, message_label, plain
from hrvdesk.ui.work_widgets import Panel, button_row, fill_codes, fill_combo, yes_no

# --- shared -------------------------------------------------------------------------------


def _date_of(iso: str) -> str:
    try:
        return format_date(dt.datetime.fromisoformat(iso).date())
    except ValueError:
        return iso


def _when(iso: str) -> str:
    try:
        return format_datetime(dt.datetime.fromisoformat(iso), "short")
    except ValueError:
        return iso


# --- organisation register -----------------------------------------------------------------


class AdministrationDialog(FormDialog):
    def __init__(self, ctx: SectionContext, existing: organisation.Administration | None):
        super().__init__(ctx.window, ctx.tasks,
                         N_("Edit administration") if existing else N_("Add administration"), N_("&Save"))
        self.ctx = ctx
        self.code = QLineEdit(existing.code if existing else "")
        self.code.setReadOnly(existing is not None)
        self.name = QLineEdit(existing.name if existing else "")
        self.committee = QLineEdit(existing.committee if existing else "")
        self.kind = QComboBox()
        for code in ADMINISTRATION_KINDS.values:
            self.kind.addItem(ADMINISTRATION_KINDS.label(code), code)
        if existing:
            self.kind.setCurrentIndex(self.kind.findData(existing.kind))
        self.active = QCheckBox()
        self.active.setChecked(existing.active if existing else True)
        form_row(self.form, self.tr_, N_("&Code:"), self.code, N_("A short code that never changes, e.g. SOC"))
        form_row(self.form, self.tr_, N_("&Name:"), self.name)
        form_row(self.form, self.tr_, N_("C&ommittee:"), self.committee)
        form_row(self.form, self.tr_, N_("&Kind:"), self.kind)
        form_row(self.form, self.tr_, N_("&Active:"), self.active)

    def work(self):
        adm = organisation.Administration(self.code.text(), self.name.text(), self.committee.text(),
                                          self.kind.currentData(), self.active.isChecked())
        db = self.ctx.db
        return lambda: organisation.save_administration(db, adm)


class PartnerDialog(FormDialog):
    def __init__(self, ctx: SectionContext, existing: organisation.Partner | None):
        super().__init__(ctx.window, ctx.tasks, N_("Edit partner") if existing else N_("Add partner"), N_("&Save"))
        self.ctx = ctx
        self.code = QLineEdit(existing.code if existing else "")
        self.code.setReadOnly(existing is not None)
        self.name = QLineEdit(existing.name if existing else "")
        self.kind = QComboBox()
        self.kind.setObjectName("partner_kind")
        fill_codes(self.kind, PARTNER_KINDS)
        if existing is not None and existing.kind:
            if self.kind.findData(existing.kind) < 0:  # a kind typed before the list existed
                self.kind.addItem(existing.kind, existing.kind)
            self.kind.setCurrentIndex(self.kind.findData(existing.kind))
        self.active = QCheckBox()
        self.active.setChecked(existing.active if existing else True)
        form_row(self.form, self.tr_, N_("&Code:"), self.code, N_("A short code that never changes, e.g. POL"))
        form_row(self.form, self.tr_, N_("&Name:"), self.name)
        form_row(self.form, self.tr_, N_("&Kind:"), self.kind)
        form_row(self.form, self.tr_, N_("&Active:"), self.active)

    def work(self):
        partner = organisation.Partner(self.code.text(), self.name.text(), self.kind.currentData(),
                                       self.active.isChecked())
        db = self.ctx.db
        return lambda: organisation.save_partner(db, partner)


class OrganisationPanel(Panel):
    def __init__(self, section: TabbedSection):
        super().__init__(section)
        self.administrations = RecordTableModel([
            Column(N_("Code"), lambda a: a.code),
            Column(N_("Name"), lambda a: a.name),
            Column(N_("Committee"), lambda a: a.committee),
            Column(N_("Kind"), lambda a: a.kind, ADMINISTRATION_KINDS.label),
            Column(N_("Active"), lambda a: a.active, yes_no),
        ], parent=self)
        self.partners = RecordTableModel([
            Column(N_("Code"), lambda p: p.code),
            Column(N_("Name"), lambda p: p.name),
            Column(N_("Kind"), lambda p: p.kind, PARTNER_KINDS.label),
            Column(N_("Active"), lambda p: p.active, yes_no),
        ], parent=self)
        layout = QVBoxLayout(self)
        self.administration_view = self._group(
            layout, N_("Administrations"), self.administrations, self.edit_administration,
            self.button(N_("&Add administration…"), self.add_administration),
            self.button(N_("Edit a&dministration…"), self.edit_administration))
        self.partner_view = self._group(
            layout, N_("Partners"), self.partners, self.edit_partner,
            self.button(N_("Add &partner…"), self.add_partner),
            self.button(N_("Edit pa&rtner…"), self.edit_partner))

    def _group(self, layout, title: str, model, on_activate, *buttons) -> RecordTableView:
        box = QGroupBox()
        self.tr_.bind(box.setTitle, title)
        inner = QVBoxLayout(box)
        view = self.table(title, model)
        view.activated.connect(lambda _index: on_activate())
        inner.addWidget(view)
        inner.addLayout(button_row(*buttons))
        layout.addWidget(box)
        return view

    def refresh(self) -> None:
        db = self.ctx.db
        self.administrations.set_rows(organisation.administrations(db, include_inactive=True))
        self.partners.set_rows(organisation.partners(db, include_inactive=True))

    def add_administration(self) -> FormDialog:
        return self.open_form(AdministrationDialog(self.ctx, None))

    def edit_administration(self) -> FormDialog | None:
        current = self.administration_view.current_row()
        return self.open_form(AdministrationDialog(self.ctx, current)) if current else None

    def add_partner(self) -> FormDialog:
        return self.open_form(PartnerDialog(self.ctx, None))

    def edit_partner(self) -> FormDialog | None:
        current = self.partner_view.current_row()
        return self.open_form(PartnerDialog(self.ctx, current)) if current else None


# --- users and roles -----------------------------------------------------------------------


class UserDialog(FormDialog):
    """A new user: name, role, administration (editors only) and a first passphrase."""

    def __init__(self, ctx: SectionContext, fixed_role: Role | None = None):
        super().__init__(ctx.window, ctx.tasks,
                         N_("Add an administrator") if fixed_role is Role.ADMIN else N_("Add user"),
                         N_("&Add user"))
        self.ctx = ctx
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.administration = QComboBox()
        for adm in organisation.administrations(ctx.db):
            self.administration.addItem(f"{adm.code} – {adm.name}", adm.code)
        form_row(self.form, self.tr_, N_("User &name:"), self.name,
                 N_("Letters, digits and . _ - @, no spaces"))
        form_row(self.form, self.tr_, N_("&Role:"), self.role)
        form_row(self.form, self.tr_, N_("A&dministration:"), self.administration,
                 N_("Editors work for one administration"))
        self.passphrase = PassphraseFields(self.tr_, self.form)
        if fixed_role is not None:
            self.role.setCurrentIndex(self.role.findData(fixed_role.value))
            self.role.setEnabled(False)
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    @property
    def chosen_role(self) -> Role:
        return Role(self.role.currentData())

    def _role_changed(self) -> None:
        self.administration.setEnabled(self.chosen_role is Role.EDITOR)

    def retranslate(self) -> None:
        super().retranslate()
        for i in range(self.role.count()):
            self.role.setItemText(i, Role(self.role.itemData(i)).label)
        self.passphrase.retranslate()

    def work(self):
        if not self.show_problems(self.passphrase.problems()):
            return None
        role = self.chosen_role
        administration = self.administration.currentData() if role is Role.EDITOR else None
        db, name, secret = self.ctx.db, self.name.text().strip(), self.passphrase.value()
        return lambda: users.add_user(db, name, role, secret, administration)


class ResetPassphraseDialog(FormDialog):
    """A new passphrase for another user (or oneself), e.g. after a forgotten one."""

    def __init__(self, ctx: SectionContext, user: str):
        super().__init__(ctx.window, ctx.tasks, N_("Reset passphrase"), N_("&Set passphrase"))
        self.ctx = ctx
        self.user = user
        who = QLabel(user)
        form_row(self.form, self.tr_, N_("User:"), who)
        self.passphrase = PassphraseFields(self.tr_, self.form)

    def work(self):
        if not self.show_problems(self.passphrase.problems()):
            return None
        db, name, secret = self.ctx.db, self.user, self.passphrase.value()
        return lambda: users.reset_passphrase(db, name, secret)


class UsersPanel(Panel):
    def __init__(self, section: TabbedSection):
        super().__init__(section)
        self.model = RecordTableModel([
            Column(N_("User"), lambda u: u.name),
            Column(N_("Role"), lambda u: u.role, lambda role: role.label),
            Column(N_("Administration"), lambda u: u.administration),
            Column(N_("Created"), lambda u: u.created_at, _date_of),
        ], parent=self)
        layout = QVBoxLayout(self)
        self.view = self.table(N_("Users"), self.model)
        layout.addWidget(self.view)
        layout.addLayout(button_row(
            self.button(N_("&Add user…"), self.add_user),
            self.button(N_("&Reset passphrase…"), self.reset_passphrase,
                        N_("Give the selected user a new passphrase (the old one stops working)")),
            self.button(N_("Re&move user…"), self.remove_user)))

    def refresh(self) -> None:
        self.model.set_rows(users.list_users(self.ctx.db))

    def select(self, name: str) -> None:
        self.view.select_row(lambda user: user.name == name)

    def add_user(self, fixed_role: Role | None = None) -> UserDialog:
        return self.open_form(UserDialog(self.ctx, fixed_role), self._added)

    def _added(self, user: users.User) -> None:
        self.changed()
        self.ctx.status(_("User {name} added.").format(name=user.name))

    def _selected(self) -> users.User | None:
        user = self.view.current_row()
        if user is None:
            self.ctx.dialogs.info(self.ctx.window, _("Users"), _("Select a user in the list first."))
        return user

    def reset_passphrase(self) -> ResetPassphraseDialog | None:
        user = self._selected()
        if user is None:
            return None
        return self.open_form(ResetPassphraseDialog(self.ctx, user.name), lambda _result: (
            self.changed(), self.ctx.status(_("{name} has a new passphrase.").format(name=user.name))))

    def remove_user(self) -> None:
        user = self._selected()
        if user is None:
            return
        if user.name == self.ctx.session.user:
            self.ctx.dialogs.info(self.ctx.window, _("Remove user"), _(
                "You cannot remove yourself while you are signed in. Ask another administrator."))
            return
        if not self.confirmed_change(_("Remove user"), _(
                "Remove {name}? They will no longer be able to open the database.").format(name=user.name),
                lambda: users.remove_user(self.ctx.db, user.name)):
            return
        self.changed()
        self.ctx.status(_("User {name} removed.").format(name=user.name))


# --- audit log -----------------------------------------------------------------------------


class AuditPanel(Panel):
    def __init__(self, section: TabbedSection):
        super().__init__(section)
        self.model = RecordTableModel([
            Column(N_("No."), lambda e: e.seq, align_right=True),
            Column(N_("Time"), lambda e: e.at, _when),
            Column(N_("User"), lambda e: e.user),
            Column(N_("Action"), lambda e: e.action, audit.action_label),
            Column(N_("Target"), lambda e: target_text(e.target)),
            Column(N_("Fields"), lambda e: fields_text(e.fields)),
        ], parent=self)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.user = QComboBox()
        self.action = QComboBox()
        for combo in (self.user, self.action):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.use_since, self.since = QCheckBox(), QDateEdit()
        self.use_until, self.until = QCheckBox(), QDateEdit()
        for check, date, msgid in ((self.use_since, self.since, N_("Fro&m:")),
                                   (self.use_until, self.until, N_("&To:"))):
            date.setCalendarPopup(True)
            date.setDate(QDate.currentDate())
            date.setEnabled(False)
            check.toggled.connect(date.setEnabled)
            check.toggled.connect(lambda _on: self.apply_filters())
            date.dateChanged.connect(lambda _d: self.apply_filters())
            self.tr_.bind(check.setText, msgid)
            self.tr_.bind(lambda text, w=date: w.setAccessibleName(plain(text)), msgid)
        user_label, action_label = QLabel(), QLabel()
        user_label.setBuddy(self.user)
        action_label.setBuddy(self.action)
        self.tr_.bind(user_label.setText, N_("&User:"))
        self.tr_.bind(self.user.setAccessibleName, N_("User"))
        self.tr_.bind(action_label.setText, N_("A&ction:"))
        self.tr_.bind(self.action.setAccessibleName, N_("Action"))
        for widget in (user_label, self.user, action_label, self.action,
                       self.use_since, self.since, self.use_until, self.until):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout.addLayout(filters)
        self.view = self.table(N_("Audit log entries"), self.model)
        layout.addWidget(self.view, 1)
        self.count = QLabel()
        self.verify_result = message_label()
        layout.addWidget(self.count)
        layout.addLayout(button_row(self.button(
            N_("Ve&rify the log"), self.verify,
            N_("Check that no entry has been altered, inserted or removed"))))
        layout.addWidget(self.verify_result)
        self.user.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.action.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self._fill_actions()

    def _fill_actions(self) -> None:
        fill_combo(self.action, [(audit.action_label(code), code)
                                 for code in sorted(audit.ACTIONS, key=audit.action_label)], _("All actions"))

    def _fill_users(self) -> None:
        fill_combo(self.user, [(name, name) for name in audit_log.users(self.ctx.db)], _("All users"))

    def filters(self) -> dict:
        return {"user": self.user.currentData(), "action": self.action.currentData(),
                "since": self.since.date().toPython() if self.use_since.isChecked() else None,
                "until": self.until.date().toPython() if self.use_until.isChecked() else None}

    def refresh(self) -> None:
        self._fill_users()
        self.apply_filters()

    def apply_filters(self) -> None:
        if self.ctx.host.db is None:
            return
        self.model.set_rows(audit_log.entries(self.ctx.db, **self.filters()))
        self._show_count()

    def _show_count(self) -> None:
        n = len(self.model.rows)
        self.count.setText(_("{n} entries shown.").format(n=format_number(n)))

    def verify(self) -> None:
        report = audit_log.verify(self.ctx.db)
        if report.ok:
            self.verify_result.setText(_("Verified: {n} entries, the chain is intact.").format(
                n=format_number(report.entries)))
        else:
            self.verify_result.setText(_("Verification FAILED: {problem}").format(problem=report.problem))

    def retranslate(self) -> None:
        super().retranslate()
        self._fill_actions()
        self.user.setItemText(0, _("All users"))
        self._show_count()


# --- backup and restore --------------------------------------------------------------------


class BackupPanel(Panel):
    def __init__(self, section: TabbedSection):
        super().__init__(section)
        layout = QVBoxLayout(self)
        self.last = QLabel()
        self.last.setWordWrap(True)
        layout.addWidget(self.last)
        self.backup_button = self.button(N_("&Make a backup…"), self.make_backup,
                                         N_("Write an encrypted, verified copy of the database"))
        self.restore_button = self.button(N_("&Restore from a backup…"), self.restore,
                                          N_("Replace the database with a verified backup"))
        self.restore_button.setVisible(self.ctx.can(Permission.RESTORE))
        layout.addLayout(button_row(self.backup_button, self.restore_button))
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the core reports no steps
        self.progress.hide()
        self.tr_.bind(self.progress.setAccessibleName, N_("Progress"))
        self.stage = QLabel()
        layout.addWidget(self.progress)
        layout.addWidget(self.stage)
        self.result = message_label()
        self.result.setObjectName("backup_result")
        layout.addWidget(self.result)
        checks_label = QLabel()
        self.tr_.bind(checks_label.setText, N_("Verification result"))
        layout.addWidget(checks_label)
        self.checks = QListWidget()
        self.tr_.bind(self.checks.setAccessibleName, N_("Verification result"))
        checks_label.setBuddy(self.checks)
        layout.addWidget(self.checks, 1)

    def refresh(self) -> None:
        when = audit_log.last_backup(self.ctx.db)
        self.last.setText(_("Last backup: {when}.").format(when=format_datetime(when, "short")) if when
                          else _("No backup has been made of this database."))

    def _folder(self) -> Path:
        folder = self.ctx.settings.get(Key.BACKUP_FOLDER)
        return Path(folder) if folder and Path(folder).is_dir() else Path.home()

    def _working(self, text: str | None) -> None:
        self.progress.setVisible(text is not None)
        self.stage.setText(text or "")
        self.backup_button.setEnabled(text is None)
        self.restore_button.setEnabled(text is None)
        if text is not None:
            self.result.clear()
            self.checks.clear()

    def make_backup(self) -> None:
        db = self.ctx.db
        suggested = self._folder() / f"{db.path.stem}-{dt.date.today().isoformat()}.db"
        out = self.ctx.dialogs.save_file(self.ctx.window, _("Make a backup"), str(suggested))
        if out is None:
            return
        self._working(_("Writing and verifying the backup…"))
        self.ctx.run(lambda: backup(db, out), lambda report: self._backed_up(out, report), self._failed)

    def _backed_up(self, out: Path, report: CheckReport) -> None:
        self._working(None)
        self.ctx.settings.put(Key.BACKUP_FOLDER, str(out.parent))
        self.result.setText(
            _("The backup {file} was written and verified.").format(file=out.name) if report.ok else
            _("The backup {file} was written but FAILED verification; do not rely on it.").format(file=out.name))
        for item in report.items:
            self._check_line(item.ok, item.name, item.detail)
        self.changed()

    def _check_line(self, ok: bool, name: str, detail: str) -> None:
        """One verification result, said in words (not by colour)."""
        self.checks.addItem(_("{mark} – {check}: {detail}").format(
            mark=_("OK") if ok else _("FAILED"), check=name, detail=detail))

    def _failed(self, exc: BaseException) -> None:
        self._working(None)
        self.result.setText(_("Nothing was changed. {reason}").format(reason=error_text(exc)))

    def restore(self) -> None:
        title = _("Restore from a backup")
        source = self.ctx.dialogs.open_file(self.ctx.window, title, str(self._folder()))
        if source is None:
            return
        name = self.ctx.db.path.name
        if not self.ctx.dialogs.question(self.ctx.window, title, _(
                "{file} will be replaced by the backup {backup}. The current file is kept as {old}. "
                "Continue?").format(file=name, backup=source.name, old=name + BEFORE_RESTORE)):
            return
        secret = self.ctx.dialogs.passphrase(self.ctx.window, title, _(
            "Your passphrase when the backup was made:"))
        if secret is None:
            return
        self._working(_("Verifying and restoring the backup…"))
        self.ctx.host.restore_database(source, secret, lambda _db: self._restored(source), self._failed)

    def _restored(self, source: Path) -> None:
        self._working(None)
        chain = audit_log.verify(self.ctx.db) if self.ctx.can(Permission.VIEW_AUDIT) else None
        name = self.ctx.db.path.name
        self.result.setText(_("Restored from {backup}; the previous file is kept as {old}.").format(
            backup=source.name, old=name + BEFORE_RESTORE))
        self._check_line(True, _("Backup"), _("verified before it was put in place"))
        if chain is not None:
            self._check_line(chain.ok, _("Audit log"), _("{n} entries, chain intact").format(
                n=chain.entries) if chain.ok else chain.problem)
        self.refresh()


# --- the section ---------------------------------------------------------------------------


@register
class AdministrationSection(TabbedSection):
    key = "administration"
    title = N_("System administration")
    description = N_("Organisation register, users, audit log, backup")
    permission = None
    order = 90
    PANELS = (
        (Permission.MANAGE_ORGANISATION, OrganisationPanel, N_("Organisation")),
        (Permission.MANAGE_USERS, UsersPanel, N_("Users and roles")),
        (Permission.VIEW_AUDIT, AuditPanel, N_("Audit log")),
        (Permission.BACKUP, BackupPanel, N_("Backup and restore")),
    )

    def figures(self) -> list[Figure]:
        db, out = self.ctx.db, []
        if self.ctx.can(Permission.MANAGE_USERS):
            out.append(Figure(_("Users"), format_number(users.count_users(db)),
                              _("who can open this database")))
        if self.ctx.can(Permission.VIEW_AUDIT):
            today = dt.date.today()
            out.append(Figure(_("Audit log entries today"),
                              format_number(audit_log.count(db, today, today))))
        if self.ctx.can(Permission.BACKUP):
            out.append(self._backup_figure(audit_log.last_backup(db)))
            folder = self.ctx.settings.get(Key.BACKUP_FOLDER)
            years = db_settings.get(db, Key.RETENTION_YEARS)
            old = old_backups(folder, years, dt.date.today()) if folder else []
            if old:
                out.append(Figure(_("Backups older than the retention period"), format_number(len(old)),
                                  _("in {folder}: retention does not reach backups; destroy them "
                                    "after {years} years as well").format(folder=folder, years=years),
                                  True))
        return out

    def _backup_figure(self, when: dt.datetime | None) -> Figure:
        days = int(self.ctx.settings.get(Key.BACKUP_REMINDER_DAYS))
        if when is None:
            return Figure(_("Last backup"), _("never"), _("Make a backup under Administration."), True)
        old = backup_overdue(when, days)
        return Figure(_("Last backup"), format_datetime(when, "short"),
                      _("older than {n} days; make a backup").format(n=days) if old else "", old)
