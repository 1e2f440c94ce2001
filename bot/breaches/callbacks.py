"""The ladder's `priority` step: the ticket's priority raised through the organisation's callback.

The organisation sets a URL (`/slm ladder callback <url>`); the bot makes a secret and shows it once. When a step
says `priority`, a JSON body is queued, once (its key names the breach and the step), and POSTed with:

- `X-SLM-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the secret>` (check it before acting);
- `X-SLM-Delivery: <key>`, the same on every try: a receiver that saw it already answers 2xx and does nothing.

Why a sibling queue and not the outbox: the outbox is Slack's (a channel, a template, a message ts to edit later,
looking in Slack's history before posting again after an unknown outcome); a callback is a URL and a body whose
outcome can only be made safe by the delivery id. The queue keeps the outbox's promises in its own shape: stored in
the transaction that ran the step, claimed by a compare-and-set (so two replicas send it once), sent with no
session held, settled after. A 2xx settles it for good (never sent again); a 5xx, a timeout or a refused
connection is tried again after a growing wait (1m, 5m, 20m, 1h, 3h), with the same delivery id; a 4xx is refused
for good (sending it again would not mend it) and said in the alert's thread, as is giving up after MAX_ATTEMPTS.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit
from bot.errors import Command, InvalidInput
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Breach, CallbackDelivery, DeliveryStatus, LadderCallback, Target

log = logging.getLogger(__name__)

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=20), timedelta(hours=1), timedelta(hours=3))
MAX_ATTEMPTS = 6
CLAIM = timedelta(minutes=2)  # a sender that died mid-POST: its row goes again after this (same delivery id)
TIMEOUT = 10.0
BATCH = 50
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def get(session: Session, team_id: str) -> LadderCallback | None:
    return session.exec(select(LadderCallback).where(LadderCallback.team_id == team_id)).first()


def set_callback(session: Session, actor: Actor, url: str) -> str:
    """Where `priority` steps POST, with a new secret (returned: shown once, never again). Setting it again makes
    a new secret. Audited (the URL; never the secret)."""
    require(actor, Capability.SET_LADDER)
    url = (url or "").strip().strip("<>")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 500:
        raise InvalidInput({"url": f"“{url[:60]}” is not a web address the bot can POST to: give one starting with "
                                   "https://, e.g. https://itsm.example.com/hooks/priority."})
    row = get(session, actor.team_id)
    before = row.url if row else None
    secret = secrets.token_hex(32)
    row = row or LadderCallback(team_id=actor.team_id, url=url, secret=secret, set_by=actor.user_id, set_at=actor.at())
    row.url, row.secret, row.set_by, row.set_at = url, secret, actor.user_id, actor.at()
    session.add(row)
    audit.record(session, actor, "ladder.callback", "workspace", None, key="ladder_callback", before=before,
                 after=url)
    return secret


def _raised(priority: str | None) -> str | None:
    p = (priority or "").upper()
    return PRIORITIES[PRIORITIES.index(p) - 1] if p in PRIORITIES[1:] else None


def raise_priority(session: Session, breach: Breach, i: int, step, now: datetime) -> str:
    """Queue the POST for this step, once; the words for the alert's thread."""
    if breach.ticket_id is None:
        return "no ticket to raise the priority of (a period's goal)"
    to = _raised(breach.priority)
    if to is None:
        return f"{breach.ticket_ref} is {breach.priority} already: no higher priority to raise it to"
    callback = get(session, breach.team_id)
    if callback is None:
        return f"no priority callback is set (see {Command('ladder', 'callback')}): the priority was not raised"
    target = session.get(Target, breach.target_id)
    key = f"breach:{breach.id}:step:{i}:priority"
    body = json.dumps({"event": "ladder.raise_priority", "delivery": key, "team_id": breach.team_id,
                       "ticket": breach.ticket_ref, "priority": breach.priority, "raise_to": to,
                       "target": target.key if target else None, "step": step.when,
                       "percent_used": round(breach.percent_used, 1), "at": now.isoformat()},
                      separators=(",", ":"), sort_keys=True)
    try:
        with session.begin_nested():
            session.add(CallbackDelivery(team_id=breach.team_id, key=key, url=callback.url, body=body,
                                         breach_id=breach.id, next_at=now, created_at=now))
    except IntegrityError:  # queued already (a step runs once; this is the replica that lost the race)
        pass
    return f"the ticket tool asked to raise {breach.ticket_ref} from {breach.priority} to {to}"


def _due(session: Session, now: datetime) -> list[int]:
    return list(session.exec(select(CallbackDelivery.id).where(CallbackDelivery.status == DeliveryStatus.PENDING.value,
                                                               CallbackDelivery.next_at <= now)
                             .order_by(CallbackDelivery.next_at, CallbackDelivery.id).limit(BATCH)))


def _claim(session: Session, row_id: int, now: datetime) -> tuple[CallbackDelivery, str] | None:
    row = session.get(CallbackDelivery, row_id)
    if row is None or row.status != DeliveryStatus.PENDING.value or row.next_at > now:
        return None
    moved = session.exec(update(CallbackDelivery)
                         .where(CallbackDelivery.id == row_id, CallbackDelivery.status == DeliveryStatus.PENDING.value,
                                CallbackDelivery.attempts == row.attempts)
                         .values(attempts=row.attempts + 1, next_at=now + CLAIM)
                         .execution_options(synchronize_session=False))
    if not moved.rowcount:
        return None
    callback = get(session, row.team_id)
    return row, (callback.secret if callback else "")


def _send(url: str, body: str, key: str, secret: str) -> tuple[bool | None, str]:
    """(True: delivered; None: try again; False: refused for good), with what happened."""
    import httpx  # here: importing it loads its command line's (pygments, rich), which a start does not need
    raw = body.encode()
    try:
        answer = httpx.post(url, content=raw, timeout=TIMEOUT, follow_redirects=False,
                            headers={"Content-Type": "application/json", "X-SLM-Delivery": key,
                                     "X-SLM-Signature": sign(secret, raw), "User-Agent": "slm-bot"})
    except httpx.HTTPError as err:
        return None, f"no answer ({type(err).__name__})"
    if 200 <= answer.status_code < 300:
        return True, f"HTTP {answer.status_code}"
    if answer.status_code >= 500 or answer.status_code == 429:
        return None, f"HTTP {answer.status_code}"
    return False, f"HTTP {answer.status_code}"


def deliver_due(deps, on_failed=None) -> int:
    """The job: POST what is due, each claimed in a transaction of its own and settled in another (no session is
    held across the POST). Returns how many were delivered. `on_failed(session, team_id, breach_id, what, now)`:
    told of one refused or given up on, in the transaction that settles it (bot.breaches.ladders says so)."""
    now = deps.clock.now()
    delivered = 0
    with deps.db.session() as session:
        ids = _due(session, now)
    for row_id in ids:
        with deps.db.session() as session:
            held = _claim(session, row_id, now)
            if held is None:
                continue
            row, secret = held
            url, body, key, attempts, team_id, breach_id = row.url, row.body, row.key, row.attempts, row.team_id, \
                row.breach_id
        ok, what = _send(url, body, key, secret)
        with deps.db.session() as session:
            gave_up = ok is False or (ok is None and attempts + 1 >= MAX_ATTEMPTS)
            values = ({"status": DeliveryStatus.SENT.value, "sent_at": now} if ok else
                      {"status": DeliveryStatus.FAILED.value} if gave_up else
                      {"next_at": now + BACKOFF[min(attempts, len(BACKOFF) - 1)]})
            session.exec(update(CallbackDelivery).where(CallbackDelivery.id == row_id,
                                                        CallbackDelivery.status == DeliveryStatus.PENDING.value)
                         .values(last_error=None if ok else what[:300], **values)
                         .execution_options(synchronize_session=False))
            if ok:
                delivered += 1
            elif gave_up:
                log.error("priority callback %s failed for good: %s", key, what)
                if on_failed is not None:
                    on_failed(session, team_id, breach_id, what, now)
    return delivered
