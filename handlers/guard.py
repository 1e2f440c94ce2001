"""Every listener runs guarded: a failure is logged whole and told to the person, never left hanging.

Listeners ack first and finish in Bolt's executor. Bolt's own error handler
cannot answer once that has happened (and, when a listener fails right after its
ack, Bolt may not even send the ack), so each listener is wrapped here: on a
failure it acks if it had not, then tells the person what happened, where they
are. Nothing is swallowed: every failure is logged with its traceback.
"""
from __future__ import annotations

import inspect
import logging

from slack_bolt import App

from handlers.errors import report

log = logging.getLogger(__name__)
# What Bolt can hand a listener; a guarded listener asks for all of it and passes on what the listener wants.
AVAILABLE = ("ack", "body", "client", "context", "logger", "respond", "say", "command", "view", "action", "event",
             "shortcut", "payload", "options", "message")


def guarded(fn):
    wanted = inspect.getfullargspec(inspect.unwrap(fn)).args
    unknown = set(wanted) - set(AVAILABLE)
    if unknown:
        raise TypeError(f"{fn.__qualname__} asks for {sorted(unknown)}, which guarded listeners cannot pass on")

    def listener(ack, body, client, context, logger, respond, say, command, view, action, event, shortcut, payload,
                 options, message):
        given = dict(ack=ack, body=body, client=client, context=context, logger=logger, respond=respond, say=say,
                     command=command, view=view, action=action, event=event, shortcut=shortcut, payload=payload,
                     options=options, message=message)
        try:
            return fn(**{name: given[name] for name in wanted})
        except Exception as error:  # noqa: BLE001  (reported to the person and logged, not swallowed)
            report(error, body, client, context, ack)

    listener.__name__ = listener.__qualname__ = f"guarded_{fn.__name__}"
    return listener


class GuardedApp:
    """The Bolt app as handlers.register sees it: every listener registered through it is guarded."""

    def __init__(self, app: App):
        self._app = app

    def _wrap(self, register):
        def decorator_factory(*args, **kwargs):
            decorate = register(*args, **kwargs)
            return lambda fn: decorate(guarded(fn))
        return decorator_factory

    def __getattr__(self, name: str):
        attr = getattr(self._app, name)
        if name in ("command", "view", "action", "shortcut", "event", "options"):
            return self._wrap(attr)
        return attr
