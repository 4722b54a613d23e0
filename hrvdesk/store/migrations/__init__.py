"""Numbered, forward-only schema migrations, tracked in ``PRAGMA user_version``.

Each module ``mNNN_name.py`` in this package is migration NNN (numbers start at 1 and
have no gaps) and defines ``SQL`` (a script) and optionally ``seed(conn)`` for the data a
new or upgraded database must have. A seed that writes a municipality's data (Botkyrka's,
from before municipality profiles) is marked ``MUNICIPALITY_SEED = True``: it runs when an
existing database is upgraded, never for a new one, which is set up from its profile
(:mod:`hrvdesk.store.profiles`). Migrations hold schema and frozen literals only; they import
no live code, so a migration gives the same result whatever the code becomes. Each migration runs in its own transaction together
with the ``user_version`` bump, so a failure leaves the database at the previous version.
A database whose version is newer than the newest migration is refused untouched.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from types import ModuleType

_NAME = re.compile(r"^m(\d{3})_\w+$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    module: ModuleType

    @property
    def additive(self) -> bool:
        """Marked ``ADDITIVE = True``: it only adds tables, columns or indexes that an older
        hrvdesk neither reads nor needs, so that version can still read such a database."""
        return bool(getattr(self.module, "ADDITIVE", False))

    def apply(self, conn, *, municipality_seed: bool = True) -> None:
        """Run the script and the seed (a municipality seed only when ``municipality_seed``)."""
        for statement in split_script(self.module.SQL):
            conn.execute(statement)
        seed = getattr(self.module, "seed", None)
        if seed is not None and (municipality_seed or not getattr(self.module, "MUNICIPALITY_SEED", False)):
            seed(conn)


def split_script(sql: str) -> list[str]:
    """Split a script into statements (triggers' inner ``;`` kept) for use in a transaction."""
    import sqlcipher3

    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlcipher3.complete_statement(current):
            if current.strip():
                statements.append(current.strip())
            current = ""
    if current.strip():
        raise ValueError("incomplete SQL statement in migration")
    return statements


def all_migrations() -> list[Migration]:
    found = []
    for info in pkgutil.iter_modules(__path__):
        m = _NAME.match(info.name)
        if m:
            found.append(Migration(int(m.group(1)), info.name, importlib.import_module(f"{__name__}.{info.name}")))
    found.sort(key=lambda mig: mig.version)
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise RuntimeError(f"migration numbers must be contiguous: {mig.name}")
    return found


def latest_version() -> int:
    return len(all_migrations())


COMPATIBLE_KEY = "schema_readable_from"
"""meta: the oldest schema version whose hrvdesk can still read this database (read-only):
the last migration applied that is not :attr:`Migration.additive`. Workstations update at
different times; an older one opens a database a newer one has upgraded additively."""


def readable_from(version: int) -> int:
    """:data:`COMPATIBLE_KEY`'s value for a database at ``version``."""
    return max([m.version for m in all_migrations()[:version] if not m.additive], default=0)
