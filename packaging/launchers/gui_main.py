"""Entry point of the frozen ``hrvdesk-gui`` windowed program (see ``packaging/hrvdesk.spec``)."""

import sys

from hrvdesk.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
