"""The `/slm` slash command and its subcommands (one module each)."""
from __future__ import annotations

from slack_bolt import App

from handlers.commands import (  # noqa: F401  (they register themselves)
    agreements,
    alerts,
    calendar,
    coverage,
    benchmark,
    help,
    link,
    map,
    map_changes,
    party,
    record,
    require,
    requirements,
    role,
    service,
    settings,
    tokens,
)
from handlers.commands.router import dispatch
from messages.ids import COMMAND


def register(app: App) -> None:
    app.command(COMMAND)(dispatch)
