"""The Children taken abroad section (a placeholder until its capability is built)."""

from __future__ import annotations

from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_
from hrvdesk.ui.sections import register
from hrvdesk.ui.sections.placeholder import PlaceholderSection


@register
class ChildrenAbroadSection(PlaceholderSection):
    key = "abroad"
    title = N_("Children taken abroad")
    description = N_("Children and young people at risk of being taken abroad, and the statistics")
    icon = "SP_DirHomeIcon"
    permission = Permission.VIEW_STATISTICS
    order = 20
