"""A deadline on every call to PostgreSQL, kept on our side of the connection.

`statement_timeout` is the server's own: it ends a slow query, but not a wait on a server (or a network
path, or a proxy) that has stopped answering. TCP keepalives and `tcp_user_timeout` catch a dead peer only
once the kernel gives up, and not at all when something in between still acknowledges the bytes. So each
call is timed here: a call still waiting at its deadline has its socket shut, psycopg raises
OperationalError at once, and SQLAlchemy, seeing a broken connection, drops it from the pool.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import time

log = logging.getLogger(__name__)


class CallDeadlines:
    """Watches the connections that are inside a call; one daemon thread, which sleeps while none is."""

    TICK = 0.05  # how late past its deadline a call may be shut

    def __init__(self) -> None:
        self._armed: dict[int, tuple[float, object]] = {}  # id(connection) -> (deadline, connection)
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, dbapi_conn, seconds: float) -> None:
        """`dbapi_conn` is about to wait on the database, for at most `seconds`."""
        with self._changed:
            self._armed[id(dbapi_conn)] = (time.monotonic() + seconds, dbapi_conn)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="database-deadlines", daemon=True)
                self._thread.start()
            self._changed.notify()

    def disarm(self, dbapi_conn) -> None:
        with self._changed:
            self._armed.pop(id(dbapi_conn), None)

    def _watch(self) -> None:
        while True:
            with self._changed:
                while not self._armed:
                    self._changed.wait()
                now = time.monotonic()
                for key in [k for k, (deadline, _) in self._armed.items() if deadline <= now]:
                    # Shut while holding the lock: the owner cannot disarm and close (and so free the socket's
                    # number for another connection) in between.
                    _shut(self._armed.pop(key)[1])
            time.sleep(self.TICK)


def _shut(dbapi_conn) -> None:
    try:
        fd = dbapi_conn.fileno()  # raises once psycopg has closed the connection
    except Exception:  # noqa: BLE001  (closed already: nothing to shut)
        return
    try:
        with socket.socket(fileno=os.dup(fd)) as sock:  # shutting a duplicate shuts the connection itself
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return
    log.warning("the database did not answer in time; its connection was closed")
