"""Roles are enforced in the core: each role against each command (exit 6 when refused)."""

from __future__ import annotations

import pytest

from hrvdesk.domain.errors import PermissionDenied
from hrvdesk.domain.roles import Permission, Role, Session
from hrvdesk.store.users import add_user
from tests.conftest import ADMIN, PASSPHRASE

EDITOR_PW = "editor passphrase 1"
VIEWER_PW = "viewer passphrase 1"


@pytest.fixture
def populated(admin_db, db_path):
    add_user(admin_db, "eva", Role.EDITOR, EDITOR_PW, "SOC")
    add_user(admin_db, "vide", Role.VIEWER, VIEWER_PW)
    admin_db.close()
    return db_path


CREDENTIALS = {"admin": (ADMIN, PASSPHRASE), "editor": ("eva", EDITOR_PW), "viewer": ("vide", VIEWER_PW)}

COMMANDS = [
    (["user", "list"], {"admin"}),
    (["user", "add", "newbie", "--role", "viewer"], {"admin"}),
    (["user", "remove", "vide"], {"admin"}),
    (["audit"], {"admin"}),
    (["backup", "--out", "{tmp}/b.db"], {"admin"}),
    (["check"], {"admin", "editor", "viewer"}),
    (["passwd"], {"admin", "editor", "viewer"}),
]


@pytest.mark.parametrize("role", ["admin", "editor", "viewer"])
@pytest.mark.parametrize("command,allowed", COMMANDS, ids=lambda c: " ".join(c) if isinstance(c, list) else None)
def test_role_against_command(populated, cli, tmp_path, role, command, allowed):
    user, secret = CREDENTIALS[role]
    argv = [a.format(tmp=tmp_path) for a in command] + ["--db", populated]
    code, _out, err = cli(*argv, user=user, passphrase=secret, new_passphrase="a fresh passphrase 2")
    if role in allowed:
        assert code == 0, err
    else:
        assert code == 6, err
        assert "role" in err.lower() or "roll" in err.lower()


def test_editor_scope_is_own_administration():
    eva = Session("eva", Role.EDITOR, "SOC")
    eva.require(Permission.EDIT_CASES, "SOC")
    with pytest.raises(PermissionDenied):
        eva.require(Permission.EDIT_CASES, "UBF")
    assert not Session("v", Role.VIEWER).can(Permission.VIEW_CASES)
    assert Session("a", Role.ADMIN).can(Permission.EDIT_CASES, "UBF")


def test_core_never_imports_qt():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "hrvdesk"
    offenders = []
    for layer in ("domain", "store", "io"):
        for path in (root / layer).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if any(n.startswith("PySide6.QtWidgets") or (layer != "io" and n.startswith("PySide6"))
                       or (layer == "domain" and n.startswith(("hrvdesk.store", "hrvdesk.io", "hrvdesk.ui")))
                       for n in names):
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_a_refused_attempt_is_audited_even_inside_a_transaction(admin_db, db_path):
    from hrvdesk.domain.errors import PermissionDenied
    from hrvdesk.domain.roles import Permission, Role
    from hrvdesk.store import audit
    from hrvdesk.store.database import Database
    from hrvdesk.store.users import add_user

    add_user(admin_db, "vera", Role.VIEWER, "vera's own long passphrase")
    with Database.open(db_path, "vera", "vera's own long passphrase") as vera:
        with pytest.raises(PermissionDenied):
            add_user(vera, "eve", Role.ADMIN, "eve's own long passphrase")
        with pytest.raises(PermissionDenied), vera.transaction():
            vera.require(Permission.BACKUP)
        denied = audit.entries(vera.conn, action="denied")
    assert [(e.user, e.detail["permission"]) for e in reversed(denied)] == [
        ("vera", "manage_users"), ("vera", "backup")]
