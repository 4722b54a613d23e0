"""hrvdesk: coordination of a municipality's work against honour-related violence.

Layers (dependencies point inwards):
    ui  ->  io / store  ->  domain
The command line (:mod:`hrvdesk.cli`) and the desktop app (:mod:`hrvdesk.ui`) are two
faces of the same core.
"""

__version__ = "0.1.0"
APP_NAME = "hrvdesk"
DESKTOP_ID = "se.botkyrka.hrvdesk"  # the .desktop file and AppStream id


def disable_core_dumps() -> None:
    """No core dump of this process may ever hold record contents or key material."""
    try:
        import resource
    except ImportError:  # Windows: no core files to begin with
        return
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
