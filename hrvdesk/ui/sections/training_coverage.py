"""The Coverage tab of the Training section: for a year and a topic, a bar chart per
administration with the threshold line, the table behind it (trained, headcount, target
group, coverage, ensured in words), administrations without a headcount flagged, trained
persons per unit, the trend over the last years and the action plan's measure, the share
of administrations that have ensured knowledge.

Everything comes from :func:`hrvdesk.store.training_repo.coverage_for` and ``trend_for``,
read off the GUI thread. The charts say nothing the tables do not say in words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCharts import (QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QLineSeries,
                              QValueAxis)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSplitter, QTabWidget, QVBoxLayout, QWidget

from hrvdesk.domain.codes import TRAINING_TOPICS, topic_set_label
from hrvdesk.domain.settings import Key
from hrvdesk.domain.training import VPC_RULE_TOPIC, AdministrationCoverage, CoverageResult, UnitCoverage
from hrvdesk.i18n import N_, _, format_number, format_percent
from hrvdesk.io.report_training import TREND_YEARS, WHOLE_MUNICIPALITY
from hrvdesk.store import settings as db_settings, training_repo
from hrvdesk.ui.models import Column, RecordTableModel
from hrvdesk.ui.sections.training_dialogs import WARNING_COLOURS
from hrvdesk.ui.sections.tabbed import TabPanel
from hrvdesk.ui.sections.training_panels import count_text, set_years, year_box, year_range
from hrvdesk.ui.widgets import Banner, message_label
from hrvdesk.ui.work_widgets import (IconTableModel, add_labelled, add_tab, fill_codes, format_share,
                                     select_data, years_text)

if TYPE_CHECKING:
    from hrvdesk.ui.sections.training import TrainingSection

THRESHOLD_COLOUR = "#b00020"
CHART_MIN_HEIGHT = 200
REQUIRED = "required"
"""The topic choice "all topics the plan requires" (setting ``required_topics``)."""
ENSURED_ICONS = {True: "SP_DialogApplyButton", False: "SP_MessageBoxWarning", None: "SP_MessageBoxQuestion"}


@dataclass(frozen=True)
class CoverageLine:
    """A row of the coverage table: an administration, or the whole municipality (``total``)."""

    name: str
    trained: int
    headcount: int | None
    target_group: int | None
    coverage: float | None
    ensured: bool | None
    state: str
    total: bool = False
    target_coverage: float | None = None


@dataclass(frozen=True)
class UnitLine:
    administration: str
    unit: UnitCoverage


def window_text(result: CoverageResult) -> str:
    """The validity window as years: "2023–2025"."""
    return years_text(result.year - result.validity_years + 1, result.year)


def ensured_text(row: AdministrationCoverage) -> str:
    """Whether the administration has ensured knowledge, in words."""
    if row.headcount is None:
        return _("No headcount – not computed")
    if row.ensured is None:
        return _("Headcount 0 – not computed")
    return _("Yes, ensured") if row.ensured else _("No, below the threshold")


def coverage_lines(result: CoverageResult) -> list[CoverageLine]:
    """The administrations' rows, then the whole municipality's with the measure."""
    lines = [CoverageLine(a.name, a.trained, a.headcount, a.target_group, a.coverage, a.ensured,
                          ensured_text(a), target_coverage=a.target_coverage)
             for a in result.administrations]
    t = result.total
    lines.append(CoverageLine(
        _(WHOLE_MUNICIPALITY), t.trained, t.headcount, t.target_group, t.coverage, None,
        _("{ensured} of {measured} administrations ensured").format(
            ensured=format_number(t.administrations_ensured),
            measured=format_number(t.administrations_with_headcount)), total=True,
        target_coverage=t.target_coverage))
    return lines


def unit_lines(result: CoverageResult) -> list[UnitLine]:
    return [UnitLine(a.name, u) for a in result.administrations for u in a.units]


def measure_text(result: CoverageResult) -> str:
    """The action plan's measure in words: among staff who work with children where HR gave
    the target group, else why it cannot be computed; the whole staff's beside it."""
    t = result.total
    if t.administrations_with_target_group:
        measure = _("The action plan's measure: {ensured} of {measured} administrations with a "
                    "target-group figure have ensured knowledge among staff who work with children "
                    "({share}).").format(
            ensured=format_number(t.administrations_target_ensured),
            measured=format_number(t.administrations_with_target_group),
            share=format_share(t.target_ensured_share))
    else:
        measure = _("The action plan's measure cannot be computed: no administration has a "
                    "target-group figure (staff who work with children) for {year}.").format(
            year=result.year)
    if t.administrations_with_headcount:
        measure += " " + _("Of the whole staff: {ensured} of {measured} administrations with a "
                           "headcount ({share}).").format(
            ensured=format_number(t.administrations_ensured),
            measured=format_number(t.administrations_with_headcount), share=format_share(t.ensured_share))
    return measure


def bar_label(row: AdministrationCoverage) -> str:
    return row.code if row.headcount else _("{code} (no headcount)").format(code=row.code)


# --- charts -------------------------------------------------------------------------------------


def _percent_axis(values: Sequence[float | None]) -> QValueAxis:
    axis = QValueAxis()
    top = max([100.0, *(v * 100 for v in values if v is not None)])
    axis.setRange(0, math.ceil(top / 10) * 10)
    axis.setLabelFormat("%.0f %%")
    return axis


def _threshold_series(threshold: float, first: float, last: float) -> QLineSeries:
    line = QLineSeries()
    line.setName(_("Threshold {value}").format(value=format_percent(threshold, 0)))
    pen = QPen(QColor(THRESHOLD_COLOUR))
    pen.setWidth(2)
    pen.setStyle(Qt.PenStyle.DashLine)
    line.setPen(pen)
    line.append(first, threshold * 100)
    line.append(last, threshold * 100)
    return line


def clear_chart(chart: QChart) -> None:
    chart.removeAllSeries()
    for axis in chart.axes():
        chart.removeAxis(axis)


def fill_bar_chart(chart: QChart, labels: list[str], values: list[float | None], threshold: float,
                   title: str) -> QLineSeries:
    """Bars of coverage in percent (no bar where it is unknown) and the threshold line,
    which is returned."""
    clear_chart(chart)
    chart.setTitle(title)
    bars = QBarSet(_("Coverage"))
    bars.append([0.0 if v is None else v * 100 for v in values])
    series = QBarSeries()
    series.append(bars)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append(labels)
    percent = _percent_axis(values)
    chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(percent, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(percent)
    # the threshold spans the whole plot: its own hidden axis over the categories' extent
    line = _threshold_series(threshold, -0.5, len(labels) - 0.5)
    chart.addSeries(line)
    across = QValueAxis()
    across.setRange(-0.5, max(len(labels), 1) - 0.5)
    across.setVisible(False)
    chart.addAxis(across, Qt.AlignmentFlag.AlignBottom)
    line.attachAxis(across)
    line.attachAxis(percent)
    return line


def fill_trend_chart(chart: QChart, years: list[int], values: list[float | None], threshold: float,
                     title: str) -> QLineSeries:
    """The municipality's coverage per year as a line with points, and the threshold line,
    which is returned."""
    clear_chart(chart)
    chart.setTitle(title)
    line = QLineSeries()
    line.setName(_("Staff coverage"))
    line.setPointsVisible(True)
    for year, value in zip(years, values):
        if value is not None:
            line.append(year, value * 100)
    first, last = (years[0], years[-1]) if len(years) > 1 else (years[0] - 1, years[0] + 1)
    threshold_line = _threshold_series(threshold, first, last)
    axis = QValueAxis()
    axis.setRange(first, last)
    axis.setTickCount(last - first + 1)
    axis.setLabelFormat("%d")
    percent = _percent_axis(values)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(percent, Qt.AlignmentFlag.AlignLeft)
    for series in (line, threshold_line):
        chart.addSeries(series)
        series.attachAxis(axis)
        series.attachAxis(percent)
    return threshold_line


def chart_view(chart: QChart) -> QChartView:
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(CHART_MIN_HEIGHT)
    view.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # its description is read by screen readers
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return view


def describe(view: QChartView, title: str, pairs: list[tuple[str, float | None]]) -> None:
    """The chart's title and every value in words, for screen readers."""
    view.setAccessibleName(title)
    view.setAccessibleDescription("; ".join(f"{label}: {format_share(value)}" for label, value in pairs))


# --- the tab --------------------------------------------------------------------------------------


ENSURED_COLUMN, HEADCOUNT_COLUMN = 3, 5  # of the table per administration


class CoveragePanel(TabPanel):
    """Coverage for a chosen year and topic."""

    def __init__(self, section: "TrainingSection"):
        super().__init__(section)
        self.result: CoverageResult | None = None
        self.trend: tuple[CoverageResult, ...] = ()
        self.threshold_line: QLineSeries | None = None
        self.trend_threshold_line: QLineSeries | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.year_box = year_box(year_range(self.ctx.db), dt.date.today().year)
        self.topic = QComboBox()
        self.topic.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._fill_topics()
        self.topic.setCurrentIndex(max(0, self.topic.findData(VPC_RULE_TOPIC)))
        add_labelled(top, self.tr_, N_("&Year:"), self.year_box)
        add_labelled(top, self.tr_, N_("To&pic:"), self.topic)
        top.addStretch(1)
        layout.addLayout(top)
        self.measure = message_label()
        self.measure.setObjectName("coverage_measure")
        layout.addWidget(self.measure)
        self.missing = Banner(*WARNING_COLOURS)
        self.missing.setObjectName("missing_headcounts")
        self.missing.hide()
        layout.addWidget(self.missing)

        self.model = IconTableModel([
            # the coverage and whether it is ensured beside the name, on screen at 1100 px
            Column(N_("Administration"), lambda line: line.name),
            Column(N_("Coverage"), lambda line: line.coverage, format_share, align_right=True),
            Column(N_("Coverage of target group"), lambda line: line.target_coverage, format_share,
                   align_right=True),
            Column(N_("Ensured"), lambda line: line.state),
            Column(N_("Trained persons"), lambda line: line.trained, count_text, align_right=True),
            Column(N_("Headcount"), lambda line: line.headcount, count_text, align_right=True),
            Column(N_("Target group"), lambda line: line.target_group, count_text, align_right=True),
        ], icon_column=ENSURED_COLUMN, icon_of=lambda line: None if line.total else ENSURED_ICONS[line.ensured], parent=self)
        self.units = RecordTableModel([
            Column(N_("Administration"), lambda u: u.administration),
            Column(N_("Unit"), lambda u: u.unit.unit),
            Column(N_("Trained persons"), lambda u: u.unit.trained, count_text, align_right=True),
            Column(N_("Headcount"), lambda u: u.unit.headcount, count_text, align_right=True),
            Column(N_("Coverage"), lambda u: u.unit.coverage, format_share, align_right=True),
            Column(N_("Target group"), lambda u: u.unit.target_group, count_text, align_right=True),
            Column(N_("Coverage of target group"), lambda u: u.unit.target_coverage, format_share,
                   align_right=True),
        ], parent=self)
        self.trend_model = RecordTableModel([
            Column(N_("Year"), lambda r: r.year, str),
            Column(N_("Validity window"), window_text),
            Column(N_("Staff coverage"), lambda r: r.total.coverage, format_share, align_right=True),
            Column(N_("Administrations ensured"), lambda r: r.total.ensured_share, format_share,
                   align_right=True),
            Column(N_("Ensured / with a headcount"), lambda r: f"{r.total.administrations_ensured} / "
                   f"{r.total.administrations_with_headcount}", align_right=True),
        ], parent=self)
        self.chart = QChart()
        self.chart_view = chart_view(self.chart)
        self.trend_chart = QChart()
        self.trend_chart_view = chart_view(self.trend_chart)
        self.tabs = QTabWidget()
        self.tr_.bind(self.tabs.setAccessibleName, N_("Coverage"))
        self.table_view = self.table(N_("Coverage per administration"), self.model)
        self._add_tab(N_("Per administration"), self.chart_view, self.table_view)
        self.units_view = self.table(N_("Trained persons per unit"), self.units)
        self._add_tab(N_("Per unit"), self.units_view, self.explanation(N_(
            "Units as named in the completions or in HR's headcount file (the unit column); "
            "persons without a unit are counted only for their administration. A unit without a "
            "headcount of its own shows – (unknown), not 0 %.")))
        self.trend_view = self.table(N_("Trend"), self.trend_model)
        self._add_tab(N_("Trend"), self.trend_chart_view, self.trend_view)
        layout.addWidget(self.tabs, 1)
        self.year_box.valueChanged.connect(lambda _y: self.refresh())
        self.topic.currentIndexChanged.connect(lambda _i: self.refresh())

    def _fill_topics(self) -> None:
        """Each topic, then the persons trained in all that the plan requires."""
        chosen = self.topic.currentData()
        fill_codes(self.topic, TRAINING_TOPICS)
        self.topic.addItem(_("All topics the plan requires"), REQUIRED)
        if chosen is not None:
            select_data(self.topic, chosen)

    def _add_tab(self, title: str, first: QWidget, second: QWidget) -> None:
        """A tab of two parts one above the other: a chart and its table share the height
        (the user moves the line between them); a table takes all above its explanation."""
        page = QWidget()
        page_layout = QVBoxLayout(page)
        if isinstance(second, QLabel):
            page_layout.addWidget(first, 1)
            page_layout.addWidget(second)
        else:
            split = QSplitter(Qt.Orientation.Vertical)
            for widget in (first, second):
                split.addWidget(widget)
                split.setCollapsible(split.indexOf(widget), False)
            split.setStretchFactor(0, 3)  # the chart somewhat taller than the table at first
            split.setStretchFactor(1, 2)
            split.setSizes([CHART_MIN_HEIGHT * 3 // 2, CHART_MIN_HEIGHT])
            page_layout.addWidget(split, 1)
        add_tab(self.tabs, self.tr_, title, page)

    @property
    def year(self) -> int:
        return self.year_box.value()

    @property
    def chosen_topic(self) -> str:
        return self.topic.currentData() or VPC_RULE_TOPIC

    def refresh(self) -> None:
        db, year, topic = self.ctx.db, self.year, self.chosen_topic
        set_years(self.year_box, year_range(db))
        years = range(year - TREND_YEARS + 1, year + 1)

        def load() -> tuple[CoverageResult, tuple[CoverageResult, ...]]:
            codes = db_settings.get(db, Key.REQUIRED_TOPICS) if topic == REQUIRED else topic
            trend = training_repo.trend_for(db, years, codes)
            return trend[-1], trend

        self.ctx.run(load, lambda pair: self.show(*pair))

    def show(self, result: CoverageResult, trend: tuple[CoverageResult, ...]) -> None:
        self.result, self.trend = result, trend
        self.model.set_rows(coverage_lines(result))
        self.units.set_rows(unit_lines(result))
        self.trend_model.set_rows(list(trend))
        self._describe()

    def _describe(self) -> None:
        """The texts and charts of the result shown (again, in the current language)."""
        result = self.result
        if result is None:
            return
        t = result.total
        threshold = format_percent(result.threshold, 0)
        measure = measure_text(result)
        details = _("Staff coverage in the municipality: {coverage} ({trained} trained persons). A person "
                    "counts with a completion from {window}; an administration has ensured knowledge "
                    "when its coverage is {threshold} or more.").format(
            coverage=format_share(t.coverage), trained=format_number(t.trained),
            window=window_text(result), threshold=threshold)
        self.measure.setText(measure + "\n" + details)
        missing = [a.name for a in result.administrations if a.headcount is None]
        self.missing.setText(_(
            "No headcount for {year}: {names}. Their coverage cannot be computed and they are left "
            "out of the municipality's coverage and the measure.").format(
            year=result.year, names=", ".join(missing)) if missing else "")
        self.missing.setVisible(bool(missing))

        rows = result.administrations
        title = _("Coverage per administration, {window}").format(window=window_text(result))
        labels = [bar_label(a) for a in rows]
        self.threshold_line = fill_bar_chart(self.chart, labels, [a.coverage for a in rows], result.threshold, title)
        describe(self.chart_view, title, list(zip(labels, [a.coverage for a in rows])))
        trend_title = _("Staff coverage per year: {topic}").format(topic=topic_set_label(result.topic))
        years = [r.year for r in self.trend]
        coverages = [r.total.coverage for r in self.trend]
        self.trend_threshold_line = fill_trend_chart(self.trend_chart, years, coverages, result.threshold, trend_title)
        describe(self.trend_chart_view, trend_title, [(str(y), c) for y, c in zip(years, coverages)])

    def retranslate(self) -> None:
        super().retranslate()
        self._fill_topics()
        if self.result is not None:
            self.show(self.result, self.trend)

    def bars(self) -> list[float]:
        """The bar values as drawn (percent), for checks."""
        series = next(s for s in self.chart.series() if isinstance(s, QBarSeries))
        bars = series.barSets()[0]
        return [bars.at(i) for i in range(bars.count())]

