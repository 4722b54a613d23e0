"""The audit log's references and field names in a reader's words, in both languages."""

from __future__ import annotations

import pytest

from hrvdesk import i18n
from hrvdesk.domain.audit_words import field_text, fields_text, target_text


@pytest.mark.parametrize("language, target, words", [
    ("en", "survey:2025:VOF", "Pilot survey 2025, VOF"),
    ("sv", "survey:2025:VOF", "Pilotenkäten 2025, VOF"),
    ("en", "followup:botkyrka-hrv:A1.1:2025", "Follow-up of activity A1.1, 2025"),
    ("sv", "headcount:2025:UBF:Skola 03", "Antal anställda 2025, UBF, enhet Skola 03"),
    ("en", "abroad:list", "Children taken abroad (the register)"),
    ("sv", "coverage_threshold_percent", "Inställning: Täckning som räknas som säkerställd (%)"),
    ("en", "something:new", "something:new"),        # a kind not known here: as stored
    ("en", "case:1:2", "case:1:2"),                  # a known kind, an unknown shape
])
def test_targets_in_words(language, target, words):
    i18n.set_language(language)
    assert target_text(target) == words


def test_fields_in_words():
    i18n.set_language("sv")
    assert fields_text(["target_group", "follow_up_date"]) == "Målgrupp, Nästa uppföljning"
    assert field_text("A1.1.title") == "A1.1 titel"
    assert field_text("autolock_minutes") == "autolock_minutes"   # a workstation setting: not logged
    i18n.set_language("en")
    assert field_text("coverage_threshold_percent") == "Coverage that counts as ensured (%)"
