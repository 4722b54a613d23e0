"""Each kind's import template is accepted by its own import as it stands: the Swedish headers
of the contract and one example row, nothing personal."""

from __future__ import annotations

import datetime as dt

import pytest

from hrvdesk.domain.import_formats import SCHEMAS
from hrvdesk.domain.pii import find_personal_number
from hrvdesk.io.import_files import read_import
from hrvdesk.io.import_templates import template_csv

TODAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_a_template_is_accepted_by_its_import(kind, tmp_path):
    data = template_csv(kind, TODAY)
    assert data.startswith(b"\xef\xbb\xbf")
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(data)
    result = read_import(path, SCHEMAS[kind], TODAY, administrations=["SOC", "UBF"])
    assert result.problems == [] and len(result.rows) == 1
    assert list(result.columns.values()) == [c.sv_name for c in SCHEMAS[kind].columns]
    assert not find_personal_number(data.decode("utf-8"))
