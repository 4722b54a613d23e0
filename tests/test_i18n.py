"""Every message in the source has a Swedish and an English translation with the same
placeholders; formatting follows the chosen locale."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import pytest

from hrvdesk import i18n

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "i18n"))
import update as catalog_tool  # noqa: E402

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
