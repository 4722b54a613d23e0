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
