"""PDF reports: one small ReportLab toolkit so that every report looks alike.

The annual abroad statistics, the training coverage and the action-plan follow-up are all
built with :class:`ReportBuilder`: a title block, headings, paragraphs, tables that split
across pages with their header repeated, bar charts and key/value lists. The builder only
records these parts, as plain data (:data:`Part`), so that the same report can also be
written in other formats (:mod:`hrvdesk.io.word` renders the parts as a Word document);
:meth:`ReportBuilder.build` renders them with ReportLab. Every page has a footer with the
report title and "Page X of Y"; the first page also says who produced the report and when.
The PDF is built in memory (:meth:`ReportBuilder.build` returns bytes, nothing touches the
disk); the caller writes it with the safe-write helper.

Headings and captions stay on the page where what follows them starts (the first lines of
a paragraph, a table's header and first row, a chart), and the space after a part ends
with the page instead of opening one: otherwise a heading could stand alone at the foot
of a page and a report could end with an empty page (issue #16).

Text is drawn in ReportLab's standard Helvetica, whose WinAnsi (cp1252) encoding covers
Swedish (å ä ö, é, ü), the en dash, typographic quotes and the no-break space. The few
characters that Babel or users produce outside it are mapped to close equivalents
(:func:`pdf_text`). Numbers, shares and dates in cells and charts are formatted with
:mod:`hrvdesk.i18n` in the current language.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak, Flowable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle,
)

from hrvdesk.domain.codes import YES_NO
from hrvdesk.i18n import (
    _, current_language, format_date, format_datetime, format_decimal, format_number,
    format_percent,
)

FONT = "Helvetica"
FONT_BOLD = "Helvetica-Bold"
FONT_ITALIC = "Helvetica-Oblique"
BODY_SIZE = 10
CELL_SIZE = 9
SMALL_SIZE = 8
ACCENT = colors.HexColor("#1f4e79")
THRESHOLD_COLOUR = colors.HexColor("#c0392b")
HEADER_FILL = colors.HexColor("#dde6f0")
STRIPE_FILL = colors.HexColor("#f4f6f9")
GRID_COLOUR = colors.HexColor("#9aa5b1")
GRID_LIGHT = colors.HexColor("#e3e7ec")
MARGIN = 20 * mm
FOOTER_ROOM = 24 * mm
HEADING_ROOM = 45 * mm  # a heading needs this much room for some content below it
PART_GAP = 8            # space after a table, key/value list or chart
CELL_PADDING = 4
EMPTY_CELL = "–"
_ALIGNMENTS = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}
_ENCODING = "cp1252"
# Characters outside the standard font's encoding that Babel and users commonly produce.
_REPLACEMENTS = {
    "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u202f": "\xa0", "\u2009": " ",
    "\u200b": "", "\u00ad": "", "\u2264": "<=", "\u2265": ">=", "\u2192": "->",
}


@dataclass(frozen=True)
class Share:
    """A table cell holding a share (0..1) to be shown as a percentage."""

    value: float | None
    digits: int = 1


# --- the parts of a report ------------------------------------------------------------------
# What ReportBuilder records: plain data, rendered by ReportBuilder.build (PDF) and by
# hrvdesk.io.word (Word). Texts are final (already translated); cell values are formatted
# with format_cell when rendered.


@dataclass(frozen=True)
class HeadingPart:
    """A section heading."""

    text: str


@dataclass(frozen=True)
class CaptionPart:
    """A line naming the table or chart that follows it, kept on the same page as its start."""

    text: str


@dataclass(frozen=True)
class ParagraphPart:
    """Plain text; line breaks are kept."""

    text: str


@dataclass(frozen=True)
class TablePart:
    """A table with a header row; ``note`` is printed in small type below it."""

    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    col_align: tuple[str, ...] | None = None
    note: str | None = None

    def numeric(self) -> list[bool]:
        """Per column: whether it holds numbers (and gaps) only."""
        return [bool(self.rows) and all(_is_numeric(r[i]) or r[i] is None for r in self.rows)
                and any(_is_numeric(r[i]) for r in self.rows) for i in range(len(self.header))]

    def alignments(self) -> list[str]:
        """Per column ``"left"``, ``"right"`` or ``"center"``: as given, else numbers right."""
        return list(self.col_align or ["right" if n else "left" for n in self.numeric()])


@dataclass(frozen=True)
class BarChartPart:
    """Horizontal bars, one per label; ``share``: values are shares (else counts)."""

    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    threshold: float | None
    title: str | None
    share: bool

    def value_text(self, value: float | None) -> str:
        """A value as its bar's label shows it (also used for the threshold)."""
        if value is None:
            return _("No data")
        return format_percent(value, 1) if self.share else _format_count(value)


@dataclass(frozen=True)
class KeyValuesPart:
    """Labels and values in two columns, values formatted like table cells."""

    pairs: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class PageBreakPart:
    """The next part starts on a new page."""


Part = (HeadingPart | CaptionPart | ParagraphPart | TablePart | BarChartPart | KeyValuesPart
        | PageBreakPart)
#: Parts kept on the page where the part after them starts.
LEAD_PARTS = (HeadingPart, CaptionPart)


# --- text ---------------------------------------------------------------------------------


def pdf_text(text: str) -> str:
    """``text`` restricted to what the standard font can draw.

    Characters outside cp1252 are replaced by a close equivalent, by their base letter
    (``ő`` -> ``o``) or else by ``?``.
    """
    out = []
    for ch in text:
        ch = _REPLACEMENTS.get(ch, ch)
        try:
            ch.encode(_ENCODING)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch)
                           if not unicodedata.combining(c))
            try:
                base.encode(_ENCODING)
                ch = base or "?"
            except UnicodeEncodeError:
                ch = "?"
        out.append(ch)
    return "".join(out)


def _markup(text: str) -> str:
    """Plain text as Paragraph markup: escaped, line breaks kept."""
    return escape(pdf_text(text)).replace("\n", "<br/>")


def format_cell(value: Any) -> str:
    """A value as shown in a table or key/value list, in the current language.

    None -> "–"; :class:`Share` -> percentage; bool -> Yes/No; int -> grouped number
    (pass years and codes as ``str``); float/Decimal -> one decimal; datetime/date ->
    locale date; anything else -> ``str(value)``.
    """
    if value is None:
        return EMPTY_CELL
    if isinstance(value, Share):
        return EMPTY_CELL if value.value is None else format_percent(value.value, value.digits)
    if isinstance(value, bool):
        return YES_NO.label("yes" if value else "no")
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, (float, Decimal)):
        return format_decimal(value, 1)
    if isinstance(value, dt.datetime):
        return format_datetime(value, "short")
    if isinstance(value, dt.date):
        return format_date(value)
    return str(value)


def _is_numeric(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal, Share)) and not isinstance(value, bool)


# --- styles -------------------------------------------------------------------------------


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_SIZE * 1.35,
                          spaceAfter=6)
    cell = ParagraphStyle("cell", parent=body, fontSize=CELL_SIZE, leading=CELL_SIZE * 1.25,
                          spaceAfter=0)
    return {
        "body": body,
        "cell": cell,
        "cell_bold": ParagraphStyle("cell_bold", parent=cell, fontName=FONT_BOLD),
        "note": ParagraphStyle("note", parent=body, fontName=FONT_ITALIC, fontSize=SMALL_SIZE,
                               leading=SMALL_SIZE * 1.3, spaceBefore=3),
        "municipality": ParagraphStyle("municipality", parent=body, fontSize=SMALL_SIZE,
                                       textColor=ACCENT, spaceAfter=2),
        "title": ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=18,
                                leading=22, textColor=ACCENT, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=body, fontSize=12, leading=15,
                                   spaceAfter=12),
        "heading": ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=13,
                                  leading=16, textColor=ACCENT, spaceBefore=10, spaceAfter=4),
        "chart_title": ParagraphStyle("chart_title", parent=body, fontName=FONT_BOLD,
                                      fontSize=BODY_SIZE, spaceAfter=2),
    }


def _aligned(style: ParagraphStyle, align: str) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}_{align}", parent=style, alignment=_ALIGNMENTS[align])


# --- tables ---------------------------------------------------------------------------------


def _text_width(text: str, font: str, size: float) -> float:
    return max((stringWidth(line, font, size) for line in text.split("\n")), default=0.0)


def _column_widths(header: list[str], rows: list[list[str]], numeric: list[bool],
                   available: float) -> list[float]:
    """Widths from the contents, filling ``available``.

    Numeric columns keep their natural width; text columns share the rest (growing or
    wrapping), but never below their longest word, so words are not broken. When there is
    no room for that, all columns are scaled alike.
    """
    pad = 2 * CELL_PADDING + 2

    def widest(i: int, words: bool) -> float:
        cells = [(header[i], FONT_BOLD)] + [(r[i], FONT) for r in rows]
        parts = [(w, font) for text, font in cells for w in (text.split() if words else [text])]
        return max((_text_width(w, font, CELL_SIZE) for w, font in parts), default=0) + pad

    natural = [widest(i, words=False) for i in range(len(header))]
    minimum = [widest(i, words=True) for i in range(len(header))]
    total = sum(natural)
    fixed = sum(w for w, num in zip(natural, numeric) if num)
    flexible = total - fixed
    room = available - fixed
    if flexible <= 0 or room < 0.25 * available or sum(minimum) > available:
        return [w * available / total for w in natural]
    widths = [w if num else w * room / flexible for w, num in zip(natural, numeric)]
    for _round in range(len(widths)):
        short = [i for i, w in enumerate(widths) if not numeric[i] and w < minimum[i]]
        if not short:
            break
        missing = sum(minimum[i] - widths[i] for i in short)
        for i in short:
            widths[i] = minimum[i]
        donors = [i for i, w in enumerate(widths) if not numeric[i] and w > minimum[i]]
        spare = sum(widths[i] - minimum[i] for i in donors)
        if spare <= 0:
            break
        for i in donors:
            widths[i] -= missing * (widths[i] - minimum[i]) / spare
    return widths


def _table_style(body_rows: int, span_empty: bool) -> TableStyle:
    commands: list[tuple] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, GRID_COLOUR),
        ("INNERGRID", (0, 1), (-1, -1), 0.25, GRID_COLOUR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if body_rows:
        commands.append(("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, STRIPE_FILL]))
    if span_empty:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    return TableStyle(commands)


def _cell(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """A table cell: plain text when every line fits the column (the table draws it exactly
    where the paragraph would be, many times faster), else a paragraph that wraps."""
    lines = [" ".join(line.split()) for line in pdf_text(text).split("\n")]
    if all(stringWidth(line, style.fontName, style.fontSize) <= width - 2 * CELL_PADDING for line in lines):
        return "\n".join(lines)
    return Paragraph(_markup(text), style)


def _text_cell_style(aligns: list[str]) -> list[tuple]:
    """How the table draws plain-text cells: as the cell paragraph styles would."""
    cell, bold = _styles()["cell"], _styles()["cell_bold"]
    commands: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, 0), bold.fontName),
        ("FONTNAME", (0, 1), (-1, -1), cell.fontName),
        ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), cell.leading),
    ]
    commands += [("ALIGN", (i, 0), (i, -1), align.upper()) for i, align in enumerate(aligns)]
    return commands


def _table_flowables(part: TablePart, width: float) -> list[Flowable]:
    styles = _styles()
    header, rows = list(part.header), part.rows
    texts = [[format_cell(v) for v in row] for row in rows]
    aligns = part.alignments()
    cell_styles = [_aligned(styles["cell"], a) for a in aligns]
    header_styles = [_aligned(styles["cell_bold"], a) for a in aligns]
    widths = _column_widths(header, texts, part.numeric(), width)
    data = [[_cell(h, s, w) for h, s, w in zip(header, header_styles, widths)]]
    data += [[_cell(t, s, w) for t, s, w in zip(row, cell_styles, widths)] for row in texts]
    if not rows:
        data.append([Paragraph(_markup(_("No data")), styles["note"])]
                    + [""] * (len(header) - 1))
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(_table_style(len(rows), not rows))
    table.setStyle(TableStyle(_text_cell_style(aligns)))
    out: list[Flowable] = [table]
    if part.note:
        out.append(Paragraph(_markup(part.note), styles["note"]))
    out.append(_Gap())
    return out


def _key_value_flowables(part: KeyValuesPart, width: float) -> list[Flowable]:
    if not part.pairs:
        return []
    styles = _styles()
    data = [[Paragraph(_markup(k), styles["cell_bold"]), Paragraph(_markup(format_cell(v)),
                                                                   styles["cell"])]
            for k, v in part.pairs]
    key_width = min(max(_text_width(k, FONT_BOLD, CELL_SIZE) for k, _v in part.pairs)
                    + 2 * CELL_PADDING + 2, 0.45 * width)
    table = Table(data, colWidths=[key_width, width - key_width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return [table, _Gap()]


# --- bar charts -----------------------------------------------------------------------------

BAR_STEP = 16
AXIS_ROOM = 18
VALUE_LABEL_ROOM = 42
THRESHOLD_LABEL_ROOM = 12
BARS_PER_DRAWING = 30   # keeps one drawing well within a page


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 × 10^k not below ``value`` (at least 5)."""
    if value <= 5:
        return 5
    magnitude = 10 ** math.floor(math.log10(value))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= value)


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width``."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass(frozen=True)
class _Scale:
    """The value axis shared by every part of one chart."""

    maximum: float
    step: float
    axis_label: Callable[[float], str]


def _scale(part: BarChartPart) -> _Scale:
    top = max([v for v in part.values if v is not None] + [part.threshold or 0, 0])
    if part.share:
        return _Scale(max(1.0, math.ceil(top * 5) / 5), 0.2, lambda v: format_percent(v, 0))
    maximum = _nice_ceiling(top)
    return _Scale(maximum, maximum / 5, _format_count)


def _format_count(value: float) -> str:
    return format_number(round(value))


def _chart_drawing(part: BarChartPart, labels: Sequence[str], values: Sequence[float | None],
                   scale: _Scale, label_room: float, width: float) -> Drawing:
    """One drawing of (some of) the bars of ``part`` (labels already fitted to the font)."""
    plot_height = BAR_STEP * len(labels)
    drawing = Drawing(width, plot_height + AXIS_ROOM + THRESHOLD_LABEL_ROOM)

    chart = HorizontalBarChart()
    chart.x, chart.y = label_room, AXIS_ROOM
    chart.width, chart.height = width - label_room - VALUE_LABEL_ROOM, plot_height
    # the chart draws categories bottom-up: reverse so the first label is at the top
    chart.data = [[v or 0 for v in reversed(values)]]
    chart.bars[0].fillColor = ACCENT
    chart.bars.strokeColor = None
    chart.barWidth = BAR_STEP * 0.6
    chart.groupSpacing = BAR_STEP * 0.4
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[pdf_text(part.value_text(v)) for v in reversed(values)]]
    chart.barLabels.fontName, chart.barLabels.fontSize = FONT, SMALL_SIZE
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    axis = chart.categoryAxis
    axis.categoryNames = list(reversed(labels))
    axis.labels.fontName, axis.labels.fontSize = FONT, SMALL_SIZE
    axis.labels.boxAnchor, axis.labels.dx = "e", -4
    axis.visibleTicks = False
    value_axis = chart.valueAxis
    value_axis.valueMin, value_axis.valueMax, value_axis.valueStep = 0, scale.maximum, scale.step
    value_axis.labelTextFormat = lambda v: pdf_text(scale.axis_label(v))
    value_axis.labels.fontName, value_axis.labels.fontSize = FONT, SMALL_SIZE
    value_axis.visibleGrid, value_axis.gridStrokeColor = True, GRID_LIGHT
    drawing.add(chart)

    if part.threshold is not None:
        x = chart.x + chart.width * part.threshold / scale.maximum
        drawing.add(Line(x, chart.y, x, chart.y + plot_height + 3, strokeColor=THRESHOLD_COLOUR,
                         strokeWidth=1.2, strokeDashArray=[4, 2]))
        label = _("Target: {value}").format(value=part.value_text(part.threshold))
        drawing.add(String(x, chart.y + plot_height + 5, pdf_text(label), fontName=FONT,
                           fontSize=SMALL_SIZE, fillColor=THRESHOLD_COLOUR, textAnchor="middle"))
    return drawing


def _chart_flowables(part: BarChartPart, width: float) -> list[Flowable]:
    """The chart as drawings of at most :data:`BARS_PER_DRAWING` bars on one scale, so a
    long chart continues on the next page; the title stays with the first drawing."""
    scale = _scale(part)
    texts = [pdf_text(label) for label in part.labels]
    label_room = min(max(stringWidth(t, FONT, SMALL_SIZE) for t in texts) + 8, 0.4 * width)
    texts = [_fit(t, FONT, SMALL_SIZE, label_room - 8) for t in texts]
    drawings: list[Flowable] = [
        _chart_drawing(part, texts[first:first + BARS_PER_DRAWING],
                       part.values[first:first + BARS_PER_DRAWING], scale, label_room, width)
        for first in range(0, len(texts), BARS_PER_DRAWING)]
    if part.title:
        drawings[0] = _KeepWithStart([Paragraph(_markup(part.title), _styles()["chart_title"])],
                                     drawings[0])
    return [*drawings, _Gap()]


# --- keeping things together ------------------------------------------------------------------


class _Gap(Spacer):
    """Space after a part that ends with the page: where less room is left it takes what
    is left, so it never starts a page of its own (a plain Spacer does, and at the end of
    the story that page stays empty)."""

    _ZEROSIZE = True   # laid out even when no room at all is left

    def __init__(self, height: float = PART_GAP):
        super().__init__(0, height)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, max(0.0, min(self.height, availHeight))


class _KeepWithStart(Flowable):
    """Flowables (a heading, a caption) kept on the page where the flowable after them
    starts.

    ReportLab's KeepTogether would move a long table whole to the next page; here the lead
    moves only when not even the start of the follower (a paragraph's first lines, a table's
    header and first row, a drawing) fits below it. The container itself is never drawn: it
    always splits into the lead and the follower (or the follower's pieces).
    """

    def __init__(self, lead: list[Flowable], follower: Flowable):
        super().__init__()
        self._lead = lead
        self._follower = follower

    def getSpaceBefore(self) -> float:
        return self._lead[0].getSpaceBefore()

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return availWidth, 0xFFFFFF   # never fits whole: the frame asks for a split

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        canv = getattr(self, "canv", None)
        frame = getattr(self, "_frame", None)
        at_top = frame is not None and frame._atTop
        room = availHeight - self._follower.getSpaceBefore()
        for n, f in enumerate(self._lead):   # spaces counted in full: on the safe side
            room -= (f.getSpaceBefore() if n else 0) + f.wrapOn(canv, availWidth, 0xFFFFFF)[1]
            room -= f.getSpaceAfter()
        if room > 0:
            if self._follower.wrapOn(canv, availWidth, room)[1] <= room:
                return [*self._lead, self._follower]
            start = self._follower.splitOn(canv, availWidth, room)
            if start:
                return [*self._lead, *start]
        # nothing of the follower fits below the lead: both go to the next page, or, at the
        # top of a page already, follow each other as they can
        return [*self._lead, self._follower] if at_top else []


# --- pages ----------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """A canvas that holds its pages back until the total is known, then draws footers."""

    def __init__(self, *args, footer: Callable[[Canvas, int, int], None], **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._held_pages: list[dict] = []

    def showPage(self) -> None:
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for number, state in enumerate(self._held_pages, start=1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            super().showPage()
        super().save()


def _heading_flowables(part: HeadingPart, _width: float) -> list[Flowable]:
    return [Paragraph(_markup(part.text), _styles()["heading"])]


def _text_flowables(part: CaptionPart | ParagraphPart, _width: float) -> list[Flowable]:
    return [Paragraph(_markup(part.text), _styles()["body"])]


def _page_break_flowables(_part: PageBreakPart, _width: float) -> list[Flowable]:
    return [PageBreak()]


_RENDERERS: dict[type, Callable[[Any, float], list[Flowable]]] = {
    HeadingPart: _heading_flowables, CaptionPart: _text_flowables,
    ParagraphPart: _text_flowables, TablePart: _table_flowables,
    BarChartPart: _chart_flowables, KeyValuesPart: _key_value_flowables,
    PageBreakPart: _page_break_flowables,
}


class ReportBuilder:
    """Collects the parts of a report and renders them into one PDF.

    Each method adds a part and returns the builder, so calls can be chained. Parts are
    recorded as data (:attr:`parts`) and rendered in :meth:`build` (in the language current
    at that time), so :meth:`build` can be called more than once, and other renderers
    (:func:`hrvdesk.io.word.docx_bytes`) can write the same report.
    """

    def __init__(self, title: str, subtitle: str, produced_by: str, produced_at: dt.datetime,
                 municipality: str, *, pagesize: tuple[float, float] = A4):
        self.title = title
        self.subtitle = subtitle
        self.produced_by = produced_by
        self.produced_at = produced_at
        self.municipality = municipality
        self.pagesize = pagesize
        self._parts: list[Part] = []

    @property
    def parts(self) -> tuple[Part, ...]:
        """The parts added so far, in order."""
        return tuple(self._parts)

    # -- parts --

    def _add(self, part: Part) -> ReportBuilder:
        self._parts.append(part)
        return self

    def heading(self, text: str) -> ReportBuilder:
        """A section heading; starts a new page when little room is left below it, and is
        always kept on the page where what follows it starts."""
        return self._add(HeadingPart(text))

    def caption(self, text: str) -> ReportBuilder:
        """A line naming the table or chart that follows, set like a paragraph but kept on
        the page where what follows it starts."""
        return self._add(CaptionPart(text))

    def paragraph(self, text: str) -> ReportBuilder:
        """A paragraph of plain text (no markup; line breaks are kept)."""
        return self._add(ParagraphPart(text))

    def table(self, header: Sequence[str], rows: Iterable[Sequence[Any]],
              col_align: Sequence[str] | None = None, note: str | None = None) -> ReportBuilder:
        """A table whose header row repeats on every page it spans.

        Cells are formatted with :func:`format_cell` (use :class:`Share` for shares).
        ``col_align`` gives ``"left"``, ``"right"`` or ``"center"`` per column; by default
        numeric columns are right-aligned. ``note`` is printed in small type below.
        """
        header, rows = tuple(header), tuple(tuple(r) for r in rows)
        if not header:
            raise ValueError("a table needs at least one column")
        if any(len(r) != len(header) for r in rows):
            raise ValueError("every row must have as many cells as the header")
        if col_align is not None:
            col_align = tuple(col_align)
            if len(col_align) != len(header) or not set(col_align) <= set(_ALIGNMENTS):
                raise ValueError("col_align needs one of left/right/center per column")
        return self._add(TablePart(header, rows, col_align, note))

    def bar_chart(self, labels: Sequence[str], values: Sequence[float | None],
                  threshold: float | None = None, title: str | None = None,
                  share: bool | None = None) -> ReportBuilder:
        """A horizontal bar chart, one bar per label, first label at the top.

        ``values`` are shares (0..1, shown as percentages) or counts; ``share=None`` decides
        from the values (all integers -> counts). ``None`` values are shown as "No data".
        ``threshold`` (same unit as the values) is drawn as a dashed target line.
        """
        labels, values = tuple(labels), tuple(values)
        if not labels or len(labels) != len(values):
            raise ValueError("a bar chart needs one value per label")
        known = [v for v in values if v is not None]
        if any(v < 0 for v in known) or (threshold is not None and threshold < 0):
            raise ValueError("bar chart values cannot be negative")
        if share is None:
            share = not all(isinstance(v, int) for v in known)
        return self._add(BarChartPart(labels, values, threshold, title, share))

    def key_values(self, pairs: Iterable[tuple[str, Any]]) -> ReportBuilder:
        """A two-column list of labels and values (values formatted like table cells)."""
        return self._add(KeyValuesPart(tuple((str(k), v) for k, v in pairs)))

    def page_break(self) -> ReportBuilder:
        return self._add(PageBreakPart())

    # -- texts every format shows --

    def footer_title(self) -> str:
        """The report title and municipality, as every page's footer shows them."""
        return " – ".join(t for t in (self.title, self.municipality) if t)

    def produced_text(self) -> str:
        """Who produced the report and when, as the first page shows it."""
        return _("Produced by {user} on {date}").format(
            user=self.produced_by, date=format_datetime(self.produced_at, "short"))

    # -- rendering --

    def _title_block(self) -> list[Flowable]:
        styles = _styles()
        parts = [Paragraph(_markup(self.municipality), styles["municipality"]),
                 Paragraph(_markup(self.title), styles["title"])]
        if self.subtitle:
            parts.append(Paragraph(_markup(self.subtitle), styles["subtitle"]))
        return parts

    def _story(self) -> list[Flowable]:
        """The flowables of every part, headings and captions kept with what follows."""
        width = self.pagesize[0] - 2 * MARGIN
        story = self._title_block()
        lead: list[Flowable] = []
        for part in self._parts:
            if isinstance(part, HeadingPart) and not lead:
                story.append(CondPageBreak(HEADING_ROOM))
            flowables = _RENDERERS[type(part)](part, width)
            if isinstance(part, LEAD_PARTS):
                lead += flowables
            elif flowables:
                if lead and not isinstance(part, PageBreakPart):
                    flowables = [_KeepWithStart(lead, flowables[0]), *flowables[1:]]
                else:
                    flowables = lead + flowables
                story += flowables
                lead = []
        return story + lead

    def _draw_footer(self, canvas: Canvas, page: int, pages: int) -> None:
        width, _height = self.pagesize
        left, right = MARGIN, width - MARGIN
        y = MARGIN - 8 * mm
        page_label = pdf_text(_("Page {page} of {pages}").format(page=page, pages=pages))
        canvas.saveState()
        canvas.setStrokeColor(GRID_COLOUR)
        canvas.setLineWidth(0.5)
        canvas.line(left, y + 11, right, y + 11)
        canvas.setFillColor(colors.black)
        canvas.setFont(FONT, SMALL_SIZE)
        canvas.drawRightString(right, y, page_label)
        room = right - left - stringWidth(page_label, FONT, SMALL_SIZE) - 12
        canvas.drawString(left, y, _fit(pdf_text(self.footer_title()), FONT, SMALL_SIZE, room))
        if page == 1:
            canvas.setFont(FONT_ITALIC, SMALL_SIZE)
            canvas.drawString(left, y - 10, _fit(pdf_text(self.produced_text()), FONT_ITALIC,
                                                 SMALL_SIZE, right - left))
        canvas.restoreState()

    def build(self) -> bytes:
        """Render the report; returns the PDF document as bytes (built in memory)."""
        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer, pagesize=self.pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
            topMargin=MARGIN, bottomMargin=FOOTER_ROOM,
            title=self.title, author=self.produced_by, subject=self.subtitle,
            creator="hrvdesk", lang=current_language())
        doc.build(self._story(), canvasmaker=functools.partial(_NumberedCanvas,
                                                               footer=self._draw_footer))
        return buffer.getvalue()
