"""`GET /healthz`: whether the database answers, decided by at most one ping at a time, within DEADLINE.

Load balancers ask often, and many at once. A database that has stopped answering must neither hold every
caller for the length of its timeouts nor tie up a thread per caller: the first caller starts a ping, every
caller meanwhile waits for that same ping, none longer than DEADLINE from when it started, and the next ping
starts only when this one has ended. So even fifty callers at once against a silent database get their
503 within DEADLINE, and the first ping after the database is back brings the 200s back.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable

log = logging.getLogger(__name__)

DEADLINE = 1.5  # seconds; load balancers commonly give a health check 2


class HealthCheck:
    def __init__(self, ping: Callable[[], object], deadline: float = DEADLINE):
        self._ping = ping
        self._deadline = deadline
        self._pinging: asyncio.Future | None = None
        self._started = 0.0

    def _ping_and_log(self) -> None:
        try:
            self._ping()
        except Exception as exc:  # the load balancer needs a 503, not a stack trace
            log.warning("health check: the database did not answer: %s", type(exc).__name__)
            raise

    async def database_answers(self) -> bool:
        loop = asyncio.get_running_loop()
        if self._pinging is None or self._pinging.done():
            # The loop's own executor, not the one Slack's requests run in: a busy bot still answers here.
            self._pinging = loop.run_in_executor(None, self._ping_and_log)
            self._started = loop.time()
        remaining = self._started + self._deadline - loop.time()
        if remaining <= 0:
            return False
        try:
            await asyncio.wait_for(asyncio.shield(self._pinging), remaining)
        except Exception:  # noqa: BLE001  (timed out, or the ping failed: logged once, by the ping)
            return False
        return True
