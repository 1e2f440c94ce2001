"""Telling a person that the button they pressed was not started, because the bot was too busy to start it.

A button press (`block_actions`) is answered 200 the moment its signature is checked and dispatched in the
background (bot/app.py): Slack ignores the body of that answer, so a refusal there could tell nobody. When the
background dispatch then finds no room (every dispatch thread taken, or the listener backlog full), the person is
told here instead, through the payload's `response_url`, as an ephemeral that leaves the message alone
(handlers.guard.BUSY_TEXT). A press with no `response_url` (an App Home's or a modal's button) tells nobody; it is
logged, as a 503 told nobody before.

The notices go out from a few threads of their own, never from the event loop, through a bounded queue: under a
flood that fills it a notice is dropped and logged rather than queued without end (the person sees nothing happen
and presses again, as they would after Slack's own error).
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Callable

from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.webhook import WebhookClient

from handlers.guard import BUSY_TEXT

log = logging.getLogger(__name__)

QUEUE_SIZE = 200  # notices waiting to be sent; past it one is dropped
SENDERS = 2  # threads sending them: a response_url answers in tens of milliseconds
TIMEOUT_SECONDS = 5.0


class BusyNotices:
    def __init__(self, retry_handlers: list[RetryHandler], *, queue_size: int = QUEUE_SIZE, senders: int = SENDERS):
        self._retry_handlers = retry_handlers
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._senders = senders
        self._started = False
        self._lock = threading.Lock()

    def tell(self, body: dict, done: Callable[[], None] = lambda: None) -> bool:
        """Queue the busy notice for the person who sent `body`; `done` is called once it is sent, has failed, or
        was never queued. Whether it was queued."""
        url = body.get("response_url")
        if not url:
            log.warning("a button press was not started (the bot is busy) and has no response_url: nobody was told")
            done()
            return False
        try:
            self._queue.put_nowait((url, done))
        except queue.Full:
            log.warning("a button press was not started (the bot is busy), and %d busy notices are already waiting: "
                        "this one is dropped", self._queue.maxsize)
            done()
            return False
        self._start()
        return True

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            for n in range(self._senders):
                threading.Thread(target=self._send_all, name=f"busy-notice-{n}", daemon=True).start()
            self._started = True

    def _send_all(self) -> None:
        while True:
            url, done = self._queue.get()
            try:
                sent = WebhookClient(url, timeout=TIMEOUT_SECONDS, retry_handlers=self._retry_handlers).send(
                    text=BUSY_TEXT, response_type="ephemeral", replace_original=False)
                if sent.status_code != 200:
                    log.warning("a busy notice was refused by its response_url: HTTP %s", sent.status_code)
            except Exception:  # noqa: BLE001 - logged; the next notice still goes
                log.exception("could not send a busy notice to its response_url")
            finally:
                done()
