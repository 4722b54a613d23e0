"""Sections made of tabs, each tab present only when the session has its permission.

A subclass lists its tabs in :attr:`TabbedSection.PANELS` (permission, panel class, title
message id, in the order shown); the section exists when at least one tab does. The tabs
are :class:`~hrvdesk.ui.work_widgets.Panel` s built with the section; a
:class:`TabPanel` has what it saves read again by every tab of its section::

    @register
    class AdministrationSection(TabbedSection):
        key = "administration"
        title = N_("System administration")
        PANELS = ((Permission.MANAGE_USERS, UsersPanel, N_("Users and roles")), ...)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, TypeVar

from PySide6.QtWidgets import QTabWidget, QWidget

from hrvdesk.domain.roles import Permission, Session
from hrvdesk.i18n import _
from hrvdesk.ui.sections import Section, SectionContext
from hrvdesk.ui.widgets import Page, Retranslator
from hrvdesk.ui.work_widgets import Panel, add_tab

P = TypeVar("P", bound=Panel)


class TabbedSection(Section):
    """A page with a heading, an optional introduction, what :meth:`build_top` adds, and
    the tabs of :attr:`PANELS` the session may use."""

    #: (permission, panel class, tab title message id) of every tab, in order.
    PANELS: ClassVar[tuple[tuple[Permission, type[Panel], str], ...]] = ()
    #: Message id of the sentence under the heading ("" for none).
    intro: ClassVar[str] = ""

    def __init__(self, ctx: SectionContext):
        super().__init__(ctx)
        self.panels: dict[type[Panel], Panel] = {}

    @classmethod
    def visible_for(cls, session: Session) -> bool:
        return any(session.can(permission) for permission, _panel, _title in cls.PANELS)

    def create_widget(self) -> QWidget:
        self._tr = Retranslator()
        page = Page(self._tr, self.title, self.intro)
        self.build_top(page)
        self.tabs = QTabWidget()
        self._tr.bind(self.tabs.setAccessibleName, self.title)
        for permission, panel_class, title in self.PANELS:
            if self.ctx.can(permission):
                panel = panel_class(self)
                add_tab(self.tabs, self._tr, title, panel)
                self.panels[panel_class] = panel
        page.body.addWidget(self.tabs, 1)
        return page

    def build_top(self, page: Page) -> None:
        """Add what stands above the tabs to ``page.body`` (nothing by default)."""

    def panel(self, panel_class: type[P]) -> P:
        return self.panels[panel_class]

    def show_panel(self, panel_class: type[P]) -> P:
        """Make the tab of ``panel_class`` current."""
        panel = self.panels[panel_class]
        self.tabs.setCurrentWidget(panel)
        return panel

    def refresh(self) -> None:
        """Read every tab again."""
        for panel in self.panels.values():
            panel.refresh()
        self.stale = False

    def refresh_shown(self, panels: Iterable[Panel]) -> None:
        """Read ``panels`` again; an error is shown (not raised) under the section's name."""
        try:
            for panel in panels:
                panel.refresh()
        except Exception as exc:
            self.ctx.show_error(exc, _("Could not show {section}").format(section=_(self.title)))

    def changed(self, source: Panel | None = None) -> None:
        """Something was saved (in the tab ``source``, which may show it already): the tabs
        read again, then the other sections are told."""
        self.refresh()
        self.ctx.changed(self)

    def retranslate(self) -> None:
        if self.created:
            self._tr.retranslate()
            for panel in self.panels.values():
                panel.retranslate()

    def shutdown(self) -> None:
        """The window closes: drop the tabs (and the data they show)."""
        self.panels = {}
        super().shutdown()


class TabPanel(Panel):
    """A tab of a :class:`TabbedSection` whose changes every tab (this one too) reads again."""

    section: TabbedSection

    def changed(self) -> None:
        self.section.changed()
