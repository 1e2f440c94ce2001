"""Slack listeners only. Each is thin: parse the request, call a domain service, render a message.

Every surface registers itself here; one listener per file, named for what it answers.
"""
from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, errors, events, middleware, replay_guard, shortcuts, views
from handlers.guard import GuardedApp


def register(app: App, deps) -> None:
    middleware.register(app, deps)
    replay_guard.register(app, deps)  # after the actor, before every listener: a request sent again does nothing
    guarded = GuardedApp(app)  # every listener: failures logged and told to the person (handlers/guard.py)
    commands.register(guarded)
    views.register(guarded)
    actions.register(guarded)
    events.register(guarded)
    shortcuts.register(guarded)
    app.error(errors.on_error)
