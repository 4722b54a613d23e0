"""Exported text is never evaluated by a spreadsheet; numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from hrvdesk.io.safe_export import csv_bytes, neutralise
from hrvdesk.io.tabular import read_table


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+46 8 530 610 00", "-2+3",
                                  "@SUM(A1)", "\t=1", "\r=1"])
def test_text_that_could_start_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Botkyrka", " =1", "a=b", "", "'=1", -5, 2.5, Decimal("-1.5"),
                                   0, None, dt.date(2025, 1, 1)])
def test_everything_else_is_unchanged(value):
    assert neutralise(value) == value and type(neutralise(value)) is type(value)


def test_csv_is_utf8_with_bom_semicolons_and_safe_cells():
    data = csv_bytes(["förvaltning", "antal", "kommentar"], [
        ["SOC", -5, "=cmd|' /C calc'!A0"],
        ["UBF", 2.5, "rad ett; rad två\nrad tre"],
        ["KOF", None, dt.date(2025, 3, 1)],
    ])

    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))
    assert rows == [
        ["förvaltning", "antal", "kommentar"],
        ["SOC", "-5", "'=cmd|' /C calc'!A0"],
        ["UBF", "2,5", "rad ett; rad två\nrad tre"],
        ["KOF", "", "2025-03-01"],
    ]


def test_exported_csv_reads_back_with_the_import_reader(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(["kön", "anteckningar"], [["flicka", "@ringa skolan"],
                                                        ["pojke", 'säger "hej"; igen']]))

    table = read_table(path)

    assert table.header == ("kön", "anteckningar")
    assert [row.cells for row in table.rows] == [("flicka", "'@ringa skolan"),
                                                 ("pojke", 'säger "hej"; igen')]
