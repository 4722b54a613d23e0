"""The anonymised statistics package for the national competence team (``national-export.md``).

:func:`build_package` counts the reporting period's cases into the national tables,
suppresses cells (:func:`hrvdesk.domain.disclosure.protect`, threshold from the setting
``suppression_threshold``) and then runs the product's own attacker audit on exactly the
tables that would be published (:func:`verify_package`): a package that fails it is never
written. :func:`export_national` refuses a period that has not ended, records the package in
the release register (:mod:`hrvdesk.store.releases_repo`, naming the earlier release of an
overlapping period that it supersedes) together with an ``export`` audit entry with the
SHA-256 of what was written, and writes the JSON (and, if asked, the CSV) with the
safe-write helper; :func:`write_release` writes any earlier release again byte for byte.

The package holds tables of counts only: no case references, notes, countries, dates finer
than the period, nor administrations beyond their kind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hrvdesk import __version__
from hrvdesk.domain.abroad_stats import Period, PersonRecord, StatTables, table_title
from hrvdesk.domain.disclosure import (MARKER, EarlierRelease, ProtectedPackage, audit,
                                       grand_total, protect)
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.settings import Key
from hrvdesk.i18n import _, format_date
from hrvdesk.io.safe_export import csv_bytes
from hrvdesk.store import abroad_repo, releases_repo, settings
from hrvdesk.store.database import Database
from hrvdesk.safewrite import write_bytes

FORMAT = "hrvdesk.national-statistics"
FORMAT_VERSION = 2
AUDIT_TARGET = "national"


@dataclass(frozen=True)
class NationalPackage:
    """A package ready to be written: the protected tables and where and when they come from."""

    protected: ProtectedPackage
    municipality_code: str
    municipality_name: str
    generated_at: dt.datetime
    release_id: int
    supersedes: int | None = None
    exact: StatTables | None = None  # internal: kept in the release register, never written

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
            "release": {"id": self.release_id, "supersedes": self.supersedes},
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


def verify_package(protected: ProtectedPackage, exact: StatTables, *,
                   persons: Sequence[PersonRecord] = (),
                   earlier: Sequence[EarlierRelease] = ()) -> None:
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
    result = protected.audit  # what protect() found on exactly these tables, else audit them
    if result is None:
        result = audit(protected.tables, exact.tables, protected.threshold, persons=persons,
                       earlier=earlier)
    if protected.failing_tables:
        raise _refused(_(
            "even with every figure of {tables} hidden, a figure below the threshold could be "
            "worked out from this package together with the packages already sent for the same "
            "months. Ask the national team whether the earlier package can be withdrawn, or wait "
            "for more cases.").format(tables=_titles(protected.failing_tables)))
    if not (result.passed and protected.audit_passed):
        raise _refused(_("the attacker audit found a suppressed cell that can be worked out from "
                         "the published figures ({tables}).").format(
            tables=_titles(result.failing_tables())))


def _titles(table_ids) -> str:
    return ", ".join(table_title(t) for t in sorted(table_ids))


def _protected(db: Database, period: Period) -> tuple[StatTables, ProtectedPackage, list[EarlierRelease]]:
    """The exact tables of ``period`` and their verified protected form, audited jointly
    with every earlier release of an overlapping period."""
    exact = abroad_repo.stats_for(db, period.year, period=period)
    earlier = releases_repo.earlier_releases(db, period.start, period.end)
    persons = abroad_repo.persons_for(db, period) if earlier else []
    seed = releases_repo.seed_for(db, releases_repo.next_id(db), period.start, period.end)
    protected = protect(exact, settings.get(db, Key.SUPPRESSION_THRESHOLD), persons=persons,
                        earlier=earlier, seed=seed)
    verify_package(protected, exact, persons=persons, earlier=earlier)
    return exact, protected, earlier


def protected_statistics(db: Database, year: int) -> tuple[StatTables, ProtectedPackage]:
    """The exact tables of the period ending in ``year`` and their verified protected form
    (what the annual report and a viewer see). Needs ``VIEW_STATISTICS``. Once a package for
    exactly this period was sent, its published tables are shown, never a second pattern."""
    period = reporting_period(db, year)
    sent = releases_repo.latest_for(db, period.start, period.end)
    if sent is None:
        exact, protected, _earlier = _protected(db, period)
        return exact, protected
    return abroad_repo.stats_for(db, year, period=period), sent


def build_package(db: Database, year: int, *, now: dt.datetime | None = None) -> NationalPackage:
    """The protected, verified package for the reporting period ending in ``year`` (also the
    preview in the app), numbered as the next release. Nothing is written or audited."""
    db.require(Permission.EXPORT_NATIONAL, what=_("export the package for the national team"))
    period = reporting_period(db, year)
    exact, protected, earlier = _protected(db, period)
    return NationalPackage(protected, settings.get(db, Key.MUNICIPALITY_CODE),
                           settings.get(db, Key.MUNICIPALITY_NAME),
                           (now or dt.datetime.now()).astimezone().replace(microsecond=0),
                           releases_repo.next_id(db), earlier[-1].id if earlier else None,
                           exact)


def reporting_period(db: Database, year: int) -> Period:
    return Period.for_year(year, settings.get(db, Key.PERIOD_START_MONTH))


def _check_folder(path: Path, option: str) -> None:
    if not path.parent.is_dir():
        raise ValidationError.single(_("The folder {folder} does not exist.").format(
            folder=str(path.parent)), field=option)


def _write_audited(db: Database, detail: dict, files: list[tuple[Path, bytes, str]], record=None) -> None:
    """One transaction: the audit entry (with each file's SHA-256), the register entry if
    any, then the files; a failed write rolls the entries back."""
    detail = {**detail, **{key: hashlib.sha256(data).hexdigest() for _path, data, key in files}}
    with db.transaction():
        db.audit("export", target=AUDIT_TARGET, detail=detail)
        if record is not None:
            record()
        for path, data, _key in files:
            write_bytes(path, data)


def _files(out_json: str | os.PathLike, out_csv: str | os.PathLike | None,
           json_data: bytes, csv_data: bytes) -> list[tuple[Path, bytes, str]]:
    out_json = Path(out_json)
    _check_folder(out_json, "--out")
    files = [(out_json, json_data, "sha256")]
    if out_csv is not None:
        _check_folder(Path(out_csv), "--csv")
        files.append((Path(out_csv), csv_data, "csv_sha256"))
    return files


def export_national(db: Database, year: int, out_json: str | os.PathLike,
                    out_csv: str | os.PathLike | None = None, *,
                    now: dt.datetime | None = None, today: dt.date | None = None) -> NationalPackage:
    """Build, verify, record and write the package (JSON, and CSV when ``out_csv`` is given).

    A period that has not ended is refused (its figures would still change). Audited as
    ``export`` with the year, the release and the SHA-256 of each file; the entry and the
    release are recorded only when the files were written.
    """
    period = reporting_period(db, year)
    if (today or dt.date.today()) <= period.end:
        raise ValidationError.single(_(
            "The reporting period {start} – {end} has not ended yet; its package can be made from "
            "{day}.").format(start=format_date(period.start), end=format_date(period.end),
                             day=format_date(period.end + dt.timedelta(days=1))), field="--year")
    package = build_package(db, year, now=now)
    json_data, csv_data = package.json_bytes(), package.csv_bytes()
    control = package.protected

    def record() -> None:
        releases_repo.record(
            db, release_id=package.release_id, start=period.start, end=period.end,
            format_version=FORMAT_VERSION, method=control.disclosure_control()["method"],
            threshold=control.threshold, seed=bytes.fromhex(control.seed),
            supersedes=package.supersedes, total=grand_total(control.tables),
            suppressed=control.suppressed_cells, json_bytes=json_data, csv_bytes=csv_data,
            exact=package.exact.tables, persons=abroad_repo.persons_for(db, period))

    _write_audited(db, {"year": year, "release": package.release_id},
                   _files(out_json, out_csv, json_data, csv_data), record)
    return package


def write_release(db: Database, release_id: int, out_json: str | os.PathLike,
                  out_csv: str | os.PathLike | None = None) -> releases_repo.Release:
    """Write an earlier release again, byte for byte as it was sent (audited)."""
    release, json_data, csv_data = releases_repo.release_bytes(db, release_id)
    _write_audited(db, {"release": release_id, "again": True}, _files(out_json, out_csv, json_data, csv_data))
    return release
