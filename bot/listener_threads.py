"""Where listeners run: each on a thread of its own at once, its work after the ack in a bounded number of slots.

Slack wants an answer within three seconds, and the ack is all it waits for. A listener
acks first (a modal's inline errors travel in that answer) and then does its slower work
(posting threads, uploading documents, rendering a map of 10k services). Bolt's own runner
hands the whole listener to a fixed pool and polls for the ack: while the pool is busy with
slow after-ack work, a new request's listener waits in the pool's queue, and its ack with it.

Here nothing before the ack ever waits for a pool: every listener starts on a new thread at
once (a thread is cheap next to a request; the part before the ack is short: parse, check,
answer), and the request thread is woken the moment it acks. After its ack a listener takes
one of `work_slots` slots before it goes on, so at most that many listeners do after-ack work
at a time: that work cannot fill the process with runnable threads and take the CPU (the
GIL) from the acks. The rest wait for a slot, asleep, in the order they came.

At most `backlog` listeners are alive at once (running, or asleep waiting for a slot): under a flood that the
slots cannot keep up with, the threads would otherwise grow without end, each one's request long given up by
Slack. A request that finds the backlog full waits a moment (`ROOM_WAIT_SECONDS`) for room, then is refused
(ListenersBusy; handlers/guard.py answers it "busy", and Slack retries an event).

`wait_idle` says when every listener has finished, its after-ack work included, so the
sandbox page and the tests read what a request led to only once it is all done. Work that leads to a listener but
runs before it is submitted (a button press answered at once and dispatched in the background, bot/app.py) is
counted from the moment it is taken on: `hold()` ... `release()`.
"""
from __future__ import annotations

import threading
from concurrent.futures import Executor, Future


ROOM_WAIT_SECONDS = 1.0  # a burst's requests wait this long for room in a full backlog; Slack waits 3 s in all


class ListenersBusy(RuntimeError):
    """Every one of the backlog's listeners is still alive: this request is not started."""


class ListenerThreads(Executor):
    """An Executor (what Bolt takes as `listener_executor`) whose every task starts on its own thread now."""

    def __init__(self, work_slots: int = 2, backlog: int = 200):
        self.work_slots, self.backlog = work_slots, max(backlog, work_slots)
        self._slots = threading.Semaphore(work_slots)  # FIFO enough: threads asleep on it are woken in turn
        self._room = threading.BoundedSemaphore(self.backlog)
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        if not self._room.acquire(timeout=ROOM_WAIT_SECONDS):
            raise ListenersBusy(f"{self.backlog} listeners are still at work")
        future: Future = Future()
        self.hold()

        def run() -> None:
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn(*args, **kwargs))
                    except BaseException as error:  # noqa: BLE001 - handed to whoever holds the future
                        future.set_exception(error)
            finally:
                self._room.release()
                self.release()

        try:
            threading.Thread(target=run, name="listener", daemon=True).start()
        except RuntimeError:  # "can't start new thread": the process's limit, below the backlog
            self._room.release()
            self.release()
            raise ListenersBusy("no thread could be started") from None
        return future

    def hold(self) -> None:
        """Count work not yet submitted (a dispatch in the background) as pending, so `wait_idle` waits for it; each
        hold is released once, by `release`."""
        with self._idle:
            self._pending += 1

    def release(self) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def acquire_slot(self) -> None:
        """Before a listener's work after its ack: at most `work_slots` hold one at once; the rest sleep here."""
        self._slots.acquire()

    def release_slot(self) -> None:
        self._slots.release()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Whether every listener started so far has finished (within `timeout` seconds)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)
