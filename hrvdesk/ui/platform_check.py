"""Before Qt starts on Linux: name the missing system package in one sentence, instead of
Qt's abort ("could not load the Qt platform plugin xcb").

Qt's xcb plugin needs a few X libraries that minimal Debian/Ubuntu installations lack; Qt
cannot report that to Python (it aborts the process), so we look for them first.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

from hrvdesk.i18n import _

#: library (as ``find_library`` names it) -> Debian/Ubuntu package
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0", "xkbcommon-x11": "libxkbcommon-x11-0", "xcb-icccm": "libxcb-icccm4",
    "xcb-image": "libxcb-image0", "xcb-keysyms": "libxcb-keysyms1", "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0", "xcb-shape": "libxcb-shape0", "xcb-xkb": "libxcb-xkb1",
    "EGL": "libegl1", "GL": "libgl1", "fontconfig": "libfontconfig1", "dbus-1": "libdbus-1-3",
}


def problem(environ=os.environ, platform: str = sys.platform, find=ctypes.util.find_library) -> str:
    """'' when Qt can start; else the sentence to print."""
    if not platform.startswith("linux"):
        return ""
    wanted = environ.get("QT_QPA_PLATFORM", "")
    if wanted and not wanted.startswith("xcb"):
        return ""  # offscreen, wayland, …: the xcb libraries are not needed
    if not wanted and environ.get("WAYLAND_DISPLAY"):
        return ""
    if not environ.get("DISPLAY"):
        return _("No graphical display was found (DISPLAY is not set): start hrvdesk from the "
                 "desktop, or use the command line (hrvdesk --help).")
    missing = sorted(package for library, package in XCB_LIBRARIES.items() if not find(library))
    if missing:
        return _("Qt needs system packages that are missing: {packages}. Install them, e.g. "
                 "sudo apt-get install {packages}").format(packages=" ".join(missing))
    return ""
