"""Help: "About hrvdesk" with versions and licences from the installed packages, and a short
guide per section in Swedish and English (F1 opens it at the current section)."""

from __future__ import annotations

import platform
import re
from email.message import Message
from importlib import metadata

import pytest
import shiboken6
from PySide6.QtCore import qVersion

from hrvdesk import i18n
from hrvdesk.store.connection import engine_versions
from hrvdesk.ui.actions import Act
from hrvdesk.ui.help import (COMPONENTS, GUIDES, SHORTCUTS_TOPIC, AboutDialog, HelpDialog, declared_licence,
                             guide_text)
from hrvdesk.ui.sections import section_classes
from tests.ui.conftest import OTHER_PASSPHRASE, VIEWER, unlock

EXPECTED_LICENCE = {  # what each component's licence must mention
    "PySide6 (Qt for Python)": "LGPL-3.0", "SQLCipher": "BSD", "sqlcipher3": "zlib",
    "ReportLab": "BSD", "Babel": "BSD", "keyring": "MIT", "openpyxl": "MIT", "SciPy": "BSD",
    "argon2-cffi": "MIT", "cryptography": "Apache-2.0", "platformdirs": "MIT",
}


@pytest.fixture
def about(admin_window):
    dialog = admin_window.show_about()
    yield dialog
    if shiboken6.isValid(dialog):
        dialog.close()


def test_about_lists_every_bundled_component_with_its_licence(about, qtmodeltester):
    licences = about.licences()
    assert set(licences) == set(EXPECTED_LICENCE) == {c.name for c in COMPONENTS}
    for name, wanted in EXPECTED_LICENCE.items():
        assert wanted in licences[name], (name, licences[name])
    qtmodeltester.check(about.model)


def test_about_reads_versions_from_the_installed_packages(about):
    versions = {row.name: row.version for row in about.model.rows}
    for component in COMPONENTS:
        if component.distribution:
            assert versions[component.name] == metadata.version(component.distribution)
    assert versions["SQLCipher"] == engine_versions()["SQLCipher"]
    text = about.versions.text()
    assert platform.python_version() in text and qVersion() in text
    assert "hrvdesk 0.1.0" in [label.text() for label in about.findChildren(type(about.versions))]
    assert "EUPL-1.2" in about.about.text() and "fri programvara" in about.about.text()


def test_the_about_action_opens_the_dialog(admin_window):
    admin_window.registry.action(Act.ABOUT).trigger()
    dialog = admin_window.findChild(AboutDialog)
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Om hrvdesk"
    dialog.close()


def test_declared_licence_prefers_the_expression_then_the_classifier():
    def meta(**fields) -> Message:
        message = Message()
        for key, value in fields.items():
            for item in value if isinstance(value, list) else [value]:
                message[key.replace("_", "-")] = item
        return message

    assert declared_licence(meta(License_Expression="MIT", License="Whatever")) == "MIT"
    assert declared_licence(meta(Classifier=["Programming Language :: Python",
                                             "License :: OSI Approved :: BSD License"])) == "BSD"
    assert declared_licence(meta(License="zlib/libpng")) == "zlib/libpng"
    assert declared_licence(meta(License="Copyright (c) …\n\nRedistribution and use …")) is None
    assert declared_licence(meta()) is None


def _sentences(text: str) -> int:
    return len(re.findall(r"[.!?](\s|$)", text))


def test_every_section_has_a_short_guide_in_swedish_and_english():
    keys = {cls.key for cls in section_classes()}
    assert keys <= set(GUIDES), keys - set(GUIDES)
    for key in keys:
        swedish = guide_text(key)
        i18n.set_language("en")
        english = guide_text(key)
        i18n.set_language("sv")
        assert english == GUIDES[key] and swedish != english, key
        assert 2 <= _sentences(swedish) <= 5 and 2 <= _sentences(english) <= 5, key


def test_f1_opens_the_guide_at_the_current_section(app, admin_window):
    action = admin_window.registry.action(Act.GUIDE)
    assert action.shortcut().toString() == "F1"
    admin_window.show_section("administration")
    action.trigger()
    dialog = admin_window.findChild(HelpDialog)
    assert dialog.isVisible() and dialog.current_key == "administration"
    assert dialog.text.toPlainText().startswith("Systemadministration")
    assert guide_text("administration")[:40] in dialog.text.toPlainText()

    admin_window.show_section("overview")
    action.trigger()  # the open guide follows, no second window
    assert [d for d in admin_window.findChildren(HelpDialog) if d.isVisible()] == [dialog]
    assert dialog.current_key == "overview"

    app.set_language("en")  # an open guide follows the language
    assert dialog.windowTitle() == "hrvdesk guide"
    assert dialog.text.toPlainText().startswith("Overview")
    assert GUIDES["overview"][:40] in dialog.text.toPlainText()
    dialog.close()


def test_the_guide_has_the_keyboard_shortcuts_and_only_the_sections_of_the_role(app, db_file):
    window = unlock(app, db_file, VIEWER, OTHER_PASSPHRASE)
    dialog = window.show_guide(SHORTCUTS_TOPIC)
    assert [t.key for t in dialog.topics] == [*window.section_keys(), SHORTCUTS_TOPIC]
    assert "administration" not in window.section_keys()
    text = dialog.text.toPlainText()
    assert "Ctrl+L" in text and "Lås" in text and "F1" in text
    app.lock()
    assert not shiboken6.isValid(dialog) or not dialog.isVisible()  # locking closes the guide too


def test_the_guide_lists_the_coordinators_tasks_step_by_step(app, admin_window):
    app.set_language("sv")
    dialog = admin_window.show_guide("plan")
    text = dialog.text.toPlainText()
    assert "Genomför årets rapporteringsomgång" in text and "Öppna omgången…" in text
    dialog.show_topic("abroad")
    assert dialog.text.toHtml().count("<li") >= 7      # three tasks, numbered steps
    app.set_language("en")
    dialog.show_topic("training")
    assert "Press Import: all rows are written, or none." in dialog.text.toPlainText()
