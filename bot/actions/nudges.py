"""An action's nudges: DMs to its owner before the due date and on the day, and once overdue, daily to the owner and
weekly to the service managers, each snoozable. Each is a bot.reminders row keyed "action:<id>:...", so closing the
action or moving its date cancels them by that prefix.

OWNED BY the nudges slice (issue 13): replace these bodies; the actions slice calls them.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models import Action


def plan(session: Session, action: Action, now: datetime) -> None:
    """Schedule (once) the nudges of an open action for its current due date; call again after the date moves."""
    return None  # the nudges slice writes this


def forget(session: Session, action: Action) -> None:
    """Cancel the action's pending nudges (it is done or cancelled)."""
    return None  # the nudges slice writes this
