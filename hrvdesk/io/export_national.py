"""The anonymised statistics package for the national competence team (``national-export.md``).

:func:`build_package` counts the reporting period's cases into the national tables,
suppresses cells (:func:`hrvdesk.domain.disclosure.protect`, threshold from the setting
``suppression_threshold``) and then runs the product's own attacker audit on exactly the
tables that would be published (:func:`verify_package`): a package that fails it is never
written. :func:`export_national` writes the JSON (and, if asked, the CSV) with the safe-write
helper and records an ``export`` audit entry with the SHA-256 of what was written.

The package holds tables of counts only: no case references, notes, countries, dates finer
than the period, nor administrations beyond their kind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from hrvdesk import __version__
from hrvdesk.domain.abroad_stats import StatTables
from hrvdesk.domain.disclosure import MARKER, ProtectedPackage, audit, grand_total, protect
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import _
from hrvdesk.io.safe_export import csv_bytes
from hrvdesk.store import abroad_repo, settings
from hrvdesk.store.database import Database
from hrvdesk.store.safewrite import write_bytes

FORMAT = "hrvdesk.national-statistics"
FORMAT_VERSION = 1
AUDIT_TARGET = "national"


@dataclass(frozen=True)
class NationalPackage:
    """A package ready to be written: the protected tables and where and when they come from."""

    protected: ProtectedPackage
    municipality_code: str
    municipality_name: str
    generated_at: dt.datetime

    def to_json_dict(self) -> dict:
        """The JSON object of the contract, keys in the contract's order."""
        body = self.protected.to_json_dict()
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "municipality": {"code": self.municipality_code, "name": self.municipality_name},
            "period": body["period"],
            "generated_at": self.generated_at.isoformat(timespec="seconds"),
            "generator": f"hrvdesk {__version__}",
            "disclosure_control": body["disclosure_control"],
            "tables": body["tables"],
        }

    def json_bytes(self) -> bytes:
        return (json.dumps(self.to_json_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def csv_bytes(self) -> bytes:
        """UTF-8 with BOM, ``;``, one line per cell in the JSON's order."""
        header, *rows = self.protected.csv_rows()
        return csv_bytes(header, rows)


def _refused(reason: str) -> ValidationError:
    return ValidationError(_("The package was not written: {reason}").format(reason=reason))


def verify_package(protected: ProtectedPackage, exact: StatTables) -> None:
    """The product's attacker audit on exactly the tables to be published.

    Raises :class:`ValidationError` (nothing may be written) unless every published cell is
    the exact count or the marker, the grand total is published, the package states the
    number of suppressed cells truly, and every primary cell is protected
    (:func:`hrvdesk.domain.disclosure.audit`).
    """
    shape = [(t.id, t.dimensions, [c.key for c in t.cells]) for t in protected.tables]
    if shape != [(t.id, t.dimensions, [c.key for c in t.cells]) for t in exact.tables]:
        raise _refused(_("its tables are not the national tables."))
    for published, true in zip(protected.tables, exact.tables):
        if any(p.count not in (MARKER, t.count) for p, t in zip(published.cells, true.cells)):
            raise _refused(_("a published count differs from the register."))
    try:
        published_total = grand_total(protected.tables)
    except ValueError:
        published_total = None
    if published_total != exact.total:
        raise _refused(_("the grand total is not published."))
    markers = sum(c.count == MARKER for t in protected.tables for c in t.cells)
    if markers != protected.suppressed_cells:
        raise _refused(_("the number of suppressed cells it states is wrong."))
    if not (audit(protected.tables, exact.tables, protected.threshold).passed and protected.audit_passed):
        raise _refused(_("the attacker audit found a suppressed cell that can be worked out from "
                         "the published figures."))


def protected_statistics(db: Database, year: int) -> tuple[StatTables, ProtectedPackage]:
    """The exact tables of the period ending in ``year`` and their verified protected form
    (what the package and the annual report publish). Needs ``VIEW_STATISTICS``."""
    exact = abroad_repo.stats_for(db, year)
    protected = protect(exact, settings.get(db, "suppression_threshold"))
    verify_package(protected, exact)
    return exact, protected


def build_package(db: Database, year: int, *, now: dt.datetime | None = None) -> NationalPackage:
    """The protected, verified package for the reporting period ending in ``year`` (also the
    preview in the app). Nothing is written or audited."""
    db.require(Permission.EXPORT_NATIONAL, what=_("export the package for the national team"))
    _exact, protected = protected_statistics(db, year)
    return NationalPackage(protected, settings.get(db, "municipality_code"),
                           settings.get(db, "municipality_name"),
                           (now or dt.datetime.now()).astimezone().replace(microsecond=0))


def _check_folder(path: Path, option: str) -> None:
    if not path.parent.is_dir():
        raise ValidationError.single(_("The folder {folder} does not exist.").format(
            folder=str(path.parent)), field=option)


def export_national(db: Database, year: int, out_json: str | os.PathLike,
                    out_csv: str | os.PathLike | None = None, *,
                    now: dt.datetime | None = None) -> NationalPackage:
    """Build, verify and write the package (JSON, and CSV when ``out_csv`` is given).

    Audited as ``export`` with the year and the SHA-256 of each file; the entry is recorded
    only when the files were written.
    """
    out_json = Path(out_json)
    _check_folder(out_json, "--out")
    if out_csv is not None:
        out_csv = Path(out_csv)
        _check_folder(out_csv, "--csv")
    package = build_package(db, year, now=now)
    files = [(out_json, package.json_bytes(), "sha256")]
    if out_csv is not None:
        files.append((out_csv, package.csv_bytes(), "csv_sha256"))
    detail = {"year": year, **{key: hashlib.sha256(data).hexdigest() for _path, data, key in files}}
    with db.transaction():
        db.audit("export", target=AUDIT_TARGET, detail=detail)
        for path, data, _key in files:
            write_bytes(path, data)
    return package
