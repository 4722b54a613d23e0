"""Test set-up shared by every test.

- Fast KDF parameters (the real ones have a test of their own).
- Every standard path (home, XDG, temp) redirected into the test's own folder, and the
  hrvdesk environment variables cleared, so no test reads or writes the real profile.
- A real in-process keyring backend.
- Swedish as the language unless a test switches.
- Hypothesis derandomised: every run draws the same examples (a red CI run is repeatable,
  and a green one is not luck); ``HYPOTHESIS_PROFILE=explore`` draws new ones, for a
  session that looks for bugs.
"""

from __future__ import annotations

import os

import keyring
import pytest
from hypothesis import settings as hypothesis_settings

from hrvdesk import i18n
from hrvdesk.store import keyslots
from hrvdesk.store.keystore import MemoryKeyring

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

hypothesis_settings.register_profile("deterministic", derandomize=True, database=None)
hypothesis_settings.register_profile("explore")
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

PASSPHRASE = "correct horse battery staple"
ADMIN = "anna"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.setattr(keyslots, "DEFAULT_KDF", keyslots.FAST_KDF)
    home = tmp_path / "home"
    home.mkdir()
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(var, str(home if var == "HOME" else home / var.lower()))
    for var in list(os.environ):
        if var.startswith("HRVDESK_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    i18n.set_language("sv")
    yield
    keyring.set_keyring(previous)
    i18n.set_language("sv")


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "hrv.db"


@pytest.fixture
def admin_db(db_path):
    from hrvdesk.store.database import Database

    db = Database.create(db_path, ADMIN, PASSPHRASE)
    yield db
    db.close()


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run the command line in-process: cli("check", "--db", p, passphrase=..., user=...)."""
    from hrvdesk import cli as cli_module

    def run(*args, passphrase: str | None = PASSPHRASE, user: str | None = ADMIN,
            new_passphrase: str | None = None, lang: str = "en"):
        for var, value in (("HRVDESK_PASSPHRASE", passphrase), ("HRVDESK_USER", user),
                           ("HRVDESK_NEW_PASSPHRASE", new_passphrase)):
            if value is None:
                monkeypatch.delenv(var, raising=False)
            else:
                monkeypatch.setenv(var, value)
        code = cli_module.main(["--lang", lang, *map(str, args)])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
