"""Overview: figures from every section the user may use, read from the database.

The figures are counted by the window's task runner, off the GUI thread: some grow with the
data (the year's training coverage is counted afresh after a change, seconds in a database
of ten times the large demo), and the window should be there, usable, meanwhile. Until the
first figures arrive the page says that they are being counted; later refreshes keep the
cards shown until the new ones replace them. A result that a newer refresh overtook, or
that arrives after the window was locked, is dropped.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from hrvdesk.i18n import N_, _, format_number
from hrvdesk.store import organisation
from hrvdesk.ui.sections import Figure, Section, register
from hrvdesk.ui.widgets import Page, Retranslator, error_text

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
        self._counting = QLabel()
        self._counting.setObjectName("counting")
        self._counting.setWordWrap(True)
        self._page.body.addWidget(self._counting)
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
        self._asked = 0  # refreshes asked for; a result is shown only if it is the latest's
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
        self._asked += 1
        asked = self._asked
        if not self.cards:
            self._counting.setText(_("Counting the figures…"))
        self._counting.setVisible(not self.cards)
        self.stale = False
        self.ctx.tasks.submit(self.all_figures, lambda figures: self._show(asked, figures),
                              lambda exc: self._failed(asked, exc))

    def _current(self, asked: int) -> bool:
        """Whether a result of refresh number ``asked`` is still wanted."""
        return asked == self._asked and self.created and self.ctx.host.db is not None

    def _show(self, asked: int, figures: list[Figure]) -> None:
        if not self._current(asked):
            return
        for card in self.cards:
            self._grid.removeWidget(card)
            card.hide()  # at once: deleteLater waits for the event loop, and would paint meanwhile
            card.deleteLater()
        self.cards = [FigureCard(f) for f in figures]
        for i, card in enumerate(self.cards):
            self._grid.addWidget(card, i // COLUMNS, i % COLUMNS)
        self._counting.hide()

    def _failed(self, asked: int, exc: BaseException) -> None:
        if self._current(asked):
            self._counting.setText(error_text(exc))
            self._counting.show()

    def figure_values(self) -> dict[str, str]:
        """label -> value as shown (for tests and the keyboard help)."""
        return {card.figure.label: card.figure.value for card in self.cards}

    def retranslate(self) -> None:
        if self.created:
            self._tr.retranslate()
            self.refresh()
