"""The training coverage report, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from hrvdesk import i18n
from hrvdesk.domain.training import AggregateAttendance, Headcount, Training
from hrvdesk.io import reports
from hrvdesk.io.report_training import build_training_report
from hrvdesk.store import audit, settings, training_repo as tr

NOW = dt.datetime(2026, 2, 14, 9, 30)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


@pytest.fixture
def training_db(admin_db):
    """UBF: 3 of 4 staff trained in HRV (75 %); SOC: 2 of 2 (100 %); KLF: no headcount."""
    hrv = tr.save_training(admin_db, Training(0, "Grundkurs heder", frozenset({"hrv"}), "web",
                                              dt.date(2024, 1, 1), administrations=("UBF", "SOC"),
                                              vpc_coorganised=True))
    lone = tr.save_training(admin_db, Training(0, "Heder i fritidsgården", frozenset({"hrv", "fgm"}),
                                               "classroom", dt.date(2025, 5, 6), organiser="KOF",
                                               administrations=("KOF", "SOC")))
    for person, adm, day, unit in [("1", "UBF", dt.date(2023, 3, 1), "Skola 7"), ("2", "UBF", dt.date(2024, 3, 1), "Skola 7"),
                                   ("3", "UBF", dt.date(2025, 3, 1), "Förskola 2"), ("4", "SOC", dt.date(2025, 4, 1), None),
                                   ("5", "KLF", dt.date(2025, 4, 1), None)]:
        tr.add_completion(admin_db, hrv, person, adm, day, unit)
    tr.add_completion(admin_db, lone, "6", "SOC", dt.date(2025, 5, 6))
    tr.add_attendance(admin_db, AggregateAttendance(lone, "KOF", 35, dt.date(2025, 5, 6)))
    tr.save_headcount(admin_db, Headcount(2025, "UBF", 4, 4))
    tr.save_headcount(admin_db, Headcount(2025, "SOC", 2, 1))
    return admin_db


def test_the_english_report_has_the_tables_chart_trend_measure_and_method(training_db):
    i18n.set_language("en")
    # by default the plan requires HRV, FGM and DV: nobody here has all three
    text = text_of(build_training_report(training_db, 2025, now=NOW))
    assert "Administrations that have ensured knowledge, 2025 0.0%" in text
    assert "Administrations ensured / with a target-group figure 0 / 2" in text
    assert ("All topics the plan requires: honour-related violence and oppression, female genital "
            "mutilation, domestic violence") in text
    settings.put(training_db, "required_topics", "hrv")
    text = text_of(build_training_report(training_db, 2025, now=NOW))
    assert "Training coverage 2025" in text
    assert "Produced by anna on" in text
    # the measure, over target groups: SOC ensured (2 trained, 1 in its target group), UBF
    # not (3 of 4), KLF without a target-group figure not measured
    assert "Administrations that have ensured knowledge, 2025 50.0%" in text
    assert "Administrations ensured / with a target-group figure 1 / 2" in text
    assert "Utbildningsförvaltningen 3 4 4 75.0% 75.0% No" in text
    assert "Socialförvaltningen 2 2 1 100.0% 200.0% Yes" in text
    assert "Kommunledningsförvaltningen 1 – – – – –" in text
    assert "No headcount for 2025" in text and "Kommunledningsförvaltningen" in text
    assert "Target: 80.0%" in text                         # the chart's threshold line
    assert "Coverage per administration, 2023–2025" in text
    assert "Female genital mutilation" in text and "Domestic violence" in text
    assert "Trend" in text and "2021" in text
    assert "Heder i fritidsgården" in text                 # breaks the co-organisation rule
    assert "Skola 7" in text and "Förskola 2" in text      # per unit
    assert "Participants without a list in 2025" in text and "35" in text
    assert "from 1 January 2023 to 31 December 2025" in text
    assert "never in the coverage" in text


def test_the_report_follows_the_ui_language_and_is_audited(training_db):
    i18n.set_language("sv")
    pdf = build_training_report(training_db, 2025, now=NOW)
    text = text_of(pdf)
    assert "Training coverage" not in text
    assert "Utbildningsförvaltningen" in text and "75,0 %" in text
    entry = audit.entries(training_db.conn, action="report")[0]
    assert (entry.user, entry.target, entry.detail) == ("anna", "training", {"year": 2025})


def test_the_report_is_registered_for_the_report_command():
    assert reports.available()["training"] is build_training_report
