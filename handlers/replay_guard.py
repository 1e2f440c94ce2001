"""Every interaction is handled once: the same signed request sent again is acked and does nothing.

Slack accepts a signature for five minutes, so a copy of a request (a proxy that
resends, someone who kept one) can be sent again within that window, and would do
its work again: a second requirement, a second upgrade action, a second DM. This
middleware runs before any listener; it claims the interaction's identity
(bot/replays.py, one atomic INSERT) and answers a second claim with an empty 200.

It runs after the actor is resolved (handlers/middleware.py), so that nothing can
fail between the claim and the listener: a request that fails before its claim is
handled in full when it comes again.
"""
from __future__ import annotations

import hashlib
import json
import logging

from slack_bolt import Ack, App, BoltContext
from slack_bolt.response import BoltResponse

from bot import replays

log = logging.getLogger(__name__)


def identity(body: dict) -> tuple[str, list] | None:
    """(kind, the parts that identify this interaction), or None for what changes nothing (option loads) or
    carries no identity. Why each is the identity, from Slack's payload references:"""
    kind = body.get("type")
    if kind == "block_actions":
        # Each pressed element comes with its own `action_ts`, the moment of that press; with the element
        # (action_id), its block (block_id) and the person, no two presses share all four, and a resent request
        # shares them all. (action_id alone would merge two presses of one button.)
        user = (body.get("user") or {}).get("id")
        presses = [[a.get("action_ts"), a.get("action_id"), a.get("block_id")] for a in body.get("actions") or []]
        return (kind, [user, presses]) if user and presses and all(p[0] for p in presses) else None
    if kind in ("shortcut", "message_action") or (kind is None and body.get("command")):
        # Global and message shortcuts and slash commands carry a `trigger_id`, "a temporary ID generated for the
        # interaction": Slack mints a new one each time a person invokes one, and only then.
        trigger = body.get("trigger_id")
        return (kind or "slash_command", [trigger]) if trigger else None
    if kind in ("view_submission", "view_closed"):
        # `view.id` is the modal, and `view.hash` changes whenever the view does (views.update, response_action
        # update or push), so the pair is one form as it stood. A submission answered with inline errors leaves
        # both as they were: the digest of the submitted values lets a corrected resubmission through.
        view = body.get("view") or {}
        values = (view.get("state") or {}).get("values") or {}
        parts = [view.get("id"), view.get("hash"), _digest(values)]
        return (kind, parts) if view.get("id") and view.get("hash") else None
    if kind == "event_callback":
        # `event_id` is unique to the event across all workspaces; Slack's retries (X-Slack-Retry-Num) repeat it.
        event_id = body.get("event_id")
        return (kind, [event_id]) if event_id else None
    return None


def _digest(value) -> str:
    """SHA-256 of a canonical JSON form: a fixed-size key, and nothing a person typed is stored."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


# Answers after which a person may rightly submit the very same form again, unchanged: inline errors (the cause
# fixed elsewhere, or a failure of ours reported on the form), and a next step pushed on top (Slack's Back button
# returns to this view, its id and hash as they were). Neither has finished anything yet.
UNFINISHED = frozenset({"errors", "push"})


class _ReleasingAck(Ack):
    """Releases a view submission's claim before an UNFINISHED answer goes back, so that submitting the same form
    again is handled, not taken for a replay; not when the listener says its work was done (context["done"])."""

    def __init__(self, release, context: BoltContext):
        super().__init__()
        self._release, self._context = release, context

    def __call__(self, *args, **kwargs) -> BoltResponse:
        text = args[0] if args else kwargs.get("text")
        whole = text if isinstance(text, dict) else {}  # ack({...}): the whole answer as one dict
        if (kwargs.get("response_action") or whole.get("response_action")) in UNFINISHED \
                and not self._context.get("done"):
            self._release()
        return super().__call__(*args, **kwargs)


def register(app: App, deps) -> None:
    @app.middleware
    def refuse_replays(body: dict, context: BoltContext, next):
        found = identity(body)
        team_id = context.team_id or context.enterprise_id
        if found is None or not team_id:
            return next()
        kind, parts = found
        key = _digest([kind, parts])
        with deps.db.session() as session:
            first = replays.claim(session, team_id, kind, key, deps.clock.now())
        if not first:
            # Who and what kind only: never the body, which holds what people typed.
            log.info("%s from %s in %s was handled before: acked, nothing done", kind, context.user_id, team_id)
            return BoltResponse(status=200, body="")
        if kind == "view_submission":
            def release() -> None:
                try:
                    with deps.db.session() as session:
                        replays.release(session, team_id, key)
                except Exception:  # the answer to the person matters more; the claim then lapses in an hour
                    log.exception("could not release the claim on a view submission that did nothing")

            context["ack"] = _ReleasingAck(release, context)
        return next()
