"""The scheduled jobs in a process of their own, so they never take the CPU (the GIL) an ack needs.

`slm-bot worker` runs the scheduler (bot/scheduler.py, the jobs of bot/jobs.py) and nothing else.
`slm-bot run` starts one as its child (SCHEDULER=child, the default) once its HTTP server is up,
starts it again if it dies, and stops it when it stops; with SCHEDULER=off it starts none, for a
platform that runs `slm-bot worker` as a process of its own (the Procfile's `worker` line).

A child must not outlive its parent (a bot killed with SIGKILL would leave its jobs running): on
Linux the kernel kills it when the parent dies (PR_SET_PDEATHSIG), and everywhere it looks each
second whether its parent is still the one that started it. Every job is safe to run in several
processes at once (the outbox's claims, the reminders' once-only hand-over), so a worker beside
each replica, or one for them all, are both fine.
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading

log = logging.getLogger("slm-bot")
PARENT_ENV = "SLM_BOT_PARENT_PID"  # set by the parent for its child: the pid it must outlive no longer than
RESTART_AFTER_SECONDS = 5.0  # a child that died is started again after this, so a crash loop costs little


try:  # looked up here, not between fork and exec, where only async-signal-safe work is safe
    _prctl = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux: the child's own look at its parent is enough
    _prctl = None


def _die_with_parent() -> None:
    """In the child, before exec: the kernel sends SIGKILL when the thread that started it ends, which is the watcher
    thread, alive as long as the parent process."""
    if _prctl is not None:
        _prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


class WorkerChild:
    """`slm-bot worker` as a child of this process, kept running until `stop()`."""

    def __init__(self, argv: list[str] | None = None):
        self.argv = argv or [sys.executable, "-m", "bot.cli", "worker"]
        self._process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        # Spawning and stopping take turns: a stop() while a child is being started must see (and stop) that child,
        # and no child may be started once stop() has begun.
        self._lock = threading.Lock()

    def start(self) -> None:
        # The first child starts here, so what it logs at start comes before whatever the caller prints next (the
        # sandbox's address is the start's last line); the watcher then keeps it running.
        self._spawned()
        self._watcher = threading.Thread(target=self._keep_running, name="worker-child", daemon=True)
        self._watcher.start()

    def _spawn(self) -> subprocess.Popen:
        env = {**os.environ, PARENT_ENV: str(os.getpid())}
        return subprocess.Popen(self.argv, env=env, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)

    def _spawned(self) -> subprocess.Popen | None:
        """A new child, unless stop() has begun (then None)."""
        with self._lock:
            if self._stopping.is_set():
                return None
            process = self._process = self._spawn()
        log.info("scheduled jobs run in process %s (slm-bot worker)", process.pid)
        return process

    def _keep_running(self) -> None:
        while self._process is not None:
            code = self._process.wait()
            if self._stopping.is_set():
                return
            log.error("the scheduled jobs' process exited with %s; starting it again in %.0f s", code,
                      RESTART_AFTER_SECONDS)
            if self._stopping.wait(RESTART_AFTER_SECONDS) or self._spawned() is None:
                return

    def stop(self, timeout: float = 5.0) -> None:
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()


def run(deps) -> int:
    """`slm-bot worker`: the scheduler, until SIGTERM or SIGINT (or, as a child, until the parent is gone)."""
    from bot.scheduler import create_scheduler

    parent = int(os.environ.get(PARENT_ENV) or 0)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    scheduler = create_scheduler(deps)
    scheduler.start()
    log.info("slm-bot worker: the scheduled jobs are running")
    try:
        while not stop.wait(1.0):
            if parent and os.getppid() != parent:  # the parent died before the kernel was asked to tell us
                log.warning("slm-bot worker: the bot that started it is gone; stopping")
                break
    finally:
        scheduler.shutdown(wait=False)
    return 0

