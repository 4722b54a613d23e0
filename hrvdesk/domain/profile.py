"""Municipality profiles: what makes a new database one municipality's rather than another's.

hrvdesk is the same program for every Swedish municipality; what differs is data: the
municipality's name and code, its administrations, the partners it works with, its
committees and its action plan against honour-related violence (goals — the plan's own word
is *målbild* —, measures and activities with every responsible committee and partner), the
reporting period, the pilot survey's years and, optionally, school holidays already decided.
A profile holds exactly that, in a TOML file (JSON is accepted too), so that a new
municipality writes a file instead of changing code. ``hrvdesk init --profile`` sets a new
database up from one; ``hrvdesk profile export`` writes the current organisation and plan as
one, for a neighbouring municipality to start from.

The profiles shipped with hrvdesk live in ``resources/profiles`` (``botkyrka``, and
``template``: a commented starting point). :func:`shipped_profile` reads a shipped one by
name (:func:`hrvdesk.io.profile_files.load_profile` also a user's file by path);
:func:`parse_profile` validates everything before a database is touched: each
problem names its key path (``plan.goals[2].activities[0].responsible``, indexes from 0),
a syntax error the line the parser reports.

Titles are stored as written: an English message id (as in the Botkyrka profile, shown
through ``_()``) or the municipality's own words. This module reads and writes the file
format only; :mod:`hrvdesk.store.profiles` puts a profile into a database.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from hrvdesk.domain.codes import ADMINISTRATION_KINDS, PARTNER_KINDS
from hrvdesk.domain.organisation import Administration, Committee, Partner
from hrvdesk.domain.errors import Problem, ValidationError
from hrvdesk.domain.plan import MEASURE_SOURCES, MEASURE_UNITS, PLAN_KEY, Activity, Goal, Measure, Plan
from hrvdesk.domain.plan_seed import PARTNERS as NAMED_PARTNERS
from hrvdesk.domain.school_holidays import KINDS as HOLIDAY_KINDS
from hrvdesk.domain.school_holidays import Holiday, SchoolYear, holiday_title, school_year_problems
from hrvdesk.domain.settings import DATABASE, Key
from hrvdesk.domain.survey import PILOT_YEARS
from hrvdesk.i18n import N_, _
from hrvdesk.resources import read_text, resource_dir

DEFAULT_PROFILE = "botkyrka"
FIRST_YEAR, LAST_YEAR = 1990, 2100  # a year outside these is a typing error
MAX_PILOT_YEARS = 20

_CODE = re.compile(r"[A-Z0-9_]{1,12}")       # administrations and partners (the tables' rule)
_COMMITTEE = re.compile(r"[A-Za-z0-9_]{1,12}")
_MUNICIPALITY_CODE = re.compile(r"[0-9]{4}")
_NAME = re.compile(r"[a-z0-9_-]{1,40}")       # a shipped profile's name
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass(frozen=True)
class Profile:
    """One municipality's organisation and action plan, validated."""

    code: str    # the municipality code (kommunkod), four digits
    name: str
    administrations: tuple[Administration, ...]
    partners: tuple[Partner, ...]
    committees: tuple[Committee, ...]
    plan: Plan
    plan_owner: str                 # the committee that owns (coordinates) the plan
    pilot_first_year: int
    pilot_years: int = PILOT_YEARS
    period_start_month: int = 1
    school_years: tuple[SchoolYear, ...] = ()

    @property
    def settings(self) -> dict[str, Any]:
        """The database settings the profile decides (:data:`hrvdesk.domain.settings.DATABASE`)."""
        return {Key.MUNICIPALITY_CODE: self.code, Key.MUNICIPALITY_NAME: self.name,
                Key.PERIOD_START_MONTH: self.period_start_month}


# --- finding and reading ----------------------------------------------------------------


def shipped_profiles() -> list[str]:
    """The names of the shipped profiles (the template is not one to set a database up from)."""
    return sorted(p.stem for p in resource_dir("profiles").glob("*.toml") if p.stem != "template")


def is_profile_name(text: str) -> bool:
    """Whether ``text`` has the form of a shipped profile's name (not of a path)."""
    return bool(_NAME.fullmatch(text))


def shipped_profile(name: str = DEFAULT_PROFILE) -> Profile:
    """A profile shipped with hrvdesk, by name (``botkyrka``); a file of the user's own is read
    by :func:`hrvdesk.io.profile_files.load_profile`."""
    if not is_profile_name(name) or name not in shipped_profiles():
        raise ValidationError.single(_("There is no shipped profile {name} (shipped: {names}).")
                                     .format(name=name, names=", ".join(shipped_profiles())),
                                     field="--profile")
    return parse_profile(read_text("profiles", f"{name}.toml"), f"{name}.toml")


def parse_profile(text: str, file: str, fmt: str = "toml") -> Profile:
    """Parse and validate a profile's text; ``file`` names it in messages."""
    try:
        data = json.loads(text) if fmt == "json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        raise _rejected(file, [Problem(_("This is not valid JSON: {detail}.").format(detail=exc.msg),
                                       line=exc.lineno, field=str(exc.colno))]) from None
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        detail = _TOML_POSITION.sub("", str(exc))
        line, column = (int(found.group(1)), found.group(2)) if found else (None, None)
        raise _rejected(file, [Problem(_("This is not valid TOML: {detail}.").format(detail=detail),
                                       line=line, field=column)]) from None
    if not isinstance(data, dict):
        raise _rejected(file, [Problem(_("A profile is a table of keys."))])
    reader = _Reader()
    profile = reader.profile(data)
    if reader.problems or profile is None:
        raise _rejected(file, reader.problems)
    return profile


def _rejected(file: str, problems: list[Problem]) -> ValidationError:
    return ValidationError(_("{file} is not a valid municipality profile.").format(file=file), problems)


# --- validation -------------------------------------------------------------------------

_MISSING = object()


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(_text(v) for v in value)


def _text_or_int(value: Any) -> bool:
    return _text(value) or _int(value)


def _string(value: Any) -> bool:
    return isinstance(value, str)


_EXPECTED: dict[Callable[[Any], bool], str] = {}  # filled below: check -> message id


class _Reader:
    """Turns the parsed file into a :class:`Profile`, collecting every problem with its key path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, path: str, reason: str) -> None:
        self.problems.append(Problem(reason, field=path))

    # -- generic helpers ---------------------------------------------------------------

    def table(self, data: Any, path: str, keys: Iterable[str]) -> dict | None:
        """``data`` as a table with no keys beyond ``keys`` (a typing error is reported)."""
        if not isinstance(data, dict):
            self.problem(path, _("Expected a table of keys."))
            return None
        for key in data:
            if key not in keys:
                self.problem(_join(path, key), _("Unknown key (allowed: {keys}).").format(keys=", ".join(keys)))
        return data

    def get(self, table: dict, path: str, key: str, check: Callable[[Any], bool], default: Any = _MISSING):
        """The value of ``key``, if present and of the right kind; else ``default`` (a
        missing key without a default, or a value of the wrong kind, is a problem)."""
        where = _join(path, key)
        if table.get(key) is None:  # JSON's null is a key left out
            if default is _MISSING:
                self.problem(where, _("This key is required."))
                return None
            return default
        value = table[key]
        if not check(value):
            self.problem(where, _(_EXPECTED[check]))
            return None if default is _MISSING else default
        return value.strip() if isinstance(value, str) else value

    def items(self, table: dict, path: str, key: str, required: bool = True) -> list[tuple[str, Any]]:
        """(path, item) for each entry of the list ``key`` (an array of tables)."""
        where = _join(path, key)
        value = table.get(key, [])
        if not isinstance(value, list):
            self.problem(where, _("Expected a list of tables."))
            return []
        if required and not value:
            self.problem(where, _("At least one entry is required."))
        return [(f"{where}[{i}]", item) for i, item in enumerate(value)]

    def year(self, table: dict, path: str, key: str, default: Any = _MISSING) -> int | None:
        value = self.get(table, path, key, _int, default)
        if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
            self.problem(_join(path, key), _("A year between {first} and {last} is expected.").format(
                first=FIRST_YEAR, last=LAST_YEAR))
            return None
        return value

    def unique(self, key: str, coded: list[tuple[str, Any]]) -> None:
        """Each code once: ``coded`` holds (item path, code)."""
        counts = Counter(code for _where, code in coded if code is not None)
        for where, code in coded:
            if code is not None and counts[code] > 1:
                self.problem(_join(where, key), _("The code {code} is used twice.").format(code=code))
                counts[code] = 0  # reported once

    def code(self, table: dict, path: str, pattern: re.Pattern, message: str) -> str | None:
        value = self.get(table, path, "code", _text)
        if value is not None and not pattern.fullmatch(value):
            self.problem(_join(path, "code"), message)
            return None
        return value

    def kind(self, table: dict, path: str, codes, default: Any = _MISSING) -> str | None:
        value = self.get(table, path, "kind", _text, default)
        if value is not None and value not in codes:
            self.problem(_join(path, "kind"), _("Unknown kind {kind} (known: {kinds}).").format(
                kind=value, kinds=", ".join(codes.values)))
            return None
        return value

    # -- the parts of a profile --------------------------------------------------------

    def profile(self, data: dict) -> Profile | None:
        root = self.table(data, "", ("municipality", "settings", "survey", "administrations", "partners",
                                     "committees", "plan", "school_years"))
        if root is None:
            return None
        code = name = None
        municipality = self.table(root.get("municipality", {}), "municipality", ("code", "name"))
        if municipality is not None:
            code = self.get(municipality, "municipality", "code", _text)
            if code is not None and not _MUNICIPALITY_CODE.fullmatch(code):
                self.problem("municipality.code", _("A municipality code is four digits, e.g. 0127."))
            name = self.get(municipality, "municipality", "name", _text)
        month = self.settings(root.get("settings", {}))
        administrations = self.administrations(root)
        partners = self.partners(root)
        committees = self.committees(root, {a.code for a in administrations})
        plan, owner = self.plan(root.get("plan"), {c.code for c in committees},
                                {p.code for p in partners} | set(NAMED_PARTNERS.values))
        pilot = self.survey(root.get("survey", {}), plan)
        school_years = self.school_years(root)
        if self.problems or None in (code, name, plan, owner, pilot):
            return None
        return Profile(code, name, tuple(administrations), tuple(partners), tuple(committees),
                       plan, owner, pilot[0], pilot[1], month, tuple(school_years))

    def settings(self, data: Any) -> int:
        setting = DATABASE[Key.PERIOD_START_MONTH]
        table = self.table(data, "settings", (setting.key,))
        month = None if table is None else self.get(table, "settings", setting.key, _int, setting.default)
        if month is not None and not setting.minimum <= month <= setting.maximum:
            self.problem(f"settings.{setting.key}", _("A month from {first} to {last} is expected.").format(
                first=setting.minimum, last=setting.maximum))
        return month or setting.default

    def survey(self, data: Any, plan: Plan | None) -> tuple[int, int] | None:
        table = self.table(data, "survey", ("pilot_first_year", "pilot_years"))
        if table is None:
            return None
        first = self.year(table, "survey", "pilot_first_year", plan.adopted_year if plan else None)
        years = self.get(table, "survey", "pilot_years", _int, PILOT_YEARS)
        if years is not None and not 1 <= years <= MAX_PILOT_YEARS:
            self.problem("survey.pilot_years", _("Between {first} and {last} years are expected.").format(
                first=1, last=MAX_PILOT_YEARS))
            return None
        return None if first is None or years is None else (first, years)

    def administrations(self, root: dict) -> list[Administration]:
        found, coded = [], []
        for path, item in self.items(root, "", "administrations"):
            table = self.table(item, path, ("code", "name", "committee", "kind"))
            if table is None:
                continue
            code = self.code(table, path, _CODE, _("A code is 1–12 capital letters, digits or _."))
            name = self.get(table, path, "name", _text)
            committee = self.get(table, path, "committee", _text, "")
            kind = self.kind(table, path, ADMINISTRATION_KINDS)
            coded.append((path, code))
            if None not in (code, name, kind):
                found.append(Administration(code, name, committee, kind))
        self.unique("code", coded)
        return found

    def partners(self, root: dict) -> list[Partner]:
        found, coded = [], []
        for path, item in self.items(root, "", "partners", required=False):
            table = self.table(item, path, ("code", "name", "kind"))
            if table is None:
                continue
            code = self.code(table, path, _CODE, _("A code is 1–12 capital letters, digits or _."))
            name = self.get(table, path, "name", _text)
            kind = self.kind(table, path, PARTNER_KINDS, "other")
            coded.append((path, code))
            if None not in (code, name, kind):
                found.append(Partner(code, name, kind))
        self.unique("code", coded)
        return found

    def committees(self, root: dict, administrations: set[str]) -> list[Committee]:
        found, coded = [], []
        for path, item in self.items(root, "", "committees"):
            table = self.table(item, path, ("code", "title", "administration"))
            if table is None:
                continue
            code = self.code(table, path, _COMMITTEE, _("A code is 1–12 letters, digits or _."))
            title = self.get(table, path, "title", _text)
            administration = self.get(table, path, "administration", _text)
            if administration is not None and administration not in administrations:
                self.problem(_join(path, "administration"),
                             _("Unknown administration {code}.").format(code=administration))
                administration = None
            coded.append((path, code))
            if None not in (code, title, administration):
                found.append(Committee(code, title, administration))
        self.unique("code", coded)
        return found

    def plan(self, data: Any, committees: set[str], partners: set[str]) -> tuple[Plan | None, str | None]:
        if data is None:
            self.problem("plan", _("This key is required."))
            return None, None
        table = self.table(data, "plan", ("id", "name", "version", "owner", "adopted_year", "valid_from",
                                          "valid_to", "goals"))
        if table is None:
            return None, None
        plan_id = self.get(table, "plan", "id", _text, PLAN_KEY)
        if plan_id is not None and plan_id != PLAN_KEY:  # a database keeps its one plan under PLAN_KEY
            self.problem("plan.id", _("hrvdesk keeps the action plan under the key {key}; leave plan.id out.")
                         .format(key=PLAN_KEY))
        name = self.get(table, "plan", "name", _text)
        version = self.get(table, "plan", "version", _text_or_int, "1")
        owner = self.get(table, "plan", "owner", _text)
        if owner is not None and owner not in committees:
            self.problem("plan.owner", _("Unknown committee: {code}.").format(code=owner))
        adopted = self.year(table, "plan", "adopted_year")
        valid_from = self.year(table, "plan", "valid_from", adopted)
        valid_to = self.year(table, "plan", "valid_to", None)
        if valid_from is not None and valid_to is not None and valid_to < valid_from:
            self.problem("plan.valid_to", _("The plan ends before it starts."))
        goals, numbers, codes = [], [], []
        for i, (path, item) in enumerate(self.items(table, "plan", "goals")):
            goal = self.goal(item, path, i + 1, committees, partners, codes)
            numbers.append((path, goal.number if goal else None))
            if goal is not None:
                goals.append(goal)
        for where, number in numbers:
            if number is not None and [n for _w, n in numbers].count(number) > 1:
                self.problem(_join(where, "number"), _("Goal {number} appears twice.").format(number=number))
        self.unique("code", codes)
        if None in (name, version, adopted, valid_from) or self.problems:
            return None, None
        return Plan(plan_id, name, str(version), adopted, valid_from, valid_to, tuple(goals)), owner

    def goal(self, data: Any, path: str, number: int, committees: set[str], partners: set[str],
             codes: list[tuple[str, str]]) -> Goal | None:
        table = self.table(data, path, ("number", "title", "measures", "activities"))
        if table is None:
            return None
        number = self.get(table, path, "number", _int, number)
        title = self.get(table, path, "title", _text)
        measures = []
        for where, item in self.items(table, path, "measures", required=False):
            measure = self.measure(item, where)
            codes.append((where, measure.code if measure else None))
            if measure is not None:
                measures.append(measure)
        activities = []
        for where, item in self.items(table, path, "activities", required=False):
            activity = self.activity(item, where, committees, partners)
            codes.append((where, activity.code if activity else None))
            if activity is not None:
                activities.append(activity)
        if None in (number, title):
            return None
        return Goal(number, title, tuple(measures), tuple(activities))

    def measure(self, data: Any, path: str) -> Measure | None:
        table = self.table(data, path, ("code", "title", "source", "unit"))
        if table is None:
            return None
        code = self.get(table, path, "code", _text)
        title = self.get(table, path, "title", _text)
        source = self.get(table, path, "source", _text, "manual")
        if source is not None and source not in MEASURE_SOURCES:
            self.problem(_join(path, "source"), _("Unknown source: {code}.").format(code=source))
            source = None
        unit = self.get(table, path, "unit", _text, "share")
        if unit is not None and unit not in MEASURE_UNITS:
            self.problem(_join(path, "unit"), _("Unknown unit: {code}.").format(code=unit))
            unit = None
        return None if None in (code, title, source, unit) else Measure(code, title, source, unit)

    def activity(self, data: Any, path: str, committees: set[str], partners: set[str]) -> Activity | None:
        table = self.table(data, path, ("code", "title", "responsible", "lead", "partners", "timeframe",
                                        "first_year", "last_year"))
        if table is None:
            return None
        code = self.get(table, path, "code", _text)
        title = self.get(table, path, "title", _text)
        responsible = self.get(table, path, "responsible", _texts)
        where = _join(path, "responsible")
        if responsible is not None:
            responsible = tuple(c.strip() for c in responsible)
            if not responsible:
                self.problem(where, _("No responsible committee is given."))
            elif len(set(responsible)) != len(responsible):
                self.problem(where, _("A responsible committee is listed twice."))
            for unknown in dict.fromkeys(c for c in responsible if c not in committees):
                self.problem(where, _("Unknown committee: {code}.").format(code=unknown))
        lead = self.get(table, path, "lead", _text, responsible[0] if responsible else None)
        if lead is not None and responsible and lead not in responsible:
            self.problem(_join(path, "lead"), _(
                "The lead committee {lead} is not one of the responsible committees.").format(lead=lead))
        named = self.get(table, path, "partners", _texts, [])
        named = tuple(p.strip() for p in named or ())
        if len(set(named)) != len(named):
            self.problem(_join(path, "partners"), _("A partner is listed twice."))
        for unknown in dict.fromkeys(p for p in named if p not in partners):
            self.problem(_join(path, "partners"), _("Unknown partner: {code}.").format(code=unknown))
        timeframe = self.get(table, path, "timeframe", _string, "")
        first = self.year(table, path, "first_year", None)
        last = self.year(table, path, "last_year", None)
        if first is not None and last is not None and last < first:
            self.problem(_join(path, "last_year"), _("The last year is before the first year."))
        if None in (code, title, responsible, lead):
            return None
        return Activity(code, title, responsible, lead, named, timeframe or "", first, last)

    def school_years(self, root: dict) -> list[SchoolYear]:
        found, years = [], []
        for path, item in self.items(root, "", "school_years", required=False):
            table = self.table(item, path, ("start_year", *HOLIDAY_KINDS))
            if table is None:
                continue
            start = self.year(table, path, "start_year")
            holidays = [self.holiday(table, path, kind) for kind in HOLIDAY_KINDS]
            years.append((path, start))
            if start is None or None in holidays:
                continue
            year = SchoolYear(start, tuple(holidays))
            for problem in school_year_problems(year):
                kind = next(k for k in HOLIDAY_KINDS if problem.field == holiday_title(k))
                self.problem(_join(path, kind), problem.reason)
            found.append(year)
        for where, start in years:
            if start is not None and [s for _w, s in years].count(start) > 1:
                self.problem(_join(where, "start_year"), _("The school year {year} is given twice.").format(
                    year=start))
        return found

    def holiday(self, table: dict, path: str, kind: str) -> Holiday | None:
        value = self.get(table, path, kind, _day_pair)
        if value is None:
            return None
        first, last = (d if isinstance(d, dt.date) else dt.date.fromisoformat(d) for d in value)
        return Holiday(kind, first, last)


def _is_day(value: Any) -> bool:
    if isinstance(value, dt.datetime):
        return False
    if isinstance(value, dt.date):
        return True
    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return isinstance(value, str) and len(value) == 10


def _day_pair(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(_is_day(v) for v in value)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_EXPECTED.update({
    _text: N_("Expected a text."),
    _string: N_("Expected a text."),
    _int: N_("Expected a whole number."),
    _text_or_int: N_("Expected a text or a whole number."),
    _texts: N_("Expected a list of texts."),
    _day_pair: N_("Expected the first and the last day, e.g. [2025-10-25, 2025-11-02]."),
})


# --- writing ----------------------------------------------------------------------------


def profile_data(profile: Profile) -> dict[str, Any]:
    """The profile as the file's tables (what :func:`parse_profile` reads back); keys at
    their defaults are written anyway, so the file shows them."""
    plan = profile.plan

    def activity(a: Activity) -> dict[str, Any]:
        return _without_none({"code": a.code, "title": a.title, "responsible": list(a.responsible),
                              "lead": a.lead, "partners": list(a.partners), "timeframe": a.timeframe,
                              "first_year": a.first_year, "last_year": a.last_year})

    return {
        "municipality": {"code": profile.code, "name": profile.name},
        "settings": {"period_start_month": profile.period_start_month},
        "survey": {"pilot_first_year": profile.pilot_first_year, "pilot_years": profile.pilot_years},
        "administrations": [{"code": a.code, "name": a.name, "committee": a.committee, "kind": a.kind}
                            for a in profile.administrations],
        "partners": [{"code": p.code, "name": p.name, "kind": p.kind} for p in profile.partners],
        "committees": [{"code": c.code, "title": c.title, "administration": c.administration}
                       for c in profile.committees],
        "plan": _without_none({
            "name": plan.name, "version": plan.version, "owner": profile.plan_owner,
            "adopted_year": plan.adopted_year, "valid_from": plan.valid_from, "valid_to": plan.valid_to,
            "goals": [{"number": g.number, "title": g.title,
                       "measures": [{"code": m.code, "title": m.title, "source": m.source, "unit": m.unit}
                                    for m in g.measures],
                       "activities": [activity(a) for a in g.activities]} for g in plan.goals]}),
        "school_years": [{"start_year": y.start_year,
                          **{h.kind: [h.start, h.end] for h in y.holidays}} for y in profile.school_years],
    }


def dump_profile(profile: Profile, fmt: str = "toml", comment: str = "") -> str:
    """The profile's text as TOML (with ``comment`` as its first lines) or JSON."""
    data = profile_data(profile)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1, default=dt.date.isoformat) + "\n"
    lines = [f"# {line}".rstrip() for line in comment.splitlines()]
    _toml_table(lines, data, "")
    return "\n".join(lines).lstrip("\n") + "\n"


def _without_none(table: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in table.items() if value is not None}


def _is_tables(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, dt.date)):
        return str(value) if isinstance(value, int) else value.isoformat()
    if isinstance(value, str):  # a JSON string is a TOML basic string
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _toml_table(lines: list[str], table: dict[str, Any], prefix: str) -> None:
    """Append ``table``: its plain keys, then its tables and arrays of tables."""
    nested = {key: value for key, value in table.items() if isinstance(value, dict) or _is_tables(value)}
    lines += [f"{_toml_key(key)} = {_toml_value(value)}" for key, value in table.items()
              if key not in nested and not (isinstance(value, list) and not value and key in _TABLE_LISTS)]
    for key, value in nested.items():
        name = f"{prefix}.{_toml_key(key)}" if prefix else _toml_key(key)
        for item in (value if isinstance(value, list) else [value]):
            lines += ["", f"[[{name}]]" if isinstance(value, list) else f"[{name}]"]
            _toml_table(lines, item, name)


#: Keys whose value is an array of tables (an empty one is left out of a TOML file).
_TABLE_LISTS = frozenset({"administrations", "partners", "committees", "goals", "measures", "activities",
                          "school_years"})
