"""Starts bot processes for the SIGKILL fault test, quickly: `slm-bot run` and `slm-bot tick` in forked children.

Importing the bot takes seconds; a fault test that restarts it thirty times cannot pay that each time. This
process imports it once, then forks a child per start, and the child runs `slm-bot` exactly as the command line
does (bot.cli.main) in a process of its own, which the test kills with SIGKILL. Children are reaped at once
(SIGCHLD ignored), so a killed bot's pid is gone, as it is when a real process dies.

Protocol, a line each way: "run", "tick" or "import <its arguments>" -> the child's pid; "quit" -> exit.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import signal
import sys

import bot.cli  # noqa: F401  (the imports a child would otherwise pay for)
import bot.jobs  # noqa: F401
import bot.server  # noqa: F401
import handlers

# What `run` and `tick` import only once they start, each child again: every handler module (handlers.register
# imports them as it registers them), the commands' own modules, the PostgreSQL driver (imported when the engine is
# made) and uvicorn's protocol modules (imported when it starts serving). About 0.3 s of CPU a child, and the SIGKILL
# test starts about eighty (thirty-one servers, a tick or two a round).
WARM = ("bot.scheduler", "bot.audit.cli", "bot.forget_user", "bot.measurements.openslo_cli", "bot.measurements.ingest",
        "bot.measurements.tokens", "psycopg", "sqlalchemy.dialects.postgresql.psycopg", "uvicorn.lifespan.on",
        "uvicorn.loops.asyncio", "uvicorn.protocols.http.h11_impl",
        "uvicorn.protocols.websockets.websockets_sansio_impl")


def _warm() -> None:
    for module in pkgutil.walk_packages(handlers.__path__, "handlers."):
        importlib.import_module(module.name)
    for name in WARM:
        try:
            importlib.import_module(name)
        except ImportError:  # an optional piece (another uvicorn's protocol): the child imports what it has
            pass


def _child(argv: list[str], log_path: str) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    try:
        code = bot.cli.main(argv)
    except BaseException:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)


def main() -> None:
    log_path = sys.argv[1]
    _warm()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    for line in sys.stdin:
        argv = line.split()
        if argv == ["quit"]:
            return
        if not argv or argv[0] not in ("run", "tick", "import"):
            print("?", flush=True)
            continue
        pid = os.fork()
        if pid == 0:
            _child(argv, log_path)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
