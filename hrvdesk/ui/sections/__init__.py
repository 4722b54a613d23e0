"""Sections of the main window, and how a new one plugs in.

A section is a subclass of :class:`Section` decorated with :func:`register`, in any module
of this package (every module here is imported by :func:`section_classes`)::

    from hrvdesk.domain.roles import Permission
    from hrvdesk.i18n import N_
    from hrvdesk.ui.sections import Figure, Section, register

    @register
    class TrainingSection(Section):
        key = "training"                       # stable id
        title = N_("Training")                 # message id; translated when shown
        permission = Permission.VIEW_WORK      # absent from the window without it
        order = 30                             # position in the navigation list

        def create_widget(self) -> QWidget:    # called once, when first shown
            ...
        def refresh(self) -> None:             # read the database again (ctx.db)
            ...
        def retranslate(self) -> None:         # the language changed; keep the input
            ...
        def figures(self) -> list[Figure]:     # shown on the Overview
            return [Figure(_("Trainings this year"), format_number(n))]

The window gives every section a :class:`SectionContext` (``self.ctx``): the open
database and session, the task runner for slow work, the dialogs, the clipboard guard,
workstation settings and a few window services.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Protocol

from PySide6.QtWidgets import QWidget

from hrvdesk.domain.roles import Permission, Session
from hrvdesk.i18n import _
from hrvdesk.ui.actions import Act
from hrvdesk.ui.widgets import error_text

if TYPE_CHECKING:
    from hrvdesk.store.database import Database
    from hrvdesk.ui.dialogs import Dialogs
    from hrvdesk.ui.locking import ClipboardGuard
    from hrvdesk.ui.settings_store import WorkstationSettings
    from hrvdesk.ui.tasks import TaskRunner


@dataclass(frozen=True)
class Figure:
    """One figure on the Overview: a label, its value (both translated and formatted) and
    an optional sentence; ``attention`` marks something to act on (also said in words)."""

    label: str
    value: str
    description: str = ""
    attention: bool = False


class Host(Protocol):
    """What the application gives the sections (implemented by :class:`hrvdesk.ui.app.App`)."""

    db: "Database | None"
    settings: "WorkstationSettings"
    tasks: "TaskRunner"
    dialogs: "Dialogs"
    clipboard: "ClipboardGuard"
    demo: bool

    def restore_database(self, source: Path, passphrase: str,
                         on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> None: ...


class Window(Protocol):
    """What the main window (a QWidget) gives the sections (:class:`hrvdesk.ui.mainwindow.MainWindow`)."""

    def status(self, text: str) -> None: ...
    def set_busy(self, busy: bool) -> None: ...
    def mark_changed(self, source: "Section | None") -> None: ...
    def sections(self) -> list["Section"]: ...


class SectionContext:
    """Everything a section works with. ``ctx.db`` is always the database open now."""

    def __init__(self, host: Host, window: "Window"):
        self.host = host
        self.window = window  # the main window (a QWidget): the parent for dialogs

    @property
    def db(self) -> "Database":
        if self.host.db is None:
            raise RuntimeError("the database is locked")
        return self.host.db

    @property
    def session(self) -> Session:
        return self.db.session

    @property
    def settings(self) -> "WorkstationSettings":
        return self.host.settings

    @property
    def tasks(self) -> "TaskRunner":
        return self.host.tasks

    @property
    def dialogs(self) -> "Dialogs":
        return self.host.dialogs

    @property
    def clipboard(self) -> "ClipboardGuard":
        return self.host.clipboard

    @property
    def demo(self) -> bool:
        return self.host.demo

    def can(self, permission: Permission, administration: str | None = None) -> bool:
        return self.host.db is not None and self.session.can(permission, administration)

    def sections(self) -> list["Section"]:
        return self.window.sections()

    def status(self, text: str) -> None:
        self.window.status(text)

    def changed(self, source: "Section | None" = None) -> None:
        """The data changed: other sections (and the Overview) read it again when shown."""
        self.window.mark_changed(source)

    def show_error(self, exc: BaseException, title: str | None = None) -> None:
        self.dialogs.error(self.window, title or _("Not done"), error_text(exc))

    def run(self, job: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run ``job`` off the GUI thread with the window busy (data views disabled); then
        ``on_done(result)`` or ``on_error(exc)`` (default: an error message) on the GUI thread."""
        self.window.set_busy(True)

        def done(result) -> None:
            self.window.set_busy(False)
            on_done(result)

        def failed(exc: BaseException) -> None:
            self.window.set_busy(False)
            (on_error or self.show_error)(exc)

        self.tasks.submit(job, done, failed)


class Section:
    """Base of every section. Subclasses set the class attributes and implement
    :meth:`create_widget`; the rest is optional."""

    key: ClassVar[str] = ""
    title: ClassVar[str] = ""              # message id (N_)
    description: ClassVar[str] = ""        # message id: tooltip and accessible description
    icon: ClassVar[str] = ""               # resources/icons/NAME.svg; "" for the key's own
    permission: ClassVar[Permission | None] = None
    order: ClassVar[int] = 100
    handles: ClassVar[frozenset[Act]] = frozenset()  # section actions (New record, Find)

    def __init__(self, ctx: SectionContext):
        self.ctx = ctx
        self.stale = True
        self._widget: QWidget | None = None

    @classmethod
    def visible_for(cls, session: Session) -> bool:
        """Whether the section exists at all for this session (absent, not disabled)."""
        return cls.permission is None or session.can(cls.permission)

    @property
    def widget(self) -> QWidget:
        if self._widget is None:
            self._widget = self.create_widget()
            self._widget.setObjectName(f"section_{self.key}")
        return self._widget

    @property
    def created(self) -> bool:
        return self._widget is not None

    def create_widget(self) -> QWidget:
        """The widget factory: build the section's widget (once)."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Read what the section shows from ``self.ctx.db`` again."""

    def retranslate(self) -> None:
        """Show every text in the current language without losing input."""

    def figures(self) -> list[Figure]:
        """Figures for the Overview (only sections the session may use are asked)."""
        return []

    def trigger(self, act: Act) -> None:
        """One of :attr:`handles` was triggered while this section is current."""

    def shutdown(self) -> None:
        """The window closes (lock, quit): drop references to data."""
        self._widget = None


_REGISTRY: dict[str, type[Section]] = {}


def register(cls: type[Section]) -> type[Section]:
    """Class decorator: make ``cls`` a section of the main window."""
    if not cls.key or not cls.title:
        raise TypeError(f"{cls.__name__} needs a key and a title")
    _REGISTRY[cls.key] = cls
    return cls


def section_classes() -> list[type[Section]]:
    """Every registered section, in navigation order (importing all modules here first)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return sorted(_REGISTRY.values(), key=lambda cls: (cls.order, cls.key))
