"""The school holidays of the settings dialog: one school year at a time, the Swedish defaults
shown where the municipality has entered nothing (:mod:`hrvdesk.store.holidays_repo`).

The national table ``by_departure_timing`` places each departure in the summer holiday,
another holiday or term by these dates. An administrator corrects the dates of a school year
(or goes back to the defaults); everyone else sees them read-only.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QGroupBox, QHBoxLayout, QPushButton, QWidget

from hrvdesk.domain.school_holidays import KINDS, Holiday, SchoolYear, holiday_title
from hrvdesk.i18n import N_, _
from hrvdesk.store import holidays_repo
from hrvdesk.ui.widgets import Retranslator, form_row, group_form, message_label

DATE_FORMAT = "yyyy-MM-dd"


class SchoolHolidaysBox(QGroupBox):
    """Year chooser, the first and last day of each holiday, and whether they are the defaults."""

    def __init__(self, db, tr: Retranslator, editable: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("school_holidays")
        self.db, self.tr_ = db, tr
        tr.bind(self.setTitle, N_("School holidays (for the departure table)"))
        form = group_form(self)
        this_year = dt.date.today().year
        self.year = QComboBox()
        for start in range(this_year - 3, this_year + 2):
            self.year.addItem(f"{start}/{(start + 1) % 100:02d}", start)
        self.year.setCurrentIndex(self.year.findData(this_year if dt.date.today().month >= 7
                                                     else this_year - 1))
        form_row(form, tr, N_("School &year:"), self.year)
        self.days: dict[str, tuple[QDateEdit, QDateEdit]] = {}
        for kind in KINDS:
            first, last = QDateEdit(), QDateEdit()
            row = QHBoxLayout()
            for date in (first, last):
                date.setCalendarPopup(True)
                date.setDisplayFormat(DATE_FORMAT)
                date.setReadOnly(not editable)
                row.addWidget(date)
            holder = QWidget()
            holder.setLayout(row)
            row.setContentsMargins(0, 0, 0, 0)
            self.days[kind] = (first, last)
            form_row(form, tr, holiday_title(kind) + ":", holder)
            tr.bind(first.setAccessibleName, N_("First day"))
            tr.bind(last.setAccessibleName, N_("Last day"))
        self.state = message_label()
        self.state.setObjectName("school_holidays_state")
        form.addRow(self.state)
        self.defaults = QPushButton()
        tr.bind(self.defaults.setText, N_("Use the &Swedish defaults for this year"))
        self.defaults.setEnabled(editable)
        self.defaults.clicked.connect(self.use_defaults)
        form.addRow(self.defaults)
        self.shown: SchoolYear | None = None
        self._reset = False
        self.year.currentIndexChanged.connect(lambda _i: self.load())
        self.load()

    def load(self) -> None:
        self.shown = holidays_repo.school_year(self.db, self.year.currentData())
        self._reset = False
        self._show(self.shown)

    def _show(self, year: SchoolYear) -> None:
        for holiday in year.holidays:
            first, last = self.days[holiday.kind]
            first.setDate(QDate(holiday.start))
            last.setDate(QDate(holiday.end))
        self.state.setText(_("These are the Swedish defaults; correct them to the municipality's "
                             "own dates.") if year.default else
                           _("The municipality's own dates."))

    def use_defaults(self) -> None:
        from hrvdesk.domain.school_holidays import default_school_year

        self._reset = True
        self._show(default_school_year(self.year.currentData()))

    def edited(self) -> SchoolYear:
        """The school year as shown now."""
        return SchoolYear(self.year.currentData(), tuple(
            Holiday(kind, first.date().toPython(), last.date().toPython())
            for kind, (first, last) in self.days.items()))

    def change(self):
        """What saving must do for the shown school year (None: nothing changed)."""
        shown, edited = self.shown, self.edited()
        if self._reset and not shown.default:
            return lambda: holidays_repo.reset_school_year(self.db, edited.start_year)
        if edited.holidays != shown.holidays and not self._reset:
            return lambda: holidays_repo.set_school_year(self.db, edited)
        return None
