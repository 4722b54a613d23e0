"""The one sentence instead of Qt's abort on a bare Linux machine (issue 14)."""

from hrvdesk.ui import platform_check


def test_missing_xcb_libraries_are_named_as_packages():
    text = platform_check.problem({"DISPLAY": ":0"}, "linux", lambda lib: None if lib == "xcb-cursor" else lib)
    assert "libxcb-cursor0" in text and "apt-get install libxcb-cursor0" in text


def test_no_display_and_the_platforms_that_need_nothing():
    assert "DISPLAY" in platform_check.problem({}, "linux", lambda lib: lib)
    assert platform_check.problem({"DISPLAY": ":0"}, "linux", lambda lib: lib) == ""
    assert platform_check.problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", lambda lib: None) == ""
    assert platform_check.problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", lambda lib: None) == ""
    assert platform_check.problem({}, "win32", lambda lib: None) == ""
