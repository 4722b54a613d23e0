"""Build the one-folder application with PyInstaller and prove that the build works.

    python packaging/build.py                 # build into dist/hrvdesk, then check it
    python packaging/build.py --skip-build    # only check an existing build

Run it with the Python of an environment where hrvdesk's dependencies are installed
(``pip install .``); PyInstaller is installed into that environment if it is missing. The
checks run the built programs, never the source tree:

1. ``hrvdesk --version`` prints this version;
2. ``hrvdesk init`` creates a database in a fresh temporary folder and ``hrvdesk check``
   passes on it, in Swedish and in English (the bundled translations load);
3. where the commands exist, ``hrvdesk import abroad`` of a few invented cases into that
   database and ``hrvdesk export national``, which must suppress cells (SciPy's HiGHS
   solvers and the disclosure control work in the build);
4. where the command exists, ``hrvdesk report`` writes the three PDF reports of that
   database in Swedish;
5. ``hrvdesk-gui --demo`` starts offscreen and is still running, without a traceback and
   with its demo database created, after a few seconds; then it is stopped;

then the size of the built folder is printed. Every program runs with its own home,
configuration, data and temporary folders inside one temporary folder that is deleted at
the end. Exit status 0 when everything passed, 1 when something failed, 2 when the
environment is not ready.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "hrvdesk.spec"
PYINSTALLER = "pyinstaller>=6.10,<7"
DEPENDENCIES = ("PySide6", "sqlcipher3", "argon2", "cryptography", "reportlab", "keyring",
                "babel", "openpyxl", "scipy", "platformdirs")
COMMAND_TIMEOUT = 180  # seconds for one command-line step
SMOKE_USER = "smoke-admin"
REPORT_YEAR = dt.date.today().year - 1  # a complete reporting period
REPORTS = ("annual", "training", "plan")  # cli.md: hrvdesk report annual|training|plan


class Failed(Exception):
    """A check did not pass; the message says which and why."""


def project_version() -> str:
    text = (ROOT / "hrvdesk" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__\s*=\s*"([^"]+)"', text, re.MULTILINE)
    if match is None:
        raise SystemExit("hrvdesk/__init__.py has no __version__")
    return match.group(1)


def exe(folder: Path, program: str) -> Path:
    return folder / (program + (".exe" if sys.platform == "win32" else ""))


# --- building ----------------------------------------------------------------------------


def ensure_environment() -> str | None:
    """Install PyInstaller if missing; a message when the project's dependencies are not here."""
    missing = [name for name in DEPENDENCIES if importlib.util.find_spec(name) is None]
    if missing:
        return (f"missing in this Python ({sys.executable}): {', '.join(missing)}; "
                f"install the project first: {sys.executable} -m pip install {ROOT}")
    if importlib.util.find_spec("PyInstaller") is None:
        print(f"PyInstaller is not installed; installing {PYINSTALLER} into {sys.prefix}", flush=True)
        installed = subprocess.run([sys.executable, "-m", "pip", "install", PYINSTALLER], check=False)
        if installed.returncode != 0:
            return f"could not install {PYINSTALLER}"
    return None


def build(dist: Path, work: Path) -> None:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
               "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    print("$ " + " ".join(command), flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, check=True)
    print(f"built in {time.monotonic() - started:.0f} s", flush=True)


# --- running the built programs ----------------------------------------------------------


def isolated_environment(home: Path, **extra: str) -> dict[str, str]:
    """The caller's environment with home, XDG folders and temp folder inside ``home``, and
    no HRVDESK_* settings of the caller's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("HRVDESK_")}
    folders = {"HOME": "home", "USERPROFILE": "home", "APPDATA": "appdata", "LOCALAPPDATA": "localappdata",
               "XDG_CONFIG_HOME": "config", "XDG_DATA_HOME": "data", "XDG_CACHE_HOME": "cache",
               "XDG_STATE_HOME": "state", "TMPDIR": "tmp", "TMP": "tmp", "TEMP": "tmp"}
    for variable, name in folders.items():
        path = home / name
        path.mkdir(parents=True, exist_ok=True)
        env[variable] = str(path)
    env.update(extra)
    return env


def run(command: list[str | Path], env: dict[str, str], what: str) -> str:
    """Run a built program to completion; its standard output, or :class:`Failed`."""
    try:
        done = subprocess.run([str(part) for part in command], env=env, capture_output=True, text=True,
                              timeout=COMMAND_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise Failed(f"{what}: no answer after {COMMAND_TIMEOUT} s") from None
    if done.returncode != 0:
        raise Failed(f"{what}: exit status {done.returncode}\n{done.stdout}{done.stderr}".rstrip())
    return done.stdout


def check_version(cli: Path, env: dict[str, str], version: str) -> str:
    output = run([cli, "--version"], env, "hrvdesk --version").strip()
    if output != f"hrvdesk {version}":
        raise Failed(f"hrvdesk --version printed {output!r}, expected 'hrvdesk {version}'")
    return output


def check_new_database(cli: Path, env: dict[str, str], folder: Path) -> str:
    db = folder / "smoke.db"
    run([cli, "init", "--db", db], env, "hrvdesk init")
    if not db.is_file():
        raise Failed(f"hrvdesk init did not create {db}")
    reports = {lang: run([cli, "--lang", lang, "check", "--db", db], env, f"hrvdesk --lang {lang} check")
               for lang in ("sv", "en")}
    if reports["sv"] == reports["en"]:
        raise Failed("hrvdesk check printed the same text in Swedish and English: translations not loaded")
    return reports["en"].strip().splitlines()[-1]


def fictitious_abroad_csv(path: Path, year: int, rows: int = 13) -> None:
    """A small, clearly invented ``abroad`` import file (``import-formats.md``) for ``year``:
    few enough people that the national tables have cells to suppress."""
    rng = random.Random(7)
    header = ["reported_by", "known_date", "gender", "birth_year", "purposes", "honour_link", "status"]
    lines = [";".join(header)]
    for _ in range(rows):
        lines.append(";".join([
            rng.choice(["SOC", "UBF", "SOC", "KOF"]),
            dt.date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat(),
            rng.choice(["girl", "boy", "girl"]),
            str(rng.randint(year - 17, year - 6)),
            rng.choice(["child_marriage", "upbringing_trip", "fgm|upbringing_trip", "unknown"]),
            rng.choice(["suspected", "confirmed"]),
            rng.choice(["at_risk", "abroad", "returned"]),
        ]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def has_commands(cli: Path, env: dict[str, str], *names: str) -> bool:
    commands = run([cli, "--lang", "en", "--help"], env, "hrvdesk --help")
    return all(re.search(rf"\b{name}\b", commands) for name in names)


def check_national_export(cli: Path, env: dict[str, str], folder: Path) -> str | None:
    """Import invented cases into the database of the previous step and write the national
    package: SciPy's HiGHS solvers (disclosure control and its audit) run in the build.
    None where this build has no ``import`` or ``export`` command yet."""
    if not has_commands(cli, env, "import", "export"):
        return None
    db, csv, out = folder / "smoke.db", folder / "abroad.csv", folder / "national.json"
    fictitious_abroad_csv(csv, REPORT_YEAR)
    run([cli, "import", "abroad", csv, "--db", db], env, "hrvdesk import abroad")
    output = run([cli, "--lang", "en", "export", "national", "--year", str(REPORT_YEAR), "--db", db,
                  "--out", out], env, "hrvdesk export national")
    control = json.loads(out.read_text(encoding="utf-8"))["disclosure_control"]
    if not control["audit_passed"] or control["suppressed_cells"] < 1:
        raise Failed(f"the national package did not suppress any cell as expected: {control}")
    return output.strip().splitlines()[-1]


def check_reports(cli: Path, env: dict[str, str], folder: Path) -> str | None:
    """The three PDF reports of that database, in Swedish (ReportLab's fonts and Babel's
    formats are in the build). None where this build has no ``report`` command yet."""
    if not has_commands(cli, env, "report"):
        return None
    sizes = []
    for kind in REPORTS:
        out = folder / f"{kind}.pdf"
        run([cli, "--lang", "sv", "report", kind, "--year", str(REPORT_YEAR), "--db", folder / "smoke.db",
             "--out", out], env, f"hrvdesk report {kind}")
        if not out.is_file() or not out.read_bytes().startswith(b"%PDF-"):
            raise Failed(f"hrvdesk report {kind} did not write a PDF")
        sizes.append(f"{kind} {out.stat().st_size / 1000:.0f} kB")
    return "PDFs written: " + ", ".join(sizes)


def check_gui_starts(gui: Path, env: dict[str, str], seconds: float) -> str:
    """Start ``hrvdesk-gui --demo`` offscreen; it passes when, after ``seconds``, it still
    runs, has printed no traceback and has created its demo database. Then it is stopped."""
    env = dict(env, QT_QPA_PLATFORM="offscreen")
    log = Path(env["TMPDIR"]).parent / "gui-stderr.txt"
    with log.open("w+", encoding="utf-8", errors="replace") as stderr:
        process = subprocess.Popen([str(gui), "--demo"], env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                   start_new_session=True)
        try:
            exit_status = process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            exit_status = None
        finally:
            stop(process)
        stderr.seek(0)
        errors = stderr.read()
    if exit_status is not None:
        raise Failed(f"hrvdesk-gui --demo ended by itself within {seconds:g} s "
                     f"(exit status {exit_status})\n{errors}".rstrip())
    if "Traceback" in errors:
        raise Failed(f"hrvdesk-gui --demo printed a traceback\n{errors}".rstrip())
    if not list(Path(env["TMPDIR"]).glob("hrvdesk-demo-*/demo.db")):
        raise Failed(f"hrvdesk-gui --demo ran {seconds:g} s without creating its demo database\n"
                     f"{errors}".rstrip())
    return f"still running after {seconds:g} s, demo database created, no traceback; stopped"


def stop(process: subprocess.Popen) -> None:
    """End the started program (and only it) if it still runs."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- the result ----------------------------------------------------------------------------


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of files (links counted as links, not as their targets)."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or path.is_file():
            total += path.lstat().st_size
            count += 1
    return total, count


def unresolved_libraries(folder: Path) -> dict[str, set[str]]:
    """Linux: system libraries the bundled binaries need that were not on the build machine,
    so the target must have them (library -> the bundled files that need it)."""
    if not sys.platform.startswith("linux") or shutil.which("ldd") is None:
        return {}
    internal = folder / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(
        str(path) for path in (internal, internal / "PySide6" / "Qt" / "lib")))
    missing: dict[str, set[str]] = {}
    for path in internal.rglob("*.so*"):
        if path.is_symlink() or not path.is_file():
            continue
        done = subprocess.run(["ldd", str(path)], env=env, capture_output=True, text=True, check=False)
        for line in done.stdout.splitlines():
            if "not found" in line:
                missing.setdefault(line.split()[0], set()).add(str(path.relative_to(folder)))
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build hrvdesk with PyInstaller and check the build.")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's work folder (default: build/pyinstaller/)")
    parser.add_argument("--skip-build", action="store_true", help="only check an existing build")
    parser.add_argument("--gui-seconds", type=float, default=10.0,
                        help="how long the desktop app must keep running in the smoke start (default: 10)")
    args = parser.parse_args(argv)

    folder = args.dist.resolve() / "hrvdesk"
    if not args.skip_build:
        problem = ensure_environment()
        if problem:
            print(f"[FAIL] {problem}")
            return 2
        try:
            build(args.dist.resolve(), args.work.resolve())
        except subprocess.CalledProcessError as exc:
            print(f"[FAIL] PyInstaller: exit status {exc.returncode}")
            return 1
    cli, gui = exe(folder, "hrvdesk"), exe(folder, "hrvdesk-gui")
    if not cli.is_file():
        print(f"[FAIL] no build at {folder}")
        return 2

    passphrase = "smoke-" + secrets.token_urlsafe(18)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="hrvdesk-build-check-") as temp:
        temp_dir = Path(temp)
        env = isolated_environment(temp_dir, HRVDESK_USER=SMOKE_USER, HRVDESK_PASSPHRASE=passphrase,
                                   HRVDESK_NEW_PASSPHRASE=passphrase)
        steps = [
            ("hrvdesk --version", lambda: check_version(cli, env, project_version())),
            ("hrvdesk init + check", lambda: check_new_database(cli, env, temp_dir)),
            ("hrvdesk import abroad + export national", lambda: check_national_export(cli, env, temp_dir)),
            ("hrvdesk report annual, training, plan", lambda: check_reports(cli, env, temp_dir)),
        ]
        if (ROOT / "hrvdesk" / "ui" / "app.py").is_file():
            steps.append(("hrvdesk-gui --demo, offscreen",
                          lambda: check_gui_starts(gui, env, args.gui_seconds)))
        else:
            print("[skip] hrvdesk-gui smoke start: hrvdesk/ui/app.py does not exist yet")
        for name, step in steps:
            try:
                result = step()
            except Failed as exc:
                failures += 1
                print(f"[FAIL] {name}: {exc}", flush=True)
                continue
            if result is None:
                print(f"[skip] {name}: this build has no such command yet", flush=True)
            else:
                print(f"[ok]   {name}: {result}", flush=True)

    size, files = folder_size(folder)
    print(f"built folder: {folder}  {size / 1e6:.1f} MB ({size / 2**20:.1f} MiB) in {files} files")
    for library, needed_by in sorted(unresolved_libraries(folder).items()):
        print(f"[warn] {library} was not found on this machine; the target needs it "
              f"({len(needed_by)} bundled files use it, e.g. {sorted(needed_by)[0]})")
    print("all checks passed" if not failures else f"{failures} check(s) FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
