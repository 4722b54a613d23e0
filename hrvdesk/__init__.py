"""hrvdesk: coordination of a municipality's work against honour-related violence.

Layers (dependencies point inwards):
    ui  ->  io / store  ->  domain
The command line (:mod:`hrvdesk.cli`) and the desktop app (:mod:`hrvdesk.ui`) are two
faces of the same core.
"""

__version__ = "0.1.0"
APP_NAME = "hrvdesk"
