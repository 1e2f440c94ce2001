"""A second app on its own real port, for tests that must not disturb the shared harness (its own Deps, logging
or database), served exactly as the harness serves its app."""
from __future__ import annotations

import socket
import ssl
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import uvicorn
from starlette.applications import Starlette

# For every test's httpx client (verify=TLS_CONTEXT): a client that loads the CA files for itself spends ~20 ms of
# CPU, once per test.
TLS_CONTEXT = ssl.create_default_context()


def free_socket() -> socket.socket:
    """A socket bound to a free loopback port: its address is known before the app that will serve it is built."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def base_url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@contextmanager
def serving(app: Starlette, sock: socket.socket | None = None) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (on `sock`, or a free port) while the block runs; yields its base URL."""
    sock = sock or free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    try:
        yield base_url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()
