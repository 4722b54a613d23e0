"""The annual statistics as PDF, parsed back: protected tables, method note, charts, trend,
the internal variant for administrators only, and the audit entry."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from hrvdesk import i18n
from hrvdesk.domain.errors import PermissionDenied
from hrvdesk.io.export_national import export_national
from hrvdesk.io.report_annual import build_annual_report
from hrvdesk.io.reports import available
from hrvdesk.store import abroad_repo, audit, settings
from tests.store.abroad_helpers import D, case, moment
from tests.store.plan_helpers import VIEWER, add_users, opened_as

NOW = dt.datetime(2026, 2, 3, 14, 5)


@pytest.fixture
def db(admin_db):
    """2022: 4 persons; 2023 and 2024: none; 2025: 14 (returned: 2, the only small status)."""
    add_users(admin_db)
    people = ([dict(status="at_risk", purposes=("forced_marriage",), destination="IQ")] * 7
              + [dict(status="abroad", purposes=("fgm", "child_marriage"), destination="SO")] * 5
              + [dict(status="returned", purposes=("upbringing_trip",), destination="AF")] * 2)
    for n, fields in enumerate(people):
        abroad_repo.create_case(admin_db, case(known_date=D(2025, 1 + n % 12, 9), **fields),
                                now=moment(2026, 1, 20))
    for n in range(4):
        abroad_repo.create_case(admin_db, case(known_date=D(2022, 5, 1 + n)), now=moment(2026, 1, 20))
    return admin_db


def pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text().replace("\xa0", " "))
            for page in PdfReader(io.BytesIO(pdf)).pages]


def between(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end, text.index(start))]


def test_public_report_in_swedish(db):
    text = " ".join(pages(build_annual_report(db, 2025, now=NOW)))
    for expected in (
            "Botkyrka kommun", "Barn som förts utomlands: årsstatistik 2025",
            "Redovisningsperiod 1 jan. 2025 – 31 dec. 2025", "Botkyrka (0127)",
            "Tröskelvärde 3", "Skyddskontroll godkänd",
            "varje antal från 1 till 2 undertrycks", "”..” betyder att siffran är dold",
            "En publicerad nolla är en verklig nolla", "färre än 6 barn publiceras bara totalen",
            "Bilaga: metoden", "Varje barn räknas en gång",
            "Efter status vid periodens slut", "Efter kön och ålder", "Efter destinationsregion",
            "Efter misstänkt syfte", "Diagram", "Utveckling",
            "Framtagen av anna 2026-02-03 14:05"):
        assert expected in text, expected
    status = between(text, "Efter status vid periodens slut Status Personer", "Totalt")
    # the zero goes with the two small cells: two markers alone would say one of them is 1 or 2
    assert status == "Efter status vid periodens slut Status Personer Risk 7 Utomlands .. Återkommit .. Okänd status .. "
    assert "INTERN" not in text


def test_the_trend_takes_earlier_years_from_the_release_register(db, tmp_path):
    text = " ".join(pages(build_annual_report(db, 2025, now=NOW)))
    assert "År Personer 2025 14" in text  # nothing was sent for earlier years
    export_national(db, 2022, tmp_path / "2022.json", now=NOW)
    abroad_repo.create_case(db, case(known_date=D(2022, 9, 1)), now=moment(2026, 1, 21))  # late
    text = " ".join(pages(build_annual_report(db, 2025, now=NOW)))
    assert "År Personer 2022 4 2023 – 2024 – 2025 14" in text  # 2022 as sent, not 5
    internal = " ".join(pages(build_annual_report(db, 2025, internal=True, now=NOW)))
    assert "År Personer 2022 5 2023 0 2024 0 2025 14" in internal  # the register as it is now


def test_public_report_in_english(db):
    i18n.set_language("en")
    text = " ".join(pages(build_annual_report(db, 2025, now=NOW)))
    for expected in ("Botkyrka municipality", "Children taken abroad: annual statistics 2025",
                     "Reporting period 1 Jan 2025 – 31 Dec 2025", "A published 0 is a real zero",
                     "By status at the end of the period", "Trend", "Produced by anna"):
        assert expected in text, expected


def test_the_internal_report_shows_exact_figures_and_says_so_on_every_page(db):
    texts = pages(build_annual_report(db, 2025, internal=True, now=NOW))
    assert len(texts) >= 2
    assert all("INTERN, ej undertryckta uppgifter" in page for page in texts)
    text = " ".join(texts)
    assert "Utomlands 5 Återkommit 2" in text and "..”" not in text


@pytest.mark.parametrize("user", ["SOC", VIEWER])
def test_only_administrators_get_the_internal_report(db, user):
    with opened_as(db, user) as other:
        with pytest.raises(PermissionDenied):
            build_annual_report(other, 2025, internal=True)
        assert "Utomlands .." in " ".join(pages(build_annual_report(other, 2025)))


def test_producing_it_is_audited(db):
    build_annual_report(db, 2025, now=NOW)
    build_annual_report(db, 2025, internal=True, now=NOW)
    entries = audit.entries(db.conn, action="report")
    assert [(e.target, e.detail) for e in reversed(entries)] == [
        ("annual", {"year": 2025, "internal": False}), ("annual", {"year": 2025, "internal": True})]


def test_registered_as_the_annual_report(db):
    assert available()["annual"] is build_annual_report


def test_a_custom_period_and_threshold(db):
    settings.put(db, "period_start_month", 7)
    settings.put(db, "suppression_threshold", 5)
    text = " ".join(pages(build_annual_report(db, 2025, now=NOW)))
    assert "Redovisningsperiod 1 juli 2024 – 30 juni 2025" in text
    assert "Tröskelvärde 5" in text and "från 1 till 4" in text
