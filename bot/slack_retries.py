"""The Web API client's retries: slack_sdk's own handlers, bounded where a trigger_id is spent.

A trigger_id lives three seconds. slack_sdk's RateLimitErrorRetryHandler waits
whatever Retry-After says (plus up to a second of jitter) and tries again; for
`views.open` that means opening with a trigger that expired meanwhile. So a call
that spends a trigger waits at most TRIGGER_WAIT_BUDGET seconds in all, across
its retries, and gives up at once when Slack asks it to wait longer: the person
is then told that Slack is busy (handlers/errors.py).

A post that other people see (chat.postMessage) is not tried again after a 5xx or a dropped
connection: Slack may have taken it, and a second try would post it twice. (The outbox sends
with no retries at all, and looks in Slack before it sends again; a listener tells the person
instead.) A 429 means Slack took nothing, so it is always waited out. Every other call keeps
slack_sdk's behaviour unchanged.
"""
from __future__ import annotations

import time
from typing import Optional

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler, default_interval_calculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

TRIGGER_METHODS = frozenset({"views.open", "views.push"})
SEEN_BY_OTHERS = frozenset({"chat.postMessage"})  # not repeatable once Slack may have taken it
TRIGGER_WAIT_BUDGET = 2.0  # seconds of waiting in all: the trigger lives 3 s, and the calls themselves take time
_sleep = time.sleep  # a seam: tests record the waits instead of sleeping them


def _method(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


def spends_trigger(url: str) -> bool:
    return _method(url) in TRIGGER_METHODS


def _retry_after(response: HttpResponse) -> float:
    for name, values in response.headers.items():
        if name.lower() == "retry-after":
            value = values[0] if isinstance(values, list) else values
            try:
                return max(0.0, float(value))
            except ValueError:
                break
    return 1.0  # Slack always sends one; slack_sdk waits a second without it too


class WithinTriggerLife(RetryHandler):
    """One of slack_sdk's retry handlers; for a call that spends a trigger, it retries only while the waits
    so far and the next one fit in TRIGGER_WAIT_BUDGET, and waits exactly that (no jitter)."""

    def __init__(self, inner: RetryHandler):
        super().__init__(inner.max_retry_count, inner.interval_calculator)
        self.inner = inner

    def _next_wait(self, state: RetryState, response: Optional[HttpResponse]) -> float:
        if response is not None and response.status_code == 429:
            return _retry_after(response)
        return self.inner.interval_calculator.calculate_sleep_duration(state.current_attempt)

    def can_retry(self, *, state: RetryState, request: HttpRequest, response: Optional[HttpResponse] = None,
                  error: Optional[Exception] = None) -> bool:
        if not self.inner.can_retry(state=state, request=request, response=response, error=error):
            return False
        rate_limited = response is not None and response.status_code == 429
        if _method(request.url) in SEEN_BY_OTHERS and not rate_limited:
            return False  # Slack may have posted it already: once is better than twice
        if not spends_trigger(request.url):
            return True
        values = state.custom_values if state.custom_values is not None else {}
        wait = self._next_wait(state, response)
        if values.get("waited", 0.0) + wait > TRIGGER_WAIT_BUDGET:
            return False  # the trigger would be dead before the retry: give up now, and say Slack is busy
        state.custom_values = {**values, "next_wait": wait}
        return True

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: Optional[HttpResponse] = None, error: Optional[Exception] = None) -> None:
        if not spends_trigger(request.url):
            self.inner.prepare_for_next_attempt(state=state, request=request, response=response, error=error)
            return
        values = state.custom_values
        wait = values.pop("next_wait")
        values["waited"] = values.get("waited", 0.0) + wait
        state.next_attempt_requested = True
        _sleep(wait)
        state.increment_current_attempt()


def within_trigger_life(handlers: list[RetryHandler]) -> list[RetryHandler]:
    return [WithinTriggerLife(h) for h in handlers]


def retry_handlers(interval_calculator: RetryIntervalCalculator = default_interval_calculator) -> list[RetryHandler]:
    """The Web API client's retries: a dropped connection or a 5xx tried twice more, a 429 three times, each
    waiting as `interval_calculator` says (slack_sdk's backoff with jitter; a 429 waits its Retry-After)."""
    return within_trigger_life([
        ConnectionErrorRetryHandler(max_retry_count=2, interval_calculator=interval_calculator),
        RateLimitErrorRetryHandler(max_retry_count=3, interval_calculator=interval_calculator),
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=interval_calculator),
    ])
