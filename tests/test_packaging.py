"""The packaging files agree with the project and with their formats (nothing is built here)."""

from __future__ import annotations

import ast
import configparser
import re
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import hrvdesk

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
APP_ID = "se.botkyrka.hrvdesk"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
SPEC = PACKAGING / "hrvdesk.spec"
ISS = PACKAGING / "windows" / "hrvdesk.iss"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Main categories of the freedesktop menu specification: every entry needs at least one.
MAIN_CATEGORIES = {"AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics",
                   "Network", "Office", "Science", "Settings", "System", "Utility"}


@pytest.fixture(scope="module")
def project_scripts() -> dict[str, str]:
    """Program name -> entry point, console and GUI scripts alike (pyproject.toml)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {**project["scripts"], **project["gui-scripts"]}


@pytest.fixture(scope="module")
def desktop() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(DESKTOP.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


@pytest.fixture(scope="module")
def metainfo() -> ET.Element:
    return ET.parse(METAINFO).getroot()


def _text(element: ET.Element, path: str, lang: str | None = None) -> str | None:
    for found in element.findall(path):
        if found.get(XML_LANG) == lang:
            return (found.text or "").strip()
    return None


def _spec_programs() -> dict[str, str]:
    """``PROGRAMS`` of the spec: entry script -> program name."""
    for node in ast.parse(SPEC.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "PROGRAMS" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("the spec defines no PROGRAMS")


# --- Linux desktop entry ------------------------------------------------------------------


def test_desktop_entry_has_the_required_keys(desktop):
    for key in ("Type", "Name", "Name[sv]", "Exec", "Icon", "Categories", "Comment", "Comment[sv]"):
        assert desktop.get(key, "").strip(), f"{key} missing or empty"
    assert desktop["Type"] == "Application"
    assert desktop["Terminal"] == "false"


def test_desktop_entry_is_translated_into_swedish(desktop):
    assert desktop["Comment[sv]"] != desktop["Comment"]
    assert desktop["GenericName[sv]"] != desktop["GenericName"]


def test_desktop_entry_starts_the_gui_program(desktop, project_scripts):
    program = desktop["Exec"].split()[0]
    assert program in project_scripts
    assert project_scripts[program] == "hrvdesk.ui.app:main"
    assert desktop["TryExec"] == program
    assert all(code in ("%f", "%F", "%u", "%U") for code in re.findall(r"%\w", desktop["Exec"]))


def test_desktop_entry_icon_and_categories(desktop):
    assert desktop["Icon"] == APP_ID  # installed as hicolor/*/apps/se.botkyrka.hrvdesk.*
    assert (ROOT / "resources" / "hrvdesk.svg").is_file()
    assert (ROOT / "resources" / "hrvdesk-256.png").is_file()
    categories = desktop["Categories"]
    assert categories.endswith(";")
    assert MAIN_CATEGORIES & set(categories.rstrip(";").split(";"))


# --- AppStream metainfo -------------------------------------------------------------------


def test_metainfo_describes_the_desktop_application(metainfo):
    assert metainfo.tag == "component"
    assert metainfo.get("type") == "desktop-application"
    assert _text(metainfo, "id") == DESKTOP.stem == APP_ID
    launchable = metainfo.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert _text(metainfo, "metadata_license") and _text(metainfo, "project_license")


def test_metainfo_is_in_english_and_swedish(metainfo):
    assert _text(metainfo, "summary") and _text(metainfo, "summary", "sv")
    assert _text(metainfo, "summary") != _text(metainfo, "summary", "sv")
    paragraphs = metainfo.findall("description/p")
    assert {p.get(XML_LANG) for p in paragraphs} == {None, "sv"}


def test_metainfo_release_is_the_project_version(metainfo):
    releases = metainfo.findall("releases/release")
    assert releases, "no release listed"
    assert releases[0].get("version") == hrvdesk.__version__  # the newest comes first
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", releases[0].get("date", ""))


def test_metainfo_provides_the_project_programs(metainfo, project_scripts):
    assert {b.text for b in metainfo.findall("provides/binary")} == set(project_scripts)


# --- PyInstaller spec ---------------------------------------------------------------------


def test_spec_is_valid_python():
    compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec")


def test_spec_builds_the_project_programs_from_their_entry_points(project_scripts):
    programs = _spec_programs()
    assert set(programs.values()) == set(project_scripts)
    for script, program in programs.items():
        launcher = PACKAGING / "launchers" / f"{script}.py"
        assert script != "hrvdesk", "a launcher named hrvdesk.py would hide the package"
        tree = ast.parse(launcher.read_text(encoding="utf-8"))
        imports = [f"{node.module}:{alias.name}" for node in ast.walk(tree)
                   if isinstance(node, ast.ImportFrom) for alias in node.names]
        assert project_scripts[program] in imports, f"{launcher.name} does not run {project_scripts[program]}"


# --- Windows installer --------------------------------------------------------------------


def _iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = None
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";") or line.startswith("#"):
            continue
        if re.fullmatch(r"\[\w+\]", line):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return sections


def test_installer_is_per_machine_and_bilingual():
    sections = _iss_sections()
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["PrivilegesRequired"] == "admin"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert "PrivilegesRequiredOverridesAllowed" not in setup
    languages = " ".join(sections["Languages"])
    assert "Swedish.isl" in languages and "Default.isl" in languages


def test_installer_installs_the_built_programs_and_leaves_user_data():
    sections = _iss_sections()
    programs = set(_spec_programs().values())
    for line in sections["Icons"] + sections["Run"]:
        exe = re.search(r'Filename: "\{app\}\\([^"]+)\.exe"', line)
        assert exe and exe.group(1) in programs
    assert "UninstallDelete" not in sections  # the uninstaller removes only what it installed
    assert all("{app}" in line for line in sections.get("InstallDelete", []))
