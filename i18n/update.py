"""Add messages that no catalog has yet to one area's catalogs; compile every catalog.

    python i18n/update.py AREA [PATH ...]   # e.g. abroad hrvdesk/domain/abroad.py
    python i18n/update.py                   # after translating: only compile

AREA names the catalog file (core, abroad, training, plan, import, ui, ...). With PATHs
(files or folders below the repository), only messages used there are added, so that
people working on different areas at once do not take each other's messages.

Extracts ``_()``, ``N_()`` and ``ngettext()`` messages from ``hrvdesk/`` with Babel. Every
message id missing from all ``i18n/<lang>/*.po`` files is appended to ``i18n/sv/AREA.po``
(empty msgstr: translate it) and ``i18n/en/AREA.po`` (msgstr = the English id). Messages
that no source uses any more are reported. ``tests/test_i18n.py`` fails while a Swedish
translation is missing.

Each run then compiles every ``i18n/<lang>/NAME.po`` into ``NAME.mo`` beside it with Babel
(``hrvdesk.i18n`` loads those with the standard library, without Babel) and removes a ``.mo``
whose ``.po`` is gone. One ``.mo`` per ``.po``: a change to one area's messages changes only
that area's compiled file. ``tests/test_i18n.py`` fails while a ``.mo`` is out of date.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract(paths: list[str] | None = None) -> dict:
    """message id (or (singular, plural)) -> locations, from hrvdesk/ or only ``paths``"""
    found: dict = {}
    wanted = [(ROOT / p).resolve() for p in paths or []]
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(ROOT / "hrvdesk"), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        full = (ROOT / "hrvdesk" / filename).resolve()
        if wanted and not any(full == w or w in full.parents for w in wanted):
            continue
        found.setdefault(message, []).append(f"hrvdesk/{filename}:{lineno}")
    return found


def load(lang: str) -> dict[str, Catalog]:
    out = {}
    for po in sorted((ROOT / "i18n" / lang).glob("*.po")):
        with po.open("rb") as fh:
            out[po.stem] = read_po(fh, locale=lang)
    return out


def compiled(po: Path) -> bytes:
    """The ``.mo`` file of the catalog ``po`` (``i18n/<lang>/NAME.po``), as Babel writes it."""
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.name)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def compile_all() -> None:
    """Write every catalog's ``.mo`` file that is missing or differs; remove those whose
    ``.po`` is gone."""
    for lang in ("sv", "en"):
        folder = ROOT / "i18n" / lang
        for po in sorted(folder.glob("*.po")):
            mo, data = po.with_suffix(".mo"), compiled(po)
            if not mo.is_file() or mo.read_bytes() != data:
                mo.write_bytes(data)
                print(f"{lang}/{mo.name}: compiled")
        for mo in sorted(folder.glob("*.mo")):
            if not mo.with_suffix(".po").is_file():
                mo.unlink()
                print(f"{lang}/{mo.name}: removed (no {mo.with_suffix('.po').name})")


def main(area: str, paths: list[str]) -> int:
    messages = extract(paths)
    for lang in ("sv", "en"):
        catalogs = load(lang)
        known = {m.id if isinstance(m.id, str) else tuple(m.id) for c in catalogs.values() for m in c if m.id}
        target = catalogs.get(area) or Catalog(locale=lang, domain="hrvdesk", project="hrvdesk")
        added = 0
        for msg, _locs in messages.items():
            key = msg if isinstance(msg, str) else tuple(msg)
            if key in known:
                continue
            if lang == "en":
                string = msg if isinstance(msg, str) else tuple(msg)
            else:
                string = "" if isinstance(msg, str) else ("", "")
            target.add(msg, string)
            added += 1
        path = ROOT / "i18n" / lang / f"{area}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, target, width=100, omit_header=False, sort_output=False)
        print(f"{lang}/{area}.po: {added} new message(s)")
    compile_all()
    if paths:
        return 0
    used = {m if isinstance(m, str) else tuple(m) for m in messages}
    for lang in ("sv", "en"):
        for name, cat in load(lang).items():
            for m in cat:
                key = m.id if isinstance(m.id, str) else tuple(m.id)
                if m.id and key not in used:
                    print(f"unused in {lang}/{name}.po: {m.id!r}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        compile_all()
        sys.exit(0)
    if sys.argv[1].startswith("-"):
        print(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
