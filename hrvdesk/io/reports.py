"""The PDF reports by name, for ``hrvdesk report NAME`` and the app's report menu.

Each report module adds its builder to :data:`REPORTS` with :func:`register` when it is
imported; :func:`available` imports the modules listed in :data:`REPORT_MODULES` first.
A builder takes an open database and a year and returns the PDF as bytes (built in
memory; the caller writes it with :func:`hrvdesk.store.safewrite.write_bytes`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from hrvdesk.store.database import Database

ReportBuilderFunction = Callable[[Database, int], bytes]

REPORTS: dict[str, ReportBuilderFunction] = {}

#: Modules that register a report when imported (annual and training are added by their issues).
REPORT_MODULES: list[str] = ["hrvdesk.io.report_annual", "hrvdesk.io.report_plan",
                             "hrvdesk.io.report_training"]


def register(name: str) -> Callable[[ReportBuilderFunction], ReportBuilderFunction]:
    """Decorator: make the function the builder of report ``name``."""
    def decorate(build: ReportBuilderFunction) -> ReportBuilderFunction:
        REPORTS[name] = build
        return build
    return decorate


def available() -> dict[str, ReportBuilderFunction]:
    """Every registered report, name -> builder, sorted by name."""
    for module in REPORT_MODULES:
        importlib.import_module(module)
    return dict(sorted(REPORTS.items()))
