"""``hrvdesk followups --db PATH [--days N] [--json]`` (``cli.md``): the follow-ups that are
due, most overdue first, of the cases the user may see (an editor: her own administration's).
"""

from __future__ import annotations

from hrvdesk.i18n import _, format_date


def _days(text: str) -> int:
    import argparse

    try:
        days = int(text)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(_("a whole number of days, 0 or more"))
    return days


def cmd_followups(args) -> int:
    import datetime as dt

    from hrvdesk.cli import open_db, print_json
    from hrvdesk.store import followups_repo

    today = dt.date.today()
    with open_db(args) as db:
        items = followups_repo.work_list(db, today, args.days)
    if args.json:
        print_json({"today": today.isoformat(), "days": args.days, "followups": [{
            "case": i.case.id, "reported_by": i.case.reported_by, "status": i.case.status,
            "follow_up_date": i.case.follow_up_date.isoformat() if i.case.follow_up_date else None,
            "overdue_days": i.overdue_days, "other_cases": list(i.earlier_cases),
            "days_without_school": i.days_without_school(today)} for i in items]})
        return 0
    if not items:
        print(_("No follow-ups are due within {days} days.").format(days=args.days))
        return 0
    for i in items:
        when = format_date(i.case.follow_up_date) if i.case.follow_up_date else "–"
        parts = [_("case {id}").format(id=i.case.id), i.case.reported_by, when, i.reason]
        if i.earlier_cases:
            parts.append(_("same child: case {cases}").format(cases=", ".join(map(str, i.earlier_cases))))
        if (days := i.days_without_school(today)) is not None:
            parts.append(_("no school placement for {days} days").format(days=days))
        print("\t".join(parts))
    return 0


def register(subparsers) -> None:
    from hrvdesk.cli import db_options
    from hrvdesk.domain.followups import DEFAULT_DAYS

    p = subparsers.add_parser("followups", help=_("the follow-ups of children taken abroad that "
                                                  "are due or overdue"))
    p.add_argument("--days", type=_days, default=DEFAULT_DAYS, metavar="N",
                   help=_("also those due within N days (default {days})").format(days=DEFAULT_DAYS))
    p.add_argument("--json", action="store_true")
    db_options(p)
    p.set_defaults(func=cmd_followups)
