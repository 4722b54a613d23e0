"""The reports as Word documents, opened back with python-docx: title properties, headings,
tables with a repeating header and right-aligned numbers equal to the PDF's, charts as
tables, footer fields, and nothing written to disk."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from pypdf import PdfReader

from hrvdesk import i18n
from hrvdesk.domain.plan import FollowUp, MeasureValue
from hrvdesk.domain.training import Headcount, Training
from hrvdesk.io.pdf import ReportBuilder, Share
from hrvdesk.io.report_annual import build_annual_report
from hrvdesk.io.report_plan import build_plan_report
from hrvdesk.io.report_training import build_training_report
from hrvdesk.io.reports import FORMATS, available, render
from hrvdesk.io.word import docx_bytes
from hrvdesk.store import abroad_repo, audit, plan_repo, training_repo
from tests.store.abroad_helpers import D, case, moment

NOW = dt.datetime(2026, 2, 3, 14, 5)


@pytest.fixture
def db(admin_db):
    """Abroad cases in 2025 (7 at risk, 5 abroad, 2 returned), measure values and a
    follow-up for the plan, and HRV training for two administrations."""
    people = ([dict(status="at_risk", destination="IQ")] * 7 + [dict(status="abroad", destination="SO")] * 5
              + [dict(status="returned", destination="AF")] * 2)
    for n, fields in enumerate(people):
        abroad_repo.create_case(admin_db, case(known_date=D(2025, 1 + n % 12, 9), **fields),
                                now=moment(2026, 1, 20))
    for year, value in ((2023, 0.3), (2024, 0.45), (2025, 0.5)):
        plan_repo.save_measure_value(admin_db, MeasureValue("M1.1", year, value))
    plan_repo.save_followup(admin_db, FollowUp("A1.1", 2025, "ongoing", "Kursplan framtagen"))
    course = training_repo.save_training(admin_db, Training(
        0, "Grundkurs heder", frozenset({"hrv"}), "web", dt.date(2025, 1, 1),
        administrations=("UBF", "SOC"), vpc_coorganised=True))
    for person, adm in (("1", "UBF"), ("2", "UBF"), ("3", "UBF"), ("4", "SOC")):
        training_repo.add_completion(admin_db, course, person, adm, dt.date(2025, 3, 1))
    training_repo.save_headcount(admin_db, Headcount(2025, "UBF", 4, 4))
    training_repo.save_headcount(admin_db, Headcount(2025, "SOC", 2, 2))
    return admin_db


def open_docx(data: bytes) -> docx.document.Document:
    assert data.startswith(b"PK")
    return docx.Document(io.BytesIO(data))


def pdf_text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]


def table_starting(doc, *header: str):
    """The first table whose header row starts with ``header``."""
    return next(t for t in doc.tables if [c.text for c in t.rows[0].cells][:len(header)] == list(header))


def row_of(table, first_cell: str) -> list[str]:
    return next([c.text for c in r.cells] for r in table.rows if r.cells[0].text == first_cell)


def assert_real_table(table, numeric_columns: list[int]) -> None:
    """A header row that repeats on every page, bold; numbers right-aligned."""
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(run.bold for cell in header.cells for run in cell.paragraphs[0].runs)
    for row in table.rows[1:]:
        for i in numeric_columns:
            assert row.cells[i].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def assert_properties(doc, pdf: bytes) -> None:
    props, meta = doc.core_properties, PdfReader(io.BytesIO(pdf)).metadata
    assert props.title == meta.title and props.author == meta.author == "anna"
    assert (props.last_modified_by, props.comments, props.keywords) == ("", "", "")
    assert props.created == NOW.astimezone(dt.timezone.utc)


def test_annual_report_as_word(db):
    pdf = build_annual_report(db, 2025, now=NOW)
    doc = open_docx(build_annual_report(db, 2025, now=NOW, fmt="docx"))
    assert_properties(doc, pdf)
    assert doc.core_properties.title == "Barn som förts utomlands: årsstatistik 2025"
    assert [p.text for p in doc.paragraphs[:3]] == [
        "Botkyrka kommun", "Barn som förts utomlands: årsstatistik 2025",
        "Redovisningsperiod 1 jan. 2025 – 31 dec. 2025"]
    assert doc.paragraphs[1].style.name == "Title"
    assert headings(doc) == ["Så läser du siffrorna", "Tabellerna", "Diagram", "Utveckling",
                             "Bilaga: metoden"]
    status = table_starting(doc, "Status", "Personer")
    assert_real_table(status, [1])
    assert row_of(status, "Risk") == ["Risk", "7"]
    assert "Status Personer Risk 7" in pdf_text(pdf)
    # the caption before the table stays with it
    caption = next(p for p in doc.paragraphs if p.text == "Efter status vid periodens slut")
    assert caption.paragraph_format.keep_with_next
    # the trend chart as a label/value table
    years = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["2025", "14"]]
    assert years and years[-1].rows[0].cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_plan_report_as_word(db):
    pdf = build_plan_report(db, 2025, now=NOW)
    doc = open_docx(build_plan_report(db, 2025, now=NOW, fmt="docx"))
    assert_properties(doc, pdf)
    assert headings(doc)[0].startswith("Målbild 1: Verksamheterna arbetar förebyggande")
    assert {"Rutiner som ska ses över", "Pilotenkät 2025"} <= set(headings(doc))
    measures = table_starting(doc, "Mått", "2023", "2024", "2025")
    assert_real_table(measures, [1, 2, 3])
    m11 = next(r for r in measures.rows if r.cells[0].text.startswith("M1.1"))
    shares = [flat(c.text) for c in m11.cells[1:]]
    assert shares == ["30,0 %", "45,0 %", "50,0 %"]
    assert "45,0 % 50,0 %" in pdf_text(pdf)
    assert any("Kursplan framtagen" in c.text for t in doc.tables for r in t.rows for c in r.cells)


def test_training_report_as_word_in_english(db):
    i18n.set_language("en")
    pdf = build_training_report(db, 2025, now=NOW)
    doc = open_docx(build_training_report(db, 2025, now=NOW, fmt="docx"))
    assert_properties(doc, pdf)
    assert doc.core_properties.title == "Training coverage 2025"
    assert doc.core_properties.language == "en-GB"
    assert {"The action plan's measure", "Honour-related violence and oppression", "Trend",
            "Method"} <= set(headings(doc))
    coverage = table_starting(doc, "Administration", "Trained persons", "Headcount")
    assert_real_table(coverage, [1, 2])
    ubf = row_of(coverage, "Utbildningsförvaltningen")
    assert ubf[1:3] == ["3", "4"] and "75.0%" in ubf
    assert " ".join(ubf[:3]) in pdf_text(pdf)
    # the coverage chart as a table, with its target below
    chart = next(t for t in doc.tables if len(t.columns) == 2
                 and ["Utbildningsförvaltningen", "75.0%"] in ([c.text for c in r.cells] for r in t.rows))
    assert row_of(chart, "Socialförvaltningen") == ["Socialförvaltningen", "50.0%"]
    assert any(p.text == "Target: 80.0%" for p in doc.paragraphs)


def test_page_numbers_and_producer_in_the_footer(db):
    doc = open_docx(build_annual_report(db, 2025, now=NOW, fmt="docx"))
    section = doc.sections[0]
    footer = section.footer.paragraphs[0]
    fields = [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert footer.text.startswith("Barn som förts utomlands: årsstatistik 2025 – Botkyrka kommun\tSida ")
    assert section.different_first_page_header_footer
    assert section.first_page_footer.paragraphs[-1].text == "Framtagen av anna 2026-02-03 14:05"


def test_the_format_is_a_keyword_of_every_registered_report(db):
    assert FORMATS == ("pdf", "docx")
    for name, build in available().items():
        assert build(db, 2025, fmt="docx").startswith(b"PK"), name
        assert build(db, 2025).startswith(b"%PDF-"), name
    assert [e.target for e in audit.entries(db.conn, action="report")].count("plan") == 2
    with pytest.raises(ValueError):
        build_plan_report(db, 2025, fmt="odt")
    assert [e.target for e in audit.entries(db.conn, action="report")].count("plan") == 2


def test_parts_render_alike_in_both_formats():
    report = (ReportBuilder("Tabeller", "", "Åsa", NOW, "Botkyrka kommun")
              .table(["Förvaltning", "Andel", "Antal"], [["UBF", Share(0.1383), 2980], ["SOC", Share(None), None]],
                     note="Andel = utbildade / anställda.")
              .table(["Tom"], [])
              .key_values([("Tröskel", Share(0.8)), ("Giltig", True)])
              .page_break()
              .paragraph("a <b>fet</b> & x\x07\nrad två"))
    doc = open_docx(docx_bytes(report))
    table, empty, pairs = doc.tables
    assert [[c.text for c in r.cells] for r in table.rows] == [
        ["Förvaltning", "Andel", "Antal"], ["UBF", "13,8\xa0%", "2\xa0980"], ["SOC", "–", "–"]]
    assert [[c.text for c in r.cells] for r in empty.rows] == [["Tom"], ["Uppgift saknas"]]
    assert [[c.text for c in r.cells] for r in pairs.rows] == [["Tröskel", "80,0\xa0%"], ["Giltig", "Ja"]]
    texts = [p.text for p in doc.paragraphs]
    assert "Andel = utbildade / anställda." in texts
    assert "a <b>fet</b> & x\nrad två" in texts       # no markup; a control character dropped
    assert any('w:type="page"' in p._p.xml for p in doc.paragraphs)
    assert render(report, "pdf").startswith(b"%PDF-")


def test_no_temporary_file_is_written(db, tmp_path, monkeypatch):
    temp = tempfile.gettempdir()
    before = sorted(os.listdir(temp))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(work))

    def refuse(*_args, **_kwargs):
        raise AssertionError("a temporary file was asked for")

    for name in ("mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile",
                 "SpooledTemporaryFile", "TemporaryDirectory"):
        monkeypatch.setattr(tempfile, name, refuse)
    for build in (build_annual_report, build_plan_report, build_training_report):
        open_docx(build(db, 2025, now=NOW, fmt="docx"))
    assert list(work.iterdir()) == []
    assert sorted(os.listdir(temp)) == before
