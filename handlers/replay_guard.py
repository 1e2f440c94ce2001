"""Every interaction is handled once: the same signed request sent again is acked and does nothing.

Slack accepts a signature for five minutes, so a copy of a request (a proxy that
resends, someone who kept one) can be sent again within that window, and would do
its work again: a second requirement, a second upgrade action, a second DM. This
middleware runs before any listener and finds the interaction's identity; its claim
(bot/replays.py, one atomic INSERT) is taken where no work can have been done yet:

- A modal's submission (or closing) does its work before its ack, whose answer carries the result (inline errors,
  the next step): its claim is taken here, before the listener, and a second claim is answered with an empty 200.
- Everything else (commands, buttons, shortcuts, events) acks first and works after, so the ack needs nothing from
  the database's one write lock (on SQLite, held in turn by the recheck and by ingestion: acks waited seconds for
  it). Its claim is handed to the listener (context[AFTER_ACK_CLAIM]) and taken the moment it has acked, before its
  work (handlers/guard.py): a copy is acked as the first was, with nothing, and stops there.

It runs after the actor is resolved (handlers/middleware.py), so that nothing can
fail between a claim and its listener's work: a request that fails before its claim is
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
# The kinds whose listener works before its ack (a modal's answer carries the work's result): claimed before it runs.
CLAIMED_BEFORE_ACK = frozenset({"view_submission", "view_closed"})
AFTER_ACK_CLAIM = "replay_claim"  # the context key of the claim a listener takes right after its ack


class Claim:
    """One interaction's claim, to be taken once: `take()` is True for the first claim of its identity, False (and
    logged, without the body) for a copy of a request handled before."""

    def __init__(self, deps, team_id: str, kind: str, key: str, user_id: str | None):
        self._deps, self.team_id, self.kind, self.key, self._user_id = deps, team_id, kind, key, user_id

    def take(self) -> bool:
        with self._deps.db.session() as session:
            first = replays.claim(session, self.team_id, self.kind, self.key, self._deps.clock.now())
        if not first:
            # Who and what kind only: never the body, which holds what people typed.
            log.info("%s from %s in %s was handled before: acked, nothing done", self.kind, self._user_id,
                     self.team_id)
        return first


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
        claim = Claim(deps, team_id, kind, key, context.user_id)
        if kind not in CLAIMED_BEFORE_ACK:
            context[AFTER_ACK_CLAIM] = claim  # taken by the listener once it has acked (handlers/guard.py)
            return next()
        if not claim.take():
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
