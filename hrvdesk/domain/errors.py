"""Known errors: conditions a user can act on, each with a translated one-sentence message.

Anything else that escapes is a bug and is reported as such (without record contents).
The command line maps each class to its exit code (``cli.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from hrvdesk.i18n import _


class HrvError(Exception):
    """Base of the errors that are shown to the user as a sentence."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(HrvError):
    exit_code = 2


class AuthenticationError(HrvError):
    """Unknown user or wrong passphrase. Nothing was changed."""

    exit_code = 3


class LockedOutError(AuthenticationError):
    def __init__(self, message: str, seconds_left: float):
        super().__init__(message)
        self.seconds_left = seconds_left


class DamagedDatabaseError(HrvError):
    """Not a hrvdesk database, damaged, or from a newer version. Nothing was changed."""

    exit_code = 4


class NewerVersionError(DamagedDatabaseError):
    pass


@dataclass(frozen=True)
class Problem:
    """One rejected value: where (line, column/field) and why (translated)."""

    reason: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        if self.line is not None and self.field:
            return _("Line {line}, column {field}: {reason}").format(
                line=self.line, field=self.field, reason=self.reason)
        if self.line is not None:
            return _("Line {line}: {reason}").format(line=self.line, reason=self.reason)
        if self.field:
            return _("{field}: {reason}").format(field=self.field, reason=self.reason)
        return self.reason


class ValidationError(HrvError):
    """Input rejected; ``problems`` lists every rejected value. Nothing was changed."""

    exit_code = 5

    def __init__(self, message: str, problems: list[Problem] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])

    @classmethod
    def single(cls, reason: str, field: str | None = None, line: int | None = None):
        problem = Problem(reason=reason, field=field, line=line)
        return cls(str(problem), [problem])


class PermissionDenied(HrvError):
    exit_code = 6
