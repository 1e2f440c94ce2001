"""Telling a person that the button they pressed was not started, because the bot was too busy to start it.

A button press (`block_actions`) over HTTP is answered 200 the moment its signature is checked, when a dispatch
thread is free for it, and dispatched in the background (bot/app.py): Slack reads nothing of that answer, so a
refusal there could tell nobody. When the listener backlog then refuses it (handlers/guard.py), the person is told
here instead: through the payload's `response_url`, as an ephemeral that leaves the message alone, or, for a button
with none (an App Home's or a modal's), by DM. Over Socket Mode the same refusal is told the same way.

The notices go out from a few threads of their own, never from the event loop nor a listener's, through a bounded
queue: under a flood that fills it a notice is dropped and logged rather than queued without end (the person sees
nothing happen and presses again, as they would after Slack's own error). A notice is tried once, with a short
timeout: it is a courtesy, and a retry could show it twice.
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Callable

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)

BUSY_TEXT = "The bot is very busy just now, and did not start on that: please try it again in a minute."
QUEUE_SIZE = 200  # notices waiting to be sent; past it one is dropped
SENDERS = 2  # threads sending them: a response_url answers in tens of milliseconds
TIMEOUT_SECONDS = 2.0


class BusyNotices:
    def __init__(self, *, queue_size: int = QUEUE_SIZE, senders: int = SENDERS):
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        for n in range(senders):
            threading.Thread(target=self._send_all, name=f"busy-notice-{n}", daemon=True).start()

    def tell(self, body: dict, client: WebClient | None, done: Callable[[], None] = lambda: None) -> bool:
        """Queue the busy notice for the person who sent `body` (`client`: the workspace's, for a DM when the press
        has no response_url); `done` is called once it is sent, has failed, or was never queued. Whether queued."""
        url, user = body.get("response_url"), (body.get("user") or {}).get("id")
        if not url and not (client is not None and user):
            log.warning("a button press was not started (the bot is busy), and nobody can be told")
            done()
            return False
        try:
            self._queue.put_nowait((url, client, user, done))
        except queue.Full:
            log.warning("a button press was not started (the bot is busy), and %d busy notices are already waiting: "
                        "this one is dropped", self._queue.maxsize)
            done()
            return False
        return True

    def _send_all(self) -> None:
        while True:
            url, client, user, done = self._queue.get()
            try:
                if url:
                    sent = WebhookClient(url, timeout=TIMEOUT_SECONDS, retry_handlers=[]).send(
                        text=BUSY_TEXT, response_type="ephemeral", replace_original=False)
                    if sent.status_code != 200:
                        log.warning("a busy notice was refused by its response_url: HTTP %s", sent.status_code)
                else:
                    client.chat_postMessage(channel=user, text=BUSY_TEXT)
            except Exception:  # noqa: BLE001 - logged; the next notice still goes
                log.exception("could not send a busy notice")
            finally:
                done()


_notices: BusyNotices | None = None
_lock = threading.Lock()


def notices() -> BusyNotices:
    """The process's one sender of busy notices, started on first use."""
    global _notices
    with _lock:
        if _notices is None:
            _notices = BusyNotices()
        return _notices
