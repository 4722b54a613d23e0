"""The PDF toolkit: texts, tables, charts and footers survive a round trip through pypdf."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile

import pytest
from pypdf import PdfReader

from hrvdesk.i18n import set_language
from hrvdesk.io.pdf import ReportBuilder, Share, pdf_text

PRODUCED_AT = dt.datetime(2025, 3, 1, 14, 5)
HELVETICA = {"/Helvetica", "/Helvetica-Bold", "/Helvetica-Oblique"}


def builder(title="Utbildningstäckning 2025"):
    return ReportBuilder(title, "Hedersrelaterat våld och förtryck", "Åsa Öberg",
                         PRODUCED_AT, "Botkyrka kommun")


def read(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    # no-break spaces from number formatting read as ordinary spaces
    return reader, [p.extract_text().replace("\xa0", " ") for p in reader.pages]


def fonts(reader: PdfReader) -> set[str]:
    return {str(f.get_object()["/BaseFont"]) for page in reader.pages
            for f in page["/Resources"]["/Font"].values()}


def test_report_texts_table_and_footer():
    pdf = (builder()
           .heading("Översikt per förvaltning")
           .paragraph("Åtgärder för barn och unga: ÅÄÖ åäö é ü – «citat».\nAndra raden.")
           .key_values([("Tröskel", Share(0.8)), ("Giltighet", "3 år"),
                        ("Senast uppdaterad", dt.date(2025, 2, 28))])
           .table(["Förvaltning", "Utbildade", "Anställda", "Täckning"],
                  [["Utbildningsförvaltningen", 412, 2980, Share(0.1383)],
                   ["Socialförvaltningen", 57, None, Share(None)]],
                  note="Täckning = utbildade / anställda.")
           .page_break()
           .heading("Bilaga")
           .build())
    assert pdf.startswith(b"%PDF-")
    reader, pages = read(pdf)
    assert len(pages) == 2
    first = pages[0]
    for text in ("Botkyrka kommun", "Utbildningstäckning 2025", "Hedersrelaterat våld och förtryck",
                 "Översikt per förvaltning", "Åtgärder för barn och unga: ÅÄÖ åäö é ü – «citat».",
                 "Andra raden.", "Tröskel", "80,0 %", "28 feb. 2025",
                 "Utbildningsförvaltningen", "2 980", "13,8 %", "Socialförvaltningen",
                 "Täckning = utbildade / anställda."):
        assert text in first, text
    # the table row reads left to right; the missing headcount shows as a dash
    assert re.search(r"Socialförvaltningen\s+57\s+–\s+–", first)
    assert "Bilaga" in pages[1] and "Bilaga" not in first
    for number, page in enumerate(pages, start=1):
        assert f"Sida {number} av 2" in page
        assert "Utbildningstäckning 2025 – Botkyrka kommun" in page
    assert "Framtagen av Åsa Öberg 2025-03-01 14:05" in first
    assert "Framtagen av" not in pages[1]
    assert reader.metadata.title == "Utbildningstäckning 2025"
    assert reader.metadata.author == "Åsa Öberg"
    # every character was drawn with Helvetica itself (no fallback font needed)
    assert fonts(reader) <= HELVETICA


def test_footer_and_formatting_follow_language():
    set_language("en")
    pdf = builder().table(["Administration", "Trained"], [["UBF", 12345]]).build()
    _reader, pages = read(pdf)
    assert "Page 1 of 1" in pages[0]
    assert "Produced by Åsa Öberg on" in pages[0]
    assert "12,345" in pages[0]


def test_long_table_splits_with_header_repeated():
    rows = [[i, f"Enhet {i} – förskola på Söder", Share(i / 200)] for i in range(150)]
    pdf = builder().heading("Enheter").table(["Nr", "Enhet", "Andel"], rows).build()
    _reader, pages = read(pdf)
    assert len(pages) >= 3
    assert "Enheter" in pages[0]          # the table starts under its heading on page 1
    seen = []
    for number, page in enumerate(pages, start=1):
        # the header row comes before the first data row on every page
        assert re.search(r"Nr\s+Enhet\s+Andel\s+\d+\s+Enhet \d+ –", page), number
        seen += [int(n) for n in re.findall(r"Enhet (\d+) – förskola på Söder", page)]
        assert f"Sida {number} av {len(pages)}" in page
    assert seen == list(range(150))     # every row once, in order, none lost at a break


def test_long_bar_chart_continues_on_next_page():
    labels = [f"Skola {n}" for n in range(70)]
    pdf = builder().bar_chart(labels, [n / 100 for n in range(70)], threshold=0.8,
                              title="Täckning per skola").build()
    _reader, pages = read(pdf)
    assert len(pages) >= 2
    text = "\n".join(pages)
    assert text.count("Täckning per skola") == 1
    assert all(re.search(rf"\bSkola {n}\b", text) for n in range(70))


def test_bar_chart_labels_values_and_threshold():
    pdf = (builder()
           .bar_chart(["Utbildningsförvaltningen", "Socialförvaltningen", "Kultur- och fritidsförvaltningen"],
                      [0.1383, None, 0.91], threshold=0.8, title="Täckning per förvaltning")
           .bar_chart(["Flickor", "Pojkar"], [11, 6], title="Antal ärenden")
           .build())
    reader, pages = read(pdf)
    text = pages[0]
    for expected in ("Täckning per förvaltning", "Utbildningsförvaltningen", "Socialförvaltningen",
                     "13,8 %", "91,0 %", "Uppgift saknas", "Mål: 80,0 %", "100 %",
                     "Antal ärenden", "Flickor", "Pojkar", "11", "6"):
        assert expected in text, expected
    assert fonts(reader) <= HELVETICA


def test_user_text_is_not_markup():
    pdf = builder().paragraph("a <b>fet</b> & <font size=40>x</font>").build()
    assert "a <b>fet</b> & <font size=40>x</font>" in read(pdf)[1][0]


def test_empty_table_says_no_data():
    pdf = builder().table(["Förvaltning", "Antal"], []).build()
    assert "Uppgift saknas" in read(pdf)[1][0]


def test_build_is_repeatable_and_writes_no_files(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(work))
    report = builder().table(["Nr"], [[n] for n in range(80)])
    first, second = report.build(), report.build()
    assert list(work.iterdir()) == []
    assert len(read(first)[1]) == len(read(second)[1]) >= 2


def test_characters_outside_the_font_are_mapped():
    assert pdf_text("−5 ≤ 7\u202f%") == "-5 <= 7\xa0%"
    assert pdf_text("Łódź Gőz") == "?ódz Goz"   # ó is in the font, ő is not
    assert pdf_text("Åsa Öberg – “heder”") == "Åsa Öberg – “heder”"
    pdf = builder().paragraph("Skillnad −5 procentenheter").build()
    reader, pages = read(pdf)
    assert "Skillnad -5 procentenheter" in pages[0]
    assert fonts(reader) <= HELVETICA


@pytest.mark.parametrize("call", [
    lambda b: b.table(["a", "b"], [[1]]),
    lambda b: b.table(["a"], [[1]], col_align=["middle"]),
    lambda b: b.table([], []),
    lambda b: b.bar_chart(["a", "b"], [1]),
    lambda b: b.bar_chart(["a"], [-0.1]),
])
def test_malformed_parts_are_refused(call):
    with pytest.raises(ValueError):
        call(builder())


def test_text_columns_never_narrower_than_their_longest_word():
    from hrvdesk.io.pdf import _column_widths, _text_width, FONT, CELL_SIZE

    header = ["Nämnd", "Kommentar"]
    rows = [["Kommunstyrelsen", "lång text " * 60], ["Socialnämnden", "kort"]]
    widths = _column_widths(header, rows, [False, False], 480)
    assert abs(sum(widths) - 480) < 0.01
    assert widths[0] >= _text_width("Kommunstyrelsen", FONT, CELL_SIZE)


# --- the annual report's layout (issue #16) ---------------------------------------------------

from hrvdesk.i18n import _  # noqa: E402
from hrvdesk.domain.abroad_stats import table_title  # noqa: E402
from hrvdesk.io.report_annual import build_annual_report  # noqa: E402
from hrvdesk.store import abroad_repo  # noqa: E402
from tests.store.abroad_helpers import D, case, moment  # noqa: E402
from tests.store.plan_helpers import add_users  # noqa: E402

PAGE_LABEL = re.compile(r"^(Page|Sida) \d+ (of|av) \d+$")


@pytest.fixture
def annual_db(admin_db):
    """14 persons in 2025 (in four destination regions) and one in every year 2012–2023: with
    these the English internal report ended with an empty page, and left the caption "By
    honour link" at the foot of page 1."""
    add_users(admin_db)
    people = ([dict(status="at_risk", purposes=("forced_marriage",), destination="IQ")] * 7
              + [dict(status="abroad", purposes=("fgm", "child_marriage"), destination="SO")] * 5
              + [dict(status="returned", purposes=("upbringing_trip",), destination="AF")] * 2
              + [dict(destination="RS")])
    for n, fields in enumerate(people):
        abroad_repo.create_case(admin_db, case(known_date=D(2025, 1 + n % 12, 9), **fields),
                                now=moment(2026, 1, 20))
    for year in range(2012, 2024):
        abroad_repo.create_case(admin_db, case(known_date=D(year, 5, 1), birth_year=year - 8),
                                now=moment(2026, 1, 20))
    return admin_db


def body_lines(pdf: bytes) -> list[list[str]]:
    """Each page's text lines without the footer (drawn last: page label, title, and on the
    first page who produced the report)."""
    out = []
    for number, page in enumerate(read(pdf)[1], start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        footer = 3 if number == 1 else 2
        assert PAGE_LABEL.match(lines[-footer]), lines[-footer:]
        out.append(lines[:-footer])
    return out


@pytest.mark.parametrize("lang", ["en", "sv"])
@pytest.mark.parametrize("internal", [True, False])
def test_annual_report_has_no_empty_page_and_no_heading_at_a_page_foot(annual_db, lang, internal):
    set_language(lang)
    headings = {table_title(t.id) for t in abroad_repo.stats_for(annual_db, 2025).tables}
    headings |= {_("How to read the figures"), _("The tables"), _("Charts"), _("Trend"),
                 _("Appendix: the method")}
    pages = body_lines(build_annual_report(annual_db, 2025, internal=internal, now=PRODUCED_AT))
    assert len(pages) >= 3
    empty = [number for number, lines in enumerate(pages, start=1) if not lines]
    heading_last = [(number, lines[-1]) for number, lines in enumerate(pages, start=1)
                    if lines and lines[-1] in headings]
    assert (empty, heading_last) == ([], []), f"of {len(pages)} pages"
