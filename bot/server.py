"""Starting the bot: HTTP (uvicorn) always, Socket Mode too when an app-level token is set, and the scheduled
jobs' child process (bot/worker.py)."""
from __future__ import annotations

import logging

import uvicorn

from bot.app import Deps, create_bolt_app, create_http_app
from bot.clock import Clock
from bot.database import Database
from bot.settings import Settings
from bot.worker import WorkerChild

log = logging.getLogger("slm-bot")


def serve(settings: Settings, db: Database) -> int:
    sandbox = None
    if settings.sandbox:
        from bot.sandbox.workspace import SlackSandbox

        base = settings.sandbox_base_url
        sandbox = SlackSandbox(base_url=base)
        settings = settings.model_copy(update={"slack_api_url": f"{base}/sandbox/api/"})
    deps = Deps(settings=settings, db=db, clock=Clock(), sweep_on_arrival=True)
    executor = None
    if sandbox is not None:
        from bot.sandbox.executor import TrackedExecutor

        # the sandbox page shows what a click led to once the listener is done
        executor = TrackedExecutor(settings.after_ack_workers, settings.listener_backlog)
    bolt = create_bolt_app(deps, listener_executor=executor)
    app = create_http_app(deps, bolt_app=bolt, sandbox=sandbox, wait_idle=executor.wait_idle if executor else None)
    # The scheduled jobs run in a process of their own (bot/worker.py), started once the server answers, so that
    # neither its start nor its work takes the CPU an ack needs; SCHEDULER=off: a separate `slm-bot worker` runs them.
    worker = WorkerChild() if settings.scheduler == "child" else None
    socket_mode = None
    if settings.slack_app_token:
        from bot.socket_mode import connect

        socket_mode = connect(bolt, settings.slack_app_token)
        log.info("connected to Slack in Socket Mode")
    banner = None
    if sandbox is not None:
        from bot.sandbox.web import QuietPolls

        logging.getLogger("uvicorn.access").addFilter(QuietPolls())
        banner = f"slm-bot is running in sandbox mode (no SLACK_BOT_TOKEN): open {sandbox.base_url}/sandbox"
    if sandbox is not None and settings.sandbox_exposed:  # SANDBOX=1: the settings refuse this otherwise
        warning = (f"SANDBOX=1: the sandbox listens on {settings.host}, beyond this machine; anyone who can reach "
                   f"port {settings.port} acts as any sandbox user, with no login. Never give it real data.")
        log.warning(warning)
        print(f"\n{'!' * 72}\n{warning}\n{'!' * 72}\n", flush=True)
    try:
        server = _Server(uvicorn.Config(app, host=settings.host, port=settings.port,
                                        log_level=settings.log_level.lower()), banner, worker)
        server.run()
        if not server.started:  # e.g. the port is taken: uvicorn has said why; exit as uvicorn.run would
            return 3
    finally:
        if worker is not None:
            worker.stop()
        if socket_mode is not None:
            socket_mode.close()
    return 0


class _Server(uvicorn.Server):
    """uvicorn, with the sandbox page's address as the start's last line, where a person looks for it."""

    def __init__(self, config: uvicorn.Config, banner: str | None, worker: WorkerChild | None):
        super().__init__(config)
        self.banner, self.worker = banner, worker

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        if self.started and self.worker is not None:
            self.worker.start()
        if self.started and self.banner:
            print(self.banner, flush=True)
