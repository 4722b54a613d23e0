"""The action plan's yearly follow-up as PDF: contents in both languages, audit, command line."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from hrvdesk import i18n
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.plan import FollowUp, MeasureValue
from hrvdesk.io.report_plan import build_plan_report
from hrvdesk.io.reports import available
from hrvdesk.store import audit, plan_repo, routines_repo, survey_repo
from tests.store.plan_helpers import add_users, opened_as, routine

NOW = dt.datetime(2025, 2, 10, 9, 30)


@pytest.fixture
def db(admin_db):
    """A database with a year of follow-up, measure values, routines and survey answers."""
    add_users(admin_db)
    plan_repo.save_followup(admin_db, FollowUp("A1.1", 2023, "started", "Kursplan framtagen"))
    plan_repo.save_followup(admin_db, FollowUp("A1.2", 2023, "done"))
    plan_repo.carry_over_to(admin_db, 2024)
    plan_repo.save_followup(admin_db, FollowUp("A2.3", 2024, "ongoing", "Screeningmetod används i tre enheter"))
    plan_repo.save_followup(admin_db, FollowUp("A1.3", 2024, "cancelled", "Ersatt av nationellt material"))
    for year, value in ((2022, 0.25), (2023, 0.3), (2024, 0.45)):
        plan_repo.save_measure_value(admin_db, MeasureValue("M1.1", year, value))
    routines_repo.save_routine(admin_db, routine("SOC", ("UBF",), adopted=dt.date(2024, 6, 20)))
    routines_repo.save_routine(admin_db, dataclasses.replace(
        routine("UBF", ("SOC",), adopted=dt.date(2023, 6, 1)), title="Skolans agerande vid oro"))
    survey_repo.start_survey_year(admin_db, 2024)
    survey_repo.save_answers(admin_db, 2024, "SOC", {1: 17, 2: 4, 3: 2, 4: 230, 5: True,
                                                     6: "Ökning jämfört med förra året"})
    survey_repo.save_answers(admin_db, 2024, "UBF", {1: 9, 5: False})
    return admin_db


def _text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def test_report_in_swedish(db):
    i18n.set_language("sv")
    text = _text(build_plan_report(db, 2024, now=NOW))
    for expected in (
            "Uppföljning av handlingsplanen 2024", "Botkyrka kommun",
            "Fri att leva i Botkyrka", "version 1",
            "Målbild 1: Verksamheterna arbetar förebyggande",
            "M1.1 Andel skolor och förskolor",
            "25,0 %", "30,0 %", "45,0 %", "Trend: Ökar",
            "Huvudansvarig nämnd: Utbildningsnämnden", "Huvudansvarig nämnd: Socialnämnden",
            "Pågående", "Screeningmetod används i tre enheter",
            "Avbruten", "Ersatt av nationellt material",
            "Påbörjad (överförd från 2023)", "Avslutad 2023",
            "Rutiner som ska ses över", "Skolans agerande vid oro", "Översyn försenad",
            "Pilotenkät 2024", "2022–2025", "Komplett", "Delvis besvarad", "Inte besvarad",
            "Ökning jämfört med förra året",
            "Framtagen av anna 2025-02-10 09:30", "Sida 1 av"):
        assert expected in text, expected
    # the routine adopted in June 2024 is not due for review until June 2025
    assert "Samverkan vid misstanke" not in text
    # each lead committee's activities are listed together
    assert "Kursplan framtagen" not in text      # last year's comment is not carried over
    goal_1 = text[text.index("Målbild 1"):text.index("Målbild 2")]
    assert goal_1.index("Kommunstyrelsen") < goal_1.index("Utbildningsnämnden") < goal_1.index("Socialnämnden")


def test_report_in_english(db):
    i18n.set_language("en")
    text = _text(build_plan_report(db, 2024, now=NOW))
    for expected in (
            "Action plan follow-up 2024", "Botkyrka municipality",
            "Goal 2: Children and young people subjected to HRV are detected",
            "45.0%", "Trend: Rising", "Ongoing", "Cancelled", "Lead committee: Education Committee",
            "Started (carried over from 2023)", "Finished in 2023",
            "Routines due for review", "Review overdue",
            "Pilot survey 2024", "Complete", "Partly answered", "Not answered",
            "Page 1 of"):
        assert expected in text, expected
    assert "Uppföljning" not in text


def test_report_is_audited_and_a_year_without_plan_is_refused(db):
    build_plan_report(db, 2024)
    [entry] = audit.entries(db.conn, action="report")
    assert (entry.target, entry.detail) == ("plan", {"year": 2024})
    with pytest.raises(ValidationError):
        build_plan_report(db, 2019)
    assert len(audit.entries(db.conn, action="report")) == 1


def test_a_viewer_can_produce_the_report(db):
    with opened_as(db, "viewer") as viewer:
        assert build_plan_report(viewer, 2024).startswith(b"%PDF-")
    assert audit.entries(db.conn, action="report")[0].user == "viewer"


def test_plan_is_a_registered_report():
    assert available()["plan"] is build_plan_report


# --- command line -----------------------------------------------------------------------------


@pytest.fixture
def report_cli(cli):
    return cli


def test_cli_writes_the_report(db, report_cli, tmp_path):
    out = tmp_path / "uppfoljning.pdf"
    code, stdout, stderr = report_cli("report", "plan", "--year", "2024", "--db", db.path,
                                      "--out", out, lang="sv")
    assert (code, stderr) == (0, "")
    assert str(out) in stdout
    assert "Uppföljning av handlingsplanen 2024" in _text(out.read_bytes())
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


@pytest.mark.parametrize("args, passphrase, expected", [
    (("report", "nosuch", "--year", "2024"), None, 2),
    (("report", "plan", "--year", "tjugo"), None, 2),
    (("report", "plan"), None, 2),
    (("report", "plan", "--year", "2024"), "wrong passphrase!", 3),
    (("report", "plan", "--year", "2019"), None, 5),
])
def test_cli_exit_codes(db, report_cli, tmp_path, args, passphrase, expected):
    out = tmp_path / "r.pdf"
    kwargs = {"passphrase": passphrase} if passphrase else {}
    code, _out, stderr = report_cli(*args, "--db", db.path, "--out", out, **kwargs)
    assert code == expected
    assert stderr.strip() and "Traceback" not in stderr
    assert not out.exists()


def test_cli_refuses_a_missing_output_folder(db, report_cli, tmp_path):
    code, _out, stderr = report_cli("report", "plan", "--year", "2024", "--db", db.path,
                                    "--out", tmp_path / "nowhere" / "r.pdf")
    assert code == 5 and "nowhere" in stderr


def test_cli_reports_an_unwritable_output_as_a_sentence(db, report_cli, tmp_path):
    target = tmp_path / "a folder.pdf"
    target.mkdir()
    code, _out, stderr = report_cli("report", "plan", "--year", "2024", "--db", db.path,
                                    "--out", target)
    assert code == 1 and "a folder.pdf" in stderr and "Traceback" not in stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
