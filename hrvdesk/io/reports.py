"""The reports by name, for ``hrvdesk report NAME`` and the app's report menu.

Each report module adds its builder to :data:`REPORTS` with :func:`register` when it is
imported; :func:`available` imports the modules listed in :data:`REPORT_MODULES` first.
A builder takes an open database and a year and returns the document as bytes (built in
memory; the caller writes it with :func:`hrvdesk.safewrite.write_bytes`): a PDF, or
with ``fmt="docx"`` a Word document for committee papers. The builders collect the report
in a :class:`~hrvdesk.io.pdf.ReportBuilder` and hand it to :func:`render`, which writes it
in the format asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar, get_args

from hrvdesk.store.database import Database

if TYPE_CHECKING:
    from hrvdesk.io.pdf import ReportBuilder

#: The formats every report can be written in.
Format = Literal["pdf", "docx"]
FORMATS: tuple[str, ...] = get_args(Format)


class ReportBuilderFunction(Protocol):
    def __call__(self, db: Database, year: int, *, fmt: Format = "pdf") -> bytes: ...


BuilderT = TypeVar("BuilderT", bound=ReportBuilderFunction)

REPORTS: dict[str, ReportBuilderFunction] = {}

#: Modules that register a report when imported (annual and training are added by their issues).
REPORT_MODULES: list[str] = ["hrvdesk.io.report_annual", "hrvdesk.io.report_plan",
                             "hrvdesk.io.report_training"]


def register(name: str) -> Callable[[BuilderT], BuilderT]:
    """Decorator: make the function the builder of report ``name``."""
    def decorate(build: BuilderT) -> BuilderT:
        REPORTS[name] = build
        return build
    return decorate


def available() -> dict[str, ReportBuilderFunction]:
    """Every registered report, name -> builder, sorted by name."""
    for module in REPORT_MODULES:
        importlib.import_module(module)
    return dict(sorted(REPORTS.items()))


def render(report: ReportBuilder, fmt: Format = "pdf") -> bytes:
    """``report`` written in memory as a document in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "pdf":
        return report.build()
    if fmt == "docx":
        from hrvdesk.io.word import docx_bytes  # python-docx only when a Word file is asked for
        return docx_bytes(report)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
