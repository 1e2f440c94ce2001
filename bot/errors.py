"""Errors the domain raises, in the user's words. Handlers decide where to show them."""
from __future__ import annotations


class DomainError(Exception):
    """Something the user asked for cannot be done; str(err) says why, to the user."""


class InvalidInput(DomainError):
    """One or more fields are wrong. `errors` maps a field name to a message for that field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass
