"""``hrvdesk export national --year Y --db PATH --out FILE.json [--csv FILE.csv]`` (``cli.md``).

Writes the anonymised package for the national competence team
(:mod:`hrvdesk.io.export_national`).
A package that fails the attacker audit is refused (exit 5) and nothing is written.
"""

from __future__ import annotations

from hrvdesk.i18n import _


def cmd_export_national(args) -> int:
    from hrvdesk.cli import open_db
    from hrvdesk.domain.disclosure import grand_total
    from hrvdesk.domain.errors import HrvError
    from hrvdesk.io.export_national import export_national

    with open_db(args) as db:
        try:
            package = export_national(db, args.year, args.out, args.csv)
        except OSError as exc:
            raise HrvError(_("The package cannot be written: {reason}").format(
                reason=exc.strerror or type(exc).__name__)) from None
    control = package.protected
    print(_("Package for the national team written: {file}").format(file=args.out))
    if args.csv:
        print(_("The same tables as CSV: {file}").format(file=args.csv))
    print(_("{persons} persons; threshold {k}; {cells} cells suppressed; attacker audit passed.")
          .format(persons=grand_total(control.tables), k=control.threshold, cells=control.suppressed_cells))
    return 0


def register(subparsers) -> None:
    from hrvdesk.cli import Parser, db_options
    from hrvdesk.cli.stats import year_argument

    p = subparsers.add_parser("export", help=_("export data"))
    sub = p.add_subparsers(dest="export_command", parser_class=Parser, metavar=_("WHAT"))
    sub.required = True
    q = sub.add_parser("national", help=_("the anonymised package for the national competence team"))
    q.add_argument("--year", required=True, type=year_argument, metavar="Y")
    db_options(q)
    q.add_argument("--out", required=True, metavar="FILE.json")
    q.add_argument("--csv", metavar="FILE.csv")
    q.set_defaults(func=cmd_export_national)
