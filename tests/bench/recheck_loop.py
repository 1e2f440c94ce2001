"""The 15-minute cover recheck back to back, in a process of its own, as the bot's worker child runs it in
production (bot/worker.py): started by tests/bench/serve_bot.py's POST /bench/recheck, it stops when that bot does.

`slm-bot run` no longer has a scheduler in its own process (the acks slice moved the jobs to a child), so the
benchmark's recheck runs beside the bot as the real one does, taking the CPU of its own process, not the bot's.
"""
from __future__ import annotations

import os
import sys


def main() -> int:
    from bot import jobs
    from bot.app import Deps
    from bot.clock import Clock
    from bot.database import Database
    from bot.settings import load_settings

    parent = os.getppid()
    settings = load_settings()
    if settings.sandbox:  # what a recheck sends goes to the bot's stand-in, as `slm-bot worker` does
        settings = settings.model_copy(update={"slack_api_url": f"{settings.sandbox_base_url}/sandbox/api/"})
    db = Database(settings.effective_database_url)
    deps = Deps(settings=settings, db=db, clock=Clock())
    while os.getppid() == parent:  # the bot that started it is gone: stop
        jobs.recheck_cover(deps)
    return 0


if __name__ == "__main__":
    sys.exit(main())
