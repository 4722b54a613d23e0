"""Shared set-up for the plan, routines and survey tests: users of each role, opened as them."""

from __future__ import annotations

import contextlib
import datetime as dt

from hrvdesk.domain.roles import Role
from hrvdesk.domain.routines import ContactPath, Routine, RoutineVersion
from hrvdesk.store.database import Database
from hrvdesk.store.users import add_user
from tests.conftest import PASSPHRASE

# an editor per administration used in the tests, and a viewer
EDITORS = {"SOC": "editor-soc", "UBF": "editor-ubf", "KLF": "editor-klf"}
VIEWER = "viewer"


def add_users(admin_db: Database) -> None:
    for administration, name in EDITORS.items():
        add_user(admin_db, name, Role.EDITOR, PASSPHRASE, administration)
    add_user(admin_db, VIEWER, Role.VIEWER, PASSPHRASE)


@contextlib.contextmanager
def opened_as(admin_db: Database, user: str):
    """The same database opened by ``user`` (editors by administration code)."""
    with Database.open(admin_db.path, EDITORS.get(user, user), PASSPHRASE) as db:
        yield db


def routine(owner: str = "SOC", participants=("UBF", "POL"), status: str = "adopted",
            adopted: dt.date | None = dt.date(2023, 3, 1), **more) -> Routine:
    """A cooperation routine as a user would enter it."""
    versions = (RoutineVersion(1, adopted, "Socialnämnden"),) if adopted else ()
    more.setdefault("contacts", (ContactPath("Socialjouren", "Via kommunens växel"),))
    return Routine(None, "Samverkan vid misstanke om hedersrelaterat våld", "act_on_suspicion",
                   owner, tuple(participants), status, versions, **more)
