"""Slack listeners only. Each is thin: parse the request, call a domain service, render a message.

Every surface registers itself here; one listener per file, named for what it answers.
"""
from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, errors, events, middleware, shortcuts, views


def register(app: App, deps) -> None:
    middleware.register(app, deps)
    commands.register(app)
    views.register(app)
    actions.register(app)
    events.register(app)
    shortcuts.register(app)
    app.error(errors.on_error)
