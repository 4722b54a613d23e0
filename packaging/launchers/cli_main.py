"""Entry point of the frozen ``hrvdesk`` console program (see ``packaging/hrvdesk.spec``).

Not named ``hrvdesk.py``: PyInstaller puts this folder on the import path, where such a name
would hide the ``hrvdesk`` package.
"""

import sys

from hrvdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
