"""The Action plan section (a placeholder until its capability is built)."""

from __future__ import annotations

from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_
from hrvdesk.ui.sections import register
from hrvdesk.ui.sections.placeholder import PlaceholderSection


@register
class ActionPlanSection(PlaceholderSection):
    key = "plan"
    title = N_("Action plan")
    description = N_("The action plan's measures and their follow-up")
    icon = "SP_FileDialogContentsView"
    permission = Permission.VIEW_WORK
    order = 50
