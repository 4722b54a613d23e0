"""Render ``resources/hrvdesk.svg`` to the PNG sizes desktops ask for and a Windows ``.ico``.

    python packaging/make_icons.py

Run it after changing the SVG; the results are committed in ``resources/`` (they are small
and the builds use them as they are). Qt renders the SVG, Pillow writes the multi-size ICO.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SVG = RESOURCES / "hrvdesk.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return RESOURCES / f"hrvdesk-{size}.png"


def render_pngs() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - needed by QPainter
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not a valid SVG")
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        if not image.save(str(png_path(size))):
            raise SystemExit(f"could not write {png_path(size)}")


def write_ico() -> None:
    from PIL import Image

    images = [Image.open(png_path(size)) for size in ICO_SIZES]
    largest = images[-1]
    largest.save(RESOURCES / "hrvdesk.ico", sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1])


if __name__ == "__main__":
    render_pngs()
    write_ico()
    print(f"icons written to {RESOURCES}")
