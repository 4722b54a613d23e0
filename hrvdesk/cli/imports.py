"""``hrvdesk import KIND FILE --db PATH [--dry-run]`` (``cli.md``, ``import-formats.md``).

The kinds come from :func:`hrvdesk.store.importing.kinds`. Counts go to stdout; every rejected row (line, column,
reason) and the closing error sentence go to stderr, and any rejected row gives exit code
5 with nothing written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from hrvdesk.i18n import _, format_number

if TYPE_CHECKING:
    from hrvdesk.store.importing import ImportReport

REJECTED_EXIT = 5


def print_report(report: ImportReport, file_name: str) -> None:
    """The counts and warnings (stdout) and the rejected rows (stderr) of an import."""
    print(_("{file}: {rows} rows read, {accepted} accepted, {rejected} rejected.").format(
        file=file_name, rows=format_number(report.rows), accepted=format_number(report.accepted),
        rejected=format_number(report.rejected)))
    for label, value in ((_("New records"), report.added),
                         (_("Already present"), report.already_present),
                         (_("Replaced"), report.replaced)):
        print(f"  {label}: {format_number(value)}")
    for warning in report.warnings:
        print(_("Warning: {warning}").format(warning=warning))
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)


def cmd_import(args) -> int:
    from hrvdesk.cli import open_db
    from hrvdesk.services.importing import check_file
    from hrvdesk.store import importing

    with open_db(args) as db:
        result = check_file(db, args.kind, args.file)  # checks the role first
        report = importing.apply_import(db, args.kind, result, dry_run=args.dry_run)
    print_report(report, Path(args.file).name)
    if not report.ok:
        print(_("Nothing was imported: correct the rejected rows and import the file again."),
              file=sys.stderr)
        return REJECTED_EXIT
    if args.dry_run:
        print(_("Dry run: nothing was changed."))
    else:
        print(_("Imported."))
    return 0


#: The import kinds of ``cli.md``, known without importing the schemas for every command; a
#: test checks them against :func:`hrvdesk.store.importing.kinds`.
KIND_NAMES = ("abroad", "headcount", "training")


def register(subparsers) -> None:
    from hrvdesk.cli import db_options

    p = subparsers.add_parser("import", help=_("import a CSV or XLSX file (all rows or none)"))
    p.add_argument("kind", choices=KIND_NAMES, metavar="|".join(KIND_NAMES))
    p.add_argument("file", metavar="FILE")
    db_options(p)
    p.add_argument("--dry-run", action="store_true",
                   help=_("check the file and show what would be imported, changing nothing"))
    p.set_defaults(func=cmd_import)
