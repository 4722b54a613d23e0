"""Usage errors: exit 2 with one sentence in the UI language, argparse's own words included."""

from __future__ import annotations


def test_missing_option_in_swedish(cli, tmp_path):
    code, _out, err = cli("backup", "--db", tmp_path / "x.db", lang="sv")
    assert code == 2
    assert err.strip() == "Fel i kommandot: följande argument krävs: --out. Se 'hrvdesk backup --help'."


def test_unknown_command_in_english(cli):
    code, _out, err = cli("frobnicate", lang="en")
    assert code == 2
    assert "unknown command or file 'frobnicate'" in err and "Traceback" not in err


def test_help_headings_follow_the_language(cli):
    code, out, _err = cli("--help", lang="sv")
    assert code == 0
    assert out.startswith("användning: hrvdesk") and "visa den här hjälpen och avsluta" in out
    code, out, _err = cli("--help", lang="en")
    assert out.startswith("usage: hrvdesk") and "show this help message and exit" in out


def test_the_commands_name_every_report_and_import_kind_without_importing_them():
    from hrvdesk.cli.imports import KIND_NAMES
    from hrvdesk.cli.report import REPORT_NAMES
    from hrvdesk.io.reports import available
    from hrvdesk.store.importing import kinds

    assert set(REPORT_NAMES) == set(available())
    assert set(KIND_NAMES) == set(kinds())


def test_help_loads_neither_the_pdf_library_nor_the_database():
    import subprocess
    import sys

    code = ("import sys; from hrvdesk.cli import main; main(['--help']); "
            "print(sorted(m for m in sys.modules if m.startswith(('reportlab', 'sqlcipher3', 'PySide6', 'scipy'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout[-500:]


def test_lang_is_accepted_after_the_sub_command(capsys, tmp_path, monkeypatch):
    from hrvdesk import cli as cli_module

    monkeypatch.setenv("HRVDESK_PASSPHRASE", "not needed: the file is missing")
    for args, expected in ((["--lang", "sv"], "saknas"), (["--lang=en"], "is missing")):
        code = cli_module.main(["check", "--db", str(tmp_path / "missing.db"), "--user", "anna", *args])
        assert code == 4 and expected in capsys.readouterr().err
