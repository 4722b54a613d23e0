"""Sections by role (absent, not disabled), keyboard navigation, menus from the action
registry, and accessible names on every control."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QComboBox, QLineEdit,
                               QWidget)

from hrvdesk.ui.actions import SPECS, Act, Menu
from hrvdesk.ui.sections.administration import AdministrationSection, UsersPanel
from tests.conftest import ADMIN
from tests.ui.conftest import EDITOR, OTHER_PASSPHRASE, VIEWER, unlock

EVERYONE = ["overview", "abroad", "training", "routines", "plan", "reports"]


@pytest.mark.parametrize("user, expected", [
    (ADMIN, EVERYONE + ["administration"]),
    (EDITOR, EVERYONE),
    (VIEWER, EVERYONE),
])
def test_sections_follow_the_role(app, db_file, user, expected):
    from tests.conftest import PASSPHRASE

    window = unlock(app, db_file, user, PASSPHRASE if user == ADMIN else OTHER_PASSPHRASE)
    assert window is not None
    assert window.section_keys() == expected
    assert window.nav.count() == len(expected)
    if "administration" not in expected:
        # absent, not disabled: no such section object or widget anywhere
        assert not any(isinstance(s, AdministrationSection) for s in window.sections())
        assert window.findChild(QWidget, "section_administration") is None
        assert window.findChild(UsersPanel) is None


def test_keyboard_moves_between_sections(app, admin_window, qtbot):
    window = admin_window
    window.activateWindow()
    window.nav.setFocus()
    assert window.current_section.key == "overview"
    qtbot.keyClick(window.nav, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section.key == "abroad"
    qtbot.keyClick(window.nav, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.nav, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section.key == "administration"  # wraps around
    qtbot.keyClick(window.nav, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_section.key == "training"
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)  # the list itself is keyboard operable
    assert window.current_section.key == "routines"


def test_menus_are_built_from_the_registry(admin_window):
    registry = admin_window.registry
    for spec in SPECS:
        action = registry.action(spec.act)
        assert action in registry.menu(spec.menu).actions()
        assert action.text()
    assert registry.action(Act.LOCK).shortcut().toString() == "Ctrl+L"
    assert not registry.action(Act.COPY).shortcut().isEmpty()
    titles = [a.text() for a in admin_window.menuBar().actions()]
    assert len(titles) == len(Menu) and all(titles)


def test_keyboard_help_lists_the_registry_shortcuts(app, admin_window, dialogs):
    admin_window.registry.action(Act.SHORTCUTS).trigger()
    text = dialogs.texts("info")[-1]
    assert "Ctrl+L\tLås" in text and "Ctrl+1\tGå till Översikt" in text


def _controls(root: QWidget) -> list[QWidget]:
    kinds = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QAbstractSpinBox)
    return [w for w in root.findChildren(QWidget) if isinstance(w, kinds) and w.isVisibleTo(root)
            and w.focusPolicy() != Qt.FocusPolicy.NoFocus and not isinstance(w.parent(), QAbstractSpinBox)
            and w.objectName() != "qt_calendar_popup"]


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in _controls(root):
        iface = QAccessible.queryAccessibleInterface(widget)
        if not iface.text(QAccessible.Text.Name).strip():
            missing.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return missing


def test_every_control_has_an_accessible_name(app, admin_window):
    window = admin_window
    for key in window.section_keys():
        section = window.show_section(key)
        if isinstance(section, AdministrationSection):
            for panel in section.panels.values():
                section.tabs.setCurrentWidget(panel)
                assert not _unnamed(panel), (key, type(panel).__name__, _unnamed(panel))
        assert not _unnamed(section.widget), (key, _unnamed(section.widget))
    assert not _unnamed(window.nav.parentWidget())
    dialog = window.section("administration").panel(UsersPanel).add_user()
    assert not _unnamed(dialog), _unnamed(dialog)
    dialog.reject()
    app.lock()
    assert not _unnamed(app.unlock), _unnamed(app.unlock)
    create = app.show_create()
    assert not _unnamed(create), _unnamed(create)
    create.reject()


def _tab_order(start: QWidget) -> list[QWidget]:
    """The widgets Tab visits from ``start``, in order (the focus chain, as Qt walks it)."""
    order, widget = [start], start.nextInFocusChain()
    while widget is not start and len(order) < 200:
        if (widget.focusPolicy() & Qt.FocusPolicy.TabFocus) and widget.isVisibleTo(start.window()) \
                and widget.isEnabled():
            order.append(widget)
        widget = widget.nextInFocusChain()
    return order


def test_tab_order_of_the_unlock_dialog(app, db_file, qtbot):
    app.start(db_file)
    dialog = app.unlock
    qtbot.waitUntil(dialog.remember.isEnabled)  # "remember" is usable once the key store was asked
    order = _tab_order(dialog.user)
    expected = [dialog.user, dialog.passphrase, dialog.remember, dialog.unlock_button, dialog.open_button,
                dialog.create_button, dialog.language, dialog.quit_button]
    assert [w for w in order if w in expected] == expected


def test_no_section_squeezes_the_navigation_at_the_default_size(admin_window):
    from PySide6.QtWidgets import QApplication

    admin_window.resize(1100, 720)
    admin_window.show()
    widths = {}
    for row in range(admin_window.nav.count()):
        admin_window.nav.setCurrentRow(row)
        QApplication.processEvents()
        widths[admin_window.nav.item(row).text()] = admin_window.nav.width()
    assert min(widths.values()) >= 120, widths
    assert admin_window.width() <= 1100


def test_the_training_list_gets_most_of_the_height_and_keeps_the_share_moved_to(app, admin_window):
    from PySide6.QtWidgets import QApplication, QSplitter

    from hrvdesk.ui.sections.training import TrainingsPanel

    admin_window.resize(1100, 720)
    admin_window.show()
    panel = admin_window.show_section("training").show_panel(TrainingsPanel)
    QApplication.processEvents()
    splitter = panel.findChild(QSplitter, "training_splitter")
    top, bottom = splitter.sizes()
    assert top > bottom and panel.view.height() > 8 * panel.view.verticalHeader().defaultSectionSize()
    splitter.moveSplitter(int((top + bottom) * 0.4), 1)
    splitter.splitterMoved.emit(int((top + bottom) * 0.4), 1)
    assert 35 <= app.settings.get("training_list_percent") <= 45


def test_every_section_has_its_own_drawn_icon(admin_window):
    """Each entry of the navigation shows the section's own icon from resources/icons (a
    graduation cap for Training, a target for the plan, …): a file that Qt draws, not blank, and
    no two sections alike."""
    from hrvdesk.ui.icons import app_icon

    images = {}
    for row, section in enumerate(admin_window.sections()):
        item_icon = admin_window.nav.item(row).icon()
        assert not item_icon.isNull(), section.key
        image = item_icon.pixmap(24, 24).toImage()
        inked = sum(image.pixelColor(x, y).alpha() > 0 for x in range(24) for y in range(24))
        assert 20 < inked < 24 * 24 * 0.8, section.key  # drawn, and not a filled square
        images[section.key] = bytes(image.constBits())
    assert len(set(images.values())) == len(images) == 7
    assert not app_icon().isNull() and not app_icon().pixmap(32, 32).isNull()


def test_no_column_header_is_cut_off_in_an_empty_table(app, admin_window):
    """A new database's tables are empty: their headers are all that sizes the columns, in
    either language (the headers change when the language does)."""
    from PySide6.QtWidgets import QTabWidget

    from hrvdesk.ui.models import RecordTableView

    def cut_headers() -> list[tuple[str, str]]:
        for section in admin_window.sections():
            admin_window.show_section(section.key)
            for tabs in admin_window.findChildren(QTabWidget):
                for i in range(tabs.count()):
                    tabs.setCurrentIndex(i)
        cut = []
        for view in admin_window.findChildren(RecordTableView):
            header, model = view.horizontalHeader(), view.model()
            for column in range(header.count() - 1):  # the last one stretches
                if not header.isSectionHidden(column) and header.sectionSize(column) < header.sectionSizeHint(column):
                    cut.append((view.accessibleName(), model.headerData(column, Qt.Orientation.Horizontal)))
        return cut

    for language in ("sv", "en"):
        app.set_language(language)
        assert cut_headers() == [], language
