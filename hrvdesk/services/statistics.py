"""The internal statistics on children taken abroad, as each role may see them (``cli.md``,
``stats abroad``): an administrator the exact tables; an editor the exact tables over her
own administration's cases; a viewer the protected tables of the national package, never
an exact small count. The exact tables count persons with the case rows beside them (a child
with two cases is one person). Seeing exact figures is audited.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from hrvdesk.domain.abroad_stats import StatTables
from hrvdesk.domain.disclosure import grand_total
from hrvdesk.domain.errors import PermissionDenied, ValidationError
from hrvdesk.domain.roles import Permission, Role
from hrvdesk.i18n import _
from hrvdesk.io.export_national import protected_statistics
from hrvdesk.store import abroad_repo
from hrvdesk.store.database import Database


class Scope(enum.Enum):
    EXACT = "exact"                  # every case, unsuppressed
    EXACT_OWN = "exact_own"          # the editor's administration's cases, unsuppressed
    PROTECTED = "protected"          # the national package's suppression


@dataclass(frozen=True)
class RoleStatistics:
    stats: StatTables
    scope: Scope
    administration: str | None = None

    def heading(self) -> str:
        if self.scope is Scope.EXACT:
            return _("exact figures for internal use")
        if self.scope is Scope.EXACT_OWN:
            return _("exact figures over the cases of {administration}, for internal use").format(
                administration=self.administration)
        return _("protected figures: counts below the threshold are shown as \u201c..\u201d")

    def to_json_dict(self) -> dict:
        """``stats abroad --json`` (``cli.md``), with the scope added after the contract's keys."""
        return {**self.stats.to_json_dict(), "scope": self.scope.value,
                **({"administration": self.administration} if self.administration else {})}


def abroad_statistics(db: Database, year: int) -> RoleStatistics:
    """The tables of the reporting period ending in ``year`` as the unlocked user may see them."""
    db.require(Permission.VIEW_STATISTICS, what=_("see the statistics on children taken abroad"))
    session = db.session
    if session.role is Role.ADMIN:
        result = RoleStatistics(abroad_repo.stats_for(db, year, cases_too=True), Scope.EXACT)
    elif session.role is Role.EDITOR:
        result = RoleStatistics(abroad_repo.stats_for(db, year, reported_by=session.administration,
                                                      cases_too=True),
                                Scope.EXACT_OWN, session.administration)
    else:
        exact, protected = protected_statistics(db, year)
        # the published T: once a package was sent, its tables and total (a late case shows
        # only in the next package, audited jointly with this one)
        return RoleStatistics(StatTables(exact.period, grand_total(protected.tables), protected.tables),
                              Scope.PROTECTED)
    db.audited("view", target=f"statistics:abroad:{year}", detail={"scope": result.scope.value})
    return result


def cross_table(db: Database, year: int, rows: str, columns: str):
    """Persons of the reporting period ending in ``year`` by two dimensions of
    :data:`hrvdesk.domain.cross_tables.DIMENSIONS`: exact, for an administrator only
    (audited as ``view`` of ``statistics:cross:<year>`` with the two dimensions)."""
    from hrvdesk.domain import cross_tables

    db.require(Permission.VIEW_STATISTICS, what=_("see the statistics on children taken abroad"))
    if not db.session.is_admin:
        raise PermissionDenied(_("Only an administrator may see exact cross-tables."))
    for field, name in (("--rows", rows), ("--columns", columns)):
        if name not in cross_tables.DIMENSIONS:
            raise ValidationError.single(_("Not a dimension; choose one of: {names}.").format(
                names=", ".join(cross_tables.DIMENSIONS)), field=field)
    records = abroad_repo.persons_for(db, abroad_repo.period_for(db, year))
    table = cross_tables.cross_table(records, rows, columns)
    db.audited("view", target=f"statistics:cross:{year}", fields=(rows, columns))
    return table

