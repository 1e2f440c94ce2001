"""Errors the domain raises, in the user's words. Handlers decide where to show them."""
from __future__ import annotations

from dataclasses import dataclass

SLASH_COMMAND = "/slm"  # as messages.ids.COMMAND, which the domain does not import


@dataclass(frozen=True)
class Person:
    """Someone an error names. The domain builds no Slack markup: the message layer shows them as a mention."""

    user_id: str

    def __str__(self) -> str:  # where only plain text can go (a modal's field error)
        return f"@{self.user_id}"


@dataclass(frozen=True, init=False)
class Command:
    """A command of ours that an error suggests, by its words: Command("tree", "Payroll").

    The domain names the command and builds no Slack syntax; how it is typed in Slack is spelled here, once,
    and the message layer shows it as code (str() gives it already in a code span, for where plain text goes).
    """

    words: tuple[str, ...]

    def __init__(self, *words: str):
        object.__setattr__(self, "words", words)

    @property
    def typed(self) -> str:
        """As a person types it: /slm tree Payroll."""
        return " ".join((SLASH_COMMAND, *self.words))

    def __str__(self) -> str:
        return f"`{self.typed}`"


class DomainError(Exception):
    """Something the user asked for cannot be done; str(err) says why, to the user.

    The sentence is given in parts: text, `Person`s where it names someone and `Command`s where it suggests
    one, so that the message layer escapes the text, makes each person a mention from their id and each
    command code.
    """

    def __init__(self, *parts: str | Person | Command):
        self.parts: tuple[str | Person | Command, ...] = parts
        super().__init__("".join(str(p) for p in parts))


class InvalidInput(DomainError):
    """One or more fields are wrong. `errors` maps a field name to a message for that field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass
