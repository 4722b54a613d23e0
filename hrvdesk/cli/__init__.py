"""The command line (``../shared/spec/cli.md``): the headless face of the same core as the app.

Every command is a function ``cmd_<name>(args) -> int`` registered in :func:`build_parser`.
The core commands (init, demo, check, backup, restore, passwd, user, audit) are here; the
capabilities' commands live beside this file: ``imports`` (import), ``stats`` (stats),
``export`` (export national) and ``report`` (report), each with a ``register(subparsers)``.
Known errors (:class:`~hrvdesk.domain.errors.HrvError`) are printed as one translated
sentence on stderr with their exit code; anything else is a bug and says so.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
import traceback
from pathlib import Path

from hrvdesk import __version__, disable_core_dumps, i18n
from hrvdesk.domain.errors import AuthenticationError, HrvError, UsageError, ValidationError
from hrvdesk.i18n import N_, _, ngettext

ENV_USER = "HRVDESK_USER"
ENV_PASSPHRASE = "HRVDESK_PASSPHRASE"
ENV_NEW_PASSPHRASE = "HRVDESK_NEW_PASSPHRASE"


# --- credentials ------------------------------------------------------------------------


def _ask(prompt: str) -> str:
    if not sys.stdin or not sys.stdin.isatty():
        raise AuthenticationError(_("No passphrase given: set {var} or run the command in a terminal.")
                                  .format(var=ENV_PASSPHRASE))
    return getpass.getpass(prompt)


def passphrase() -> str:
    value = os.environ.get(ENV_PASSPHRASE)
    return value if value is not None else _ask(_("Passphrase: "))


def new_passphrase() -> str:
    value = os.environ.get(ENV_NEW_PASSPHRASE)
    if value is not None:
        return value
    first = _ask(_("New passphrase: "))
    if first != _ask(_("Repeat the new passphrase: ")):
        raise ValidationError.single(_("The two passphrases differ."))
    return first


def user_of(args) -> str:
    user = args.user or os.environ.get(ENV_USER)
    if not user:
        raise UsageError(_("Say who you are with --user NAME or the {var} environment variable.")
                         .format(var=ENV_USER))
    return user


def open_db(args):
    from hrvdesk.store.database import Database

    return Database.open(args.db, user_of(args), passphrase())


def print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1))


# --- commands ---------------------------------------------------------------------------


def cmd_init(args) -> int:
    from hrvdesk.domain.profile import DEFAULT_PROFILE
    from hrvdesk.io.profile_files import load_profile
    from hrvdesk.store.database import Database

    profile = load_profile(args.profile or DEFAULT_PROFILE)  # rejected: no file is left behind
    with Database.create(args.db, user_of(args), new_passphrase(), profile=profile):
        pass
    print(_("Created {file} with {user} as administrator.").format(file=args.db, user=user_of(args)))
    return 0


def cmd_profile_export(args) -> int:
    from hrvdesk.store.profiles import write_profile

    with open_db(args) as db:
        profile = write_profile(db, args.out)
    print(_("Profile of {name} written: {file}").format(name=profile.name, file=args.out))
    return 0


def cmd_demo(args) -> int:
    from hrvdesk.store.demo import create_demo
    from hrvdesk.store.users import count_users

    secret = os.environ.get(ENV_NEW_PASSPHRASE) or os.environ.get(ENV_PASSPHRASE) or new_passphrase()
    with create_demo(args.db, user_of(args), secret, seed=args.seed, scale=args.scale) as db:
        summary = count_users(db)
    print(_("Created the demo database {file} ({n} users, fictitious data).").format(file=args.db, n=summary))
    return 0


def cmd_check(args) -> int:
    from hrvdesk.store.maintenance import check

    report, db = check(args.db, user_of(args), passphrase())
    if db is not None:
        db.close()
    for item in report.items:
        mark = "OK " if item.ok else "ERR"
        print(f"{mark} {item.name}: {item.detail}")
    if not report.ok:
        print(_("{file} failed the check; nothing was changed. Restore it from a backup.")
              .format(file=Path(args.db).name), file=sys.stderr)
        return 4
    print(_("All checks passed."))
    return 0


def cmd_backup(args) -> int:
    from hrvdesk.store.maintenance import backup

    with open_db(args) as db:
        backup(db, args.out)
    print(_("Backup written and verified: {file}").format(file=args.out))
    return 0


def cmd_restore(args) -> int:
    from hrvdesk.store.maintenance import BEFORE_RESTORE, restore

    with restore(getattr(args, "from"), args.db, user_of(args), passphrase()):
        pass
    print(_("Restored {file} from {backup}; the previous file is kept as {old}.").format(
        file=args.db, backup=getattr(args, "from"), old=Path(args.db).name + BEFORE_RESTORE))
    return 0


def cmd_passwd(args) -> int:
    from hrvdesk.store.users import change_passphrase

    with open_db(args) as db:
        change_passphrase(db, new_passphrase())
    print(_("Passphrase changed."))
    return 0


def cmd_user_add(args) -> int:
    from hrvdesk.store.users import add_user

    from hrvdesk.domain.roles import Permission

    with open_db(args) as db:
        db.require(Permission.MANAGE_USERS, what=_("add a user"))  # before asking for a passphrase
        add_user(db, args.name, args.role, new_passphrase(), args.administration)
    print(_("User {name} added.").format(name=args.name))
    return 0


def cmd_user_remove(args) -> int:
    from hrvdesk.store.users import remove_user

    with open_db(args) as db:
        waiting = remove_user(db, args.name, rekey=not args.no_rekey)
    print(_("User {name} removed.").format(name=args.name))
    if waiting and not args.no_rekey:
        print(_("The database key was not changed, so {name}'s old key still opens it: {names} must "
                "unlock once with their passphrase, then run \"hrvdesk rekey\".").format(
                    name=args.name, names=", ".join(waiting)), file=sys.stderr)
    elif not args.no_rekey:
        print(_("The database has a new key; {name}'s old key no longer opens it.").format(name=args.name))
    return 0


def cmd_rekey(args) -> int:
    from hrvdesk.store.users import rekey

    with open_db(args) as db:
        users = rekey(db)
    print(ngettext("The database has a new key, sealed to {n} user.",
                   "The database has a new key, sealed to {n} users.", users).format(n=users))
    return 0


def cmd_user_list(args) -> int:
    from hrvdesk.store.users import list_users

    with open_db(args) as db:
        users = list_users(db)
    if args.json:
        print_json([u.to_json() for u in users])
    else:
        for u in users:
            print(f"{u.name}\t{u.role.label}\t{u.administration or ''}")
    return 0


def cmd_audit(args) -> int:
    from hrvdesk.store import audit
    from hrvdesk.services import audit_log

    with open_db(args) as db:
        entries = audit_log.entries(db)  # checks the role first
        chain = audit_log.verify(db) if args.verify else None
    if args.json:
        out = {"entries": [{"seq": e.seq, "at": e.at, "user": e.user, "action": e.action,
                            "target": e.target, "fields": list(e.fields), "detail": e.detail}
                           for e in reversed(entries)]}
        if chain is not None:
            out["verified"] = chain.ok
            out["problem"] = chain.problem
        print_json(out)
    else:
        for e in reversed(entries):
            fields = ", ".join(e.fields)
            print(f"{e.seq}\t{e.at}\t{e.user}\t{audit.action_label(e.action)}\t{e.target}\t{fields}")
    if chain is not None:
        if not chain.ok:
            print(chain.problem, file=sys.stderr)
            return 4
        print(_("Audit log verified: {n} entries, chain intact.").format(n=chain.entries))
    return 0


def cmd_gui(args) -> int:
    from hrvdesk.ui.app import run

    return run(db_path=args.database, demo=args.demo, language=args.lang)


# --- parser -----------------------------------------------------------------------------


# argparse's own words (headings, help of -h/--version, usage errors), in our catalogs so they
# appear in the UI language: argparse looks its messages up through its module's ``_``.
ARGPARSE_MESSAGES = (
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"), N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"), N_("expected one argument"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("invalid %(type)s value: %(value)r"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)
argparse._ = _


class Parser(argparse.ArgumentParser):
    """Usage errors as a translated sentence and exit code 2."""

    def error(self, message: str):
        raise UsageError(_("Usage error: {detail}. See '{prog} --help'.").format(detail=message, prog=self.prog))


def db_options(p: argparse.ArgumentParser, user: bool = True) -> None:
    p.add_argument("--db", required=True, metavar="PATH", help=_("the database file"))
    if user:
        p.add_argument("--user", metavar="NAME", help=_("your user name (default: ${var})").format(var=ENV_USER))


def build_parser() -> Parser:
    parser = Parser(prog="hrvdesk", description=_(
        "hrvdesk: coordination of the municipality's work against honour-related violence."))
    parser.add_argument("--version", action="version", version=f"hrvdesk {__version__}",
                        help=_("show program's version number and exit"))
    parser.add_argument("--lang", choices=i18n.LANGUAGES, help=_("language of messages (sv or en)"))
    parser.add_argument("--demo", action="store_true", help=_("open the app on a fresh demo database"))
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar=_("COMMAND"))

    p = sub.add_parser("init", help=_("create a new encrypted database"))
    db_options(p)
    p.add_argument("--profile", metavar="NAME|FILE",
                   help=_("the municipality profile to set the database up from: a shipped one's name or "
                          "a .toml/.json file (default: botkyrka)"))
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("profile", help=_("municipality profiles"))
    psub = p.add_subparsers(dest="profile_command", parser_class=Parser, metavar=_("ACTION"))
    psub.required = True
    q = psub.add_parser("export", help=_("write the organisation and the action plan as a profile"))
    db_options(q)
    q.add_argument("--out", required=True, metavar="FILE.toml")
    q.set_defaults(func=cmd_profile_export)

    p = sub.add_parser("demo", help=_("create a database with fictitious demo data"))
    db_options(p)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--scale", choices=("small", "large"), default="small")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("check", help=_("verify key, integrity, schema and audit chain"))
    db_options(p)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("backup", help=_("write a verified encrypted copy"))
    db_options(p)
    p.add_argument("--out", required=True, metavar="FILE")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=_("verify a backup and put it in place"))
    p.add_argument("--from", required=True, metavar="FILE")
    db_options(p)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("passwd", help=_("change your passphrase"))
    db_options(p)
    p.set_defaults(func=cmd_passwd)

    p = sub.add_parser("user", help=_("manage users"))
    usub = p.add_subparsers(dest="user_command", parser_class=Parser, metavar=_("ACTION"))
    usub.required = True
    q = usub.add_parser("add", help=_("add a user"))
    q.add_argument("name")
    q.add_argument("--role", required=True, choices=("admin", "editor", "viewer"))
    q.add_argument("--administration", metavar="CODE")
    db_options(q)
    q.set_defaults(func=cmd_user_add)
    q = usub.add_parser("remove", help=_("remove a user"))
    q.add_argument("name")
    q.add_argument("--no-rekey", action="store_true",
                   help=_("keep the database key (the removed user's old key then still opens it)"))
    db_options(q)
    q.set_defaults(func=cmd_user_remove)
    q = usub.add_parser("list", help=_("list users and roles"))
    q.add_argument("--json", action="store_true")
    db_options(q)
    q.set_defaults(func=cmd_user_list)

    p = sub.add_parser("rekey", help=_("give the database a new key, sealed to every user"))
    db_options(p)
    p.set_defaults(func=cmd_rekey)

    p = sub.add_parser("audit", help=_("list or verify the audit log"))
    db_options(p)
    p.add_argument("--verify", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)

    from hrvdesk.cli import export, followups, imports, report, stats

    for register in (imports.register, stats.register, export.register, report.register,
                     followups.register, *EXTRA_COMMANDS):
        register(sub)
    return parser


def build_gui_parser() -> Parser:
    """``hrvdesk [--lang sv|en] [--demo] [DB]``: open the desktop app."""
    parser = Parser(prog="hrvdesk", add_help=False)
    parser.add_argument("--lang", choices=i18n.LANGUAGES)
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("database", nargs="?", metavar="DB")
    return parser


HELP = object()  # what _first_argument returns for --help and --version


def _first_argument(argv: list[str]):
    """The first positional argument (options and their values skipped), None when there is
    none, or :data:`HELP`."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg == "--lang":
            skip = True
            continue
        if arg in ("-h", "--help", "--version"):
            return HELP
        if not arg.startswith("-"):
            return arg
    return None


def _surely_gui(argv: list[str]) -> bool:
    """The app is meant, whatever the commands are: no positional argument, or a first one
    that is a path (no command name has a dot or a path separator). Saves building every
    command's parser (and importing what they need) when the app starts."""
    first = _first_argument(argv)
    return first is None or (first is not HELP and any(c in first for c in (".", "/", os.sep)))


def _wants_gui(argv: list[str], parser: Parser) -> bool:
    """No sub-command among the arguments (options and their values skipped)."""
    commands = set(parser._subparsers._group_actions[0].choices)  # noqa: SLF001 - argparse has no API
    first = _first_argument(argv)
    return first is None or (first is not HELP and first not in commands)


# Further commands (plug-ins, tests): each entry takes the sub-parser collection.
EXTRA_COMMANDS: list = []


def _language_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _lang_first(argv: list[str]) -> list[str]:
    """``--lang X`` moved to the front, so it is accepted after the sub-command too."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return ["--lang", argv[i + 1], *argv[:i], *argv[i + 2:]]
        if arg.startswith("--lang="):
            return [arg, *argv[:i], *argv[i + 1:]]
    return argv


def main(argv: list[str] | None = None) -> int:
    argv = _lang_first(list(sys.argv[1:] if argv is None else argv))
    disable_core_dumps()
    i18n.set_language(_language_from_argv(argv) or i18n.language_from_environment())
    args = None
    try:
        parser = None if _surely_gui(argv) else build_parser()
        if parser is None or _wants_gui(argv, parser):
            gui_parser = build_gui_parser()
            gui_args = gui_parser.parse_args(argv)
            if gui_args.database and not Path(gui_args.database).is_file():
                gui_parser.error(_("unknown command or file '{name}'").format(name=gui_args.database))
            return cmd_gui(gui_args)
        args = parser.parse_args(argv)
        if getattr(args, "func", None) is None:
            parser.error(_("a command is required"))
        return args.func(args)
    except ValidationError as exc:
        print(exc.message, file=sys.stderr)
        if [str(p) for p in exc.problems] != [exc.message]:
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
        return exc.exit_code
    except HrvError as exc:
        print(exc.message, file=sys.stderr)
        return exc.exit_code
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0)
    except KeyboardInterrupt:
        print(_("Interrupted; nothing was changed."), file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into e.g. `head`, which stopped reading
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: the trace has code locations, never record contents
        from hrvdesk.store.connection import DatabaseError, classify

        err = classify(exc, Path(args.db)) if isinstance(exc, DatabaseError) and getattr(args, "db", None) else None
        if err is not None:
            print(err.message, file=sys.stderr)
            return err.exit_code
        # the trace has code locations only; the exception's message could quote a value
        trace = "".join(traceback.format_tb(exc.__traceback__)) + type(exc).__qualname__
        log = _log_bug(trace)
        print(_("hrvdesk met an internal error (a bug). Please report it with the lines below.")
              + (" " + _("They are also in {file}.").format(file=log) if log else ""), file=sys.stderr)
        print(trace, file=sys.stderr)
        return 1


def _log_bug(trace: str) -> str:
    """Append ``trace`` (code locations only) to the error log; its path, or '' if that fails."""
    import datetime as dt

    import platformdirs

    try:
        folder = Path(platformdirs.user_log_dir("hrvdesk", appauthor=False))
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / "errors.log"
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"--- {dt.datetime.now().isoformat(timespec='seconds')} hrvdesk {__version__}\n{trace}\n")
        return str(path)
    except OSError:
        return ""


if __name__ == "__main__":
    sys.exit(main())
