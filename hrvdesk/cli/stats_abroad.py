"""``hrvdesk stats abroad --year Y --db PATH [--json]`` (``cli.md``): the annual tables.

For internal use, as the role may see them (:mod:`hrvdesk.services.statistics`): exact for
an administrator, exact over her own administration's cases for an editor, protected for a
viewer. :func:`add_abroad` is one of :data:`hrvdesk.cli.stats.SUBCOMMANDS`.
"""

from __future__ import annotations

from hrvdesk.i18n import _, format_date, format_number


def print_tables(stats, heading: str) -> None:
    """A :class:`~hrvdesk.domain.abroad_stats.StatTables` as plain text, one table after another."""
    from hrvdesk.domain.abroad_stats import category_label, dimension_title, table_title

    print(_("Children taken abroad {year} ({start} – {end}), {what}").format(
        year=stats.period.year, start=format_date(stats.period.start), end=format_date(stats.period.end),
        what=heading))
    for table in stats.tables:
        print()
        print(table_title(table.id))
        header = [" / ".join(dimension_title(d) for d in table.dimensions), _("Persons")]
        if stats.case_tables:
            header.append(_("Cases"))
        rows = [header]
        for cell in table.cells:
            row = [" / ".join(category_label(d, c) for d, c in zip(table.dimensions, cell.key))
                   or table_title(table.id), _shown(cell.count)]
            if stats.case_tables:
                row.append(_shown(stats.case_count(table.id, cell.key)))
            rows.append(row)
        widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
        for label, *counts in rows:
            print("  " + "  ".join([label.ljust(widths[0]),
                                    *(c.rjust(w) for c, w in zip(counts, widths[1:]))]))


def _shown(count) -> str:
    return count if isinstance(count, str) else format_number(count)


def cmd_stats_abroad(args) -> int:
    from hrvdesk.cli import open_db, print_json
    from hrvdesk.services.statistics import abroad_statistics

    with open_db(args) as db:
        seen = abroad_statistics(db, args.year)
    if args.json:
        print_json(seen.to_json_dict())
    else:
        print_tables(seen.stats, seen.heading())
    return 0


def add_abroad(subparsers) -> None:
    from hrvdesk.cli import db_options
    from hrvdesk.cli.stats import year_argument

    p = subparsers.add_parser("abroad", help=_("the annual statistics on children taken abroad "
                                               "(for internal use)"))
    p.add_argument("--year", required=True, type=year_argument, metavar="Y")
    p.add_argument("--json", action="store_true")
    db_options(p)
    p.set_defaults(func=cmd_stats_abroad)


def cmd_stats_cross(args) -> int:
    from pathlib import Path

    from hrvdesk.cli import open_db, print_json
    from hrvdesk.io.safe_export import csv_bytes
    from hrvdesk.services import outputs
    from hrvdesk.services.statistics import cross_table

    with open_db(args) as db:
        table = cross_table(db, args.year, args.rows, args.columns)
    header, body = table.header(), table.body()
    if args.csv:
        outputs.save(Path(args.csv), csv_bytes(header, body))
    if args.json:
        print_json({"year": args.year, "rows": table.rows.id, "columns": table.columns.id,
                    "total": table.total, "cells": [
                        {"row": r, "column": c, "count": table.counts[r, c]}
                        for r in table.row_categories for c in table.column_categories],
                    "row_totals": table.row_totals, "column_totals": table.column_totals})
        return 0
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header))]
    for row in [header, *body]:
        print("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w)
                        for i, (v, w) in enumerate(zip(row, widths))))
    return 0


def add_cross(subparsers) -> None:
    from hrvdesk.cli import db_options
    from hrvdesk.cli.stats import year_argument

    p = subparsers.add_parser("cross", help=_("persons by two dimensions you choose (exact, "
                                              "administrators only)"))
    p.add_argument("--year", required=True, type=year_argument, metavar="Y")
    p.add_argument("--rows", required=True, metavar="DIMENSION")
    p.add_argument("--columns", required=True, metavar="DIMENSION")
    p.add_argument("--csv", metavar="FILE.csv", help=_("also write the table as CSV (for Excel)"))
    p.add_argument("--json", action="store_true")
    db_options(p)
    p.set_defaults(func=cmd_stats_cross)

