"""The annual statistics on children taken abroad as PDF or Word (``hrvdesk report annual --year Y``).

The public report shows the tables exactly as the national package sends them (suppressed
cells as ``..``), bar charts of purposes and destination regions, the method note, and the
number of persons in every year the register covers. The internal variant shows the exact,
unsuppressed figures; only administrators may produce it, and it says so on every page (in
the title, which every page's footer repeats). Written in the current UI language;
producing either is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from hrvdesk import __version__
from hrvdesk.domain.abroad_stats import (TOTAL, StatTables, Table, category_label,
                                         dimension_title, table_title)
from hrvdesk.domain.disclosure import MARKER, grand_total
from hrvdesk.domain.errors import PermissionDenied
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.settings import Key
from hrvdesk.i18n import _, format_date
from hrvdesk.io.export_national import protected_statistics
from hrvdesk.io.pdf import ReportBuilder
from hrvdesk.io.reports import Format, register, render
from hrvdesk.store import abroad_repo, releases_repo, settings
from hrvdesk.store.database import Database

AUDIT_TARGET = "annual"
#: Tables shown as one line each in the summary rather than as tables of their own.
_SUMMARY = ("total", "reported_married")


def _period_text(stats: StatTables) -> str:
    return _("{start} – {end}").format(start=format_date(stats.period.start),
                                       end=format_date(stats.period.end))


def _count_header() -> str:
    return _("Persons")


def _one_dimension(report: ReportBuilder, table: Table) -> None:
    dimension = table.dimensions[0]
    rows = [[category_label(dimension, cell.key[0]), cell.count] for cell in table.cells]
    note = None if table.partitions else _("A person may be counted in several rows.")
    report.table([dimension_title(dimension), _count_header()], rows, col_align=["left", "right"],
                 note=note)


def _two_dimensions(report: ReportBuilder, table: Table) -> None:
    """Rows: the first dimension; columns: the second (margins last)."""
    rows_dim, cols_dim = table.dimensions
    columns = [*table.categories(1), TOTAL]
    counts = {cell.key: cell.count for cell in table.cells}
    rows = [[category_label(rows_dim, r), *(counts[(r, c)] for c in columns)]
            for r in (*table.categories(0), TOTAL)]
    header = [f"{dimension_title(rows_dim)} / {dimension_title(cols_dim)}",
              *(category_label(cols_dim, c) for c in columns)]
    report.table(header, rows, col_align=["left", *["right"] * len(columns)])


def _tables(report: ReportBuilder, tables: Sequence[Table]) -> None:
    report.heading(_("The tables"))
    report.key_values([(table_title(t.id), t.count()) for t in tables if t.id in _SUMMARY])
    for table in tables:
        if table.id in _SUMMARY:
            continue
        report.caption(table_title(table.id))
        (_one_dimension if len(table.dimensions) == 1 else _two_dimensions)(report, table)


def _chart(report: ReportBuilder, table: Table, title: str, *, skip_zeros: bool) -> None:
    """Bars for the published categories (not ``total``); suppressed cells are left out."""
    dimension = table.dimensions[0]
    cells = [c for c in table.cells if c.key[0] != TOTAL and c.count != MARKER
             and not (skip_zeros and c.count == 0)]
    notes = []
    if any(c.count == MARKER for c in table.cells if c.key[0] != TOTAL):
        notes.append(_("Categories suppressed in the table (..) are not shown."))
    if skip_zeros:
        notes.append(_("Categories without persons are not shown."))
    report.caption(title)
    if cells:
        report.bar_chart([category_label(dimension, c.key[0]) for c in cells],
                         [c.count for c in cells], share=False)
    else:
        report.paragraph(_("No published figures to show."))
    if notes:
        report.paragraph(" ".join(notes))


def _method_note(report: ReportBuilder, stats: StatTables, k: int, internal: bool) -> None:
    """What the figures count and what a marker means, for a committee; the technical method
    is in :func:`_method_appendix`."""
    report.heading(_("How to read the figures"))
    report.paragraph(_(
        "Each child is counted once, even when several administrations reported the child: the "
        "register recognises a child by a pseudonym of the personal identity number, never the "
        "number itself. A child is counted in the reporting period {period} when one of the "
        "child's cases became known during it. The status is the status at the end of the "
        "period; the age is the year the case became known minus the year of birth. A child may "
        "have several purposes and actions and be known to several administrations, so those "
        "tables do not add up to the number of children.").format(period=_period_text(stats)))
    if internal:
        report.paragraph(_(
            "This internal version shows the exact figures without suppression. It must not be "
            "published or sent outside the municipality; the national package and the public "
            "report suppress small counts."))
        return
    report.paragraph(_(
        "“{marker}” means that the figure is hidden to protect the children: it may be "
        "small, zero or larger, and nothing can be concluded from it, not even together with "
        "the other figures or with earlier years. In the tables where a child may be counted "
        "several times, “{marker}” means fewer than {k}. A published 0 is a real zero: "
        "no child in that category. The total number of children is always published."
    ).format(marker=MARKER, k=k))
    report.paragraph(_(
        "In a year with fewer than {small} children only the total is published: with so few "
        "children, any breakdown could point out a child. Small municipalities will therefore "
        "often see little more than the total.").format(small=2 * k))


def _method_appendix(report: ReportBuilder, k: int) -> None:
    report.heading(_("Appendix: the method"))
    report.paragraph(_(
        "Cell suppression with threshold {k}: every count from 1 to {below} is suppressed, in "
        "the tables where a child may be counted several times every count below {k}, and then "
        "as few and as small further cells as needed, inner cells before totals, chosen among "
        "equally good patterns at random from a secret kept with the release. Before a package "
        "is written, an attacker audit (linear and integer programming) checks every suppressed "
        "count below {k}: an attacker who knows every published figure of this and of every "
        "earlier package, the rules every record follows and the method itself must not be "
        "able to rule out 0 nor {k}. For a period that overlaps an earlier package, the "
        "children added or changed since are protected as a group of their own. A package "
        "that fails the audit is never written.").format(k=k, below=k - 1))


def _trend(report: ReportBuilder, db: Database, year: int, total: int, internal: bool) -> None:
    """Persons per reporting year up to ``year``. The public report takes earlier years from
    the release register, as they were sent (a late registration does not change them); the
    internal one counts the register as it is now."""
    report.heading(_("Trend"))
    if internal:
        totals = abroad_repo.totals_by_year(db)
        report.paragraph(_("Persons per reporting period, for every year the register covers, "
                           "counted as the register is now."))
    else:
        totals = {y: t for y, t in releases_repo.published_totals(db).items() if y < year}
        report.paragraph(_("Persons per reporting period: earlier years exactly as they were sent to "
                           "the national team (so a late registration does not change them); "
                           "\u201c\u2013\u201d: no package was sent for that year."))
    totals[year] = total
    first = min([y for y in totals if y <= year], default=year)
    years = list(range(first, year + 1))
    shown = [totals.get(y, 0 if internal else "\u2013") for y in years]
    report.table([_("Year"), _count_header()], [[str(y), v] for y, v in zip(years, shown)],
                 col_align=["left", "right"])
    report.bar_chart([str(y) for y in years], [v if isinstance(v, int) else 0 for v in shown], share=False)


def _title(year: int, internal: bool) -> str:
    title = _("Children taken abroad: annual statistics {year}").format(year=year)
    if internal:
        return _("INTERNAL, unsuppressed figures – {title}").format(title=title)
    return title


def _figures(db: Database, year: int, internal: bool) -> tuple[StatTables, tuple[Table, ...], dict]:
    """The exact tables, the tables to show, and the summary of disclosure control."""
    if internal:
        exact = abroad_repo.stats_for(db, year)
        return exact, exact.tables, {}
    exact, protected = protected_statistics(db, year)
    return exact, protected.tables, {_("Threshold"): protected.threshold,
                                     _("Suppressed cells"): protected.suppressed_cells,
                                     _("Attacker audit"): _("passed")}


@register("annual")
def build_annual_report(db: Database, year: int, internal: bool = False, *,
                        now: dt.datetime | None = None, fmt: Format = "pdf") -> bytes:
    """The annual statistics for the reporting period ending in ``year`` as PDF (or
    ``fmt="docx"``: Word) bytes (audited). ``internal``: exact figures without suppression,
    administrators only."""
    db.require(Permission.REPORT, what=_("produce the annual statistics report"))
    if internal and not db.session.is_admin:
        raise PermissionDenied(_("Only an administrator may produce the internal report with "
                                 "unsuppressed figures."))
    now = now or dt.datetime.now()
    exact, tables, control = _figures(db, year, internal)
    name, code = settings.get(db, Key.MUNICIPALITY_NAME), settings.get(db, Key.MUNICIPALITY_CODE)
    report = ReportBuilder(_title(year, internal),
                           _("Reporting period {period}").format(period=_period_text(exact)),
                           db.user, now, _("{name} municipality").format(name=name))
    if internal:
        report.paragraph(_("Internal report with unsuppressed figures: not for publication."))
    report.key_values([
        (_("Municipality"), f"{name} ({code})"),
        (_("Reporting period"), _period_text(exact)),
        (_("Persons"), grand_total(tables)),
        (_("Figures"), _("exact, unsuppressed (internal)") if internal
         else _("protected as in the package for the national team")),
        *control.items(),
        (_("Produced"), _("{date} by {user} with hrvdesk {version}").format(
            date=format_date(now.date()), user=db.user, version=__version__)),
    ])
    threshold = control.get(_("Threshold"), settings.get(db, Key.SUPPRESSION_THRESHOLD))
    _method_note(report, exact, threshold, internal)
    _tables(report, tables)
    report.heading(_("Charts"))
    by_id = {t.id: t for t in tables}
    _chart(report, by_id["by_purpose"], table_title("by_purpose"), skip_zeros=False)
    _chart(report, by_id["by_destination_region"], table_title("by_destination_region"),
           skip_zeros=True)
    _trend(report, db, year, grand_total(tables), internal)
    if not internal:
        _method_appendix(report, threshold)
    document = render(report, fmt)
    db.audited("report", target=AUDIT_TARGET, detail={"year": year, "internal": internal})
    return document
