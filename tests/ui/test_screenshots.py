"""Every section draws something: a grab of each (demo database, administrator) is a
non-empty, non-uniform PNG. The unlock dialog too."""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from hrvdesk.ui.sections.administration import AdministrationSection


def assert_drawn(widget: QWidget, path) -> None:
    pixmap = widget.grab()
    assert pixmap.save(str(path), "PNG")
    image = QImage(str(path))
    assert not image.isNull() and image.width() > 100 and image.height() > 100
    step_x, step_y = max(1, image.width() // 40), max(1, image.height() // 40)
    colours = {image.pixel(x, y) for x in range(0, image.width(), step_x) for y in range(0, image.height(), step_y)}
    assert len(colours) > 3, f"{path.name} looks uniform"


def test_every_section_draws(app, tmp_path):
    app.start_demo()
    window = app.window
    for key in window.section_keys():
        section = window.show_section(key)
        assert_drawn(window, tmp_path / f"{key}.png")
        if key == "administration":
            for _permission, panel_class, _title in AdministrationSection.PANELS:
                section.show_panel(panel_class)
                assert_drawn(window, tmp_path / f"{key}-{panel_class.__name__}.png")
    app.lock()
    assert_drawn(app.unlock, tmp_path / "unlock.png")


def test_every_tab_fits_the_default_window_in_swedish(app):
    """At 1100×720 in Swedish, with the demo's data, no field or button of any section's tab
    reaches past the window's right edge (a filter row that does not fit pushes the last
    filters out of sight; the section list must keep its width)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLineEdit, QTabWidget

    app.start_demo()
    app.set_language("sv")
    window = app.window
    window.resize(1100, 720)
    window.show()
    outside = []
    for key in window.section_keys():
        window.show_section(key)
        for tabs in [None, *window.findChildren(QTabWidget)]:
            for i in range(tabs.count() if tabs else 1):
                if tabs:
                    tabs.setCurrentIndex(i)
                QApplication.processEvents()
                for widget in (w for kind in (QComboBox, QLineEdit, QAbstractButton) for w in window.findChildren(kind)):
                    if widget.isVisible() and widget.window() is window and widget.width() > 1:
                        right = widget.mapTo(window, QPoint(widget.width(), 0)).x()
                        if right > window.width():
                            outside.append((key, widget.accessibleName() or widget.objectName(), right))
        assert window.nav.width() >= window.nav.sizeHintForColumn(0), key
    assert outside == []
