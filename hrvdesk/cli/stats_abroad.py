"""``hrvdesk stats abroad --year Y --db PATH [--json]`` (``cli.md``): the exact annual tables.

For internal use: the figures are not suppressed. Allowed from the viewer role upwards
(``VIEW_STATISTICS``). :func:`add_abroad` is one of :data:`hrvdesk.cli.stats.SUBCOMMANDS`.
"""

from __future__ import annotations

from hrvdesk.i18n import _, format_date, format_number


def print_tables(stats) -> None:
    """A :class:`~hrvdesk.domain.abroad_stats.StatTables` as plain text, one table after another."""
    from hrvdesk.domain.abroad_stats import category_label, dimension_title, table_title

    print(_("Children taken abroad {year} ({start} – {end}), exact figures for internal use").format(
        year=stats.period.year, start=format_date(stats.period.start), end=format_date(stats.period.end)))
    for table in stats.tables:
        print()
        print(table_title(table.id))
        rows = [[" / ".join(category_label(d, c) for d, c in zip(table.dimensions, cell.key))
                 or table_title(table.id), format_number(cell.count)] for cell in table.cells]
        header = [" / ".join(dimension_title(d) for d in table.dimensions), _("Persons")]
        width = max(len(r[0]) for r in [header, *rows])
        number = max(len(r[1]) for r in [header, *rows])
        for label, count in [header, *rows]:
            print(f"  {label.ljust(width)}  {count.rjust(number)}")


def cmd_stats_abroad(args) -> int:
    from hrvdesk.cli import open_db, print_json
    from hrvdesk.store.abroad_repo import stats_for

    with open_db(args) as db:
        stats = stats_for(db, args.year)
    if args.json:
        print_json(stats.to_json_dict())
    else:
        print_tables(stats)
    return 0


def add_abroad(subparsers) -> None:
    from hrvdesk.cli import db_options
    from hrvdesk.cli.stats import year_argument

    p = subparsers.add_parser("abroad", help=_("the annual statistics on children taken abroad "
                                               "(exact, for internal use)"))
    p.add_argument("--year", required=True, type=year_argument, metavar="Y")
    p.add_argument("--json", action="store_true")
    db_options(p)
    p.set_defaults(func=cmd_stats_abroad)
