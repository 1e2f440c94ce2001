"""Global and message shortcuts, as the manifest declares them (messages.ids.SHORTCUTS)."""
from __future__ import annotations

from slack_bolt import App

from handlers.shortcuts import record_requirement
from messages.ids import Callback


def register(app: App) -> None:
    app.shortcut(Callback.SHORTCUT_RECORD_REQUIREMENT)(record_requirement.from_anywhere)
    app.shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE)(record_requirement.from_message)
