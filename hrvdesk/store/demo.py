"""Demo databases: clearly fictitious, seeded and reproducible.

``create_demo`` makes a new database and runs every generator in :data:`GENERATORS` with
one seeded random generator, so the same seed gives the same data. Later capabilities
add their generators to that list. Nothing here may look like a real person: users are
named after roles ("demo-editor-soc"), case references carry a "DEMO-" prefix, and
person keys are pseudonyms of invented ids.
"""

from __future__ import annotations

import os
import random
import secrets
from dataclasses import dataclass
from pathlib import Path

from hrvdesk.domain.roles import Role
from hrvdesk.store import faults, organisation
from hrvdesk.store.database import Database
from hrvdesk.store.keyslots import header_path
from hrvdesk.safewrite import fsync_dir
from hrvdesk.store.demo_abroad import demo_abroad
from hrvdesk.store.demo_plan import demo_plan
from hrvdesk.store.demo_training import demo_training
from hrvdesk.store.users import add_user


@dataclass(frozen=True)
class DemoContext:
    db: Database
    rng: random.Random
    scale: str          # "small" | "large"
    passphrase: str
    kdf: dict | None


def _demo_users(ctx: DemoContext) -> None:
    """One editor per administration, and a viewer, all with the demo passphrase."""
    for adm in organisation.administrations(ctx.db):
        add_user(ctx.db, f"demo-editor-{adm.code.lower()}", Role.EDITOR, ctx.passphrase, adm.code, kdf=ctx.kdf)
    add_user(ctx.db, "demo-viewer", Role.VIEWER, ctx.passphrase, kdf=ctx.kdf)


GENERATORS: list = [_demo_users, demo_training, demo_abroad, demo_plan]


def create_demo(path, user: str, passphrase: str, *, seed: int = 1, scale: str = "small",
                kdf: dict | None = None) -> Database:
    """Build the demo beside ``path`` under a temporary name and give it its name only when
    it is complete, so a killed or failed run leaves no half-filled database at ``path``."""
    path = Path(path)
    if path.exists() or header_path(path).exists():
        Database.create(path, user, passphrase, kdf=kdf)  # refuses, with its usual message
    building = path.with_name(f".{path.name}.building-{secrets.token_hex(4)}")
    try:
        with Database.create(building, user, passphrase, kdf=kdf) as db:
            ctx = DemoContext(db, random.Random(seed), scale, passphrase, kdf)
            for generate in GENERATORS:
                generate(ctx)
            db.audited("create", target="demo", detail={"seed": seed, "scale": scale})
        faults.point("demo:built")
        os.replace(header_path(building), header_path(path))
        os.replace(building, path)
        fsync_dir(path.parent)
    finally:
        for leftover in (building, header_path(building), *(Path(f"{building}{s}") for s in
                                                           ("-wal", "-shm", ".lock", ".attempts"))):
            leftover.unlink(missing_ok=True)
    return Database.open(path, user, passphrase)
