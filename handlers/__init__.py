"""Slack listeners only. Each is thin: parse the request, call a domain service, render a message.

Every listener records itself in the one table (handlers/registry.py) with a decorator; `register` walks it.
Multi-step conversations that several listeners share live in handlers/flows/.
"""
from __future__ import annotations

from slack_bolt import App

from handlers import errors, middleware, registry, replay_guard
from handlers.guard import GuardedApp


def register(app: App, deps, threads) -> None:
    """`threads`: where listeners run (bot.listener_threads.ListenerThreads): each at once, its after-ack work bounded."""
    middleware.register(app, deps)
    replay_guard.register(app, deps)  # after the actor, before every listener: a request sent again does nothing
    guarded = GuardedApp(app, threads)  # every listener: acked apart, failures told to the person (handlers/guard.py)
    for listener in registry.load():
        if listener.surface in registry.BOLT_SURFACES:  # a subcommand is found by the router, not by Bolt
            getattr(guarded, listener.surface)(listener.key)(listener.fn)
    app.error(errors.on_error)
