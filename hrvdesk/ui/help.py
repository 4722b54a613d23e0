"""Help: a short built-in guide per section (F1) and "About hrvdesk".

The guide is one window with a topic per section the user can see, opened at the current
section, and the keyboard shortcuts as the last topic. "About" shows the versions of
hrvdesk, Python and Qt and the components hrvdesk bundles with their licences, read from
the installed packages' metadata (:func:`components`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable

from PySide6 import __version__ as PYSIDE_VERSION
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QListWidget, QListWidgetItem,
                               QTextBrowser, QVBoxLayout, QWidget)

from hrvdesk import APP_NAME, __version__
from hrvdesk.i18n import N_, _
from hrvdesk.store.connection import engine_versions
from hrvdesk.ui.locking import ClipboardGuard
from hrvdesk.ui.models import Column, RecordTableModel, RecordTableView
from hrvdesk.ui.widgets import Retranslator, heading, message_label

# --- the guide -------------------------------------------------------------------------------

#: Section key -> what the section is for and its key actions (message ids).
GUIDES: dict[str, str] = {
    "overview": N_(
        "The Overview gathers the key figures from every part of hrvdesk your role may use, so "
        "that you see at a glance what needs attention. A figure that needs action says so in "
        "words, for example when the last backup is older than the interval chosen in Settings. "
        "Press F5 to read the figures again, and Ctrl+1 to Ctrl+9 to go straight to a section."),
    "abroad": N_(
        "Children taken abroad is the register of children and young people who have been taken "
        "abroad, or are at risk of it, where honour-related violence or oppression is suspected. "
        "Add a case with Ctrl+N and record every change of status with its date; each time a case "
        "is opened it is written to the audit log. The statistics show the reporting period's "
        "tables with small numbers suppressed, and the package for the national team can only be "
        "exported when the disclosure check has passed. Case records are reduced automatically "
        "when the retention period set in Settings has passed."),
    "training": N_(
        "Training is the log of staff training on honour-related violence, female genital "
        "mutilation and domestic violence; participants are recorded under pseudonyms. Add "
        "trainings and completions, enter each administration's headcount per year, or import "
        "them from a file after checking the preview. The coverage view shows, per "
        "administration, the share of staff trained within the validity period against the "
        "threshold set in Settings, and the training report is produced as a PDF."),
    "routines": N_(
        "Routines lists the administrations' routines for working together against "
        "honour-related violence, with the responsible administration, versions, attached "
        "documents and the date of the next review. Add a new version when a routine changes; "
        "earlier versions are kept. Routines due for review are pointed out so that they can be "
        "followed up."),
    "plan": N_(
        "Action plan follows up the municipality's action plan: its goals, measures and "
        "activities, with their status and comments year by year. The yearly pilot survey to the "
        "administrations is prepared and its answers recorded here. The follow-up report is "
        "produced as a PDF."),
    "reports": N_(
        "Reports gathers the yearly PDF reports on one page: the annual statistics on children "
        "taken abroad as sent to the national team, training coverage and the action plan's "
        "follow-up. Choose the year (the last completed year is suggested), press Create… next "
        "to a report and choose where to save it. Administrators can also create an internal "
        "version of the annual statistics with exact, unsuppressed figures; it must not leave "
        "the municipality. Every report is written in the current language and recorded in the "
        "audit log. The package for the national team is exported under Children taken abroad."),
    "administration": N_(
        "System administration holds the organisation register, the users and their roles, the "
        "audit log, and backup and restore. Only an administrator can add users or give someone "
        "a new passphrase; nobody can recover a lost passphrase. Verify the audit log to check "
        "that no entry has been changed or removed. Make backups regularly: hrvdesk reminds you "
        "when the last one is older than the interval chosen in Settings."),
}
SHORTCUTS_TOPIC = "shortcuts"

#: Section key -> the coordinator's tasks there, step by step: (title, steps), message ids.
TASKS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "abroad": (
        (N_("Register a child"), (
            N_("Press Ctrl+N (New case…) in the Cases tab."),
            N_("Type the personal identity number if you have it: hrvdesk says at once whether the "
               "child is already in the register; the number itself is never stored."),
            N_("Fill in who reported it, the dates, the purposes, the status and the next "
               "follow-up date, then save."),
        )),
        (N_("Follow a child up"), (
            N_("Open the Follow-ups tab: the cases due within 14 days or overdue come first."),
            N_("Open the case, record what was done in its follow-up log, and set the next date."),
        )),
        (N_("Send the package to the national team"), (
            N_("When the reporting period has ended, open Export for the national team and "
               "choose the year."),
            N_("Check the preview: small counts are shown as \"..\", and the check must pass."),
            N_("Save the package; it is kept in the release register and can be written again "
               "byte for byte."),
        )),
    ),
    "training": (
        (N_("Import a training list"), (
            N_("In the Import tab, save a template if you need one, or choose the learning "
               "platform's export (CSV or Excel)."),
            N_("Read the preview: rejected rows name their line and column; nothing is written yet."),
            N_("Press Import: all rows are written, or none."),
        )),
        (N_("See coverage against the target group"), (
            N_("Import HR's headcounts with the target group (and units, if you have them)."),
            N_("In the Coverage tab choose the year and \"All topics the plan requires\" for the "
               "plan's measure."),
        )),
    ),
    "plan": (
        (N_("Run the year's reporting round"), (
            N_("Coordinator: in Reporting round, press Open the round… and set the deadline."),
            N_("Each committee's representative reports status and comment for its activities in "
               "the Follow-up tab, then presses Mark our part ready."),
            N_("Follow the committees' progress in Reporting round; the representatives are "
               "reminded at unlock two weeks before the deadline."),
            N_("Create the report, for the whole plan or for one committee, as PDF or Word."),
        )),
        (N_("Set a measure's target"), (
            N_("In the Measures tab, select the measure and press Set target…."),
            N_("The tab then says whether the target is met, not yet but rising, or off track."),
        )),
        (N_("Propose an activity of your committee"), (
            N_("In the Proposals tab, press Propose an activity…, choose the goal, describe the "
               "activity and say why."),
            N_("Coordinator: you are told at unlock when proposals wait; select one and press "
               "Accept (it joins the plan from the chosen year) or Decline… with a reason."),
        )),
    ),
    "routines": (
        (N_("Record a new version of a routine"), (
            N_("Select the routine and add a version with its adoption date and the document."),
            N_("Set the next review date; routines due for review are pointed out."),
        )),
    ),
    "administration": (
        (N_("Make a backup"), (
            N_("In Backup and restore, press Make a backup… and choose a folder on another disk."),
            N_("Keep the copy and its key file together, locked away."),
        )),
        (N_("Add a user"), (
            N_("In Users, press Add user…, give the name, role and administration."),
            N_("Give the new user the passphrase in person; she changes it at her first unlock."),
        )),
    ),
}


def guide_text(key: str, fallback: str = "") -> str:
    """The translated guide of section ``key`` (``fallback``, a message id, if it has none)."""
    msgid = GUIDES.get(key, fallback)
    return _(msgid) if msgid else ""


@dataclass(frozen=True)
class Topic:
    key: str
    title: str                       # message id
    body: Callable[[], str]          # HTML in the current language


class HelpDialog(QDialog):
    """The guide: topics on the left, the chosen one on the right. Not modal, so that it can
    stay open beside the window; closed with the window when hrvdesk locks."""

    def __init__(self, parent: QWidget | None, topics: list[Topic]):
        super().__init__(parent)
        self.setObjectName("help_dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tr_ = Retranslator()
        self.tr_.bind(self.setWindowTitle, N_("hrvdesk guide"))
        self.topics = topics
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.list = QListWidget()
        self.list.setObjectName("help_topics")
        self.list.setMaximumWidth(240)
        self.tr_.bind(self.list.setAccessibleName, N_("Help topics"))
        self.text = QTextBrowser()
        self.text.setObjectName("help_text")
        self.text.setOpenLinks(False)
        for _topic in topics:
            self.list.addItem(QListWidgetItem())
        row.addWidget(self.list)
        row.addWidget(self.text, 1)
        layout.addLayout(row, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.tr_.bind(buttons.button(QDialogButtonBox.StandardButton.Close).setText, N_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        self.resize(760, 460)
        self.retranslate()

    def show_topic(self, key: str) -> None:
        keys = [t.key for t in self.topics]
        self.list.setCurrentRow(keys.index(key) if key in keys else 0)
        self._show(self.list.currentRow())

    @property
    def current_key(self) -> str:
        return self.topics[self.list.currentRow()].key

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.topics):
            topic = self.topics[row]
            title = _(topic.title)
            self.text.setHtml(f"<h2>{html.escape(title)}</h2>{topic.body()}")
            self.text.setAccessibleName(title)

    def retranslate(self) -> None:
        self.tr_.retranslate()
        for row, topic in enumerate(self.topics):
            self.list.item(row).setText(_(topic.title))
        self._show(self.list.currentRow())


def paragraph_html(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


def guide_html(key: str, fallback: str = "") -> str:
    """A section's guide and its tasks step by step, in the current language."""
    tasks = "".join(
        f"<h3>{html.escape(_(title))}</h3><ol>"
        + "".join(f"<li>{html.escape(_(step))}</li>" for step in steps) + "</ol>"
        for title, steps in TASKS.get(key, ()))
    return paragraph_html(guide_text(key, fallback)) + tasks


def shortcuts_html(lines: list[tuple[str, str]]) -> str:
    """(keys, action) pairs as a two-column table."""
    rows = "".join(f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(text)}</td></tr>"
                   for keys, text in lines)
    return f"<table cellspacing='0' cellpadding='3'>{rows}</table>"


# --- about -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """A bundled component: its name, its installed distribution (None: part of another) and
    the licence to show when the distribution's metadata names none."""

    name: str
    distribution: str | None
    licence: str


COMPONENTS: tuple[Component, ...] = (
    Component("PySide6 (Qt for Python)", "PySide6-Essentials", "LGPLv3"),
    Component("SQLCipher", None, "BSD-style"),
    Component("sqlcipher3", "sqlcipher3", "zlib"),
    Component("ReportLab", "reportlab", "BSD"),
    Component("Babel", "babel", "BSD"),
    Component("keyring", "keyring", "MIT"),
    Component("openpyxl", "openpyxl", "MIT"),
    Component("SciPy", "scipy", "BSD"),
    Component("argon2-cffi", "argon2-cffi", "MIT"),
    Component("cryptography", "cryptography", "Apache-2.0/BSD"),
    Component("platformdirs", "platformdirs", "MIT"),
)


@dataclass(frozen=True)
class ComponentInfo:
    name: str
    version: str
    licence: str


def declared_licence(meta) -> str | None:
    """The licence a distribution declares: its SPDX expression, else its licence
    classifier, else a one-line licence field (some hold the whole licence text)."""
    if meta.get("License-Expression"):
        return meta["License-Expression"]
    for classifier in meta.get_all("Classifier") or ():
        if classifier.startswith("License ::"):
            return classifier.rsplit("::", 1)[-1].strip().removesuffix(" License")
    text = (meta.get("License") or "").strip()
    return text if text and "\n" not in text and len(text) <= 80 else None


def components() -> list[ComponentInfo]:
    """Every bundled component with the installed version and licence."""
    from importlib import metadata  # here: it slows the start of the app

    engine = engine_versions()
    out = []
    for component in COMPONENTS:
        if component.distribution is None:
            out.append(ComponentInfo(component.name, engine.get(component.name, ""), component.licence))
            continue
        try:
            meta = metadata.metadata(component.distribution)
        except metadata.PackageNotFoundError:
            out.append(ComponentInfo(component.name, _("not installed"), component.licence))
            continue
        out.append(ComponentInfo(component.name, meta["Version"], declared_licence(meta) or component.licence))
    return out


def own_licence() -> str:
    from importlib import metadata

    try:
        return declared_licence(metadata.metadata(APP_NAME)) or "EUPL-1.2"
    except metadata.PackageNotFoundError:
        return "EUPL-1.2"


def versions_text() -> str:
    import platform

    engine = engine_versions()
    return _("Python {python}, Qt {qt}, PySide6 {pyside}, SQLite {sqlite}, SQLCipher {sqlcipher}").format(
        python=platform.python_version(), qt=qVersion(), pyside=PYSIDE_VERSION,
        sqlite=engine["SQLite"], sqlcipher=engine["SQLCipher"])


COMPONENT_COLUMNS = (
    Column(N_("Component"), lambda c: c.name),
    Column(N_("Version"), lambda c: c.version),
    Column(N_("Licence"), lambda c: c.licence),
)


class AboutDialog(QDialog):
    """Version, purpose, licence, the versions underneath, and the bundled components."""

    def __init__(self, parent: QWidget | None, clipboard: ClipboardGuard):
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.tr_ = Retranslator()
        self.tr_.bind(self.setWindowTitle, N_("About hrvdesk"))
        layout = QVBoxLayout(self)
        title = heading()
        title.setText(f"hrvdesk {__version__}")
        layout.addWidget(title)
        self.about = message_label()
        self.about.setObjectName("about_text")
        self.tr_.bind(self.about.setText, N_(
            "Coordination of the municipality's work against honour-related violence and "
            "oppression. The data is kept encrypted on this computer only. hrvdesk is free "
            "software under the {licence} licence."), licence=own_licence())
        layout.addWidget(self.about)
        self.versions = message_label()
        self.versions.setObjectName("versions")
        self.versions.setText(versions_text())
        layout.addWidget(self.versions)
        self.model = RecordTableModel(COMPONENT_COLUMNS, components(), self)
        self.table = RecordTableView("", clipboard)
        self.tr_.bind(self.table.setAccessibleName, N_("Bundled components and their licences"))
        self.table.setModel(self.model)  # its columns fit their contents
        layout.addWidget(self.table, 1)
        note = message_label()
        self.tr_.bind(note.setText, N_(
            "Qt and PySide6 are used under the GNU Lesser General Public License version 3: you may "
            "replace them with a version of your own. The licence texts are installed with each "
            "component."))
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.tr_.bind(buttons.button(QDialogButtonBox.StandardButton.Close).setText, N_("Close"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 520)

    def retranslate(self) -> None:
        self.tr_.retranslate()
        self.versions.setText(versions_text())
        self.model.retranslate()

    def licences(self) -> dict[str, str]:
        """component -> licence as listed (for the keyboard help and tests)."""
        return {c.name: c.licence for c in self.model.rows}
