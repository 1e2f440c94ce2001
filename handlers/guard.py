"""Every listener runs guarded and apart: its ack never waits for other work, and a failure is told, never left hanging.

Bolt runs each registered function in the request thread (process_before_response, bot/app.py); the
function registered here starts the listener on a thread of its own (bot/listener_threads.py) and
returns Slack's answer the moment the listener acks, so no ack waits behind another listener's slow
work. After its ack the listener goes on in one of a bounded number of work slots, and first takes its
request's claim against replays (handlers/replay_guard.py): a copy of a request handled before stops there,
having done nothing but its ack. Events are acked by Bolt itself, so their listeners take a slot and the claim
from the start.

Bolt's own error handler cannot answer once the ack has gone, so each listener is wrapped here: on a
failure it acks if it had not, then tells the person what happened, where they are. Nothing is
swallowed: every failure is logged with its traceback.
"""
from __future__ import annotations

import inspect
import logging
import threading

from slack_bolt import App, BoltResponse

from bot import busy_notices
from bot.busy_notices import BUSY_TEXT
from bot.listener_threads import ListenersBusy

from handlers.errors import report
from handlers.replay_guard import AFTER_ACK_CLAIM

log = logging.getLogger(__name__)
# What Bolt can hand a listener; a guarded listener asks for all of it and passes on what the listener wants.
AVAILABLE = ("ack", "body", "client", "context", "logger", "respond", "say", "command", "view", "action", "event",
             "shortcut", "payload", "options", "message")
# Slack gives up on an answer after 3 s; a listener not acked by then is answered with an empty 200 (Bolt's), and
# whatever it acks later goes nowhere.
ACK_WAIT_SECONDS = 3.0
# The surfaces whose requests Bolt acks itself (Events API), before the listener's work.
ACKED_BY_BOLT = ("event",)


def busy_answer(body: dict) -> BoltResponse:
    """The answer to a request refused because the bot is flooded. A slash command is told in its answer (Slack
    shows any other status as a bare failure, and never sends a command again); anything else gets 503: Slack
    sends an event again, and a modal stays open to be submitted again. (A button press over HTTP was answered 200
    before its dispatch, so its 503 goes nowhere: the person is told by bot.busy_notices, see `guarded`.)"""
    if body.get("command"):
        return BoltResponse(status=200, body={"text": BUSY_TEXT})
    return BoltResponse(status=503, body="")


class AlreadyHandled(BaseException):
    """Raised out of a listener's ack() when its request is a copy of one handled before: the listener ends there,
    its ack (all a copy gets) sent. A BaseException, so that a listener's own `except Exception` cannot go on."""


class AckThenWork:
    """The `ack` a guarded listener gets: answers Slack (waking the request thread), then waits for a work slot,
    so that what the listener does after its ack runs with at most `work_slots` others, and then takes the request's
    claim against replays (`claim`, handlers/replay_guard.py; None: nothing to claim, or claimed before the ack)."""

    def __init__(self, ack, threads, claim=None):
        self._ack, self._threads, self._claim = ack, threads, claim
        self.answered = threading.Event()
        self._holding_slot = False

    @property
    def response(self):
        return self._ack.response

    def __call__(self, *args, **kwargs):
        result = self._ack(*args, **kwargs)
        self.answered.set()
        self.take_slot()
        self.take_claim()
        return result

    def take_claim(self) -> None:
        """Once, after the ack and before any work: a copy of a request handled before goes no further."""
        claim, self._claim = self._claim, None
        if claim is not None and not claim.take():
            raise AlreadyHandled

    def forget_claim(self) -> None:
        """The listener failed before its ack: the ack its failure gets claims nothing, so the same request sent
        again is handled in full."""
        self._claim = None

    def take_slot(self) -> None:
        if not self._holding_slot:
            self._threads.acquire_slot()
            self._holding_slot = True

    def finished(self) -> None:
        self.answered.set()  # a listener that never acked: the request thread stops waiting
        if self._holding_slot:
            self._holding_slot = False
            self._threads.release_slot()


def guarded(fn, threads, *, acked_by_bolt: bool = False):
    wanted = inspect.getfullargspec(inspect.unwrap(fn)).args
    unknown = set(wanted) - set(AVAILABLE)
    if unknown:
        raise TypeError(f"{fn.__qualname__} asks for {sorted(unknown)}, which guarded listeners cannot pass on")

    def listener(ack, body, client, context, logger, respond, say, command, view, action, event, shortcut, payload,
                 options, message):
        gated = AckThenWork(ack, threads, context.get(AFTER_ACK_CLAIM))
        given = dict(ack=gated, body=body, client=client, context=context, logger=logger, respond=respond, say=say,
                     command=command, view=view, action=action, event=event, shortcut=shortcut, payload=payload,
                     options=options, message=message)

        def run() -> None:
            try:
                if acked_by_bolt:
                    gated.take_slot()
                    gated.take_claim()
                fn(**{name: given[name] for name in wanted})
            except AlreadyHandled:
                pass  # a copy of a request handled before: acked, nothing done (logged by the claim)
            except Exception as error:  # noqa: BLE001  (reported to the person and logged, not swallowed)
                gated.forget_claim()
                report(error, body, client, context, gated)
            finally:
                gated.finished()

        try:
            threads.submit(run)
        except ListenersBusy as busy:
            # A flood the work slots cannot keep up with: refused at once rather than queued without end. A command
            # is told in its answer; anything else gets 503 (Slack retries an event; a modal stays open).
            log.warning("refused a request: %s", busy)
            if body.get("type") == "block_actions":  # Slack reads no answer to a press: the person is told apart
                threads.hold()  # until the notice is sent: what the person is told is part of the press
                busy_notices.notices().tell(body, client, done=threads.release)
            return busy_answer(body)
        if acked_by_bolt:
            return None  # Bolt acks as soon as this returns
        gated.answered.wait(ACK_WAIT_SECONDS)
        return ack.response  # Bolt sends this back to Slack; None: an empty 200

    listener.__name__ = listener.__qualname__ = f"guarded_{fn.__name__}"
    return listener


class GuardedApp:
    """The Bolt app as handlers.register sees it: every listener registered through it is guarded, and runs on
    `threads` (bot.listener_threads.ListenerThreads)."""

    def __init__(self, app: App, threads):
        self._app, self._threads = app, threads

    def _wrap(self, register, acked_by_bolt: bool):
        def decorator_factory(*args, **kwargs):
            decorate = register(*args, **kwargs)
            return lambda fn: decorate(guarded(fn, self._threads, acked_by_bolt=acked_by_bolt))
        return decorator_factory

    def __getattr__(self, name: str):
        attr = getattr(self._app, name)
        if name in ("command", "view", "action", "shortcut", "event", "options"):
            return self._wrap(attr, name in ACKED_BY_BOLT)
        return attr
