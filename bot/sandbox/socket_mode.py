"""Slack's Socket Mode, stood in for: the bot connects out over a WebSocket and Slack sends it envelopes there.

The protocol as Slack documents it (docs.slack.dev, "Using Socket Mode") and slack_sdk's client reads it:
- `apps.connections.open`, called with the app-level token (`xapp-...`; a bot token is refused,
  `not_allowed_token_type`), answers a WebSocket URL holding a one-time ticket (`SlackSandbox._apps_connections_open`);
- on connecting, the app is greeted: `{"type": "hello", "num_connections", "debug_info", "connection_info"}`;
- each request arrives as an envelope `{"envelope_id", "type": "slash_commands" | "interactive" | "events_api",
  "payload", "accepts_response_payload"}` (events add `retry_attempt`, `retry_reason`); its payload is what the
  HTTP request's body holds, already parsed (a slash command's form fields as a JSON object, an interaction's
  `payload` field as itself, an event's envelope as is);
- the app acks `{"envelope_id", "payload"?}`: the payload is what an HTTP answer's body would hold (a modal's
  `response_action: errors` travels there);
- Slack may ask the app to reconnect: `{"type": "disconnect", "reason": "refresh_requested" | "warning" |
  "link_disabled"}`; the app opens a new connection through a fresh `apps.connections.open`;
- a request not acked is delivered again, in an envelope of its own id, on the connection the app holds next or
  still (an event's `retry_attempt` one more). Slack retries on a timer as well; the stand-in only on a
  connection's loss, so that no test waits for one.

No signature travels over Socket Mode: the connection, opened with the app-level token, is what authenticates
the requests. Tests drive this through bot/sandbox/socket_driver.py; the fault switches here drop a connection,
lose acks in transit, or send `disconnect`.
"""
from __future__ import annotations

import asyncio
import json
import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from bot.sandbox.objects import APP_ID

# The stand-in's app-level token: published here like its bot token, good for nothing but the stand-in.
SANDBOX_APP_TOKEN = "xapp-1-A0SLMBOT-1-sandbox-not-a-real-token"
LINK_PATH = "/sandbox/link/"
# Why an envelope came again (Slack's Events API reasons name the failure; an envelope whose connection went
# before its ack is the stand-in's one case).
RETRY_REASON = "connection_failed"
# Envelope types whose ack may carry an answer for Slack to act on (a command's reply, a modal's response_action,
# a select's options); Slack ignores any other ack's payload.
ANSWERED_INTERACTIONS = ("view_submission", "block_suggestion")


@dataclass
class Envelope:
    """One request for the app, however many times it is delivered: each delivery is an envelope of its own id
    (the stand-in's choice: so each ack says which delivery it answers), the same payload in each."""

    type: str
    payload: dict
    accepts_response_payload: bool
    ids: list[str] = field(default_factory=list)  # each delivery's envelope_id, in order
    link: "_Link | None" = None  # the connection it last went out on
    acked: threading.Event = field(default_factory=threading.Event)
    ack: dict | None = None

    @property
    def id(self) -> str:
        return self.ids[0]

    def message(self, envelope_id: str) -> str:
        body = {"envelope_id": envelope_id, "type": self.type, "payload": self.payload,
                "accepts_response_payload": self.accepts_response_payload}
        if self.type == "events_api":
            attempt = len(self.ids) - 1
            body.update(retry_attempt=attempt, retry_reason=RETRY_REASON if attempt else "")
        return json.dumps(body)


@dataclass(eq=False)
class _Link:
    websocket: WebSocket
    loop: asyncio.AbstractEventLoop
    open: bool = True
    # Held while the greeting goes out: a link is chosen for envelopes from the moment it is registered, and what
    # is sent to it then must still follow its hello.
    sending: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send_text(self, text: str) -> None:
        async with self.sending:
            await self.websocket.send_text(text)

    def send(self, text: str) -> None:
        """From any thread but the event loop's."""
        asyncio.run_coroutine_threadsafe(self.send_text(text), self.loop).result(timeout=10)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.websocket.close(code=1001), self.loop).result(timeout=10)


class SocketModeStandIn:
    """Slack's side of Socket Mode for one app. Thread-safe: tests deliver from their thread, the links live on
    the server's event loop."""

    def __init__(self, base_url: str, app_token: str = SANDBOX_APP_TOKEN):
        parts = urlsplit(base_url)
        self.link_url = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}{LINK_PATH}"
        self.app_token = app_token
        self._lock = threading.Lock()
        self._linked = threading.Condition(self._lock)
        self._tickets: set[str] = set()
        self._links: list[_Link] = []
        self._leaving: list[_Link] = []  # asked to reconnect: closed once the app holds a new connection
        self._ids = 0
        self.reset()

    def reset(self) -> None:
        """Forget envelopes and faults; connections stay, as the bot's connection outlives a test."""
        with self._lock:
            self._pending: dict[str, Envelope] = {}
            self.deliveries: list[dict] = []  # every envelope sent, as sent, retries included
            self._by_id: dict[str, Envelope] = {}  # each delivery's envelope_id -> its request
            self._unanswered: dict[str, _Link] = {}  # deliveries not acked yet -> the connection each went on
            self.connections_opened = 0
            self._lose_acks = 0

    # ---- apps.connections.open ------------------------------------------------------------------
    def open_ticket(self) -> str:
        ticket = secrets.token_urlsafe(16)
        with self._lock:
            self._tickets.add(ticket)
        return f"{self.link_url}?ticket={ticket}&app_id={APP_ID}"

    # ---- what Slack sends ---------------------------------------------------------------------------
    def deliver(self, type_: str, payload: dict) -> Envelope:
        """Send one request to the app (now, on its newest connection; else when it next connects)."""
        accepts = type_ == "slash_commands" or payload.get("type") in ANSWERED_INTERACTIONS
        with self._lock:
            envelope = Envelope(type_, payload, accepts)
            link = self._links[-1] if self._links else None
            text = self._sent(envelope, link) if link else None
            if link is None:
                envelope.ids.append(self._new_id())
            self._pending[envelope.id] = envelope
        if link is not None:
            self._send(link, text)
        return envelope

    def wait_ack(self, envelope: Envelope, timeout: float = 10.0) -> dict | None:
        """The ack's payload ({} for an ack without one); None if none came in time."""
        if not envelope.acked.wait(timeout):
            return None
        return envelope.ack or {}

    def wait_connected(self, timeout: float = 10.0, *, opened: int = 1) -> bool:
        """Until the app holds a connection, and has opened at least `opened` since the last reset."""
        with self._linked:
            return self._linked.wait_for(lambda: self._links and self.connections_opened >= opened, timeout)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._links)

    def wait_connections(self, count: int, timeout: float = 10.0) -> bool:
        """Until the app holds exactly `count` connections (one closing is gone once this returns)."""
        with self._linked:
            return self._linked.wait_for(lambda: len(self._links) == count, timeout)

    def wait_answered(self, timeout: float = 10.0) -> bool:
        """Until every delivery on a connection still open has been acked, a redelivery of a request acked
        meanwhile included: nothing sent to the app is still to come back to it. (What went on a connection
        since closed may never be answered: the request itself is delivered again.)"""
        with self._linked:
            return self._linked.wait_for(lambda: not any(link.open for link in self._unanswered.values()), timeout)

    @property
    def unacked(self) -> list[Envelope]:
        with self._lock:
            return list(self._pending.values())

    # ---- faults --------------------------------------------------------------------------------------
    def drop_connections(self) -> None:
        """Every connection closes, as a network or a Slack host would close it; unacked envelopes wait."""
        with self._lock:
            links = list(self._links)
        for link in links:
            link.close()

    def send_disconnect(self, reason: str = "refresh_requested") -> None:
        """Slack asks the app to reconnect ("refresh_requested": a routine refresh; "warning": this
        connection goes in about ten seconds)."""
        with self._lock:
            links = list(self._links)
            self._leaving.extend(links)
        for link in links:
            self._send(link, json.dumps({"type": "disconnect", "reason": reason,
                                         "debug_info": {"host": "sandbox-link"}}))

    def lose_acks(self, count: int = 1) -> None:
        """The next `count` acks never arrive: the connection breaks as each is on its way."""
        with self._lock:
            self._lose_acks += count

    # ---- the WebSocket's side ------------------------------------------------------------------------
    def _new_id(self) -> str:
        self._ids += 1
        return f"sandbox-envelope-{self._ids}-{secrets.token_hex(4)}"

    def _sent(self, envelope: Envelope, link: _Link) -> str:
        """A delivery of `envelope` on `link`, recorded (under the lock); its text."""
        envelope_id = envelope.ids[-1] if envelope.ids and envelope.link is None else self._new_id()
        if envelope_id not in envelope.ids:
            envelope.ids.append(envelope_id)
        text = envelope.message(envelope_id)
        envelope.link = link
        self._by_id[envelope_id] = envelope
        self._unanswered[envelope_id] = link
        self.deliveries.append(json.loads(text))
        return text

    def _send(self, link: _Link, text: str) -> None:
        try:
            link.send(text)
        except Exception:  # the link went meanwhile: the envelope stays pending, and goes out on the next one
            pass

    async def serve(self, websocket: WebSocket) -> None:
        # A browser always sends Origin; the bot's client never does, and a page elsewhere has no business here.
        ticket = websocket.query_params.get("ticket")
        with self._lock:
            valid = ticket in self._tickets and "origin" not in websocket.headers
            self._tickets.discard(ticket)
        if not valid:  # a ticket is good for one connection, as Slack's are
            await websocket.close(code=1008)
            return
        await websocket.accept()
        link = _Link(websocket, asyncio.get_running_loop())
        try:
            # Registered before the hello goes: an app that has its hello holds a connection that envelopes go to
            # (registered after, an envelope sent just after the hello went to another connection of the app's).
            async with link.sending:
                with self._linked:
                    hello = {"type": "hello", "num_connections": len(self._links) + 1,
                             "debug_info": {"host": "sandbox-link", "approximate_connection_time": 3600},
                             "connection_info": {"app_id": APP_ID}}
                    self._links.append(link)
                    self.connections_opened += 1
                    again = [self._sent(e, link) for e in self._pending.values() if e.link is None or not e.link.open]
                    # Slack closes a connection it asked the app to leave once the app has another (the client
                    # keeps it open meanwhile); left open here, the app would hold two connections for good.
                    leaving, self._leaving = [old for old in self._leaving if old.open], []
                    self._linked.notify_all()
                await websocket.send_text(json.dumps(hello))
                for text in again:
                    await websocket.send_text(text)
            for old in leaving:
                await old.websocket.close(code=1001)
            while True:
                if self._take_ack(await websocket.receive_text()):
                    await websocket.close(code=1011)
                    break
        except WebSocketDisconnect:
            pass
        finally:
            with self._linked:
                link.open = False
                self._linked.notify_all()
                self._links.remove(link)
                others = self._links[-1] if self._links else None
                # Slack sends what was left unacked on a connection that went to another one the app holds.
                again = [self._sent(e, others) for e in self._pending.values() if e.link is link] if others else []
            for text in again:
                self._send_soon(others, text)

    def _send_soon(self, link: _Link, text: str) -> None:
        link.loop.create_task(link.send_text(text))

    def _take_ack(self, text: str) -> bool:
        """Record an ack; True when it is to be lost (the connection then closes)."""
        try:
            ack = json.loads(text)
        except ValueError:
            return False
        if not isinstance(ack, dict) or "envelope_id" not in ack:
            return False
        with self._linked:
            envelope = self._by_id.get(ack["envelope_id"])
            if envelope is None:  # not one of ours
                return False
            self._unanswered.pop(ack["envelope_id"], None)
            self._linked.notify_all()
            if envelope.acked.is_set() or self._pending.get(envelope.id) is not envelope:
                return False  # an earlier delivery was acked: the request was answered then
            if self._lose_acks:
                self._lose_acks -= 1
                return True
            del self._pending[envelope.id]
            envelope.ack = ack.get("payload") or {}
        envelope.acked.set()
        return False


def socket_mode_routes(stand_in: SocketModeStandIn) -> list[WebSocketRoute]:
    return [WebSocketRoute(LINK_PATH, stand_in.serve)]
