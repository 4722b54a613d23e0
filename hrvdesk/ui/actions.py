"""One registry of the application's actions: text, standard shortcut, menu.

Menus, shortcuts and the keyboard help are all built from :data:`SPECS`. A handler is
attached with :meth:`ActionRegistry.connect`. Actions in :data:`SECTION_ACTIONS` are routed
to the current section (see :class:`hrvdesk.ui.sections.Section.handles`) and are enabled
only while that section handles them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

from hrvdesk.i18n import N_, _

Key = QKeySequence.StandardKey


class Act(enum.Enum):
    OPEN_DATABASE = "open_database"
    NEW_DATABASE = "new_database"
    CHANGE_PASSPHRASE = "change_passphrase"
    LOCK = "lock"
    QUIT = "quit"
    COPY = "copy"
    NEW_RECORD = "new_record"
    FIND = "find"
    REFRESH = "refresh"
    NEXT_SECTION = "next_section"
    PREVIOUS_SECTION = "previous_section"
    FOCUS_NAVIGATION = "focus_navigation"
    LANGUAGE_SV = "language_sv"
    LANGUAGE_EN = "language_en"
    SETTINGS = "settings"
    GUIDE = "guide"
    SHORTCUTS = "shortcuts"
    ABOUT = "about"


class Menu(enum.Enum):
    FILE = N_("&File")
    EDIT = N_("&Edit")
    VIEW = N_("&View")
    LANGUAGE = N_("&Language")
    HELP = N_("&Help")


@dataclass(frozen=True)
class ActionSpec:
    act: Act
    text: str                                   # message id, with an & mnemonic
    menu: Menu
    shortcut: Key | str | None = None           # a standard key where Qt has one
    fallback: str | None = None                 # used when the platform has no standard key
    tip: str = ""                               # message id: status tip and accessible description
    checkable: bool = False
    separator_before: bool = False


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec(Act.OPEN_DATABASE, N_("&Open database…"), Menu.FILE, Key.Open,
               tip=N_("Lock this database and open another file")),
    ActionSpec(Act.NEW_DATABASE, N_("&New database…"), Menu.FILE, "Ctrl+Shift+N",
               tip=N_("Lock this database and create a new one")),
    ActionSpec(Act.CHANGE_PASSPHRASE, N_("&Change my passphrase…"), Menu.FILE, separator_before=True,
               tip=N_("Choose a new passphrase for your user")),
    ActionSpec(Act.LOCK, N_("&Lock"), Menu.FILE, "Ctrl+L", separator_before=True,
               tip=N_("Close every view of the data and ask for the passphrase again")),
    ActionSpec(Act.QUIT, N_("&Quit"), Menu.FILE, Key.Quit, fallback="Ctrl+Q",
               tip=N_("Close the database and quit hrvdesk")),
    ActionSpec(Act.COPY, N_("&Copy"), Menu.EDIT, Key.Copy,
               tip=N_("Copy the selected rows (marked as confidential for clipboard managers)")),
    ActionSpec(Act.NEW_RECORD, N_("&New record"), Menu.EDIT, Key.New, separator_before=True,
               tip=N_("Add a record in the current section")),
    ActionSpec(Act.FIND, N_("&Find"), Menu.EDIT, Key.Find, tip=N_("Search in the current section")),
    ActionSpec(Act.SETTINGS, N_("&Settings…"), Menu.EDIT, Key.Preferences, fallback="Ctrl+,",
               separator_before=True,
               tip=N_("Language, automatic lock, reporting period, backup reminder and where the data is")),
    ActionSpec(Act.REFRESH, N_("&Refresh"), Menu.VIEW, Key.Refresh, fallback="F5",
               tip=N_("Read the current section again from the database")),
    ActionSpec(Act.NEXT_SECTION, N_("Ne&xt section"), Menu.VIEW, "Ctrl+PgDown", separator_before=True),
    ActionSpec(Act.PREVIOUS_SECTION, N_("&Previous section"), Menu.VIEW, "Ctrl+PgUp"),
    ActionSpec(Act.FOCUS_NAVIGATION, N_("&Go to the section list"), Menu.VIEW, "F6"),
    ActionSpec(Act.LANGUAGE_SV, N_("Svenska"), Menu.LANGUAGE, checkable=True),
    ActionSpec(Act.LANGUAGE_EN, N_("English"), Menu.LANGUAGE, checkable=True),
    ActionSpec(Act.GUIDE, N_("&Guide to this section"), Menu.HELP, Key.HelpContents, fallback="F1",
               tip=N_("What the current section is for and how to use it")),
    ActionSpec(Act.SHORTCUTS, N_("&Keyboard shortcuts"), Menu.HELP),
    ActionSpec(Act.ABOUT, N_("&About hrvdesk"), Menu.HELP),
)

SECTION_ACTIONS = frozenset({Act.NEW_RECORD, Act.FIND})
LANGUAGE_ACTIONS = {"sv": Act.LANGUAGE_SV, "en": Act.LANGUAGE_EN}


def _sequence(spec: ActionSpec) -> QKeySequence | None:
    if spec.shortcut is None:
        return None
    if isinstance(spec.shortcut, str):
        return QKeySequence(spec.shortcut)
    sequence = QKeySequence(spec.shortcut)
    if sequence.isEmpty() and spec.fallback:
        sequence = QKeySequence(spec.fallback)
    return sequence


class ActionRegistry(QObject):
    """The QActions of one window, created from :data:`SPECS`."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self._window = window
        self._actions: dict[Act, QAction] = {}
        self._menus: dict[Menu, QMenu] = {}
        languages = QActionGroup(self)
        languages.setExclusive(True)
        for spec in SPECS:
            action = QAction(window)
            action.setObjectName(f"action_{spec.act.value}")
            sequence = _sequence(spec)
            if sequence is not None:
                action.setShortcut(sequence)
            action.setCheckable(spec.checkable)
            if spec.menu is Menu.LANGUAGE:
                languages.addAction(action)
            window.addAction(action)  # shortcuts work wherever the focus is in the window
            self._actions[spec.act] = action
        self.retranslate()

    def action(self, act: Act) -> QAction:
        return self._actions[act]

    def connect(self, act: Act, handler: Callable[[], None]) -> None:
        self._actions[act].triggered.connect(lambda _checked=False: handler())

    def build_menus(self, menubar: QMenuBar) -> None:
        for menu in Menu:
            qmenu = menubar.addMenu(_(menu.value))
            qmenu.setObjectName(f"menu_{menu.name.lower()}")
            self._menus[menu] = qmenu
        for spec in SPECS:
            qmenu = self._menus[spec.menu]
            if spec.separator_before:
                qmenu.addSeparator()
            qmenu.addAction(self._actions[spec.act])

    def menu(self, menu: Menu) -> QMenu:
        return self._menus[menu]

    def retranslate(self) -> None:
        for spec in SPECS:
            action = self._actions[spec.act]
            action.setText(_(spec.text))
            tip = _(spec.tip) if spec.tip else ""
            action.setStatusTip(tip)
            action.setToolTip(tip or action.text().replace("&", ""))
        for menu, qmenu in self._menus.items():
            qmenu.setTitle(_(menu.value))

    def shortcut_list(self) -> list[tuple[str, str]]:
        """(action text, shortcut in native notation) for the keyboard help."""
        out = []
        for spec in SPECS:
            sequence = self._actions[spec.act].shortcut()
            if not sequence.isEmpty():
                out.append((_(spec.text).replace("&", ""),
                            sequence.toString(QKeySequence.SequenceFormat.NativeText)))
        return out
