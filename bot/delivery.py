"""Sending what the outbox holds: the one path for everything the bot posts on its own.

Every message goes out tagged with Slack message metadata carrying its outbox key. When an earlier attempt's
outcome is unknown (no answer heard, a 5xx, a sender that died mid-send), the channel's recent history, or the
thread's replies, is searched for that tag first, and a message Slack already has is marked sent, not posted
again. A document is found by its file name in the thread. Nothing waits inside a claim: the client used here
has no retry handlers, and a rate limit or an error makes the row due again later (see bot.outbox).
"""
from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import agreements, outbox, reviews  # noqa: F401  (their hooks record a thread's posts when sent)
from bot.installs import uninstall
from messages import render_message
from models import Outbox, OutboxKind, OutboxStatus

log = logging.getLogger(__name__)

METADATA_EVENT = "slm_bot_post"
LOOKBACK = timedelta(minutes=15)  # Slack's clock and the database's may disagree a little
PAGE_SIZE = 200
MAX_PAGES = 5  # "recent history": a channel that busy since the first try gets the message again


class Outcome(StrEnum):
    SENT = "sent"          # posted now
    FOUND = "found"        # Slack had it from an earlier attempt: marked sent, not posted again
    ALREADY = "already"    # sent before this call
    WAITING = "waiting"    # not sent this time; due again later (last_error says why)
    BUSY = "busy"          # another sender holds it
    GAVE_UP = "failed"     # refused too often; kept for a person to look at
    MISSING = "missing"    # nothing queued under that key


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    message_ts: str | None = None
    error: str = ""
    maybe_sent: bool = False  # not heard back: Slack may have it (the next attempt looks before posting)
    retry_after: int | None = None  # Slack answered 429: the channel takes nothing more for this many seconds

    @property
    def done(self) -> bool:
        return self.outcome in (Outcome.SENT, Outcome.FOUND, Outcome.ALREADY)


# What renders a person's App Home when its refresh is sent (bot.home_refresh): registered by the Home's listener,
# (deps, team_id, user_id) -> the view, read in a session of its own that is closed before the Slack call.
_HOME_RENDERERS: list = []


def renders_home(func_):
    _HOME_RENDERERS[:] = [func_]
    return func_


def tag(key: str) -> dict:
    """The message metadata that says which outbox key a message was sent for."""
    return {"event_type": METADATA_EVENT, "event_payload": {"key": key}}


def _once_only(client: WebClient) -> WebClient:
    """The same credentials without retry handlers: a retry inside a claim could post twice, or wait it out."""
    return WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout, retry_handlers=[])


NOT_INSTALLED_WAIT = timedelta(minutes=1)


def _workspace_sender(deps, held: outbox.Claim) -> WebClient | None:
    client = deps.client_for(held.team_id)
    return _once_only(client) if client is not None else None


# One delivery round's most, by the pacer's clock: a backlog paced into a few channels is carried on by the next
# round (the scheduler's, a few seconds later) rather than holding one thread for ever.
ROUND_SECONDS = 50.0
# Within a round, a row held by a Retry-After (or a short retry wait) this close is waited for; a longer one is the
# business of a later round.
WAIT_IN_ROUND = 5.0
BATCH = 200


def deliver_pending(deps, client: WebClient, *, team_id: str | None = None, key_prefix: str | None = None) -> int:
    """Send every queued message that is due, at Slack's pace: about one a second in each channel (bot.pacing), and
    none into a channel Slack answered 429 until its Retry-After has passed (outbox.hold_channel); returns how many
    went out. One bad message never holds up the rest, and a busy channel never holds up the others: each pass over
    the due rows leaves out the channels that must wait, and the round waits (through the pacer, so tests wait for
    nothing) only for what becomes due within it.

    A listener that queued messages for one thing (a breach's edits) passes its `team_id` and `key_prefix`: it sends
    only those, so a click while Slack is slow never makes that listener's thread carry everyone's backlog (the
    scheduler's round sends the rest)."""
    pacer, sender = deps.pacer, _once_only(client)
    # Distributed mode: only the installed workspaces' rows go (each with its own token, see send); the others wait.
    teams = deps.installs.installed_teams() if deps.installs is not None else None
    # In either mode, what was queued for a workspace that uninstalled it is cancelled, not sent.
    with deps.db.session() as session:
        uninstall.cancel_for_the_gone(session)
    began, done, after_id = pacer.now(), 0, 0
    while True:
        with deps.db.session() as session:
            rows = outbox.due_rows(session, deps.clock.now(), deps.claims_clock.now(), BATCH, team_id=team_id,
                                   key_prefix=key_prefix, after_id=after_id, skip_channels=pacer.busy(), teams=teams)
        for row_id, channel in rows:
            after_id = row_id
            if pacer.take(channel):  # else this pass already sent into it: the next pass
                done += send(deps, sender, row_id, ordered=True).done
        if rows:
            continue
        # The pass is over. What is left waits for its channel's pace, or for a time (a Retry-After, a retry).
        wait, paced = _next_wait(deps, pacer, team_id, key_prefix, teams)
        if wait is None or pacer.now() - began + wait > ROUND_SECONDS:
            return done
        before = deps.clock.now()
        pacer.sleep(wait)
        if not paced and deps.clock.now() <= before:  # a frozen clock (tests): waiting cannot make anything due
            return done
        after_id = 0


def _next_wait(deps, pacer, team_id: str | None, key_prefix: str | None,
               teams: set[str] | None) -> tuple[float | None, bool]:
    """(seconds until something left becomes sendable, whether it is the pace that holds it), or (None, False)."""
    busy = pacer.busy()
    with deps.db.session() as session:
        now, lease_now = deps.clock.now(), deps.claims_clock.now()
        if busy and outbox.due_rows(session, now, lease_now, 1, team_id=team_id, key_prefix=key_prefix,
                                    only_channels=busy, teams=teams):
            return pacer.next_free_in(busy), True
        soonest = outbox.next_due_at(session, now, team_id=team_id, key_prefix=key_prefix, teams=teams)
    if soonest is None or (soonest - now).total_seconds() > WAIT_IN_ROUND:
        return None, False
    return max((soonest - now).total_seconds(), 0.0), False


def deliver(deps, client: WebClient, team_id: str, key: str) -> Result:
    """Send one queued message now, if it is due: what a person is waiting for is not left to the next round."""
    with deps.db.session() as session:
        row = outbox.get(session, team_id, key)
        if row is None:
            return Result(Outcome.MISSING)
        row_id, status, ts, error = row.id, row.status, row.message_ts, row.last_error
    if status == OutboxStatus.SENT.value:
        return Result(Outcome.ALREADY, ts)
    if status == OutboxStatus.FAILED.value:
        return Result(Outcome.GAVE_UP, error=error)
    return send(deps, _once_only(client), row_id)


def send(deps, client: WebClient, row_id: int, *, ordered: bool = False) -> Result:
    """One attempt at one row: claim it, look for an earlier copy if need be, post, settle. `ordered`: the round
    picked it through outbox.due_rows, which left out what a failed post holds, so the claim need not look again."""
    with deps.db.session() as session:
        held = outbox.claim(session, row_id, deps.clock.now(), deps.claims_clock.now(), ordered=ordered)
    if held is None:
        return _state(deps, row_id)
    if deps.installs is not None:  # distributed mode: with the row's own workspace's token, or not yet
        client = _workspace_sender(deps, held)
        if client is None:
            why = "waiting for the workspace to install slm-bot"
            with deps.db.session() as session:  # looked at again in a minute (it installed meanwhile, or not)
                outbox.wait(session, held, why, deps.clock.now() + NOT_INSTALLED_WAIT)
            return Result(Outcome.WAITING, error=why)
    if held.parent_key:
        held, waiting = _follow(deps, held)
        if waiting is not None:
            return waiting
    stage = "looking"  # then "rendering", then "posting": what a failure means depends on where it came
    try:
        # An edit (or a Home published) twice is the same edit: no look.
        if held.look_first and held.kind not in (OutboxKind.UPDATE.value, OutboxKind.HOME.value):
            found = _find_earlier(client, held)
            if found:
                log.info("outbox %s: Slack already had it (%s); not sent again", held.key, found)
                return _sent(deps, held, found, Outcome.FOUND)
        stage = "rendering"
        request = _request(deps, held)  # a template that does not render is our fault, and certainly not sent
        stage = "posting"
        ts = _post(client, held, request)
    except SlackApiError as err:
        status, error = err.response.status_code, err.response.get("error") or ""
        # Still unknown: a look that failed leaves the earlier attempt unknown; a 5xx may come after Slack took it.
        # A document is in the thread only once files.completeUploadExternal took it; a failure before is certain.
        before_complete = (held.kind == OutboxKind.FILE.value
                           and not str(err.response.api_url).endswith("files.completeUploadExternal"))
        unknown = stage == "looking" or (stage == "posting" and status >= 500 and not before_complete)
        if stage == "posting" and error in outbox.CHANNEL_REFUSALS and held.kind == OutboxKind.MESSAGE.value:
            with deps.db.session() as session:  # tell whoever it was for another way now; the row keeps its retries
                outbox.refused(session, held, error, deps.clock.now())
        if status == 429:  # not taken; Slack says when to come back, and nobody waits for it here
            wait = _retry_after(err.response.headers)
            return _failed(deps, held, f"Slack: rate limited for {wait}s", maybe_sent=unknown, retry_after=wait)
        return _failed(deps, held, f"Slack: {error or status}", maybe_sent=unknown, hold=status >= 500)
    except Exception as err:  # noqa: BLE001  (a timeout or a dropped connection: Slack may have it; logged, retried)
        log.warning("outbox %s: %s: %s", held.key, type(err).__name__, err)
        unknown = stage == "posting" or (stage == "looking" and held.look_first)
        said = "no answer from Slack" if stage != "rendering" else f"{type(err).__name__}: {err}"
        return _failed(deps, held, said, maybe_sent=unknown, hold=stage != "rendering")
    return _sent(deps, held, ts, Outcome.SENT)


# The longest Retry-After taken as said: it holds a whole channel (outbox.hold_channel), so a value gone wrong (a
# proxy's, a garbled header) must not hold it for days; Slack's own are seconds to a minute.
MOST_RETRY_AFTER = 900


def _retry_after(headers: dict) -> int:
    value = next((v for k, v in (headers or {}).items() if k.lower() == "retry-after"), None)
    value = value[0] if isinstance(value, list) else value
    return min(int(value), MOST_RETRY_AFTER) if str(value or "").strip().isdigit() else 60


def _request(deps, held: outbox.Claim) -> dict:
    if held.kind == OutboxKind.HOME.value:  # rendered now, from what is stored now: the newest state is published
        return {"view": _HOME_RENDERERS[0](deps, held.team_id, held.channel)}
    if held.kind == OutboxKind.FILE.value:
        return dict(held.message or {})
    return dict(held.message) if held.message is not None else render_message(held.template, **held.context)


def _follow(deps, held: outbox.Claim) -> tuple[outbox.Claim, Result | None]:
    """A row that follows another message: with that message's ts, or put back to wait for it (or given up with it)."""
    now = deps.clock.now()
    with deps.db.session() as session:
        parent, until = outbox.followed(session, held)
        if parent is None or parent.status == OutboxStatus.FAILED.value:  # queued with it, so it never will be sent
            why = f"the message it follows ({held.parent_key}) was never sent"
            outbox.give_up(session, held, why)
            return held, Result(Outcome.GAVE_UP, error=why)
        if parent.status == OutboxStatus.CANCELLED.value:  # withdrawn, so never sent: nothing to edit or reply to
            # Given up like a failed one's (else it would wait for ever, claimed every round), but withdrawn with it:
            # not a failure for a person to look at.
            why = f"the message it follows ({held.parent_key}) was withdrawn before it was sent"
            outbox.give_up(session, held, why, status=OutboxStatus.CANCELLED)
            return held, Result(Outcome.GAVE_UP, error=why)
        if until is not None or parent.status != OutboxStatus.SENT.value:
            why = "waiting for the message it follows"
            outbox.wait(session, held, why, max(until or now, now))
            return held, Result(Outcome.WAITING, error=why)
        parent_ts = parent.message_ts
    if held.kind == OutboxKind.UPDATE.value:
        return replace(held, parent_ts=parent_ts), None
    return replace(held, parent_ts=parent_ts, thread_ts=held.thread_ts or parent_ts), None


def _post(client: WebClient, held: outbox.Claim, request: dict) -> str | None:
    if held.kind == OutboxKind.HOME.value:
        client.views_publish(user_id=held.channel, view=request["view"])
        return None
    if held.kind == OutboxKind.UPDATE.value:
        channel = held.channel
        if channel[:1] in ("U", "W"):  # a DM was posted to its person; an edit needs the DM's channel
            channel = client.conversations_open(users=channel)["channel"]["id"]
        return client.chat_update(channel=channel, ts=held.parent_ts, **request).get("ts")
    if held.kind == OutboxKind.FILE.value:
        # Text (a document) travels as "content"; binary (a chart's PNG) as base64 under "content_b64", since the
        # outbox keeps a message as JSON.
        body = (dict(file=base64.b64decode(request["content_b64"])) if "content_b64" in request
                else dict(content=request["content"]))
        client.files_upload_v2(channel=held.channel, thread_ts=held.thread_ts, filename=request["filename"],
                               title=request["title"], **body)
        return None  # a file share has no message of ours to point at
    posted = client.chat_postMessage(channel=held.channel, thread_ts=held.thread_ts, metadata=tag(held.key), **request)
    return posted.get("ts")


def _find_earlier(client: WebClient, held: outbox.Claim) -> str | None:
    """The ts of the copy Slack already has, or None. A rate limit, 5xx or timeout here propagates (the row waits:
    it may still be there); a refusal to look (not_in_channel, missing_scope) is logged and the message posted."""
    try:
        channel = held.channel
        if channel[:1] in ("U", "W"):  # a DM is addressed by user; its history lives in the DM's channel
            channel = client.conversations_open(users=channel)["channel"]["id"]
        try:
            return _look(client, held, channel)
        except SlackApiError as err:
            if err.response.get("error") != "not_in_channel":
                raise
        # A public channel the bot posts in without being a member (chat:write.public) cannot be read until it
        # joins: join, then look. (A private one it is not in could not have taken the first post either.)
        client.conversations_join(channel=channel)
        return _look(client, held, channel)
    except SlackApiError as err:
        if err.response.status_code == 429 or err.response.status_code >= 500:
            raise
        log.warning("outbox %s: could not look for an earlier copy (Slack: %s); sending it", held.key,
                    err.response.get("error"))
    return None


def _look(client: WebClient, held: outbox.Claim, channel: str) -> str | None:
    """Page back through the channel (or the thread) from just before the first try, for the message's tag."""
    oldest = f"{(held.first_tried_at - LOOKBACK).timestamp():.6f}"
    cursor = None
    for _ in range(MAX_PAGES):
        args = dict(channel=channel, oldest=oldest, limit=PAGE_SIZE, cursor=cursor)
        if held.kind == OutboxKind.MESSAGE.value:
            args["include_all_metadata"] = True
        page = (client.conversations_replies(ts=held.thread_ts, **args) if held.thread_ts
                else client.conversations_history(**args))
        for message in page.get("messages", []):
            if _is_ours(held, message):
                return message["ts"]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not page.get("has_more") or not cursor:
            return None
    return None


def _is_ours(held: outbox.Claim, message: dict) -> bool:
    if held.kind == OutboxKind.FILE.value:
        name = (held.message or {}).get("filename")
        return any(f.get("name") == name for f in message.get("files") or [])
    meta = message.get("metadata") or {}
    return meta.get("event_type") == METADATA_EVENT and (meta.get("event_payload") or {}).get("key") == held.key


def _sent(deps, held: outbox.Claim, ts: str | None, outcome: Outcome) -> Result:
    with deps.db.session() as session:
        if not outbox.sent(session, held, deps.clock.now(), ts):
            log.warning("outbox %s: the claim was taken over; this late answer is ignored", held.key)
            return Result(Outcome.BUSY, ts)
    return Result(outcome, ts)


def _failed(deps, held: outbox.Claim, error: str, *, maybe_sent: bool, retry_after: int | None = None,
            hold: bool = False) -> Result:
    """The row waits for its next try. A Retry-After holds its whole channel; so does Slack failing a message post
    (`hold`: a 5xx, no answer) in its first outbox.HOLD_FAILURES tries, until the row's own next try: what was
    queued after it into that channel must not overtake it, so a channel's messages arrive in the order they were
    queued whatever Slack did in between. (A message that cannot be rendered, or that Slack refused, holds up
    nothing; nor does a document upload or an App Home publish.)"""
    log.warning("outbox %s: %s", held.key, error)
    now = deps.clock.now()
    with deps.db.session() as session:
        retry_at = now + timedelta(seconds=retry_after) if retry_after is not None else None
        settled = outbox.failed(session, held, error, now, maybe_sent=maybe_sent, counts=retry_after is None,
                                retry_at=retry_at)
        # Only a message post holds its channel (a document upload that keeps timing out, or an App Home publish,
        # must not keep the channel's alerts waiting), and only through its first outbox.HOLD_FAILURES failures:
        # after that what was queued behind it may overtake it (see outbox.HOLD_FAILURES).
        holds = hold and held.kind == OutboxKind.MESSAGE.value and held.attempts <= outbox.HOLD_FAILURES
        if retry_at is None and holds and settled:
            row = session.get(Outbox, held.id)
            retry_at = row.next_attempt_at if row.status == OutboxStatus.PENDING.value else None  # given up: none
        if retry_at is not None:  # Slack's Retry-After (or its failure) holds the channel, not only this row
            outbox.hold_channel(session, held.team_id, held.channel, retry_at, error)
    if not settled:
        return Result(Outcome.BUSY, error=error, retry_after=retry_after)
    return Result(Outcome.GAVE_UP if held.attempts >= outbox.MAX_ATTEMPTS and retry_after is None else Outcome.WAITING,
                  error=error, maybe_sent=maybe_sent, retry_after=retry_after)


def _state(deps, row_id: int) -> Result:
    """Where a row stands that this sender could not claim."""
    with deps.db.session() as session:
        row = session.get(Outbox, row_id)
        if row is None:
            return Result(Outcome.MISSING)
        if row.status == OutboxStatus.SENT.value:
            return Result(Outcome.ALREADY, row.message_ts)
        if row.status == OutboxStatus.FAILED.value:
            return Result(Outcome.GAVE_UP, error=row.last_error)
        if row.status == OutboxStatus.PENDING.value:  # not due yet (a wait after a failure)
            return Result(Outcome.WAITING, error=row.last_error, maybe_sent=row.maybe_sent)
        return Result(Outcome.BUSY, error=row.last_error)
