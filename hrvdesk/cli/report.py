"""``hrvdesk report annual|training|plan --year Y --db PATH --out FILE.pdf`` (``cli.md``);
``--out FILE.docx`` writes a Word document instead and ``--committee CODE`` makes the plan
report for one committee (extensions, README).

The report names come from :data:`hrvdesk.io.reports.REPORTS`. The document is built in memory and written atomically
(:mod:`hrvdesk.services.outputs`); errors map to the exit codes of ``cli.md`` through ``cli.main``.
"""

from __future__ import annotations

from pathlib import Path

from hrvdesk.domain.errors import UsageError, ValidationError
from hrvdesk.i18n import _


def cmd_report(args) -> int:
    from hrvdesk.cli import open_db
    from hrvdesk.io.reports import available
    from hrvdesk.services import outputs

    out = Path(args.out)
    if not out.parent.is_dir():
        raise ValidationError.single(_("The folder {folder} does not exist.").format(
            folder=str(out.parent)), field="--out")
    build = available()[args.report]
    options = {"fmt": "docx" if out.suffix.lower() == ".docx" else "pdf"}
    if args.committee is not None:
        if args.report != "plan":
            raise UsageError(_("--committee is for the plan report only."))
        options["committee"] = args.committee.upper()
    with open_db(args) as db:
        document = build(db, args.year, **options)
    outputs.save(out, document)
    print(_("Report written: {file}").format(file=args.out))
    return 0


#: The report names of ``cli.md``, known without importing the report modules (and ReportLab)
#: for every command; a test checks them against :func:`hrvdesk.io.reports.available`.
REPORT_NAMES = ("annual", "plan", "training")


def register(subparsers) -> None:
    from hrvdesk.cli import db_options

    p = subparsers.add_parser("report", help=_("write a report as PDF or Word"))
    p.add_argument("report", choices=REPORT_NAMES, metavar="|".join(REPORT_NAMES))
    p.add_argument("--year", required=True, type=int, metavar="Y")
    db_options(p)
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.docx")
    p.add_argument("--committee", metavar="CODE",
                   help=_("plan report only: the share of one responsible committee (e.g. SN)"))
    p.set_defaults(func=cmd_report)
