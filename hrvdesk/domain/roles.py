"""Roles and permissions: the one place where "may this user do that?" is decided.

The store calls :meth:`Session.require` before every operation; the UI only *asks*
(:meth:`Session.can`) to decide which sections to show. A refused operation raises
:class:`~hrvdesk.domain.errors.PermissionDenied` (exit code 6 on the command line).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hrvdesk.domain.errors import PermissionDenied
from hrvdesk.i18n import N_, _


class Role(str, enum.Enum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return _(_ROLE_LABELS[self])


_ROLE_LABELS = {
    Role.ADMIN: N_("Administrator"),
    Role.EDITOR: N_("Editor"),
    Role.VIEWER: N_("Viewer"),
}


class Permission(str, enum.Enum):
    # administration of the installation
    MANAGE_USERS = "manage_users"
    MANAGE_ORGANISATION = "manage_organisation"
    VIEW_AUDIT = "view_audit"
    BACKUP = "backup"
    RESTORE = "restore"
    CHANGE_SETTINGS = "change_settings"
    # children taken abroad
    VIEW_CASES = "view_cases"          # the person-level list and records
    EDIT_CASES = "edit_cases"          # scoped to the editor's administration
    VIEW_STATISTICS = "view_statistics"
    EXPORT_NATIONAL = "export_national"
    # training, routines, plan, survey
    VIEW_WORK = "view_work"
    EDIT_WORK = "edit_work"            # scoped to the editor's administration where it applies
    IMPORT = "import"
    REPORT = "report"


WRITES = frozenset({
    Permission.MANAGE_USERS, Permission.MANAGE_ORGANISATION, Permission.RESTORE,
    Permission.CHANGE_SETTINGS, Permission.EDIT_CASES, Permission.EXPORT_NATIONAL,
    Permission.EDIT_WORK, Permission.IMPORT,
})
"""What changes the register (the release register included): refused while someone else
writes in the database. Viewing, reports and backups only add audit entries."""

_ALL = frozenset(Permission)
_MATRIX: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: _ALL,
    Role.EDITOR: frozenset({
        Permission.VIEW_CASES, Permission.EDIT_CASES, Permission.VIEW_STATISTICS,
        Permission.VIEW_WORK, Permission.EDIT_WORK, Permission.IMPORT, Permission.REPORT,
    }),
    Role.VIEWER: frozenset({
        Permission.VIEW_STATISTICS, Permission.VIEW_WORK, Permission.REPORT,
    }),
}

# Permissions that an editor holds only for records of their own administration.
SCOPED = frozenset({Permission.EDIT_CASES, Permission.VIEW_CASES, Permission.EDIT_WORK,
                    Permission.IMPORT})

_DENIED = N_("Your role ({role}) does not allow this: {what}.")
_DENIED_SCOPE = N_("As an editor you may only do this for your own administration ({own}): {what}.")


@dataclass(frozen=True)
class Session:
    """Who is working: the unlocked user's name, role and (for editors) administration."""

    user: str
    role: Role
    administration: str | None = None

    def can(self, permission: Permission, administration: str | None = None) -> bool:
        if permission not in _MATRIX[self.role]:
            return False
        if (self.role is Role.EDITOR and permission in SCOPED and administration is not None
                and administration != self.administration):
            return False
        return True

    def require(self, permission: Permission, administration: str | None = None,
                what: str = "") -> None:
        """Raise :class:`PermissionDenied` unless the session may do ``permission``.

        ``administration`` is the administration a record belongs to, for scoped
        permissions; ``what`` is a translated description of the operation.
        """
        if self.can(permission, administration):
            return
        what = what or permission.value
        if permission in _MATRIX[self.role]:
            raise PermissionDenied(_(_DENIED_SCOPE).format(own=self.administration, what=what))
        raise PermissionDenied(_(_DENIED).format(role=self.role.label, what=what))

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
