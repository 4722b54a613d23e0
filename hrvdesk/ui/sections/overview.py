"""Overview: figures from every section the user may use, read from the database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from hrvdesk.i18n import N_, _, format_number
from hrvdesk.store import organisation
from hrvdesk.ui.sections import Figure, Section, register
from hrvdesk.ui.widgets import Page, Retranslator

COLUMNS = 3


class FigureCard(QFrame):
    """One figure: label, large value, and a sentence (words say what needs attention)."""

    def __init__(self, figure: Figure, parent: QWidget | None = None):
        super().__init__(parent)
        self.figure = figure
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable with Tab, read by screen readers
        if figure.attention:
            self.setStyleSheet("FigureCard { border: 2px solid #b00020; }")
        layout = QVBoxLayout(self)
        label = QLabel(figure.label)
        label.setWordWrap(True)
        value = QLabel(figure.value)
        font = value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        value.setFont(font)
        layout.addWidget(label)
        layout.addWidget(value)
        sentence = figure.description
        if figure.attention:
            sentence = _("Needs attention: {what}").format(what=sentence) if sentence else _("Needs attention")
        if sentence:
            note = QLabel(sentence)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addStretch(1)
        self.setAccessibleName(f"{figure.label}: {figure.value}")
        self.setAccessibleDescription(sentence)


@register
class OverviewSection(Section):
    key = "overview"
    title = N_("Overview")
    description = N_("Key figures from every part of hrvdesk you may use")
    permission = None
    order = 10

    def create_widget(self) -> QWidget:
        self._tr = Retranslator()
        self._page = Page(self._tr, self.title)
        self._who = QLabel()
        self._who.setWordWrap(True)
        self._page.body.addWidget(self._who)
        cards = QWidget()
        self._grid = QGridLayout(cards)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()  # the cards keep their natural height; the page scrolls
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(cards)
        self._page.body.addWidget(scroll, 1)
        self.cards: list[FigureCard] = []
        return self._page

    def figures(self) -> list[Figure]:
        db = self.ctx.db
        return [
            Figure(_("Administrations"), format_number(len(organisation.administrations(db))),
                   _("active in the organisation register")),
            Figure(_("Partners"), format_number(len(organisation.partners(db))),
                   _("external partners in the register")),
        ]

    def all_figures(self) -> list[Figure]:
        """This section's figures, then those of every other section in navigation order."""
        out = self.figures()
        for section in self.ctx.sections():
            if section is not self:
                out.extend(section.figures())
        return out

    def refresh(self) -> None:
        session = self.ctx.session
        self._who.setText(_("Signed in as {user} ({role}).").format(user=session.user, role=session.role.label))
        for card in self.cards:
            self._grid.removeWidget(card)
            card.hide()  # at once: deleteLater waits for the event loop, and would paint meanwhile
            card.deleteLater()
        self.cards = [FigureCard(f) for f in self.all_figures()]
        for i, card in enumerate(self.cards):
            self._grid.addWidget(card, i // COLUMNS, i % COLUMNS)
        self.stale = False

    def figure_values(self) -> dict[str, str]:
        """label -> value as shown (for tests and the keyboard help)."""
        return {card.figure.label: card.figure.value for card in self.cards}

    def retranslate(self) -> None:
        if self.created:
            self._tr.retranslate()
            self.refresh()
