"""Queueing what the bot posts on its own (notices, agreement headlines, version posts, documents), so each is
posted once.

`enqueue` is idempotent on the key. `claim` hands a row to exactly one sender, even with several replicas: a
compare-and-set on the row, fenced by a fresh attempt token, so that only the claim's holder can settle it
(`sent`, `failed`), and a sender whose claim was taken over is ignored when its late answer comes. Claims are
timed by the database's clock, so replicas whose own clocks disagree agree on when a claim is stale. A claim
is taken over when it is older than CLAIM_TIMEOUT, or at once when its sender is known to be dead (a process
of this host that is gone, or an earlier run of this very process id: a restarted container).

Nothing waits inside a claim: a rate limit or a Slack error makes the row pending again, due after Slack's
Retry-After or a growing wait. An attempt whose outcome was never heard (a timeout, a dropped connection, a
5xx, a sender that died) leaves `maybe_sent`, and the next sender looks in Slack before posting again.
"""
from __future__ import annotations

import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, false, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Outbox, OutboxKind, OutboxStatus

# A send is one Slack call of at most 15 s (a document: three), with no retries or waits inside the claim,
# so five minutes is twenty times the longest one.
CLAIM_TIMEOUT = timedelta(minutes=5)
MAX_ATTEMPTS = 6
# Waits after each failure: a Slack outage of a few hours delays a notice, it does not lose it.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=20), timedelta(hours=1), timedelta(hours=3))
# A message post Slack failed (a 5xx, no answer) holds its channel through its first HOLD_FAILURES failures only (6
# minutes of backoff): after that, what was queued behind it may overtake it, so that one post that keeps failing
# does not keep a channel's breach alerts waiting for hours. Order is worth a few minutes, not an afternoon.
HOLD_FAILURES = 2


@dataclass(frozen=True)
class Claim:
    """One attempt at one row, as its sender holds it: what to send, and the token that settles it."""

    id: int
    team_id: str
    key: str
    kind: str
    channel: str
    thread_ts: str | None
    template: str
    context: dict
    message: dict | None
    attempts: int
    token: str
    look_first: bool  # an earlier attempt may have reached Slack
    first_tried_at: datetime
    parent_key: str | None = None  # the message this one updates, or in whose thread it goes
    parent_ts: str | None = None   # that message's ts, read when this is sent


# Called in the transaction that marks a row sent, for keys with the prefix: (session, claim, message_ts, now).
_ON_SENT: list[tuple[str, Callable]] = []


def on_sent(prefix: str):
    def register(func_):
        _ON_SENT.append((prefix, func_))
        return func_
    return register


# Called when Slack refuses a post for good reasons of the channel's own (the bot is not in it, it is gone or
# archived): waiting will not mend that, so whoever the post was for can be told another way at once, while the row
# keeps its retries (someone may invite the bot). (session, claim, error, now); each hook must be idempotent.
_ON_REFUSED: list[tuple[str, Callable]] = []
CHANNEL_REFUSALS = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


def on_refused(prefix: str):
    def register(func_):
        _ON_REFUSED.append((prefix, func_))
        return func_
    return register


def refused(session: Session, held: Claim, error: str, now: datetime) -> None:
    for prefix, hook in _ON_REFUSED:
        if held.key.startswith(prefix):
            hook(session, held, error, now)


_run = (None, "")


def _pid_namespace() -> str:
    """Which set of process ids this process lives in: two containers on one host name each have a pid 1."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:  # no /proc: nothing here can prove another sender dead
        return "?"


def sender_id() -> str:
    """This process: host, pid namespace, pid and a mark of this run (a restarted container has the same host
    and pid)."""
    global _run
    if _run[0] != os.getpid():
        _run = (os.getpid(), uuid.uuid4().hex[:8])
    return f"{socket.gethostname()}:{_pid_namespace()}:{_run[0]}:{_run[1]}"


def _sender_is_dead(claimant: str) -> bool:
    """True only when this process can prove the claimant is gone: the same host AND the same pid namespace (so the
    pid means the same process), and that pid is this process (an earlier run) or no process at all. Anything
    else (another host, another container sharing the host name, an older claim's form) waits out the claim."""
    parts = claimant.rsplit(":", 3)
    if len(parts) != 4 or claimant == sender_id() or not parts[2].isdigit():
        return False
    host, namespace, pid = parts[0], parts[1], int(parts[2])
    if host != socket.gethostname() or namespace == "?" or namespace != _pid_namespace():
        return False
    if pid == os.getpid():
        return True  # this pid in this namespace, an earlier run
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):
        return False
    return False  # alive (or its pid was reused: then the claim's age decides)


def _stale(session: Session, lease_now: datetime):
    """Claims nobody is finishing: too old by the database's clock, or held by a sender that died."""
    claimants = session.exec(select(Outbox.claimed_by).where(Outbox.status == OutboxStatus.SENDING.value).distinct())
    dead = [c for c in claimants if c and _sender_is_dead(c)]
    stale = Outbox.claimed_at < lease_now - CLAIM_TIMEOUT
    return (Outbox.status == OutboxStatus.SENDING.value) & (or_(stale, Outbox.claimed_by.in_(dead)) if dead else stale)


def enqueue(session: Session, team_id: str, key: str, channel: str, template: str, context: dict, now: datetime, *,
            thread_ts: str | None = None, message: dict | None = None, kind: OutboxKind = OutboxKind.MESSAGE,
            parent_key: str | None = None) -> bool:
    """Queue a message unless one with this key was queued before; True if this call queued it.

    With `parent_key`, it follows that message: an update (`kind=UPDATE`) edits it, a message goes in its thread."""
    try:
        with session.begin_nested():
            session.add(Outbox(team_id=team_id, key=key[:200], channel=channel, template=template, context=context,
                               created_at=now, thread_ts=thread_ts, message=message, kind=kind.value,
                               parent_key=parent_key[:200] if parent_key else None))
    except IntegrityError:
        return False
    return True


def get(session: Session, team_id: str, key: str) -> Outbox | None:
    return session.exec(select(Outbox).where(Outbox.team_id == team_id, Outbox.key == key[:200])).first()


def due(session: Session, now: datetime, lease_now: datetime, limit: int = 50, *, team_id: str | None = None,
        key_prefix: str | None = None) -> list[int]:
    return [row_id for row_id, _channel in due_rows(session, now, lease_now, limit, team_id=team_id,
                                                    key_prefix=key_prefix)]


def due_rows(session: Session, now: datetime, lease_now: datetime, limit: int = 50, *, team_id: str | None = None,
             key_prefix: str | None = None, after_id: int = 0, skip_channels: list[str] | None = None,
             only_channels: list[str] | None = None, teams: set[str] | None = None) -> list[tuple[int, str]]:
    """(id, channel) of the rows due now, oldest first, from `after_id` on; `skip_channels` leaves out the channels
    that may not take a message yet (bot.pacing), so they never fill a batch ahead of the channels that may; `teams`,
    if given, the only workspaces to send into (distributed mode: the installed ones; the others' rows wait)."""
    stale = _stale(session, lease_now)
    # A claim never finished (a sender died, or never heard Slack's answer) is tried again; MAX_ATTEMPTS bounds
    # how often, so a message Slack keeps refusing is not sent for ever.
    session.exec(update(Outbox).where(stale, Outbox.attempts >= MAX_ATTEMPTS)
                 .values(status=OutboxStatus.FAILED.value, last_error="no answer from Slack, attempt after attempt"))
    q = (select(Outbox.id, Outbox.channel).where(or_(Outbox.status == OutboxStatus.PENDING.value, stale),
                                                 Outbox.attempts < MAX_ATTEMPTS, Outbox.id > after_id,
                                                 or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now),
                                                 ~_behind_one_of(held_posts(session, now)))
         .order_by(Outbox.id).limit(limit))
    if team_id is not None and key_prefix is not None:  # only what one thing queued (see delivery.deliver_pending)
        q = q.where(Outbox.team_id == team_id, Outbox.key.startswith(key_prefix, autoescape=True))
    if skip_channels:
        q = q.where(Outbox.channel.notin_(skip_channels))
    if only_channels is not None:
        q = q.where(Outbox.channel.in_(only_channels))
    if teams is not None:
        q = q.where(Outbox.team_id.in_(sorted(teams)))
    return [(row_id, channel) for row_id, channel in session.exec(q)]


def _holding(now: datetime):
    """The rows that hold their channel: a message post Slack failed (a 5xx, no answer: it may be there already)
    waiting for its next try, through its first HOLD_FAILURES failures. (A message we could not render, or Slack
    refused, is not `maybe_sent` and holds up nothing; a document upload or an App Home publish holds up nothing:
    no order of the channel's hangs on them.) Only pending rows, through the status index."""
    return and_(Outbox.status == OutboxStatus.PENDING.value, Outbox.maybe_sent.is_(True),
                Outbox.next_attempt_at > now, Outbox.kind == OutboxKind.MESSAGE.value,
                Outbox.attempts <= HOLD_FAILURES)


def held_posts(session: Session, now: datetime, *, team_id: str | None = None,
               channel: str | None = None) -> list[tuple[str, str, int]]:
    """(team, channel, id of the first held post) of each channel a failed post holds: read once per pass (one
    grouped read of the pending rows) rather than once per candidate row, so a backlog of thousands after an outage
    is not read in O(N^2)."""
    q = (select(Outbox.team_id, Outbox.channel, func.min(Outbox.id)).where(_holding(now))
         .group_by(Outbox.team_id, Outbox.channel))
    if team_id is not None:
        q = q.where(Outbox.team_id == team_id, Outbox.channel == channel)
    return [(team, chan, first) for team, chan, first in session.exec(q)]


def _behind_one_of(held: list[tuple[str, str, int]]):
    """A row queued into a channel after a held post waits for that one's next try, so a channel's messages reach
    it in the order they were queued, even those queued while Slack was down or just after. An App Home publish is
    in no channel's order."""
    if not held:
        return false()
    return and_(Outbox.kind != OutboxKind.HOME.value,
                or_(*(and_(Outbox.team_id == team, Outbox.channel == chan, Outbox.id > first)
                      for team, chan, first in held)))


def next_due_at(session: Session, now: datetime, *, team_id: str | None = None,
                key_prefix: str | None = None, teams: set[str] | None = None) -> datetime | None:
    """When the first pending row now waiting (a Retry-After, a retry) falls due."""
    q = (select(Outbox.next_attempt_at).where(Outbox.status == OutboxStatus.PENDING.value,
                                               Outbox.attempts < MAX_ATTEMPTS, Outbox.next_attempt_at > now)
         .order_by(Outbox.next_attempt_at).limit(1))
    if team_id is not None and key_prefix is not None:
        q = q.where(Outbox.team_id == team_id, Outbox.key.startswith(key_prefix, autoescape=True))
    if teams is not None:
        q = q.where(Outbox.team_id.in_(sorted(teams)))
    return session.exec(q).first()


def hold_channel(session: Session, team_id: str, channel: str, until: datetime, why: str) -> int:
    """Slack answered 429 in this channel: every row still to go into it waits until `until` (its Retry-After), so
    the next sender (a replica, or the next pass) does not hit the same limit; no attempt is counted."""
    result = session.exec(update(Outbox)
                          .where(Outbox.team_id == team_id, Outbox.channel == channel,
                                 Outbox.status == OutboxStatus.PENDING.value,
                                 or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at < until))
                          .values(next_attempt_at=until, last_error=why[:500]))
    return result.rowcount or 0


def claim(session: Session, row_id: int, now: datetime, lease_now: datetime, *, ordered: bool = False) -> Claim | None:
    """Take one row for one attempt; None if it is not due, a failed post holds its channel, or another sender has
    it. `ordered`: the caller took it from due_rows (which leaves out the held rows) this pass: no second look."""
    claimable = or_(Outbox.status == OutboxStatus.PENDING.value, _stale(session, lease_now))
    row = session.exec(select(Outbox).where(Outbox.id == row_id, Outbox.attempts < MAX_ATTEMPTS, claimable,
                                            or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now))
                       .execution_options(populate_existing=True)).first()
    if row is None:
        return None
    # The immediate send (delivery.deliver, from a listener) keeps the channel's order too: a row queued behind a
    # held failed post is left pending, for the delivery round once that post has gone (or stopped holding). (The
    # round's own claims skip this: due_rows read the held channels once for the whole pass, rather than once a row.)
    if not ordered and session.exec(select(Outbox.id).where(Outbox.id == row_id, _behind_one_of(
            held_posts(session, now, team_id=row.team_id, channel=row.channel)))).first() is not None:
        return None
    # What it was before this claim (the UPDATE below also refreshes `row` in the session).
    held = Claim(id=row.id, team_id=row.team_id, key=row.key, kind=row.kind, channel=row.channel,
                 thread_ts=row.thread_ts, template=row.template, context=dict(row.context), message=row.message,
                 attempts=row.attempts + 1, token=uuid.uuid4().hex, look_first=row.maybe_sent,
                 first_tried_at=row.first_tried_at or lease_now, parent_key=row.parent_key)
    same_token = (Outbox.attempt_token.is_(None) if row.attempt_token is None
                  else Outbox.attempt_token == row.attempt_token)
    result = session.exec(  # compare-and-set: nobody claimed or settled it since we read it
        update(Outbox)
        .where(Outbox.id == row_id, Outbox.attempts == held.attempts - 1, Outbox.status == row.status, same_token)
        .values(status=OutboxStatus.SENDING.value, claimed_at=lease_now, claimed_by=sender_id(),
                attempt_token=held.token, attempts=Outbox.attempts + 1, maybe_sent=True,
                first_tried_at=func.coalesce(Outbox.first_tried_at, lease_now))
    )
    return held if result.rowcount == 1 else None


def _settle(session: Session, held: Claim, **values) -> bool:
    result = session.exec(update(Outbox).where(Outbox.id == held.id, Outbox.attempt_token == held.token)
                          .values(**values))
    return result.rowcount == 1


def sent(session: Session, held: Claim, now: datetime, message_ts: str | None) -> bool:
    """Mark it sent, if this claim still holds it (False: it was taken over, and its new holder settles it)."""
    if not _settle(session, held, status=OutboxStatus.SENT.value, sent_at=now, message_ts=message_ts,
                   maybe_sent=False, last_error=""):
        return False
    for prefix, hook in _ON_SENT:
        if held.key.startswith(prefix):
            hook(session, held, message_ts, now)
    return True


def failed(session: Session, held: Claim, error: str, now: datetime, *, maybe_sent: bool,
           retry_at: datetime | None = None, counts: bool = True) -> bool:
    """Try again later: at `retry_at` (Slack's Retry-After), else after a growing wait, until MAX_ATTEMPTS; then keep
    it, marked failed, for a person to look at. A rate limit does not count as an attempt (`counts=False`)."""
    attempts = held.attempts if counts else held.attempts - 1
    gave_up = attempts >= MAX_ATTEMPTS
    return _settle(session, held, last_error=error[:500], attempts=attempts, maybe_sent=maybe_sent,
                   status=(OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING).value,
                   next_attempt_at=retry_at or now + BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1])


def followed(session: Session, held: Claim) -> tuple[Outbox | None, datetime | None]:
    """What a row that follows another waits for: (the parent row, when to look again). The wait is None when it may
    go now: its parent is sent and no earlier row following the same parent is still to go, so the moves of one
    message reach Slack in the order they were queued, whatever failed in between."""
    parent = get(session, held.team_id, held.parent_key)
    if parent is None or parent.status != OutboxStatus.SENT.value:
        return parent, (parent.next_attempt_at if parent is not None else None)
    earlier = session.exec(select(Outbox).where(Outbox.team_id == held.team_id, Outbox.parent_key == held.parent_key,
                                                Outbox.id < held.id,
                                                Outbox.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]))
                           .order_by(Outbox.id)).first()
    if earlier is None:
        return parent, None
    return parent, earlier.next_attempt_at or earlier.created_at


def wait(session: Session, held: Claim, why: str, until: datetime) -> bool:
    """Put a claimed row back, untried: it waits for another (`followed`), and this counts as no attempt."""
    return _settle(session, held, status=OutboxStatus.PENDING.value, attempts=held.attempts - 1, last_error=why[:500],
                   maybe_sent=held.look_first, next_attempt_at=until)


def give_up(session: Session, held: Claim, why: str, status: OutboxStatus = OutboxStatus.FAILED) -> bool:
    """It can never be sent (the message it follows was given up): kept, marked failed, for a person to look at; or
    `cancelled`, when the message it follows was withdrawn (nothing went wrong)."""
    return _settle(session, held, status=status.value, last_error=why[:500], maybe_sent=False)


def retry_now(session: Session, team_id: str, key: str) -> None:
    """A person asked for it again (`/slm sla post`): a waiting or given-up row is due now, with one more try."""
    row = get(session, team_id, key)
    if row is not None and row.status in (OutboxStatus.PENDING.value, OutboxStatus.FAILED.value):
        row.status, row.next_attempt_at = OutboxStatus.PENDING.value, None
        row.attempts = min(row.attempts, MAX_ATTEMPTS - 1)
        session.add(row)
