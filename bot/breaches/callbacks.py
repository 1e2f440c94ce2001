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

Where it may POST (finding 1 of the review: the URL is typed by a workspace's admin, the POST is made from the bot's
network): https only, no user:password@, and a host whose every address is public (not loopback, private,
link-local, shared, multicast or reserved), checked when it is set and again at each send, which connects to the
address it checked (no second DNS answer in between). Only the answer's status counts: at most MAX_ANSWER bytes of
its body are read. LADDER_CALLBACK_ALLOW_PRIVATE (tests and the sandbox only; off by default) lets plain http and
private addresses through, for a receiver on this machine.

The secret is kept sealed with TOKEN_ENCRYPTION_KEY (bot.installs.cipher); without that key it is refused, except in
the sandbox. The URL's query (which may hold a receiver's token) is never shown or audited: `redact`.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit
from bot.errors import Command, InvalidInput
from bot.installs.cipher import TokenCipher, WrongKey
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Breach, CallbackDelivery, DeliveryStatus, LadderCallback, Target, WorkspaceUninstall

log = logging.getLogger(__name__)

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=20), timedelta(hours=1), timedelta(hours=3))
MAX_ATTEMPTS = 6
CLAIM = timedelta(minutes=2)  # a sender that died mid-POST: its row goes again after this (same delivery id)
TIMEOUT = 10.0
BATCH = 50
PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
MAX_ANSWER = 64 * 1024  # bytes of an answer's body read at most: its status is what counts


@dataclass(frozen=True)
class Policy:
    """What the operator's settings allow: the cipher sealing secrets (None: no key), and private addresses."""

    cipher: TokenCipher | None = None
    allow_private: bool = False
    sandbox: bool = False


def policy(settings) -> Policy:
    key = getattr(settings, "token_encryption_key", None)
    return Policy(cipher=TokenCipher(key) if key else None,
                  allow_private=bool(getattr(settings, "ladder_callback_allow_private", False)),
                  sandbox=bool(getattr(settings, "sandbox", False)))


class Unsafe(Exception):
    """The URL may not be POSTed to; str() says why, in the user's words."""


def redact(url: str | None) -> str | None:
    """The URL as shown and audited: no user:password@, no query or fragment (either may hold a credential)."""
    if not url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{parts.scheme}://{host}{port}{parts.path}" + ("?…" if parts.query or parts.fragment else "")


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local
                                 or ip.is_private or ip.is_unspecified)


def check(url: str, allow_private: bool) -> tuple[str, int, str]:
    """(host, port, the address to connect to) of a URL the bot may POST to; Unsafe says why not."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise Unsafe("it must start with https://")
    if "@" in parts.netloc:
        raise Unsafe("it must not carry a user name or password (user:password@): authenticate with the signature")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise Unsafe("its port is not a number from 1 to 65535") from None
    host = parts.hostname
    if not host:
        raise Unsafe("it names no host")
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Unsafe(f"its host {host} is not found") from None
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise Unsafe(f"its host {host} is not found")
    if not allow_private and not all(_public(a) for a in addresses):
        raise Unsafe(f"its host {host} is a private, local or reserved address: give the ticket tool's public "
                     "https address")
    return host, port, addresses[0]


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def get(session: Session, team_id: str) -> LadderCallback | None:
    return session.exec(select(LadderCallback).where(LadderCallback.team_id == team_id)).first()


def set_callback(session: Session, actor: Actor, url: str, rules: Policy = Policy()) -> str:
    """Where `priority` steps POST, with a new secret (returned: shown once, never again; kept sealed). Setting it
    again makes a new secret. Audited (the URL redacted; never the secret)."""
    require(actor, Capability.SET_LADDER)
    url = (url or "").strip().strip("<>")
    shown = redact(url)[:60] if url else ""
    example = "e.g. https://itsm.example.com/hooks/priority."
    if not url or len(url) > 500:
        raise InvalidInput({"url": f"“{shown}” is not a web address the bot can POST to: give one starting with "
                                   f"https:// (at most 500 characters), {example}"})
    try:
        check(url, rules.allow_private)
    except Unsafe as err:
        raise InvalidInput({"url": f"The bot will not POST to “{shown}”: {err}, {example}"}) from None
    if rules.cipher is None and not rules.sandbox:
        raise InvalidInput({"url": "The callback's signing secret is kept encrypted, and this bot has no "
                                   "TOKEN_ENCRYPTION_KEY: ask its operator to set one, then set the callback."})
    row = get(session, actor.team_id)
    before = redact(row.url) if row else None
    secret = secrets.token_hex(32)
    sealed = rules.cipher.seal(secret) if rules.cipher else secret
    row = row or LadderCallback(team_id=actor.team_id, url=url, secret=sealed, set_by=actor.user_id,
                                set_at=actor.at())
    row.url, row.secret, row.set_by, row.set_at = url, sealed, actor.user_id, actor.at()
    session.add(row)
    audit.record(session, actor, "ladder.callback", "workspace", None, key="ladder_callback", before=before,
                 after=redact(url))
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
            session.add(CallbackDelivery(team_id=breach.team_id, key=key, url=redact(callback.url), body=body,
                                         breach_id=breach.id, next_at=now, created_at=now))
    except IntegrityError:  # queued already (a step runs once; this is the replica that lost the race)
        pass
    return f"the ticket tool asked to raise {breach.ticket_ref} from {breach.priority} to {to}"


def _due(session: Session, now: datetime) -> list[int]:
    """Pending rows due by `now`, of workspaces that have the bot installed (an uninstalled one's are cancelled)."""
    gone = select(WorkspaceUninstall.team_id)
    return list(session.exec(select(CallbackDelivery.id).where(CallbackDelivery.status == DeliveryStatus.PENDING.value,
                                                               CallbackDelivery.next_at <= now,
                                                               CallbackDelivery.team_id.not_in(gone))
                             .order_by(CallbackDelivery.next_at, CallbackDelivery.id).limit(BATCH)))


@dataclass(frozen=True)
class Held:
    """A row claimed: what to send, and the attempt count that is the claim (its settle checks it still holds)."""

    row_id: int
    key: str
    url: str
    body: str
    secret: str | None
    attempts: int  # after the claim
    team_id: str
    breach_id: int | None


def _claim(session: Session, row_id: int, now: datetime, rules: Policy) -> Held | None:
    """Claimed by a compare-and-set on its attempts, until `now` (read for this row) + CLAIM."""
    row = session.get(CallbackDelivery, row_id)
    if row is None or row.status != DeliveryStatus.PENDING.value or row.next_at > now:
        return None
    moved = session.exec(update(CallbackDelivery)
                         .where(CallbackDelivery.id == row_id, CallbackDelivery.status == DeliveryStatus.PENDING.value,
                                CallbackDelivery.attempts == row.attempts, CallbackDelivery.next_at <= now)
                         .values(attempts=row.attempts + 1, next_at=now + CLAIM)
                         .execution_options(synchronize_session=False))
    if not moved.rowcount:
        return None
    callback = get(session, row.team_id)
    secret = None
    if callback is not None:
        try:
            secret = rules.cipher.open(callback.secret) if rules.cipher else callback.secret
        except WrongKey:
            secret = None
        if secret and secret.startswith("enc1:"):  # sealed, and no key to open it
            secret = None
    return Held(row_id, row.key, callback.url if callback else "", row.body, secret, row.attempts + 1, row.team_id,
                row.breach_id)


def _pinned_backend(address: str):
    """httpcore's network backend connecting to `address` whatever host the request names: the address checked is
    the one connected to (TLS still checks the certificate against the URL's host name)."""
    import httpcore

    class Pinned(httpcore.SyncBackend):
        def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
            return super().connect_tcp(address, port, timeout, local_address, socket_options)

    return Pinned()


def _send(url: str, body: str, key: str, secret: str, *, allow_private: bool = False) -> tuple[bool | None, str]:
    """(True: delivered; None: try again; False: refused for good), with what happened. The URL is checked again
    (its host may resolve elsewhere now), the connection made to the address checked, and at most MAX_ANSWER bytes
    of the answer read."""
    import httpcore
    import httpx  # here: importing it loads its command line's (pygments, rich), which a start does not need

    try:
        _host, _port, address = check(url, allow_private)
    except Unsafe as err:
        return False, f"not sent: {err}"
    raw = body.encode()
    headers = {"Content-Type": "application/json", "X-SLM-Delivery": key, "X-SLM-Signature": sign(secret, raw),
               "User-Agent": "slm-bot"}
    timeouts = {"connect": TIMEOUT, "read": TIMEOUT, "write": TIMEOUT, "pool": TIMEOUT}
    try:
        with httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(), network_backend=_pinned_backend(address),
                                     max_connections=1, retries=0) as pool:
            with pool.stream("POST", url, headers=headers, content=raw, extensions={"timeout": timeouts}) as answer:
                status, read = answer.status, 0
                for chunk in answer.iter_stream():
                    read += len(chunk)
                    if read >= MAX_ANSWER:
                        break
    except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError, OSError) as err:
        return None, f"no answer ({type(err).__name__})"
    if 200 <= status < 300:
        return True, f"HTTP {status}"
    if status >= 500 or status == 429:
        return None, f"HTTP {status}"
    return False, f"HTTP {status}"


def deliver_due(deps, on_failed=None) -> int:
    """The job: POST what is due, each claimed in a transaction of its own and settled in another (no session is
    held across the POST). The clock is read for each row as it is claimed and as it is settled (a batch of slow
    POSTs outlasts a claim read once), and a settle changes the row only while its claim holds (the attempts it
    set): a sender whose claim lapsed and was taken over settles nothing. Returns how many were delivered.
    `on_failed(session, team_id, breach_id, what, now)`: told of one refused or given up on, in the transaction that
    settles it (bot.breaches.ladders says so)."""
    rules = policy(deps.settings)
    delivered = 0
    with deps.db.session() as session:
        ids = _due(session, deps.clock.now())
    for row_id in ids:
        with deps.db.session() as session:
            held = _claim(session, row_id, deps.clock.now(), rules)
        if held is None:
            continue
        if held.secret is None:
            ok, what = None, "its signing secret cannot be opened (TOKEN_ENCRYPTION_KEY unset or changed)"
        elif not held.url:
            ok, what = False, "no priority callback is set any more"
        else:
            ok, what = _send(held.url, held.body, held.key, held.secret, allow_private=rules.allow_private)
        with deps.db.session() as session:
            now = deps.clock.now()
            gave_up = ok is False or (ok is None and held.attempts >= MAX_ATTEMPTS)
            values = ({"status": DeliveryStatus.SENT.value, "sent_at": now} if ok else
                      {"status": DeliveryStatus.FAILED.value} if gave_up else
                      {"next_at": now + BACKOFF[min(held.attempts - 1, len(BACKOFF) - 1)]})
            moved = session.exec(update(CallbackDelivery)
                                 .where(CallbackDelivery.id == row_id,
                                        CallbackDelivery.status == DeliveryStatus.PENDING.value,
                                        CallbackDelivery.attempts == held.attempts)
                                 .values(last_error=None if ok else what[:300], **values)
                                 .execution_options(synchronize_session=False))
            if not moved.rowcount:  # another sender holds it now (this claim lapsed): its outcome stands
                log.warning("priority callback %s: claim lapsed before its answer (%s); left to its new sender",
                            held.key, what)
                continue
            if ok:
                delivered += 1
            elif gave_up:
                log.error("priority callback %s failed for good: %s", held.key, what)
                if on_failed is not None:
                    on_failed(session, held.team_id, held.breach_id, what, now)
    return delivered

