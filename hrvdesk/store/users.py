"""Users and their key slots: add, remove, list, change or reset a passphrase.

The users table (role, administration) lives in the database; the slot in the key header.
Both change together through :meth:`Database.key_update`: the new header is promoted only
after the database transaction commits, and a crash in between is settled at the next unlock.
"""

from __future__ import annotations

from dataclasses import dataclass

from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission, Role
from hrvdesk.i18n import _
from hrvdesk.store import signing
from hrvdesk.domain.accounts import check_passphrase, check_user_name
from hrvdesk.store.database import Database, now_iso


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    administration: str | None
    created_at: str

    def to_json(self) -> dict:
        return {"name": self.name, "role": self.role.value, "administration": self.administration,
                "created_at": self.created_at}


def list_users(db: Database) -> list[User]:
    db.require(Permission.MANAGE_USERS, what=_("list users"))
    return [User(n, Role(r), a, c) for n, r, a, c in db.conn.execute(
        "SELECT name, role, administration, created_at FROM users ORDER BY name")]


def count_users(db: Database) -> int:
    db.require(Permission.MANAGE_USERS, what=_("list users"))
    return db.conn.execute("SELECT count(*) FROM users").fetchone()[0]


def add_user(db: Database, name: str, role: Role | str, passphrase: str,
             administration: str | None = None, *, kdf: dict | None = None) -> User:
    db.require(Permission.MANAGE_USERS, what=_("add a user"))
    role = Role(role)
    check_user_name(name)
    check_passphrase(passphrase)
    if role is Role.EDITOR and not administration:
        raise ValidationError.single(_("An editor must belong to an administration."), field="--administration")
    if role is not Role.EDITOR:
        administration = None
    if administration and db.conn.execute("SELECT 1 FROM administrations WHERE code = ?",
                                          (administration,)).fetchone() is None:
        raise ValidationError.single(_("Unknown administration {code}.").format(code=administration),
                                     field="--administration")
    with db.key_update() as update:
        header = update.header
        if header.has_user(name) or db.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise ValidationError.single(_("The user {name} already exists.").format(name=name), field=_("user"))
        header.set_slot(name, passphrase, db.key, kdf)
        _sign_role(db, header, name, role.value, administration)
        db.conn.execute("INSERT INTO users(name, role, administration, created_at, created_by)"
                        " VALUES (?, ?, ?, ?, ?)", (name, role.value, administration, now_iso(), db.user))
        db.audit("user_add", target=name, fields=("role", "administration"),
                 detail={"role": role.value})
    return User(name, role, administration, now_iso())


def remove_user(db: Database, name: str, *, rekey: bool = True) -> list[str]:
    """Remove ``name`` and her slot, and (by default) give the database a new key sealed to
    the remaining users, so that her old key opens nothing written from now on.

    Returns the users whose slots are still of version 1 (they have not unlocked since the
    upgrade); while there are any, the key cannot be changed and stays as it was.
    """
    db.require(Permission.MANAGE_USERS, what=_("remove a user"))
    row = db.conn.execute("SELECT role, administration FROM users WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise ValidationError.single(_("There is no user {name}.").format(name=name), field=_("user"))
    if row[0] == Role.ADMIN.value:
        admins = db.conn.execute("SELECT count(*) FROM users WHERE role = 'admin'").fetchone()[0]
        if admins <= 1:
            raise ValidationError.single(_("The last administrator cannot be removed."), field=_("user"))
    with db.key_update() as update:
        _sign_role(db, update.header, name, row[0], row[1], revoked=True)
        if update.header.root:  # what the removed administrator signed, her successor signs
            for uid, grant in list(update.header.grants.items()):
                if grant.by == update.header.uid(name) and not grant.revoked and uid != grant.by:
                    user = next((u for (u,) in db.conn.execute("SELECT name FROM users")
                                 if update.header.uid(u) == uid), None)
                    if user is not None:
                        _sign_role(db, update.header, user, grant.role, grant.administration)
        update.header.remove_slot(name)
        waiting = _old_slot_users(db, update.header)
        if rekey and not waiting:
            update.rekey()
        db.conn.execute("DELETE FROM users WHERE name = ?", (name,))
        db.audit("user_remove", target=name, detail={"rekeyed": update.new_key is not None})
    return waiting


def rekey(db: Database) -> int:
    """An admin gives the database a new key, sealed to every user; the number of users.

    Refused (naming them) while some users' slots are still of version 1: their new slot
    needs their passphrase, so they must unlock once first.
    """
    db.require(Permission.MANAGE_USERS, what=_("change the database key"))
    with db.key_update() as update:
        waiting = _old_slot_users(db, update.header)
        if waiting:
            raise ValidationError.single(_(
                "The database key cannot be changed yet: {names} must unlock the database once "
                "with their passphrase first (their key slots are of the old kind).").format(
                    names=", ".join(waiting)), field=_("user"))
        update.rekey()
        db.audit("rekey", detail={"users": len(update.header.slots)})
        return len(update.header.slots)


def _sign_role(db: Database, header, name: str, role: str, administration: str | None, *,
               revoked: bool = False) -> None:
    """The unlocked administrator signs ``name``'s role into ``header`` (databases with a
    pinned root; see :mod:`signing`)."""
    if not header.root:
        return
    if db.signer is None:
        raise ValidationError.single(_(
            "Unlock with your passphrase (not a remembered key) to change users: the change must "
            "be signed with your key."), field=_("user"))
    uid, key = db.signer
    signing.grant(header, uid, key, name, role, administration, revoked=revoked)


def _old_slot_users(db: Database, header) -> list[str]:
    old = set(header.old_slots())
    return sorted(name for (name,) in db.conn.execute("SELECT name FROM users") if header.uid(name) in old)


def change_passphrase(db: Database, new_passphrase: str, *, kdf: dict | None = None) -> None:
    """The unlocked user changes their own passphrase (the database is not re-encrypted)."""
    _set_passphrase(db, db.user, new_passphrase, kdf)


def reset_passphrase(db: Database, name: str, new_passphrase: str, *, kdf: dict | None = None) -> None:
    """An administrator gives another user a new slot (e.g. a forgotten passphrase)."""
    db.require(Permission.MANAGE_USERS, what=_("reset a passphrase"))
    if db.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is None:
        raise ValidationError.single(_("There is no user {name}.").format(name=name), field=_("user"))
    _set_passphrase(db, name, new_passphrase, kdf)


def _set_passphrase(db: Database, name: str, new_passphrase: str, kdf: dict | None) -> None:
    check_passphrase(new_passphrase)
    own = name == db.user
    with db.key_update() as update:
        # one's own key pairs stay (a key remembered on a workstation keeps working)
        keys = update.header.set_slot(name, new_passphrase, db.key, kdf, keys=db.user_keys if own else None)
        if not own:  # new key pairs: the role is signed again, bound to them
            role, administration = db.conn.execute(
                "SELECT role, administration FROM users WHERE name = ?", (name,)).fetchone()
            _sign_role(db, update.header, name, role, administration)
        db.audit("passphrase_change", target=name)
    if own:
        db.user_keys = keys
