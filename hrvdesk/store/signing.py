"""Signed roles and signed audit checkpoints: what a holder of the database key cannot forge.

Everyone who can unlock the database holds its key, so the key alone cannot tell an
administrator's change from a viewer's SQL statement. Signatures can (Ed25519, PyNaCl):

* **Grants.** Each user's role (and administration) is a *grant* in the key header, signed
  by the administrator who gave it and bound to the user's public signing key. The first
  administrator's key is the *root*, pinned in the header when the database is created;
  :func:`fingerprint` shows it so the coordinator can write it down and compare it later.
  A grant counts only when its signature verifies along a chain of administrators' grants
  back to the root. The app honours no role without one (:func:`require_signed_role`).
* **Checkpoints.** When a session ends, the acting user signs the head of the audit chain
  (an audit entry of its own). Rewriting any earlier entry changes the head that a
  checkpoint signed; :func:`verify_checkpoints` says so.

What stays possible (README): a key holder can still delete the entries after the last
checkpoint, or replace the whole key header by one with a root of her own — which the
fingerprint written down by the coordinator reveals.

Databases made before signatures existed have no root: the first administrator who
unlocks one with a key pair pins herself as root and signs the roles as they are at that
moment (trust on first use); until then roles are honoured as before.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from hrvdesk.domain.errors import DamagedDatabaseError
from hrvdesk.domain.roles import Role, Session
from hrvdesk.i18n import _

CHECKPOINT = "checkpoint"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def fingerprint(public_key: bytes) -> str:
    """A public key as the coordinator can read it aloud: 8 groups of 4 hex digits."""
    digest = hashlib.sha256(b"hrvdesk signing key\x00" + public_key).hexdigest()[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


@dataclass
class Grant:
    """A user's role, signed by the administrator ``by`` (a slot id) — or revoked."""

    uid: str
    role: str
    administration: str | None
    sign_pk: bytes  # the grantee's public signing key (empty: a version-1 slot, bound later)
    by: str
    sig: bytes = b""
    revoked: bool = False

    def body(self, db_id: str) -> bytes:
        return _canonical({"purpose": "hrvdesk grant", "db_id": db_id, "uid": self.uid,
                           "role": self.role, "administration": self.administration,
                           "sign_pk": _b64(self.sign_pk), "by": self.by, "revoked": self.revoked})

    def sign(self, db_id: str, key: SigningKey) -> None:
        self.sig = key.sign(self.body(db_id)).signature

    def to_json(self) -> dict:
        return {"uid": self.uid, "role": self.role, "administration": self.administration,
                "sign_pk": _b64(self.sign_pk), "by": self.by, "sig": _b64(self.sig),
                "revoked": self.revoked}

    @classmethod
    def from_json(cls, obj: dict) -> "Grant":
        return cls(uid=str(obj["uid"]), role=str(obj["role"]),
                   administration=None if obj.get("administration") is None else str(obj["administration"]),
                   sign_pk=base64.b64decode(obj["sign_pk"], validate=True), by=str(obj["by"]),
                   sig=base64.b64decode(obj["sig"], validate=True), revoked=bool(obj.get("revoked")))


def _verifies(key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        VerifyKey(key).verify(message, signature)
        return True
    except (BadSignatureError, ValueError, TypeError):
        return False


def valid_grants(header) -> dict[str, Grant]:
    """The grants whose signatures chain back to the root, by slot id (revoked ones too:
    a removed user's old checkpoints still verify)."""
    if not header.root:
        return {}
    grants, valid = header.grants, {}

    def check(uid: str, seen: frozenset) -> bool:
        if uid in valid:
            return True
        grant = grants.get(uid)
        if grant is None or uid in seen:
            return False
        if grant.by == uid:  # self-signed: only the root may be
            ok = grant.sign_pk == header.root and _verifies(header.root, grant.body(header.db_id), grant.sig)
        else:
            signer = grants.get(grant.by)
            ok = (signer is not None and check(grant.by, seen | {uid}) and not signer.revoked
                  and signer.role == Role.ADMIN.value and bool(signer.sign_pk)
                  and _verifies(signer.sign_pk, grant.body(header.db_id), grant.sig))
        if ok:
            valid[uid] = grant
        return ok

    for uid in grants:
        check(uid, frozenset())
    return valid


def _slot_key(header, uid: str) -> bytes:
    slot = header.slots.get(uid)
    return slot.sign_pk if slot is not None else b""


def role_problem(header, valid: dict[str, Grant], name: str, role: str,
                 administration: str | None) -> str:
    """'' when ``name``'s recorded role is signed; else a translated sentence."""
    grant = valid.get(header.uid(name))
    if grant is None or grant.revoked:
        return _("the role of {name} is not signed by an administrator").format(name=name)
    if grant.role != role or grant.administration != administration:
        return _("the role of {name} differs from the one an administrator signed").format(name=name)
    if grant.sign_pk and grant.sign_pk != _slot_key(header, header.uid(name)):
        return _("the key slot of {name} is not the one an administrator signed").format(name=name)
    return ""


def require_signed_role(header, session: Session) -> None:
    """Refuse to honour an unsigned role (databases with a pinned root only)."""
    if not header.root:
        return
    administration = session.administration
    problem = role_problem(header, valid_grants(header), session.user, session.role.value, administration)
    if problem:
        raise DamagedDatabaseError(_(
            "hrvdesk does not honour this role: {problem}. The database or its key file may have "
            "been tampered with; ask the administrator to run \"hrvdesk check\".").format(problem=problem))


def role_problems(header, users: Iterable[tuple[str, str, str | None]]) -> list[str]:
    """For ``check``: every user whose recorded role is not signed."""
    if not header.root:
        return [_("no administrator's signing key is pinned yet (an old database: the first "
                  "administrator to unlock it with a passphrase pins hers)")]
    valid = valid_grants(header)
    return [p for p in (role_problem(header, valid, *u) for u in users) if p]


def grant(header, signer_uid: str, signer: SigningKey, name: str, role: str,
          administration: str | None, *, revoked: bool = False) -> None:
    """Sign (or revoke) ``name``'s role in ``header``."""
    uid = header.uid(name)
    entry = Grant(uid=uid, role=role, administration=administration, sign_pk=_slot_key(header, uid),
                  by=signer_uid, revoked=revoked)
    entry.sign(header.db_id, signer)
    header.grants[uid] = entry


def pin_root(header, name: str, keys, users: Iterable[tuple[str, str, str | None]]) -> None:
    """Make ``name`` (an administrator with a key pair) the root, and sign every current
    role (trust on first use, for a database made before signatures)."""
    uid = header.uid(name)
    header.root = bytes(keys.sign.verify_key)
    header.grants = {}
    for user, role, administration in users:
        grant(header, uid, keys.sign, user, role, administration)


# --- audit checkpoints ---------------------------------------------------------------------


def checkpoint_body(db_id: str, seq: int, head: str) -> bytes:
    return _canonical({"purpose": "hrvdesk audit checkpoint", "db_id": db_id, "seq": seq, "head": head})


def checkpoint_detail(db_id: str, seq: int, head: str, key: SigningKey) -> dict:
    return {"seq": seq, "head": head, "sig": _b64(key.sign(checkpoint_body(db_id, seq, head)).signature)}


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    checkpoints: int
    unsigned_tail: int  # entries after the last valid checkpoint
    problem: str = ""


def verify_signatures(conn, header) -> tuple[list[str], CheckpointReport]:
    """(the users whose roles are not signed, the checkpoints' report) of an open database."""
    from hrvdesk.store import audit

    users = list(conn.execute("SELECT name, role, administration FROM users ORDER BY name"))
    return role_problems(header, users), verify_checkpoints(header, audit.signed_rows(conn))


def verify_checkpoints(header, rows: Iterable[tuple[int, str, str, str, str]]) -> CheckpointReport:
    """``rows``: (seq, user, action, detail json, hash) in order. Each checkpoint must be
    signed by its user's granted key over the hash of the entry it names."""
    valid = valid_grants(header)
    hashes: dict[int, str] = {}
    count, last = 0, 0
    for seq, user, action, detail, digest in rows:
        hashes[seq] = digest
        if action != CHECKPOINT:
            continue
        try:
            info = json.loads(detail)
            signed_seq, head, sig = int(info["seq"]), str(info["head"]), base64.b64decode(info["sig"])
        except (ValueError, KeyError, TypeError):
            return CheckpointReport(False, count, 0, _("Audit checkpoint {seq} is damaged.").format(seq=seq))
        grant = valid.get(header.uid(user))
        key = grant.sign_pk if grant is not None else b""
        if (not key or hashes.get(signed_seq) != head
                or not _verifies(key, checkpoint_body(header.db_id, signed_seq, head), sig)):
            return CheckpointReport(False, count, 0, _(
                "Audit checkpoint {seq} does not verify: entries up to number {signed} have been "
                "rewritten, or it was not signed by {user}.").format(seq=seq, signed=signed_seq, user=user))
        count, last = count + 1, seq
    return CheckpointReport(True, count, max(0, max(hashes, default=0) - last))
