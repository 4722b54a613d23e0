"""The page a section shows until its capability is built (replaced module by module)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from hrvdesk.i18n import N_
from hrvdesk.ui.sections import Section
from hrvdesk.ui.widgets import Page, Retranslator


class PlaceholderSection(Section):
    """A section whose content arrives in a later version: a heading and one sentence."""

    def create_widget(self) -> QWidget:
        self._tr = Retranslator()
        return Page(self._tr, self.title, N_("This part of hrvdesk is not available in this version yet."))

    def retranslate(self) -> None:
        if self.created:
            self._tr.retranslate()
