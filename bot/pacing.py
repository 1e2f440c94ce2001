"""Slack's pace for what the bot posts on its own: about one message a second in each channel, and none in a channel
that Slack has just answered 429 until its Retry-After has passed.

One `ChannelPacer` per process (on Deps), shared by every thread that delivers (the scheduler's round, the courier,
a listener sending its own edits), so two of them never post into one channel in the same second. It is memory
only: replicas pace each on their own, and a 429 that comes of two replicas posting at once holds the channel as
Slack says (bot.delivery), so the channel's rate is still honoured.

Time is read and waited through `monotonic` and `sleep`, so tests hand it a clock that moves when it is slept on
(`ChannelPacer.instant()`) and nobody waits for real.
"""
from __future__ import annotations

import threading
import time
from typing import Callable

# Slack: "chat.postMessage ... generally allows one message per second per channel, with short bursts".
PER_CHANNEL_INTERVAL = 1.0


class ChannelPacer:
    def __init__(self, interval: float = PER_CHANNEL_INTERVAL, *, monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = interval
        self._monotonic, self._sleep = monotonic, sleep
        self._free_at: dict[str, float] = {}  # channel -> when it may take its next message
        self._lock = threading.Lock()

    @classmethod
    def instant(cls, interval: float = PER_CHANNEL_INTERVAL) -> "ChannelPacer":
        """A pacer on a clock of its own that moves forward when slept on: the pacing happens, the waiting does not."""
        moment = [0.0]

        def sleep(seconds: float) -> None:
            moment[0] += max(seconds, 0.0)

        return cls(interval, monotonic=lambda: moment[0], sleep=sleep)

    def now(self) -> float:
        return self._monotonic()

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)

    def take(self, channel: str) -> bool:
        """The channel's next slot, if it is free now: True, and the slot is this caller's."""
        with self._lock:
            now = self._monotonic()
            if self._free_at.get(channel, 0.0) > now:
                return False
            self._free_at[channel] = now + self.interval
            return True

    def hold(self, channel: str, seconds: float) -> None:
        """Slack said 429: nothing more into this channel for `seconds` (its Retry-After)."""
        with self._lock:
            until = self._monotonic() + seconds
            self._free_at[channel] = max(self._free_at.get(channel, 0.0), until)

    def busy(self) -> list[str]:
        """The channels that may not take a message now (and forget those that may, so the map stays small)."""
        with self._lock:
            now = self._monotonic()
            for channel in [c for c, at in self._free_at.items() if at <= now]:
                del self._free_at[channel]
            return sorted(self._free_at)

    def next_free_in(self, channels: list[str]) -> float | None:
        """Seconds until the first of these channels is free again (None: none of them is busy)."""
        with self._lock:
            now = self._monotonic()
            waits = [self._free_at[c] - now for c in channels if self._free_at.get(c, 0.0) > now]
            return max(min(waits), 0.0) if waits else None
