"""Breach alerts sent as soon as what raises them arrives, not at the scheduler's next tick.

When a request stores measurements (an Alertmanager alert, ticket events, outages, samples), its route calls
`Deps.arrived(team_id)` after its transaction has committed. That only marks the workspace and sets an event, so it
never delays the HTTP answer; one daemon thread (this courier) then sweeps that workspace's breaches
(bot.breaches.jobs.sweep) and sends what the sweep queued (bot.delivery.deliver_pending, at Slack's pace).

Once-only is the sweep's and the outbox's as always: a breach row is locked while it moves and each message has a
key, so the courier racing the scheduler's own sweep, or another replica's, sends nothing twice. Arrivals while a
sweep runs are folded into the next one, so a burst of requests costs a sweep or two, not one each. The courier
starts with its first arrival; the scheduler's jobs remain the backstop for anything it missed (a crash between
the commit and the wake).
"""
from __future__ import annotations

import logging
import threading

from bot import delivery
from bot.breaches import jobs as breach_jobs

log = logging.getLogger(__name__)


class Courier:
    def __init__(self, deps):
        self._deps = deps
        self._teams: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0  # sweeps done (for tests and benchmarks to wait on)

    def wake(self, team_id: str) -> None:
        """Sweep this workspace soon. Never blocks: marks it and sets an event."""
        with self._lock:
            self._teams.add(team_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="slm-courier", daemon=True)
                self._thread.start()
        self._wake.set()

    def idle(self) -> bool:
        with self._lock:
            return not self._teams and not self._wake.is_set() and not self._busy

    _busy = False

    def _run(self) -> None:
        while True:
            self._wake.wait()
            with self._lock:
                self._wake.clear()
                teams, self._teams = sorted(self._teams), set()
                self._busy = True
            try:
                self._round(teams)
            finally:
                with self._lock:
                    self._busy = False
                    self.rounds += 1

    def _round(self, teams: list[str]) -> None:
        try:
            breach_jobs.sweep(self._deps, team_ids=teams)
        except Exception:  # noqa: BLE001 - logged; the scheduler's sweep is the backstop
            log.exception("the breach sweep on arrival failed; the scheduled sweep will catch up")
        try:
            delivery.deliver_pending(self._deps, self._deps.client)
        except Exception:  # noqa: BLE001 - logged; the scheduler's delivery round is the backstop
            log.exception("delivery on arrival failed; the scheduled round will send it")
