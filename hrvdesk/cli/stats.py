"""``hrvdesk stats WHAT --year Y --db PATH [--json]`` (``cli.md``).

Each kind of statistics adds its sub-command with a function ``add(subparsers)`` in
:data:`SUBCOMMANDS` (``training`` here; the abroad statistics add theirs).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from hrvdesk.cli.stats_abroad import add_abroad, add_cross
from hrvdesk.i18n import _, format_number, format_percent

TOPICS = ("hrv", "fgm", "dv", "required")
"""``--topic``: one topic, or ``required``: the persons trained in every topic the plan
requires (setting ``required_topics``; an extension of ``cli.md``)."""


def year_argument(text: str) -> int:
    """``--year``: four digits."""
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(_("{value} is not a year; write four digits.").format(value=text))
    return int(text)


def _share(value: float | None) -> str:
    return "–" if value is None else format_percent(value, 1)


def _count(value: int | None) -> str:
    return "–" if value is None else format_number(value)


def print_coverage(result) -> None:
    """A :class:`~hrvdesk.domain.training.CoverageResult` as a plain table."""
    from hrvdesk.domain.codes import YES_NO

    print(_("Training coverage {year}, topic {topic}, completions from {first}–{year}").format(
        year=result.year, topic=result.topic, first=result.year - result.validity_years + 1))
    header = [_("Code"), _("Administration"), _("Trained"), _("Headcount"), _("Coverage"), _("Ensured"),
              _("Target group"), _("Coverage of target group")]
    rows = [[a.code, a.name, _count(a.trained), _count(a.headcount), _share(a.coverage),
             "–" if a.ensured is None else YES_NO.label("yes" if a.ensured else "no"),
             _count(a.target_group), _share(a.target_coverage)]
            for a in result.administrations]
    t = result.total
    rows.append(["", _("Whole municipality"), _count(t.trained), _count(t.headcount), _share(t.coverage), "",
                 _count(t.target_group), _share(t.target_coverage)])
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) if i < 2 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))))
    print(_("Administrations that have ensured knowledge (coverage at least {threshold}): {share} ({ensured} of {measured})")
          .format(threshold=format_percent(result.threshold, 0), share=_share(t.ensured_share),
                  ensured=t.administrations_ensured, measured=t.administrations_with_headcount))
    if t.administrations_with_target_group:
        print(_("Administrations whose staff who work with children have ensured knowledge: {share} "
                "({ensured} of {measured})").format(
            share=_share(t.target_ensured_share), ensured=t.administrations_target_ensured,
            measured=t.administrations_with_target_group))
    for a in result.administrations:
        for u in a.units:
            print("  " + _("{administration} / {unit}: {trained} trained, headcount {headcount}, "
                           "coverage {coverage}, of target group {target}").format(
                administration=a.code, unit=u.unit, trained=_count(u.trained),
                headcount=_count(u.headcount), coverage=_share(u.coverage),
                target=_share(u.target_coverage)))
    missing = [a.code for a in result.administrations if a.headcount is None]
    if missing:
        print(_("No headcount for {year}: {codes}").format(year=result.year, codes=", ".join(missing)))
    no_target = [a.code for a in result.administrations if a.target_coverage is None]
    if no_target:
        print(_("No target-group figure for {year}: {codes}").format(
            year=result.year, codes=", ".join(no_target)))


def cmd_stats_training(args) -> int:
    from hrvdesk.cli import open_db, print_json
    from hrvdesk.store.training_repo import coverage_for, required_coverage_for

    with open_db(args) as db:
        result = (required_coverage_for(db, args.year) if args.topic == "required"
                  else coverage_for(db, args.year, args.topic))
    if args.json:
        print_json(result.to_json_dict())
    else:
        print_coverage(result)
    return 0


def add_training(subparsers) -> None:
    from hrvdesk.cli import db_options

    p = subparsers.add_parser("training", help=_("training coverage per administration"))
    p.add_argument("--year", required=True, type=year_argument, metavar="Y")
    p.add_argument("--topic", default="hrv", choices=TOPICS, metavar="|".join(TOPICS))
    p.add_argument("--json", action="store_true")
    db_options(p)
    p.set_defaults(func=cmd_stats_training)


#: The ``stats`` sub-commands: each adds itself to the given sub-parser collection.
SUBCOMMANDS: list[Callable] = [add_training, add_abroad, add_cross]


def register(subparsers) -> None:
    from hrvdesk.cli import Parser

    p = subparsers.add_parser("stats", help=_("statistics"))
    sub = p.add_subparsers(dest="stats_command", parser_class=Parser, metavar=_("WHAT"))
    sub.required = True
    for add in SUBCOMMANDS:
        add(sub)
