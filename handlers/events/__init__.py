"""Slack events, one module per event. `EVENTS` is what the manifest must subscribe to."""
from __future__ import annotations

from slack_bolt import App

from handlers.events import app_home_opened

EVENTS = {"app_home_opened": app_home_opened.publish_home}


def register(app: App) -> None:
    for name, listener in EVENTS.items():
        app.event(name)(listener)
