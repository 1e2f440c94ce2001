"""The bot as `make run` starts it in sandbox mode, for the load generator (tests/bench/test_bench_acks.py).

    python -m tests.bench.serve_bot --port P --database-url sqlite:///…

It is `bot.server.serve`, unchanged, with two things the benchmark needs:
- The Slack stand-in takes the load generator's trigger ids (`<n>.<nonce>.<team>.<user>.loadgen`) as Slack takes
  a fresh one, so a command or button that opens a modal does its whole work (the generator, in another process,
  cannot mint triggers in this one's stand-in).
- `POST /bench/recheck`: the 15-minute cover recheck (bot.jobs' `recheck_cover`) starts at once in a process of
  its own, as the scheduled jobs run in production, and runs again as soon as it ends: the busy phase of the
  benchmark.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

LOADGEN_SUFFIX = ".loadgen"


class _TriggersWithLoadgen(dict):
    """The stand-in's minted triggers, plus any the load generator made (used once, like every trigger)."""

    def __init__(self, *args, used: set | None = None, **kw):
        super().__init__(*args, **kw)
        self.used = set() if used is None else used

    def pop(self, key, *default):
        if isinstance(key, str) and key.endswith(LOADGEN_SUFFIX) and key not in self.used:
            self.used.add(key)
            _n, _nonce, team, user, _tag = key.split(".")
            return team, user, time.monotonic()
        return super().pop(key, *default)


def _take_loadgen_triggers() -> None:
    from bot.sandbox import workspace

    original_reset = workspace.SlackSandbox.reset

    def reset(self, *args, **kw):
        original_reset(self, *args, **kw)
        self.triggers = _TriggersWithLoadgen(self.triggers)

    workspace.SlackSandbox.reset = reset


def _recheck_on_request(database_url: str) -> None:
    """POST /bench/recheck starts the cover recheck back to back in a process of its own, as the bot's scheduled
    jobs run in production (bot/worker.py: `slm-bot worker`, a child of `slm-bot run`), so it takes the CPU a
    worker would, not the web process's."""
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from bot import server
    from bot.worker import WorkerChild

    loop = WorkerChild([sys.executable, "-m", "tests.bench.serve_bot", "--recheck-loop", "--database-url", database_url])

    async def start_recheck(_request):
        if loop._watcher is None:
            loop.start()
        return JSONResponse({"ok": True})

    original_http_app = server.create_http_app

    def create_http_app(*args, **kw):
        app = original_http_app(*args, **kw)
        app.router.routes.insert(0, Route("/bench/recheck", start_recheck, methods=["POST"]))
        return app

    server.create_http_app = create_http_app
    import atexit

    atexit.register(loop.stop)


def _recheck_loop() -> int:
    """The recheck job (bot.jobs.recheck_cover), again as soon as it ends, until the bot that started it stops.
    A seeded world's SLAs were never checked, so the first cycle checks every one of them (minutes at the 1k scale):
    the process is busy for the whole of the benchmark's busy phase."""
    from bot import jobs
    from bot.app import Deps
    from bot.clock import Clock
    from bot.cli import _open_database
    from bot.settings import load_settings
    from bot.worker import PARENT_ENV

    settings = load_settings()
    db = _open_database(settings.effective_database_url, migrate=False)
    deps = Deps(settings=settings, db=db, clock=Clock())
    parent = int(os.environ.get(PARENT_ENV) or 0)
    while not parent or os.getppid() == parent:
        jobs.recheck_cover(deps)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--recheck-loop", action="store_true")
    args = parser.parse_args(argv)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SANDBOX"):
        os.environ.pop(name, None)
    os.environ.update({"SANDBOX_DATABASE_URL": args.database_url,
                       "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING")})
    if args.recheck_loop:
        return _recheck_loop()
    os.environ.update({"PORT": str(args.port), "HOST": "127.0.0.1"})
    _take_loadgen_triggers()
    _recheck_on_request(args.database_url)
    from bot.cli import main as bot_main

    return bot_main(["run"])


if __name__ == "__main__":
    sys.exit(main())
