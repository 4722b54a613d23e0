"""Checking an import file before it is written (``hrvdesk import KIND FILE`` and the app's
import panel): the permission, the file read and every row checked against the kind's
format and the registered administrations (:mod:`hrvdesk.io.import_files`); the checked
result is then written, all or nothing, by :func:`hrvdesk.store.importing.apply_import`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.import_formats import ImportResult
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import _
from hrvdesk.io.import_files import read_import
from hrvdesk.store import importing
from hrvdesk.store.database import Database


def check_file(db: Database, kind_name: str, path: str | Path, today: dt.date | None = None) -> ImportResult:
    """Read and check ``path`` against the kind's format and the registered administrations.

    A file with a header but no data rows is refused (:class:`ValidationError`): there is
    nothing to import, and an "imported, 0 rows" would hide a wrong export.
    """
    db.require(Permission.IMPORT, what=_("import data"))
    result = read_import(path, importing.kind(kind_name).schema, today or dt.date.today(),
                         administrations=importing.registered_administrations(db))
    if not result.row_count:
        raise ValidationError(_(
            "{file}: the file has a header but no data rows; there is nothing to import."
        ).format(file=Path(path).name))
    return result
