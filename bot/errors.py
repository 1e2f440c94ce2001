"""Errors the domain raises, in the user's words. Handlers decide where to show them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """Someone an error names. The domain builds no Slack markup: the message layer shows them as a mention."""

    user_id: str

    def __str__(self) -> str:  # where only plain text can go (a modal's field error)
        return f"@{self.user_id}"


@dataclass(frozen=True)
class Command:
    """A command an error suggests, by its words after `/slm` ("requirements", "service rename …").

    The domain builds no command text: the message layer shows it as code, so it reads as a
    command and copies as typed. As plain text it is the command as typed.
    """

    args: str

    def __str__(self) -> str:
        return f"`/slm {self.args}`"


class DomainError(Exception):
    """Something the user asked for cannot be done; str(err) says why, to the user.

    The sentence is given in parts: text, and `Person`s where it names someone, so that the
    message layer escapes the text and makes each person a mention from their id (and each
    `Command` code).
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
