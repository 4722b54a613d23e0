"""The reports as Word documents (.docx), for committee papers that are written in Word.

:func:`docx_bytes` renders the parts a :class:`~hrvdesk.io.pdf.ReportBuilder` recorded, the
same ones its PDF shows, with python-docx:

- the title block (municipality, title, subtitle) and, in the first page's footer, who
  produced the report and when, as in the PDF; every page's footer has the report title and
  "Page X of Y" (PAGE and NUMPAGES fields, which Word fills in);
- headings in Word's heading style, paragraphs, and captions kept with what follows them;
- real Word tables whose header row repeats on every page, numbers right-aligned, cells
  formatted with the PDF's :func:`~hrvdesk.io.pdf.format_cell`, a note in small type below;
- a bar chart as a small two-column table of its labels and values (as the bars' labels
  show them), with the target below: an editable table suits a committee paper better than
  a picture, and python-docx draws no charts;
- key/value lists as borderless two-column tables, and page breaks.

The document is built in memory (the data is sensitive: no temporary file is written) and
returned as bytes for the safe-write helper. Its core properties name the title, subject,
author (who produced it), language and time, and nothing else about any person.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from reportlab.lib.colors import Color

from hrvdesk.i18n import _, current_locale
from hrvdesk.io.pdf import (
    ACCENT, FOOTER_ROOM, HEADER_FILL, MARGIN, SMALL_SIZE, BarChartPart, CaptionPart, HeadingPart,
    KeyValuesPart, PageBreakPart, ParagraphPart, ReportBuilder, TablePart, format_cell,
)

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT,
          "center": WD_ALIGN_PARAGRAPH.CENTER}
_GRID_STYLE = "Table Grid"
# Characters XML 1.0 cannot hold (python-docx would refuse the text).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FIELDS = {"{page}": "PAGE", "{pages}": "NUMPAGES"}


def _hex(colour: Color) -> str:
    """A ReportLab colour as Word writes it (six hex digits)."""
    return colour.hexval()[2:].upper()


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def _text(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False,
          size: float | None = None) -> Paragraph:
    """``text`` added to ``paragraph`` as one run (line breaks kept)."""
    run = paragraph.add_run(_clean(text))
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    return paragraph


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field (PAGE, NUMPAGES) that Word computes; "1" until it does."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _footer(paragraph: Paragraph, report: ReportBuilder, width: int) -> None:
    """The report title, then "Page X of Y" right-aligned, as in the PDF."""
    paragraph.style = "Footer"
    paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    _text(paragraph, report.footer_title() + "\t", size=SMALL_SIZE)
    for piece in re.split(r"(\{pages?\})", _("Page {page} of {pages}")):
        if piece in _FIELDS:
            _field(paragraph, _FIELDS[piece])
        elif piece:
            _text(paragraph, piece, size=SMALL_SIZE)


def _page_setup(doc: DocxDocument, report: ReportBuilder) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = (Pt(v) for v in report.pagesize)
    section.left_margin = section.right_margin = section.top_margin = Pt(MARGIN)
    section.bottom_margin = Pt(FOOTER_ROOM)
    section.footer_distance = Mm(10)
    width = section.page_width - section.left_margin - section.right_margin
    doc.styles["Footer"].paragraph_format.tab_stops.clear_all()  # the template's Letter stops
    section.different_first_page_header_footer = True
    _footer(section.footer.paragraphs[0], report, width)
    first = section.first_page_footer
    _footer(first.paragraphs[0], report, width)
    _text(first.add_paragraph(style="Footer"), report.produced_text(), italic=True,
          size=SMALL_SIZE)


def _properties(doc: DocxDocument, report: ReportBuilder) -> None:
    """Title, subject, author, language and time; the template's other values cleared."""
    props = doc.core_properties
    props.title, props.subject, props.author = (_clean(t) for t in (
        report.title, report.subtitle, report.produced_by))
    props.last_modified_by = props.comments = props.keywords = props.category = ""
    props.language = str(current_locale()).replace("_", "-")
    props.created = props.modified = report.produced_at.astimezone(dt.timezone.utc)
    props.revision = 1


def _title_block(doc: DocxDocument, report: ReportBuilder) -> None:
    municipality = _text(doc.add_paragraph(), report.municipality, size=SMALL_SIZE)
    municipality.runs[0].font.color.rgb = RGBColor.from_string(_hex(ACCENT))
    doc.add_paragraph(_clean(report.title), style="Title")
    if report.subtitle:
        doc.add_paragraph(_clean(report.subtitle), style="Subtitle")


# --- tables -----------------------------------------------------------------------------------


def _shade(cell: _Cell, colour: Color) -> None:
    fill = OxmlElement("w:shd")
    fill.set(qn("w:val"), "clear")
    fill.set(qn("w:color"), "auto")
    fill.set(qn("w:fill"), _hex(colour))
    cell._tc.get_or_add_tcPr().append(fill)


def _grid(doc: DocxDocument, rows: Sequence[Sequence[str]], aligns: Sequence[str], *,
          style: str | None = None, header: bool = False, bold_keys: bool = False) -> Table:
    """A table of texts, one alignment per column; ``header``: the first row is the header
    (bold, shaded, repeated on every page); ``bold_keys``: the first column is bold."""
    table = doc.add_table(rows=len(rows), cols=len(aligns), style=style)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for r, (row, texts) in enumerate(zip(table.rows, rows)):
        for c, (cell, text) in enumerate(zip(row.cells, texts)):
            paragraph = cell.paragraphs[0]
            paragraph.alignment = _ALIGN[aligns[c]]
            _text(paragraph, text, bold=(header and r == 0) or (bold_keys and c == 0))
            if header and r == 0:
                _shade(cell, HEADER_FILL)
    if header:
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    return table


def _note(doc: DocxDocument, text: str) -> None:
    _text(doc.add_paragraph(), text, italic=True, size=SMALL_SIZE)


def _table(doc: DocxDocument, part: TablePart) -> None:
    rows = [list(part.header), *([format_cell(v) for v in row] for row in part.rows)]
    table = _grid(doc, rows, part.alignments(), style=_GRID_STYLE, header=True)
    if not part.rows:
        empty = table.add_row().cells
        _text(empty[0].merge(empty[-1]).paragraphs[0], _("No data"), italic=True)
    if part.note:
        _note(doc, part.note)


def _chart(doc: DocxDocument, part: BarChartPart) -> None:
    if part.title:
        title = _text(doc.add_paragraph(), part.title, bold=True)
        title.paragraph_format.keep_with_next = True
    _grid(doc, [[label, part.value_text(v)] for label, v in zip(part.labels, part.values)],
          ["left", "right"], style=_GRID_STYLE)
    if part.threshold is not None:
        _note(doc, _("Target: {value}").format(value=part.value_text(part.threshold)))


def _key_values(doc: DocxDocument, part: KeyValuesPart) -> None:
    if part.pairs:
        _grid(doc, [[key, format_cell(value)] for key, value in part.pairs], ["left", "left"],
              bold_keys=True)


# --- text -------------------------------------------------------------------------------------


def _heading(doc: DocxDocument, part: HeadingPart) -> None:
    doc.add_heading(_clean(part.text), level=1)   # Word's heading styles keep with the next


def _caption(doc: DocxDocument, part: CaptionPart) -> None:
    _text(doc.add_paragraph(), part.text).paragraph_format.keep_with_next = True


def _paragraph(doc: DocxDocument, part: ParagraphPart) -> None:
    _text(doc.add_paragraph(), part.text)


def _page_break(doc: DocxDocument, _part: PageBreakPart) -> None:
    doc.add_page_break()


_RENDERERS: dict[type, Callable[[DocxDocument, Any], None]] = {
    HeadingPart: _heading, CaptionPart: _caption, ParagraphPart: _paragraph,
    TablePart: _table, BarChartPart: _chart, KeyValuesPart: _key_values,
    PageBreakPart: _page_break,
}


def docx_bytes(report: ReportBuilder) -> bytes:
    """``report`` as a Word document, built in memory (in the language current now)."""
    doc = Document()
    _properties(doc, report)
    _page_setup(doc, report)
    _title_block(doc, report)
    for part in report.parts:
        _RENDERERS[type(part)](doc, part)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
