"""The layers, walked import by import (as KeePassXC's build keeps its core free of widgets):
``domain`` imports neither Qt, the database driver nor an outer package; ``store`` imports
neither ``io``, ``services`` nor the faces; ``io``, ``services`` and ``cli`` import no Qt; the
neutral modules at the top (``i18n``, ``resources``, ``safewrite``) import no layer at all; and only ``store``
speaks SQL."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hrvdesk"
FORBIDDEN = {
    "domain": ("PySide6", "sqlcipher3", "hrvdesk.store", "hrvdesk.io", "hrvdesk.services",
               "hrvdesk.ui", "hrvdesk.cli"),
    "store": ("PySide6", "hrvdesk.io", "hrvdesk.services", "hrvdesk.ui", "hrvdesk.cli"),
    "io": ("PySide6", "hrvdesk.services", "hrvdesk.ui", "hrvdesk.cli"),
    "services": ("PySide6", "hrvdesk.ui", "hrvdesk.cli"),
    "cli": ("PySide6",),
}
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|"
                 r"CREATE\s+(TABLE|INDEX|TRIGGER))\b", re.DOTALL)  # the code writes SQL in capitals


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def imported(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_lies_inside_it(layer):
    assert modules(layer), layer
    wrong = [(path.relative_to(PACKAGE).as_posix(), name) for path in modules(layer)
             for name in imported(path) if name.startswith(FORBIDDEN[layer])]
    assert wrong == []


def test_the_neutral_modules_import_no_layer():
    """Every layer may use them, so they may use none (``safewrite`` left ``store`` for this)."""
    neutral = sorted(path for path in PACKAGE.glob("*.py") if path.name != "__init__.py")
    assert [path.name for path in neutral] == ["i18n.py", "resources.py", "safewrite.py"]
    wrong = [(path.name, name) for path in neutral for name in imported(path)
             if name.startswith("hrvdesk.") and name != "hrvdesk.i18n" or name.startswith("PySide6")]
    assert wrong == []


def test_only_the_store_speaks_sql():
    speaking = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "store" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                speaking.append(path.relative_to(PACKAGE).as_posix())
    assert speaking == []


def test_the_checker_finds_what_it_looks_for(tmp_path):
    """The walker itself: a module importing Qt and holding SQL is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text('from PySide6.QtWidgets import QWidget\nQUERY = "SELECT id FROM users"\n')
    assert imported(sample) == ["PySide6.QtWidgets"]
    assert SQL.search('SELECT id FROM users') and not SQL.search("Select the year from the list")



def string_keyed(source: str, names: set[str]) -> list[str]:
    """The declared setting names passed as plain strings to a ``get``/``put``/``is_set``."""
    return [arg.value for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "put", "is_set")
            for arg in node.args if isinstance(arg, ast.Constant) and arg.value in names]


def test_settings_are_named_by_their_declared_key():
    """Code reads and writes a setting through ``Key``, never a string that a typing error
    would turn into another (or no) setting."""
    from hrvdesk.domain.settings import Key

    names = {key.value for key in Key}
    assert string_keyed('settings.get(db, "language"); s.put(Key.LANGUAGE, 1)', names) == ["language"]
    assert [(path.relative_to(PACKAGE).as_posix(), name) for path in sorted(PACKAGE.rglob("*.py"))
            for name in string_keyed(path.read_text(encoding="utf-8"), names)] == []


def file_calls(source: str) -> list[str]:
    """Calls that read or write a file by path: ``open(…)``, ``….read_text()`` and the like."""
    names = {"read_text", "read_bytes", "write_text", "write_bytes"}
    return [ast.unparse(node.func) for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)
            and (isinstance(node.func, ast.Name) and node.func.id == "open"
                 or isinstance(node.func, ast.Attribute) and node.func.attr in names)]


def test_the_domain_opens_no_files():
    """The domain parses and validates what it is given; files are read in ``io`` (a user's
    profile, imports) or through the neutral ``resources`` (what hrvdesk ships)."""
    assert file_calls("open('x'); Path('p').read_text(); s.strip()") == ["open", "Path('p').read_text"]
    assert [(path.relative_to(PACKAGE).as_posix(), call) for path in modules("domain")
            for call in file_calls(path.read_text(encoding="utf-8"))] == []
