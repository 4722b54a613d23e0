"""The main window: navigation between the sections the session may use, menus from the
action registry, the demo banner, and the window title (database file and user)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QMainWindow, QPushButton, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from hrvdesk.domain.roles import Permission
from hrvdesk.domain.settings import Key, backup_overdue
from hrvdesk.i18n import N_, _, current_language, format_datetime, ngettext
from hrvdesk.services import audit_log
from hrvdesk.ui.actions import LANGUAGE_ACTIONS, SECTION_ACTIONS, Act, ActionRegistry, Menu
from hrvdesk.ui.help import (SHORTCUTS_TOPIC, AboutDialog, HelpDialog, Topic, guide_html, paragraph_html,
                             shortcuts_html)
from hrvdesk.ui.icons import icon
from hrvdesk.ui.models import RecordTableView
from hrvdesk.ui.sections import Section, SectionContext, section_classes
from hrvdesk.ui.settings_dialog import SettingsDialog
from hrvdesk.ui.unlock import ChangePassphraseDialog
from hrvdesk.store.inuse import current_time, in_use_sentence
from hrvdesk.ui.widgets import DEMO_COLOURS, IN_USE_COLOURS, Banner, error_text

if TYPE_CHECKING:
    from hrvdesk.ui.app import App

MAX_GOTO_SHORTCUTS = 9


class MainWindow(QMainWindow):
    """One window per unlocked session; closed (and its data dropped) when locking."""

    def __init__(self, app: "App"):
        super().__init__()
        self.app = app
        self.ctx = SectionContext(app, self)
        self._busy = 0
        self.setObjectName("main_window")
        self.registry = ActionRegistry(self)
        self.registry.build_menus(self.menuBar())
        self._connect_actions()

        central = QWidget()
        layout = QVBoxLayout(central)
        self.banner = Banner(*DEMO_COLOURS)
        self.banner.setObjectName("demo_banner")
        self.banner.setVisible(app.demo)
        layout.addWidget(self.banner)
        self.in_use = Banner(*IN_USE_COLOURS)
        self.in_use.setObjectName("in_use_banner")
        self.take_over = QPushButton()
        self.take_over.setObjectName("take_over")
        self.take_over.clicked.connect(self._take_over)
        in_use_row = QHBoxLayout()
        in_use_row.addWidget(self.in_use, 1)
        in_use_row.addWidget(self.take_over)
        layout.addLayout(in_use_row)
        splitter = QSplitter()
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setMaximumWidth(260)
        self.stack = QStackedWidget()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)  # no section may squeeze the navigation away
        layout.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.who = QLabel()
        self.statusBar().addPermanentWidget(self.who)

        session = app.db.session
        self._sections: list[Section] = [cls(self.ctx) for cls in section_classes() if cls.visible_for(session)]
        self._goto: list[QAction] = []
        for number, section in enumerate(self._sections, start=1):
            item = QListWidgetItem(icon(section.icon or section.key), "")
            self.nav.addItem(item)
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(page)
            self._add_goto(section, number)
        self.nav.currentRowChanged.connect(self._show_row)
        self.retranslate()
        self.resize(1100, 720)
        self.show_section(self._sections[0].key)
        self.remind_backup()

    # --- sections ----------------------------------------------------------------------

    def sections(self) -> list[Section]:
        return list(self._sections)

    def section_keys(self) -> list[str]:
        return [s.key for s in self._sections]

    def section(self, key: str) -> Section:
        for section in self._sections:
            if section.key == key:
                return section
        raise KeyError(key)

    @property
    def current_section(self) -> Section:
        return self._sections[self.nav.currentRow()]

    def show_section(self, key: str) -> Section:
        row = self.section_keys().index(key)
        if self.nav.currentRow() == row:
            self._show_row(row)
        else:
            self.nav.setCurrentRow(row)
        return self._sections[row]

    def _show_row(self, row: int) -> None:
        if not 0 <= row < len(self._sections):
            return
        section = self._sections[row]
        page = self.stack.widget(row)
        if not section.created:
            page.layout().addWidget(section.widget)
        self.stack.setCurrentIndex(row)
        if section.stale:
            self.refresh_section(section)
        for act in SECTION_ACTIONS:
            self.registry.action(act).setEnabled(act in section.handles)

    def refresh_section(self, section: Section) -> None:
        try:
            section.refresh()
            section.stale = False
        except Exception as exc:  # shown, never silently swallowed
            self.app.dialogs.error(self, _("Could not show {section}").format(section=_(section.title)),
                                   error_text(exc))

    def mark_changed(self, source: Section | None) -> None:
        for section in self._sections:
            if section is not source:
                section.stale = True
        current = self.current_section
        if current is not source and current.created:
            self.refresh_section(current)

    def database_replaced(self) -> None:
        """A restore put another database in place: read everything again."""
        self.mark_changed(None)
        self._show_title()

    def _step(self, delta: int) -> None:
        count = len(self._sections)
        self.nav.setCurrentRow((self.nav.currentRow() + delta) % count)

    def _add_goto(self, section: Section, number: int) -> None:
        if number > MAX_GOTO_SHORTCUTS:
            return
        action = QAction(self)
        action.setShortcut(QKeySequence(f"Ctrl+{number}"))
        action.triggered.connect(lambda _checked=False, key=section.key: self.show_section(key))
        self.addAction(action)
        if number == 1:
            self.registry.menu(Menu.VIEW).addSeparator()
        self.registry.menu(Menu.VIEW).addAction(action)
        self._goto.append(action)

    # --- actions -----------------------------------------------------------------------

    def _connect_actions(self) -> None:
        app, reg = self.app, self.registry
        reg.connect(Act.OPEN_DATABASE, app.open_other)
        reg.connect(Act.NEW_DATABASE, app.create_new)
        reg.connect(Act.CHANGE_PASSPHRASE, self.change_passphrase)
        reg.connect(Act.LOCK, lambda: app.lock("manual"))
        reg.connect(Act.QUIT, app.quit)
        reg.connect(Act.COPY, self.copy)
        reg.connect(Act.REFRESH, lambda: self.refresh_section(self.current_section))
        reg.connect(Act.NEXT_SECTION, lambda: self._step(1))
        reg.connect(Act.PREVIOUS_SECTION, lambda: self._step(-1))
        reg.connect(Act.FOCUS_NAVIGATION, lambda: self.nav.setFocus(Qt.FocusReason.ShortcutFocusReason))
        for act in SECTION_ACTIONS:
            reg.connect(act, lambda a=act: self.current_section.trigger(a))
        for lang, act in LANGUAGE_ACTIONS.items():
            reg.connect(act, lambda code=lang: app.set_language(code))
        reg.connect(Act.SETTINGS, self.show_settings)
        reg.connect(Act.GUIDE, self.show_guide)
        reg.connect(Act.SHORTCUTS, self.show_shortcuts)
        reg.connect(Act.ABOUT, self.show_about)

    def copy(self) -> None:
        widget = QApplication.focusWidget()
        if isinstance(widget, RecordTableView):
            widget.copy_selection()
        elif isinstance(widget, QLineEdit) and widget.echoMode() == QLineEdit.EchoMode.Normal:
            if widget.hasSelectedText():
                self.app.clipboard.copy(widget.selectedText())

    def change_passphrase(self) -> ChangePassphraseDialog:
        dialog = ChangePassphraseDialog(self, self.app.tasks, self.app.db)
        dialog.completed.connect(lambda _r: self.status(_("Your passphrase has been changed.")))
        dialog.open()
        return dialog

    def shortcut_lines(self) -> list[tuple[str, str]]:
        """(keys in native notation, action) for every shortcut of the window."""
        lines = [(keys, text) for text, keys in self.registry.shortcut_list()]
        lines += [(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text()) for a in self._goto]
        return lines

    def show_shortcuts(self) -> None:
        self.app.dialogs.info(self, _("Keyboard shortcuts"),
                              "\n".join(f"{keys}\t{text}" for keys, text in self.shortcut_lines()))

    def show_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self, self.app)
        dialog.completed.connect(lambda _keys: self.mark_changed(None))  # periods, thresholds …
        dialog.open()
        return dialog

    def _help_topics(self) -> list[Topic]:
        topics = [Topic(s.key, s.title, lambda s=s: guide_html(s.key, s.description))
                  for s in self._sections]
        topics.append(Topic(SHORTCUTS_TOPIC, N_("Keyboard shortcuts"), lambda: paragraph_html(_(
            "Every action can be reached from the keyboard. Alt with the underlined letter opens a "
            "menu; Tab moves between the fields of a window.")) + shortcuts_html(self.shortcut_lines())))
        return topics

    def show_guide(self, key: str | None = None) -> HelpDialog:
        """The guide, at ``key`` (default: the current section); one window, reused."""
        dialog = next((d for d in self.findChildren(HelpDialog) if d.isVisible()), None)
        if dialog is None:
            dialog = HelpDialog(self, self._help_topics())
        dialog.show_topic(key or self.current_section.key)
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def show_about(self) -> AboutDialog:
        dialog = AboutDialog(self, self.app.clipboard)
        dialog.open()
        return dialog

    def remind_backup(self) -> str | None:
        """At unlock, a reminder in the status bar when a backup is due (the Overview's
        "Last backup" figure says it too); the sentence, or None."""
        if not self.ctx.can(Permission.BACKUP):
            return None
        days = int(self.app.settings.get(Key.BACKUP_REMINDER_DAYS))
        last = audit_log.last_backup(self.app.db)
        if not backup_overdue(last, days):
            return None
        text = _("No backup has been made of this database. Make one under System administration.") \
            if last is None else ngettext(
                "The last backup is older than {n} day. Make one under System administration.",
                "The last backup is older than {n} days. Make one under System administration.", days).format(n=days)
        self.status(text)
        return text

    # --- window services ---------------------------------------------------------------

    def status(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def set_busy(self, busy: bool) -> None:
        """While a task uses the database, the data views and section actions are disabled."""
        self._busy = self._busy + 1 if busy else max(0, self._busy - 1)
        idle = self._busy == 0
        self.centralWidget().setEnabled(idle)
        for act in (Act.REFRESH, Act.CHANGE_PASSPHRASE, *SECTION_ACTIONS):
            handled = act not in SECTION_ACTIONS or (self._sections and act in self.current_section.handles)
            self.registry.action(act).setEnabled(idle and bool(handled))
        if busy:
            QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
            self.status(_("Working…"))
        else:
            QApplication.restoreOverrideCursor()
            self.statusBar().clearMessage()

    @property
    def busy(self) -> bool:
        return self._busy > 0

    # --- language and title ------------------------------------------------------------

    def _show_title(self) -> None:
        db = self.app.db
        if db is None:
            return
        values = {"file": db.path.name, "user": db.user}
        self.setWindowTitle(_("DEMO – {file} – {user} – hrvdesk").format(**values) if self.app.demo
                            else _("{file} – {user} – hrvdesk").format(**values))
        self.who.setText(_("{user} ({role})").format(user=db.user, role=db.session.role.label))
        self.who.setAccessibleName(_("Signed in as {user} ({role})").format(user=db.user, role=db.session.role.label))

    def retranslate(self) -> None:
        self.registry.retranslate()
        self.registry.action(LANGUAGE_ACTIONS[current_language()]).setChecked(True)
        self.nav.setAccessibleName(_("Sections"))
        self.nav.setAccessibleDescription(_("Choose a part of hrvdesk; Ctrl+1 to Ctrl+9 go there directly"))
        for row, section in enumerate(self._sections):
            item = self.nav.item(row)
            item.setText(_(section.title))
            item.setToolTip(_(section.description) if section.description else "")
            self.stack.widget(row).setAccessibleName(_(section.title))
        widest = max((self.nav.fontMetrics().horizontalAdvance(_(section.title))
                      for section in self._sections), default=0)
        self.nav.setMinimumWidth(min(260, widest + self.nav.iconSize().width() + 40))
        for action, section in zip(self._goto, self._sections):
            action.setText(_("Go to {section}").format(section=_(section.title)))
        self.banner.setText(_("DEMO – all data here is fictitious and is deleted when you close hrvdesk."))
        self.show_in_use()
        self._show_title()
        for section in self._sections:
            section.retranslate()
        for dialog in (*self.findChildren(HelpDialog), *self.findChildren(AboutDialog)):
            dialog.retranslate()

    # --- someone else writes --------------------------------------------------------

    def show_in_use(self) -> None:
        """While someone else writes: who and since when, that changes are not possible, and
        for an administrator, once that writer has gone silent, the way to take over."""
        db = self.app.db
        lease = db.in_use_by() if db is not None else None
        reason = db.writing.reason if db is not None and db.read_only else None
        self.in_use.setVisible(lease is not None or reason is not None)
        silent = lease is not None and db.session.is_admin and lease.stale(current_time())
        self.take_over.setVisible(silent)
        if lease is None:
            if reason:
                self.in_use.setText(reason)
            return
        text = in_use_sentence(lease) + " " + _("Changes are not possible until then.")
        if silent:
            text += " " + _("Its workstation has not been heard from since {time}: if hrvdesk "
                            "crashed there, you may take over.").format(
                time=format_datetime(dt.datetime.fromisoformat(lease.heartbeat)))
        self.in_use.setText(text)
        self.take_over.setText(_("&Take over"))

    def _take_over(self) -> None:
        if self.app.db.become_writer(take_over=True):
            self.statusBar().showMessage(_("You now write in this database."))
        self.show_in_use()

    # --- closing -----------------------------------------------------------------------

    def shutdown(self) -> None:
        """Drop every section's widgets and data (locking or quitting)."""
        for section in self._sections:
            section.shutdown()
        self._sections = []
        while self._busy:
            self.set_busy(False)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        event.ignore()
        self.app.quit()
