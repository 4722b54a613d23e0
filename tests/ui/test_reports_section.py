"""The Reports section on a real database: every registered report is created from the page
through the save dialog and read back from the PDF, the internal annual statistics only for
administrators, the default year, cancelling, the language switch and a screenshot."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QGroupBox

from hrvdesk.io import reports
from hrvdesk.store import audit
from hrvdesk.ui.dialogs import CHOICE, SAVE_FILE
from hrvdesk.ui.sections.reports import ENTRIES
from hrvdesk.ui.yearly_report import ANNUAL_REPORT, INTERNAL_ANNUAL_REPORT, PLAN_REPORT, TRAINING_REPORT
from tests.conftest import ADMIN, PASSPHRASE
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, VIEWER, unlock
from tests.ui.test_screenshots import assert_drawn

LAST_YEAR = dt.date.today().year - 1
EVERYONE = [ANNUAL_REPORT, TRAINING_REPORT, PLAN_REPORT]

#: What each report's PDF says about itself (its title page), and its audit entry.
EXPECTED = {
    ANNUAL_REPORT: ([f"Children taken abroad: annual statistics {LAST_YEAR}",
                     "protected as in the package for the national team"],
                    "annual", {"year": LAST_YEAR, "internal": False}),
    INTERNAL_ANNUAL_REPORT: ([f"INTERNAL, unsuppressed figures – Children taken abroad: annual "
                              f"statistics {LAST_YEAR}", "exact, unsuppressed (internal)"],
                             "annual", {"year": LAST_YEAR, "internal": True}),
    TRAINING_REPORT: ([f"Training coverage {LAST_YEAR}"], "training", {"year": LAST_YEAR}),
    PLAN_REPORT: ([f"Action plan follow-up {LAST_YEAR}"], "plan", {"year": LAST_YEAR}),
}


def open_reports(app, db_file, user: str = ADMIN):
    window = unlock(app, db_file, user, PASSPHRASE if user == ADMIN else OTHER_PASSPHRASE)
    assert window is not None, app.unlock.message.text()
    app.set_language("en")
    return window, window.show_section("reports")


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def create(section, dialogs, report, out, then: int = 2) -> None:
    """Press the report's button, save as ``out`` (None: cancel), then press the message's
    button ``then`` (0 open the report, 1 open its folder, 2 close)."""
    dialogs.expect(SAVE_FILE, out)
    if out is not None:
        dialogs.expect(CHOICE, then)
    section.buttons[report].click()


def test_every_registered_report_has_an_entry():
    assert set(ENTRIES) == set(reports.available())


@pytest.mark.parametrize("user, listed", [
    (ADMIN, [ANNUAL_REPORT, INTERNAL_ANNUAL_REPORT, TRAINING_REPORT, PLAN_REPORT]),
    (EDITOR, EVERYONE),
    (VIEWER, EVERYONE),
])
def test_the_reports_a_role_may_create(app, db_file, user, listed):
    window, section = open_reports(app, db_file, user)
    assert "reports" in window.section_keys()
    assert list(section.buttons) == listed
    titles = [box.title() for box in section.widget.findChildren(QGroupBox)]
    assert titles == [report.title for report in listed]  # English: the message ids
    assert ("Annual statistics on children taken abroad, internal" in titles) == (user == ADMIN)


def test_every_report_is_created_and_audited(app, db_file, dialogs, tmp_path):
    _window, section = open_reports(app, db_file)
    assert section.year.value() == LAST_YEAR  # the last completed year
    for number, report in enumerate(section.buttons, 1):
        out = tmp_path / f"report-{number}.pdf"
        create(section, dialogs, report, out)
        phrases, target, detail = EXPECTED[report]
        text = pdf_text(out.read_bytes())
        for phrase in phrases:
            assert phrase in text
        entry = audit.entries(app.db.conn, action="report")[0]
        assert (entry.target, entry.detail) == (target, detail)
    suggested = [s.text for s in dialogs.shown if s.kind == SAVE_FILE]
    assert [name.rsplit("/", 1)[-1] for name in suggested] == [
        f"children-taken-abroad-{LAST_YEAR}.pdf", f"children-taken-abroad-{LAST_YEAR}-internal.pdf",
        f"training-coverage-{LAST_YEAR}.pdf", f"action-plan-{LAST_YEAR}.pdf"]


def test_a_viewer_creates_the_public_report_of_the_chosen_year(app, db_file, dialogs, tmp_path):
    _window, section = open_reports(app, db_file, VIEWER)
    assert INTERNAL_ANNUAL_REPORT not in section.buttons
    section.year.setValue(LAST_YEAR - 1)
    out = tmp_path / "annual.pdf"
    create(section, dialogs, ANNUAL_REPORT, out)
    text = pdf_text(out.read_bytes())
    assert f"annual statistics {LAST_YEAR - 1}" in text and "INTERNAL" not in text
    entry = audit.entries(app.db.conn, action="report")[0]
    assert (entry.user, entry.detail) == (VIEWER, {"year": LAST_YEAR - 1, "internal": False})


def test_a_report_as_word_says_where_it_is_and_opens_it(app, db_file, dialogs, tmp_path,
                                                        monkeypatch):
    import docx
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    _window, section = open_reports(app, db_file)
    out = tmp_path / "training.docx"
    create(section, dialogs, TRAINING_REPORT, out, then=0)
    document = docx.Document(io.BytesIO(out.read_bytes()))
    assert f"Training coverage {LAST_YEAR}" in document.core_properties.title
    assert dialogs.texts(CHOICE) == [f"The report was saved as {out}."]
    assert opened == [str(out)]
    create(section, dialogs, PLAN_REPORT, tmp_path / "plan", then=1)   # no extension: a PDF
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF-")
    assert opened[-1] == str(tmp_path)


def test_cancelling_the_save_dialog_creates_nothing(app, db_file, dialogs, tmp_path):
    _window, section = open_reports(app, db_file)
    create(section, dialogs, TRAINING_REPORT, None)
    assert not audit.entries(app.db.conn, action="report")
    assert not list(tmp_path.glob("*.pdf"))


def test_language_switch(app, db_file):
    _window, section = open_reports(app, db_file)
    button = section.buttons[PLAN_REPORT]
    assert button.text() == "Create…"
    assert button.accessibleName() == "Create: Action plan report"
    section.year.setValue(LAST_YEAR - 3)
    app.set_language("sv")
    assert button.text() != "Create…" and "Action plan" not in button.accessibleName()
    assert section.year.value() == LAST_YEAR - 3  # input kept


def test_screenshot(app, tmp_path):
    app.start_demo()
    app.window.show_section("reports")
    assert_drawn(app.window, tmp_path / "reports.png")
