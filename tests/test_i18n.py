"""Every message in the source has a Swedish and an English translation with the same
placeholders; the compiled catalogs are those of the sources; formatting follows the chosen
locale."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo

from hrvdesk import i18n

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "i18n"))
import update as catalog_tool  # noqa: E402

CATALOGS = catalog_tool.ROOT / "i18n"
RECOMPILE = "run `python i18n/update.py` and commit the .mo files it writes"

PLACEHOLDER = re.compile(r"\{[a-z_0-9]*(?:[:!][^}]*)?\}")


def _ids(msg):
    return (msg,) if isinstance(msg, str) else tuple(msg)


@pytest.fixture(scope="module")
def source_messages():
    messages = catalog_tool.extract()
    assert len(messages) > 20, "extraction found suspiciously few messages"
    return messages


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_message_is_translated(lang, source_messages):
    catalog = i18n.load_catalog(lang)
    missing, bad_placeholders = [], []
    for msg, locations in source_messages.items():
        key = msg if isinstance(msg, str) else msg[0]
        entry = catalog.get(key)
        strings = () if entry is None else _ids(entry.string)
        if entry is None or not all(s for s in strings):
            missing.append(f"{locations[0]}: {msg!r}")
            continue
        wanted = sorted(PLACEHOLDER.findall(_ids(msg)[0]))
        for s in strings:
            if sorted(PLACEHOLDER.findall(s)) != wanted:
                bad_placeholders.append(f"{locations[0]}: {s!r}")
    assert not missing, f"untranslated in {lang}:\n" + "\n".join(missing)
    assert not bad_placeholders, f"placeholders differ in {lang}:\n" + "\n".join(bad_placeholders)


def _compiled_messages(mo: bytes) -> tuple[str, dict]:
    """What gettext reads from a compiled catalog: the plural rule and every translation
    (not the header's dates and Babel version)."""
    catalog = read_mo(io.BytesIO(mo))
    return catalog.plural_forms, {_ids(m.id): _ids(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("po", sorted(CATALOGS.glob("*/*.po")), ids=lambda po: f"{po.parent.name}/{po.name}")
def test_every_compiled_catalog_is_up_to_date(po):
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo.relative_to(CATALOGS.parent)} is missing: {RECOMPILE}"
    plural, committed = _compiled_messages(mo.read_bytes())
    wanted_plural, wanted = _compiled_messages(catalog_tool.compiled(po))
    stale = sorted((k for k in committed.keys() | wanted.keys() if committed.get(k) != wanted.get(k)), key=str)
    assert not stale and plural == wanted_plural, (
        f"{mo.relative_to(CATALOGS.parent)} is out of date with {po.name} ({len(stale)} message(s) differ"
        f"{', e.g. ' + repr(stale[0][0]) if stale else ', the plural rule differs'}): {RECOMPILE}")


def test_no_compiled_catalog_without_its_source():
    orphans = [str(mo.relative_to(CATALOGS.parent)) for mo in sorted(CATALOGS.glob("*/*.mo"))
               if not mo.with_suffix(".po").is_file()]
    assert not orphans, f"compiled catalogs without a .po: {orphans}: {RECOMPILE}"


def test_language_switch_and_fallback():
    try:
        assert i18n.set_language("en_GB.UTF-8") == "en"
        assert i18n.set_language("de") == "sv"
        assert i18n.normalise_language(None) == "sv"
    finally:
        i18n.set_language("sv")


def test_swedish_number_and_date_formatting():
    try:
        i18n.set_language("sv")
        assert i18n.format_number(12345) == "12\xa0345"
        assert i18n.format_percent(0.1383) == "13,8\xa0%"
        assert "2025" in i18n.format_date(dt.date(2025, 3, 1))
        i18n.set_language("en")
        assert i18n.format_number(12345) == "12,345"
        assert i18n.format_percent(0.1383) == "13.8%"
    finally:
        i18n.set_language("sv")


@pytest.mark.parametrize("env, expected", [
    ({}, "sv"), ({"LANG": "C.UTF-8"}, "sv"), ({"LANG": "C"}, "sv"), ({"LC_ALL": "POSIX"}, "sv"),
    ({"LC_ALL": "C.UTF-8", "LANG": "en_GB.UTF-8"}, "sv"),  # LC_ALL overrides, as for every program
    ({"LANG": "en_GB.UTF-8"}, "en"), ({"LC_ALL": "sv_SE.UTF-8"}, "sv"), ({"LANG": "de_DE.UTF-8"}, "sv"),
    ({"HRVDESK_LANG": "en", "LANG": "sv_SE.UTF-8"}, "en"),
])
def test_the_language_from_the_environment_falls_back_to_swedish(monkeypatch, env, expected):
    for var in ("HRVDESK_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert i18n.language_from_environment() == expected
