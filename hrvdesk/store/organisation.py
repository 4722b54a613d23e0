"""The organisation register: the municipality's administrations and external partners."""

from __future__ import annotations


from hrvdesk.domain.codes import ADMINISTRATION_KINDS
from hrvdesk.domain.errors import ValidationError
from hrvdesk.domain.roles import Permission
from hrvdesk.domain.organisation import Administration, Partner
from hrvdesk.i18n import _
from hrvdesk.store.database import Database


def administrations(db: Database, include_inactive: bool = False) -> list[Administration]:
    sql = "SELECT code, name, committee, kind, active FROM administrations"
    if not include_inactive:
        sql += " WHERE active = 1"
    return [Administration(c, n, cm, k, bool(a)) for c, n, cm, k, a in db.conn.execute(sql + " ORDER BY code")]


def partners(db: Database, include_inactive: bool = False) -> list[Partner]:
    sql = "SELECT code, name, kind, active FROM partners"
    if not include_inactive:
        sql += " WHERE active = 1"
    return [Partner(c, n, k, bool(a)) for c, n, k, a in db.conn.execute(sql + " ORDER BY code")]


def kind_of(db: Database) -> dict[str, str]:
    """administration code -> kind, for the national tables"""
    return {a.code: a.kind for a in administrations(db, include_inactive=True)}


def _check_code(code: str) -> str:
    code = code.strip().upper()
    if not code or len(code) > 12 or not code.replace("_", "").isalnum():
        raise ValidationError.single(_("A code is 1–12 letters or digits."), field=_("code"))
    return code


def save_administration(db: Database, adm: Administration) -> None:
    """Create or update; the code is stable and never changes."""
    db.require(Permission.MANAGE_ORGANISATION, what=_("change the organisation register"))
    code = _check_code(adm.code)
    if adm.kind not in ADMINISTRATION_KINDS:
        raise ValidationError.single(_("Unknown kind of administration."), field=_("kind"))
    if not adm.name.strip():
        raise ValidationError.single(_("The name is required."), field=_("name"))
    with db.transaction() as conn:
        existed = conn.execute("SELECT 1 FROM administrations WHERE code = ?", (code,)).fetchone()
        conn.execute(
            "INSERT INTO administrations(code, name, committee, kind, active) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(code) DO UPDATE SET name = excluded.name, committee = excluded.committee,"
            " kind = excluded.kind, active = excluded.active",
            (code, adm.name.strip(), adm.committee.strip(), adm.kind, int(adm.active)))
        db.audit("update" if existed else "create", target=f"administration:{code}",
                 fields=("name", "committee", "kind", "active"))


def save_partner(db: Database, partner: Partner) -> None:
    db.require(Permission.MANAGE_ORGANISATION, what=_("change the organisation register"))
    code = _check_code(partner.code)
    if not partner.name.strip():
        raise ValidationError.single(_("The name is required."), field=_("name"))
    with db.transaction() as conn:
        existed = conn.execute("SELECT 1 FROM partners WHERE code = ?", (code,)).fetchone()
        conn.execute(
            "INSERT INTO partners(code, name, kind, active) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind,"
            " active = excluded.active",
            (code, partner.name.strip(), partner.kind.strip(), int(partner.active)))
        db.audit("update" if existed else "create", target=f"partner:{code}", fields=("name", "kind", "active"))
