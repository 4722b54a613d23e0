"""``hrvdesk export national|list|show`` (``cli.md``).

``national`` writes the anonymised package for the national competence team
(:mod:`hrvdesk.io.export_national`) and records it in the release register; a package that
fails the attacker audit, or a period that has not ended, is refused (exit 5) and nothing is
written. ``list`` shows the register; ``show ID`` writes a release again byte for byte.
"""

from __future__ import annotations

from hrvdesk.i18n import _


def cmd_export_national(args) -> int:
    from hrvdesk.cli import open_db
    from hrvdesk.domain.disclosure import grand_total
    from hrvdesk.io.export_national import export_national
    from hrvdesk.services.outputs import written

    with open_db(args) as db:
        package = written(args.out, lambda: export_national(db, args.year, args.out, args.csv))
    control = package.protected
    print(_("Package for the national team written: {file}").format(file=args.out))
    if args.csv:
        print(_("The same tables as CSV: {file}").format(file=args.csv))
    print(_("{persons} persons; threshold {k}; {cells} cells suppressed; attacker audit passed.")
          .format(persons=grand_total(control.tables), k=control.threshold, cells=control.suppressed_cells))
    print(_("Recorded as release {id}.").format(id=package.release_id)
          + (" " + _("It supersedes release {id}.").format(id=package.supersedes) if package.supersedes else ""))
    return 0


def cmd_export_list(args) -> int:
    from hrvdesk.cli import open_db, print_json
    from hrvdesk.i18n import format_date
    from hrvdesk.store.releases_repo import list_releases

    with open_db(args) as db:
        releases = list_releases(db)
    if args.json:
        print_json({"releases": [r.to_json() for r in releases]})
        return 0
    if not releases:
        print(_("No package has been sent yet."))
    for r in releases:
        line = _("Release {id}: {start} – {end}, {total} persons, {cells} cells suppressed (k = {k}), "
                 "{at} by {user}").format(id=r.id, start=format_date(r.period_from), end=format_date(r.period_to),
                                           total=r.total, cells=r.suppressed, k=r.threshold, at=r.created_at,
                                           user=r.created_by)
        if r.supersedes:
            line += "; " + _("supersedes release {id}").format(id=r.supersedes)
        print(line)
    return 0


def cmd_export_show(args) -> int:
    from hrvdesk.cli import open_db
    from hrvdesk.io.export_national import write_release
    from hrvdesk.services.outputs import written

    with open_db(args) as db:
        written(args.out, lambda: write_release(db, args.id, args.out, args.csv))
    print(_("Release {id} written again, exactly as it was sent: {file}").format(id=args.id, file=args.out))
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
    q = sub.add_parser("list", help=_("the release register: every package sent"))
    db_options(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_export_list)
    q = sub.add_parser("show", help=_("write a package of the register again, byte for byte"))
    q.add_argument("id", type=int, metavar="ID")
    db_options(q)
    q.add_argument("--out", required=True, metavar="FILE.json")
    q.add_argument("--csv", metavar="FILE.csv")
    q.set_defaults(func=cmd_export_show)
