"""The bot as `make run` starts it in sandbox mode, for the load generator (tests/bench/test_bench_acks.py).

    python -m tests.bench.serve_bot --port P --database-url sqlite:///…

It is `bot.server.serve`, unchanged, with two things the benchmark needs:
- The Slack stand-in takes the load generator's trigger ids (`<n>.<nonce>.<team>.<user>.loadgen`) as Slack takes
  a fresh one, so a command or button that opens a modal does its whole work (the generator, in another process,
  cannot mint triggers in this one's stand-in).
- `POST /bench/recheck`: the 15-minute cover recheck (bot.jobs' `coverage.recheck`) starts at once and runs again
  as soon as it ends, instead of 15 minutes after start: the busy phase of the benchmark. It runs in a process of
  its own (tests/bench/recheck_loop.py), as the bot's worker child runs it in production (bot/worker.py).
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


def _recheck_on_request() -> None:
    """POST /bench/recheck starts the cover recheck back to back in a process beside the bot (once; it stops when the
    bot does). The bot's own scheduled jobs run in its worker child since the acks slice: there is no scheduler in
    this process to speed up."""
    import subprocess

    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from bot import server
    from bot.worker import _die_with_parent  # the kernel ends it with the bot, even one killed with SIGKILL

    started: list[subprocess.Popen] = []

    async def start_recheck(_request):
        if not started:
            started.append(subprocess.Popen([sys.executable, "-m", "tests.bench.recheck_loop"],
                                            stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent))
        return JSONResponse({"ok": True})

    original_http_app = server.create_http_app

    def create_http_app(*args, **kw):
        app = original_http_app(*args, **kw)
        app.router.routes.insert(0, Route("/bench/recheck", start_recheck, methods=["POST"]))
        return app

    server.create_http_app = create_http_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args(argv)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SANDBOX"):
        os.environ.pop(name, None)
    os.environ.update({"PORT": str(args.port), "HOST": "127.0.0.1", "SANDBOX_DATABASE_URL": args.database_url,
                       "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING")})
    _take_loadgen_triggers()
    _recheck_on_request()
    from bot.cli import main as bot_main

    return bot_main(["run"])


if __name__ == "__main__":
    sys.exit(main())
