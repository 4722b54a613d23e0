"""Key slots: the database key wrapped once per user, in a header file beside the database.

The database is encrypted (SQLCipher 4) with a random 256-bit raw key. Each user has a
*slot*: that key encrypted with AES-256-GCM under a key derived from the user's passphrase
by Argon2id. The slot's associated data binds the database id, the user name, the KDF
parameters and the salt, so an edited, relabelled or transplanted slot does not open.
After unlocking, the whole set of slots is checked against a MAC keyed by the database
key, which detects added or removed slots and a header taken from another copy.

Failed-unlock counters live in a file of their own (see :mod:`fileset`), so that a failed
unlock never rewrites this file; version-1 files that still carry a ``failures`` field are
read as before and the field is dropped at the next update.

Changing a passphrase rewrites only that user's slot; the database is never re-encrypted.
How and when this file is written is the protocol in :mod:`fileset`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hrvdesk.domain.errors import DamagedDatabaseError
from hrvdesk.i18n import _
from hrvdesk.store.safewrite import write_bytes

FORMAT = "hrvdesk.keyslots"
FORMAT_VERSION = 1
KEY_BYTES = 32
HEADER_SUFFIX = ".keys"

# About 0.3 s and 128 MiB on a 2-core workstation. Tests use FAST_KDF.
DEFAULT_KDF = {"name": "argon2id", "time_cost": 4, "memory_kib": 131072, "parallelism": 2}
FAST_KDF = {"name": "argon2id", "time_cost": 1, "memory_kib": 64, "parallelism": 1}

FREE_ATTEMPTS = 5
BASE_DELAY_S = 5.0
MAX_DELAY_S = 15 * 60.0
UNKNOWN_USER = "*unknown*"


def header_path(db_path: str | os.PathLike) -> Path:
    return Path(str(db_path) + HEADER_SUFFIX)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


#: What a key file may ask of the key derivation: beyond these, a damaged or hostile file
#: would make an unlock hang or exhaust memory, so it is refused at once.
KDF_BOUNDS = {"time_cost": (1, 16), "memory_kib": (8, 1024 * 1024), "parallelism": (1, 8)}


def check_kdf(kdf: dict) -> None:
    try:
        sane = kdf.get("name") == "argon2id" and all(
            isinstance(kdf[name], int) and low <= kdf[name] <= high
            for name, (low, high) in KDF_BOUNDS.items())
    except (KeyError, TypeError, AttributeError):
        sane = False
    if not sane:
        raise DamagedDatabaseError(_("The key file asks for an unknown or unreasonable key "
                                     "derivation; it is damaged or not a hrvdesk key file."))


def normalised(passphrase: str) -> str:
    """Passphrases are compared in Unicode NFC, so "å" typed either way is the same."""
    return unicodedata.normalize("NFC", passphrase)


def derive(passphrase: str, salt: bytes, kdf: dict) -> bytearray:
    check_kdf(kdf)
    return bytearray(hash_secret_raw(
        passphrase.encode("utf-8"), salt, time_cost=int(kdf["time_cost"]),
        memory_cost=int(kdf["memory_kib"]), parallelism=int(kdf["parallelism"]),
        hash_len=KEY_BYTES, type=Type.ID))


def wipe(buf: bytearray | None) -> None:
    """Overwrite key material we hold (Python may still have copies; this is best effort)."""
    if buf is not None:
        for i in range(len(buf)):
            buf[i] = 0


def lockout_delay(failures: int) -> float:
    """Seconds to wait after the last failure: none for the first five, then doubling."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY_S, BASE_DELAY_S * 2 ** (failures - FREE_ATTEMPTS))


@dataclass
class Slot:
    uid: str  # user_id(db_id, name): the header never holds user names in plain text
    kdf: dict
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def aad(self, db_id: str) -> bytes:
        return _canonical({"format": FORMAT, "db_id": db_id, "uid": self.uid,
                           "kdf": self.kdf, "salt": _b64(self.salt)})

    def to_json(self) -> dict:
        return {"uid": self.uid, "kdf": self.kdf, "salt": _b64(self.salt),
                "nonce": _b64(self.nonce), "wrapped": _b64(self.wrapped)}

    @classmethod
    def from_json(cls, obj: dict) -> "Slot":
        return cls(uid=str(obj["uid"]), kdf=dict(obj["kdf"]), salt=_unb64(obj["salt"]),
                   nonce=_unb64(obj["nonce"]), wrapped=_unb64(obj["wrapped"]))


@dataclass
class KeyHeader:
    """The header file's content: database id, slots and their MAC."""

    path: Path
    db_id: str
    slots: dict[str, Slot] = field(default_factory=dict)
    mac: str = ""

    # --- file -----------------------------------------------------------------------

    @classmethod
    def new(cls, db_path) -> "KeyHeader":
        return cls(path=header_path(db_path), db_id=uuid.uuid4().hex)

    @classmethod
    def load(cls, db_path) -> "KeyHeader":
        path = header_path(db_path)
        if not path.exists():
            raise DamagedDatabaseError(_(
                "{file} is not a hrvdesk database: its key file {keys} is missing."
            ).format(file=Path(db_path).name, keys=path.name))
        return cls.load_file(path)

    @classmethod
    def load_file(cls, path: Path) -> "KeyHeader":
        """Read a header from ``path`` (a key file, or one written beside it)."""
        try:
            raw = path.read_bytes()
        except OSError:
            raise DamagedDatabaseError(_(
                "The key file {keys} cannot be read.").format(keys=path.name)) from None
        try:
            obj = json.loads(raw)
            if obj.get("format") != FORMAT:
                raise ValueError("format")
            if int(obj.get("version", 0)) > FORMAT_VERSION:
                raise DamagedDatabaseError(_(
                    "The key file {keys} comes from a newer version of hrvdesk.").format(keys=path.name))
            slots = {s["uid"]: Slot.from_json(s) for s in obj["slots"]}
            for slot in slots.values():
                check_kdf(slot.kdf)
            return cls(path=path, db_id=str(obj["db_id"]), slots=slots, mac=str(obj.get("mac", "")))
        except DamagedDatabaseError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise DamagedDatabaseError(_(
                "The key file {keys} is damaged or is not a hrvdesk key file.").format(keys=path.name)) from None

    def save(self, path: Path | None = None) -> None:
        obj = {"format": FORMAT, "version": FORMAT_VERSION, "db_id": self.db_id,
               "slots": [self.slots[u].to_json() for u in sorted(self.slots)],
               "mac": self.mac}
        write_bytes(path or self.path, json.dumps(obj, indent=1, sort_keys=True).encode() + b"\n")

    # --- slots ----------------------------------------------------------------------

    def uid(self, user: str) -> str:
        """The slot id of a user name (a hash bound to this database; names stay private)."""
        return hashlib.sha256(f"hrvdesk user\x00{self.db_id}\x00{user}".encode()).hexdigest()[:32]

    def has_user(self, user: str) -> bool:
        return self.uid(user) in self.slots

    def _mac_for(self, key: bytes | bytearray) -> str:
        mac_key = hashlib.sha256(b"hrvdesk slot-set mac\x00" + bytes(key)).digest()
        body = _canonical({"db_id": self.db_id,
                           "slots": [self.slots[u].to_json() for u in sorted(self.slots)]})
        return hmac.new(mac_key, body, hashlib.sha256).hexdigest()

    def seal(self, key: bytes | bytearray) -> None:
        """Recompute the slot-set MAC after adding, changing or removing a slot."""
        self.mac = self._mac_for(key)

    def verify_seal(self, key: bytes | bytearray) -> None:
        if not hmac.compare_digest(self.mac, self._mac_for(key)):
            raise DamagedDatabaseError(_(
                "The key file {keys} has been altered: its set of users does not match the "
                "database. Restore it from a backup.").format(keys=self.path.name))

    def set_slot(self, user: str, passphrase: str, key: bytes | bytearray, kdf: dict | None = None) -> None:
        kdf = dict(kdf or DEFAULT_KDF)
        salt = secrets.token_bytes(16)
        slot = Slot(uid=self.uid(user), kdf=kdf, salt=salt, nonce=secrets.token_bytes(12), wrapped=b"")
        wrapping = derive(normalised(passphrase), salt, kdf)
        try:
            slot.wrapped = AESGCM(bytes(wrapping)).encrypt(slot.nonce, bytes(key), slot.aad(self.db_id))
        finally:
            wipe(wrapping)
        self.slots[slot.uid] = slot

    def remove_slot(self, user: str) -> None:
        self.slots.pop(self.uid(user), None)

    def try_unwrap(self, user: str, passphrase: str) -> bytearray | None:
        """The database key for ``user``, or None when the user or passphrase is wrong.

        Counting failures and the lock-out are the caller's (:func:`fileset.unlock`).
        """
        slot = self.slots.get(self.uid(user))
        if slot is None:
            return None
        # NFC first; then as typed, for slots made before passphrases were normalised.
        for variant in dict.fromkeys((normalised(passphrase), passphrase)):
            wrapping = derive(variant, slot.salt, slot.kdf)
            try:
                return bytearray(AESGCM(bytes(wrapping)).decrypt(slot.nonce, slot.wrapped,
                                                                 slot.aad(self.db_id)))
            except InvalidTag:
                continue
            finally:
                wipe(wrapping)
        return None
