"""Settings, declared once: key, type, default, limits and a translatable title.

``DATABASE`` settings belong to the installation and live inside the encrypted database
(the reporting period must be the same for everyone). ``WORKSTATION`` settings belong to
one person's computer and live in a small settings file; secrets are never settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from hrvdesk.domain.codes import TOPIC_SETS
from hrvdesk.domain.errors import ValidationError
from hrvdesk.i18n import N_, _


class Key(StrEnum):
    """The declared name of every setting: code names a setting by one of these, so that a
    mistyped name fails where it is written, not as a silent default. The values are what is
    stored (a renamed setting keeps its earlier value, see ``Setting.renamed_from``)."""

    PERIOD_START_MONTH = "period_start_month"
    SUPPRESSION_THRESHOLD = "suppression_threshold"
    RETENTION_YEARS = "retention_years"
    VALIDITY_YEARS = "validity_years"
    COVERAGE_THRESHOLD_PERCENT = "coverage_threshold_percent"
    REQUIRED_TOPICS = "required_topics"
    MUNICIPALITY_CODE = "municipality_code"
    MUNICIPALITY_NAME = "municipality_name"
    ALLOW_REMEMBER = "allow_remember"
    LANGUAGE = "language"
    AUTOLOCK_MINUTES = "autolock_minutes"
    BACKUP_FOLDER = "backup_folder"
    BACKUP_REMINDER_DAYS = "backup_reminder_days"
    LAST_DATABASE = "last_database"
    TRAINING_LIST_PERCENT = "training_list_percent"


@dataclass(frozen=True)
class Setting:
    key: Key
    type: type
    default: object
    title: str           # message id
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple = ()
    renamed_from: tuple[str, ...] = ()  # earlier keys of this setting: a stored value moves over

    def validate(self, value):
        try:
            value = self.type(value)
        except (TypeError, ValueError):
            raise ValidationError.single(_("Not a valid value."), field=_(self.title)) from None
        if self.choices and value not in self.choices:
            raise ValidationError.single(_("Not one of the allowed values."), field=_(self.title))
        if self.minimum is not None and value < self.minimum:
            raise ValidationError.single(_("Must be at least {n}.").format(n=self.minimum), field=_(self.title))
        if self.maximum is not None and value > self.maximum:
            raise ValidationError.single(_("Must be at most {n}.").format(n=self.maximum), field=_(self.title))
        return value


DATABASE: dict[Key, Setting] = {s.key: s for s in (
    Setting(Key.PERIOD_START_MONTH, int, 1, N_("Reporting period starts in month"), 1, 12),
    Setting(Key.SUPPRESSION_THRESHOLD, int, 3, N_("Suppression threshold for exports"), 3, 10),
    Setting(Key.RETENTION_YEARS, int, 5, N_("Years before case records are reduced"), 1, 30),
    Setting(Key.VALIDITY_YEARS, int, 3, N_("Years a training counts towards coverage"), 1, 10),
    Setting(Key.COVERAGE_THRESHOLD_PERCENT, int, 80, N_("Coverage that counts as ensured (%)"), 1, 100),
    Setting(Key.REQUIRED_TOPICS, str, TOPIC_SETS[0], N_("Topics the plan requires"),
            choices=TOPIC_SETS),
    # every database stores these from its municipality profile (older ones: migration 14)
    Setting(Key.MUNICIPALITY_CODE, str, "", N_("Municipality code")),
    Setting(Key.MUNICIPALITY_NAME, str, "", N_("Municipality")),
    Setting(Key.ALLOW_REMEMBER, int, 1, N_("Users may let a workstation remember their key"), choices=(1, 0)),
)}

WORKSTATION: dict[Key, Setting] = {s.key: s for s in (
    Setting(Key.LANGUAGE, str, "sv", N_("Language"), choices=("sv", "en")),
    Setting(Key.AUTOLOCK_MINUTES, int, 10, N_("Lock after idle minutes"), 1, 240),
    Setting(Key.BACKUP_FOLDER, str, "", N_("Backup folder")),
    Setting(Key.BACKUP_REMINDER_DAYS, int, 7, N_("Remind me when the last backup is older than (days)"), 1, 365),
    Setting(Key.LAST_DATABASE, str, "", N_("Last database opened")),
    Setting(Key.TRAINING_LIST_PERCENT, int, 65, N_("Height of the training list (%)"), 20, 85),
)}


def renamed(declared: dict[str, Setting]) -> dict[str, str]:
    """earlier key -> today's key, for the settings that were renamed."""
    return {old: setting.key for setting in declared.values() for old in setting.renamed_from}


def backup_overdue(last: dt.datetime | None, reminder_days: int, now: dt.datetime | None = None) -> bool:
    """True when no backup has been made, or the last one is older than ``reminder_days``."""
    if last is None:
        return True
    return (now or dt.datetime.now(last.tzinfo)) - last > dt.timedelta(days=reminder_days)
