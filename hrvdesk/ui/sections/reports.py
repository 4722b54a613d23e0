"""The Reports section (a placeholder until its capability is built)."""

from __future__ import annotations

from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_
from hrvdesk.ui.sections import register
from hrvdesk.ui.sections.placeholder import PlaceholderSection


@register
class ReportsSection(PlaceholderSection):
    key = "reports"
    title = N_("Reports")
    description = N_("Reports and the national export")
    icon = "SP_FileDialogInfoView"
    permission = Permission.REPORT
    order = 60
