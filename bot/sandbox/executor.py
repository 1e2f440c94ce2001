"""A thread pool that can say when it has nothing left to do.

Bolt acknowledges Slack first and finishes a listener's slower work (posting
threads, uploading documents) in its executor, as a long-running app must to
answer within Slack's three seconds. The stand-in and the tests wait on this
pool, so that what they read afterwards is what the listener finished.
"""
from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor


class TrackedExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 8):
        super().__init__(max_workers=max_workers, thread_name_prefix="listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._done)
        return future

    def _done(self, _future: Future) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)
