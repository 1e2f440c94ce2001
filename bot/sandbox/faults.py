"""The faults the Slack stand-in can be told to inject: Slack's 429s and 5xx, an answer lost after a call was
taken, and a tripwire that runs a test's action on a method's next call (a fault test kills the bot there).

A mixin of `workspace.SlackSandbox`: it keeps its queues in the sandbox's `_failures`, `_lost` and `_tripwires`
and `_outage` (made by `reset`), under the sandbox's `_lock`; `SlackSandbox.call` consumes them.
"""
from __future__ import annotations

from typing import Callable


class FaultInjection:
    def fail_next(self, method: str, status: int = 429, *, retry_after: int = 1, times: int = 1,
                  body: dict | None = None) -> None:
        """Make the next `times` calls of `method` answer with an HTTP error, as Slack does under load."""
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        default = {"ok": False, "error": "ratelimited"} if status == 429 else {"ok": False, "error": "fatal_error"}
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, headers, body or default)] * times)

    def go_down(self, status: int = 503, *, retry_after: int = 60) -> None:
        """Answer every call of every method with `status` until `come_back()`: Slack down (a 5xx), or rate-limiting
        everything (429, each answer saying Retry-After `retry_after`)."""
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        body = {"ok": False, "error": "ratelimited"} if status == 429 else {"ok": False, "error": "fatal_error"}
        with self._lock:
            self._outage = (status, headers, body)

    def come_back(self) -> None:
        with self._lock:
            self._outage = None

    def lose_answer_next(self, method: str, how: str = "drop", *, seconds: float = 0.0, times: int = 1) -> None:
        """Take the next `times` calls of `method` (a message is posted) and then lose the answer, as a network
        or Slack's edge does: "drop" the connection, answer "5xx", or "hang" `seconds` before answering."""
        if how not in ("drop", "5xx", "hang"):
            raise ValueError(how)
        with self._lock:
            self._lost.setdefault(method, []).extend([(how, seconds)] * times)

    def take_lost_answer(self, method: str) -> tuple[str, float] | None:
        with self._lock:
            pending = self._lost.get(method)
            return pending.pop(0) if pending else None

    def trip_next(self, method: str, action: Callable[[], None], *, after: bool = False) -> None:
        """Run `action` on the next call of `method`: before the stand-in takes it, or `after` it took it and
        before it answers (a fault test kills the bot there)."""
        with self._lock:
            self._tripwires.setdefault(method, []).append((after, action))

    def disarm(self) -> None:
        """Forget every tripwire not yet tripped."""
        with self._lock:
            self._tripwires.clear()

    def _trip(self, method: str, after: bool) -> None:
        wires = self._tripwires.get(method) or []
        for i, (when, action) in enumerate(wires):
            if when == after:
                wires.pop(i)
                action()
                return
