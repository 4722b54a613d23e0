"""The Training section (a placeholder until its capability is built)."""

from __future__ import annotations

from hrvdesk.domain.roles import Permission
from hrvdesk.i18n import N_
from hrvdesk.ui.sections import register
from hrvdesk.ui.sections.placeholder import PlaceholderSection


@register
class TrainingSection(PlaceholderSection):
    key = "training"
    title = N_("Training")
    description = N_("Training of staff and the coverage it gives")
    icon = "SP_FileDialogDetailedView"
    permission = Permission.VIEW_WORK
    order = 30
