"""Test-only: fail any test in which a thread calls Slack while it holds a database connection.

A listener that keeps its session open across a Slack HTTP call holds a pooled
connection for as long as Slack takes to answer (15 s, retries and Retry-After
waits on top); a slow Slack then empties the pool and every other request waits.
The rule is "read what you need in a short session, close it, then call Slack".

SQLAlchemy's pool events say which thread has which connection checked out;
slack_sdk's three ways out (the Web API, response_url webhooks and file uploads)
are wrapped to look before they send. Only the calling thread counts: another
thread's open session is not this call's doing.
"""
from __future__ import annotations

import threading
import traceback

from sqlalchemy import event
from sqlalchemy.pool import Pool
from slack_sdk.web.base_client import BaseClient
from slack_sdk.webhook import WebhookClient


class SessionGuard:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders: dict[int, int] = {}  # id(pool connection record) -> ident of the thread that checked it out
        self._originals: dict[tuple[type, str], object] = {}
        self.violations: list[str] = []

    # ---- the pool's side -------------------------------------------------------------------
    def _checked_out(self, _dbapi_connection, record, _proxy) -> None:
        with self._lock:
            self._holders[id(record)] = threading.get_ident()

    def _checked_in(self, _dbapi_connection, record) -> None:
        with self._lock:
            self._holders.pop(id(record), None)

    def held_by_this_thread(self) -> int:
        me = threading.get_ident()
        with self._lock:
            return sum(1 for thread in self._holders.values() if thread == me)

    # ---- Slack's side ----------------------------------------------------------------------
    def check(self, what: str) -> None:
        held = self.held_by_this_thread()
        if held:
            stack = "".join(traceback.format_stack(limit=14)[:-2])
            self.violations.append(f"{what} while this thread holds {held} database connection(s):\n{stack}")

    def _wrap(self, owner: type, name: str, describe) -> None:
        original = getattr(owner, name)
        self._originals[(owner, name)] = original
        guard = self

        def guarded(client, *args, **kwargs):
            guard.check(describe(args, kwargs))
            return original(client, *args, **kwargs)

        guarded.__wrapped__ = original
        setattr(owner, name, guarded)

    def install(self) -> None:
        event.listen(Pool, "checkout", self._checked_out)
        event.listen(Pool, "checkin", self._checked_in)
        self._wrap(BaseClient, "api_call", lambda a, kw: f"Slack Web API {kw.get('api_method') or a[0]}")
        self._wrap(BaseClient, "_upload_file", lambda a, kw: "a Slack file upload")
        self._wrap(WebhookClient, "_perform_http_request", lambda a, kw: "a Slack response_url post")

    def uninstall(self) -> None:
        event.remove(Pool, "checkout", self._checked_out)
        event.remove(Pool, "checkin", self._checked_in)
        for (owner, name), original in self._originals.items():
            setattr(owner, name, original)
        self._originals.clear()

    def report(self) -> str | None:
        """What went wrong since the last clear, for the test's failure message; None when nothing did."""
        if not self.violations:
            return None
        return (f"{len(self.violations)} Slack call(s) made while holding a database connection "
                "(close the session before calling Slack):\n\n" + "\n".join(self.violations))


GUARD = SessionGuard()
