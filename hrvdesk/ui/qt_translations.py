"""Qt's own translations (``qtbase_sv``): Ja/Nej in message boxes, Swedish file dialogs.

Qt ships them with PySide6; they are loaded for the UI language and removed for English,
each time the language changes.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

_installed: dict[str, QTranslator] = {}


def apply(language: str) -> bool:
    """Install Qt's translation for ``language`` (removing any earlier one); True when one
    was found (English needs none)."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    previous = _installed.pop("qtbase", None)
    if previous is not None:
        app.removeTranslator(previous)
    if language == "en":
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{language}", folder):
        return False
    app.installTranslator(translator)
    _installed["qtbase"] = translator
    return True
