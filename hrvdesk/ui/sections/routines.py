"""The Routines section (a placeholder until its capability is built)."""

from __future__ import annotations

from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_
from hrvdesk.ui.sections import register
from hrvdesk.ui.sections.placeholder import PlaceholderSection


@register
class RoutinesSection(PlaceholderSection):
    key = "routines"
    title = N_("Routines")
    description = N_("The administrations' routines and their review dates")
    icon = "SP_FileDialogListView"
    permission = Permission.VIEW_WORK
    order = 40
