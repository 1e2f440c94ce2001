"""The app factory: the Bolt app (Slack listeners) and the HTTP app that serves it.

One HTTP app serves `POST /slack/events` (commands, interactivity and events),
`GET /healthz`, the HTTP API for senders under `/api` (bot/api), and in sandbox mode the Slack stand-in and its web page.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo
from functools import cached_property

import anyio
import anyio.to_thread
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_sdk import WebClient
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from bot.agreements import DocSettings
from bot.benchmarks import BenchmarkLibrary, load_benchmarks
from bot.clock import Clock
from bot.courier import Courier
from bot.database import Database
from bot.health import HealthCheck
from bot import listener_threads
from bot.listener_threads import ListenerThreads
from bot.pacing import ChannelPacer
from bot.settings import Settings
from bot.slack_retries import retry_handlers
from bot.slack_requests import Refused, bolt_request, is_ssl_check, read_body, verified_text
from handlers.guard import busy_answer
import handlers  # the Slack listeners: handlers.register walks their table into the Bolt app

log = logging.getLogger(__name__)


@dataclass
class Deps:
    """What listeners need besides the request; handed to them through the Bolt context."""

    settings: Settings
    db: Database
    clock: Clock
    claim_clock: Clock | None = None  # what outbox claims are timed by; unset: the database's clock
    # The Web API client's retries; unset: bot.slack_retries.retry_handlers(). Tests pass ones that wait nothing.
    slack_retry_handlers: list[RetryHandler] | None = None
    # Slack's pace for the outbox (bot.pacing); unset: real time. Tests pass ChannelPacer.instant().
    channel_pacer: ChannelPacer | None = None
    # Sweep and send breach alerts as soon as measurements arrive (bot.courier): on in `slm-bot run`; off where the
    # scheduled jobs are run by hand (the tests' frozen clock, `slm-bot tick`).
    sweep_on_arrival: bool = False

    @cached_property
    def claims_clock(self) -> Clock:
        from bot.clock import DatabaseClock

        return self.claim_clock or DatabaseClock(self.db)

    @cached_property
    def pacer(self) -> ChannelPacer:
        return self.channel_pacer or ChannelPacer()

    @cached_property
    def courier(self) -> Courier:
        return Courier(self)

    def arrived(self, team_id: str) -> None:
        """Measurements of this workspace were just committed: their breach alerts go now, not at the next tick."""
        if self.sweep_on_arrival:
            self.courier.wake(team_id)

    @cached_property
    def benchmarks(self) -> BenchmarkLibrary:
        """The shipped benchmark library plus the organisation's own files (BENCHMARKS_DIR)."""
        extra = [self.settings.benchmarks_dir] if self.settings.benchmarks_dir else []
        return load_benchmarks(extra)

    @cached_property
    def profile_client(self) -> WebClient:
        """For reading a person's profile before the ack: no retries, a short timeout (Slack's 3 seconds). One
        workspace's; in distributed mode `profile_client_for(team_id)`."""
        return WebClient(token=self.settings.bot_token, base_url=self.settings.slack_api_url, timeout=2,
                         retry_handlers=[])

    def profile_client_for(self, team_id: str) -> WebClient | None:
        if not self.settings.distributed:
            return self.profile_client
        client = self.client_for(team_id)
        return client and WebClient(token=client.token, base_url=client.base_url, timeout=2, retry_handlers=[])

    @cached_property
    def client(self) -> WebClient:
        """The Web API client for what the bot sends on its own (scheduled jobs). In distributed mode it has no
        token: whatever is sent takes its workspace's client (`client_for`)."""
        return create_web_client(self.settings, self.slack_retry_handlers)

    @cached_property
    def installs(self):
        """Distributed mode: the workspaces' installations (bot.installs.Installs); None otherwise."""
        if not self.settings.distributed:
            return None
        from bot.installs.clients import Installs

        return Installs(self, lambda: create_web_client(self.settings, self.slack_retry_handlers))

    def client_for(self, team_id: str) -> WebClient | None:
        """The client to call Slack with for this workspace: the one token's, or (distributed) the workspace's own
        installation's, None when it has none (not installed, or uninstalled)."""
        if self.installs is None:
            return self.client
        return self.installs.client_for(team_id)

    def today(self) -> date:
        """Today in the organisation's time zone."""
        return self.clock.now().astimezone(ZoneInfo(self.settings.timezone)).date()

    @property
    def docs(self) -> DocSettings:
        return DocSettings(provider_name=self.settings.provider_name, templates_dir=self.settings.templates_dir)


def create_web_client(settings: Settings, handlers: list[RetryHandler] | None = None) -> WebClient:
    """A Web API client that rides out rate limits, Slack's 5xx and dropped connections (views.open only
    while its trigger lives)."""
    return WebClient(
        token=settings.bot_token,  # None in distributed mode: Bolt gives listeners their workspace's
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=retry_handlers() if handlers is None else handlers,
    )


def slack_library_logger() -> logging.Logger:
    """The logger Bolt writes to, and Slack's SDK held at INFO or above whatever LOG_LEVEL says.

    At DEBUG both write out whole requests and answers (what a person typed in a command or a modal, what
    the bot posted back); nothing a person typed belongs in the log.
    """
    floor = max(logging.INFO, logging.getLogger().getEffectiveLevel())
    logging.getLogger("slack_sdk").setLevel(floor)
    logger = logging.getLogger("slm-bot.slack")
    logger.setLevel(floor)
    return logger


def create_bolt_app(deps: Deps, *, listener_executor: ListenerThreads | None = None) -> App:
    """`listener_executor`: where listeners run; unset, a ListenerThreads with AFTER_ACK_WORKERS work slots."""
    threads = listener_executor or ListenerThreads(work_slots=deps.settings.after_ack_workers,
                                                   backlog=deps.settings.listener_backlog)
    oauth = {}
    if deps.settings.distributed:  # installed per workspace: Bolt authorises each request from the store
        from bot.installs.oauth import oauth_settings

        oauth = dict(oauth_settings=oauth_settings(deps))
    app = App(
        client=create_web_client(deps.settings, deps.slack_retry_handlers),
        signing_secret=deps.settings.signing_secret,
        # /slack/events checks each request's signature on its raw bytes before Bolt sees it (bot/slack_requests.py);
        # requests over Socket Mode come through the app-level token's own connection.
        request_verification_enabled=False,
        # An unhandled request goes to handlers/errors.on_error, which logs what it was without its body.
        raise_error_for_unhandled_request=True,
        logger=slack_library_logger(),
        name="slm-bot",
        # Slack wants an answer within three seconds. Bolt runs each registered function in the request thread;
        # handlers/guard.py starts the listener on a thread of its own and answers the moment it acks (a modal's
        # inline errors travel in that answer). Bolt's other way (process_before_response=False) queues the whole
        # listener, ack included, in a fixed pool that slow after-ack work keeps busy.
        process_before_response=True,
        listener_executor=threads,
        token_verification_enabled=False,  # auth.test runs on the first request instead of at import
        **oauth,
    )
    handlers.register(app, deps, threads)
    return app


def _api(deps: Deps):
    from bot.api import create_api  # FastAPI and its OpenAPI models: a sixth of the start-up's imports

    return create_api(deps)


class DispatchThreads:
    """The threads Slack's requests are dispatched on (each until its listener acks, at most ACK_WAIT_SECONDS), apart
    from the server's shared pool. That pool (anyio's, 40 threads) also runs the HTTP API's and, in sandbox mode, the
    Slack stand-in's work: there, acks queued behind ingestion and behind the bot's own calls to the stand-in, and
    once an ack took 0.4 s at 100 requests a second all 40 were taken and the queue grew without end (the profile:
    a wait of 1-3 s for a thread, idle; 7-19 s busy). A thread that waits for an ack costs no CPU, so up to
    LISTENER_BACKLOG of them may wait, as many as listeners may be alive (bot/listener_threads.py).

    A request that finds them all taken waits ROOM_WAIT_SECONDS for one, as a listener waits for room in the
    backlog, and is then answered busy (`run` returns None): an unbounded queue of requests here would be dispatched
    long after Slack had given up on them (3 s), their work done while the person was shown a failure."""

    def __init__(self, size: int):
        self.size = size
        self._room = None  # made on the event loop, on the first request (anyio asks for a running loop)
        self._threads = None

    def reserve_now(self) -> bool:
        """Take a dispatch thread's room now, without waiting: whether one was free (then `run_reserved` uses it)."""
        if self._room is None:
            self._room, self._threads = anyio.Semaphore(self.size), anyio.CapacityLimiter(self.size)
        try:
            self._room.acquire_nowait()
        except anyio.WouldBlock:
            return False
        return True

    async def run(self, fn, *args):
        """`fn(*args)` on a dispatch thread; None when none was free within ROOM_WAIT_SECONDS."""
        if not self.reserve_now():
            with anyio.move_on_after(listener_threads.ROOM_WAIT_SECONDS) as waited:
                await self._room.acquire()
            if waited.cancelled_caught:
                return None
        return await self.run_reserved(fn, *args)

    async def run_reserved(self, fn, *args):
        """`fn(*args)` on a dispatch thread whose room `reserve_now` took; the room is given back after."""
        try:
            return await anyio.to_thread.run_sync(fn, *args, limiter=self._threads)
        finally:
            self._room.release()


class BuiltOnFirstRequest:
    """An ASGI app built by the first request that reaches it, not at start: the HTTP API (FastAPI) is needed by
    senders of measurements, never by `/healthz` or Slack, and importing it was a sixth of the CPU a process spent
    to answer `/healthz`. It is built in a worker thread, so the event loop goes on answering Slack meanwhile."""

    def __init__(self, build):
        self._build = build
        self._app = None
        self._lock = threading.Lock()

    def _built(self):
        with self._lock:  # two first requests at once build it once
            if self._app is None:
                self._app = self._build()
        return self._app

    async def __call__(self, scope, receive, send):
        app = self._app or await run_in_threadpool(self._built)
        await app(scope, receive, send)


def create_http_app(deps: Deps, *, bolt_app: App | None = None, sandbox=None, sandbox_page: bool | None = None,
                    wait_idle=None) -> Starlette:
    """`sandbox`: the Slack stand-in to serve. Its page (which acts as anyone) comes with it in sandbox mode only,
    unless `sandbox_page` says otherwise (the test harness, a Slack-mode app wired to the stand-in)."""
    bolt = bolt_app or create_bolt_app(deps)
    verifier = SignatureVerifier(deps.settings.signing_secret) if deps.settings.signing_secret else None
    dispatch_threads = DispatchThreads(deps.settings.listener_backlog)
    listeners: ListenerThreads = bolt.listener_runner.listener_executor  # create_bolt_app's: wait_idle counts on it

    async def slack_events(request: Request):
        try:
            raw = await read_body(request)
            if is_ssl_check(raw):
                return Response(status_code=200)
            slack_request = bolt_request(verified_text(raw, request, verifier), request)
        except Refused as refused:
            log.info("refused a request to /slack/events: %s", refused.reason)
            return JSONResponse({"error": refused.reason}, status_code=refused.status)
        if slack_request.body.get("type") == "block_actions" and dispatch_threads.reserve_now():
            # A button press, with a dispatch thread free for it: Slack reads nothing of the answer but its 200, so it
            # is answered now, signed and read, and dispatched after the answer has gone (its listener's own ack then
            # goes nowhere; refused by a full backlog there, the person is told: handlers/guard.py). Counted by
            # wait_idle from here until its listener's work is done. With no thread free it takes the common path:
            # a moment's wait for one, then 503, which Slack shows the person as its own error.
            listeners.hold()
            return Response(status_code=200, background=BackgroundTask(dispatch_apart, slack_request))
        # Bolt's listeners are synchronous; run them off the event loop so the server keeps answering.
        bolt_response = await dispatch_threads.run(bolt.dispatch, slack_request)
        if bolt_response is None:  # every dispatch thread taken: refused now rather than queued without end
            log.warning("refused a request to /slack/events: all %d dispatch threads are taken", dispatch_threads.size)
            bolt_response = busy_answer(slack_request.body)
        return to_starlette_response(bolt_response)

    async def dispatch_apart(slack_request) -> None:
        """A button press already answered, on the dispatch thread reserved for it. A background task of the
        response, so a server stopping gracefully waits for it."""
        try:
            await dispatch_threads.run_reserved(bolt.dispatch, slack_request)
        except asyncio.CancelledError:
            log.warning("a button press answered was not dispatched: the server is stopping")
            raise
        except Exception:  # noqa: BLE001 - nobody else would hear of it: the answer has gone
            log.exception("a button press failed in its dispatch")
        finally:
            listeners.release()

    health = HealthCheck(deps.db.ping)

    async def healthz(_request: Request):
        if not await health.database_answers():
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True, "mode": "sandbox" if deps.settings.sandbox else "slack"})

    routes = [Route("/healthz", healthz, methods=["GET"]), Mount("/api", app=BuiltOnFirstRequest(lambda: _api(deps)))]
    if deps.settings.signing_secret is not None:  # without one, nothing could prove a request came from Slack
        routes.append(Route("/slack/events", slack_events, methods=["POST"]))
    if bolt.oauth_flow is not None:  # distributed mode: /slack/install and /slack/oauth_redirect
        from bot.installs.routes import oauth_routes

        routes += oauth_routes(bolt.oauth_flow)
    if sandbox is not None:
        from bot.sandbox.api import api_routes

        routes += api_routes(sandbox)
        if deps.settings.sandbox if sandbox_page is None else sandbox_page:
            from bot.sandbox.web import web_routes

            routes += web_routes(sandbox, deps.settings, wait_idle=wait_idle)
    app = Starlette(routes=routes)
    if sandbox is not None:  # the stand-in answers only its own address and page
        from bot.sandbox.guard import SandboxGuard

        app.add_middleware(SandboxGuard, base_url=sandbox.base_url)
    app.state.bolt = bolt
    app.state.deps = deps
    return app
