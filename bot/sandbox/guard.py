"""Only this machine's own sandbox page may talk to the sandbox's server.

The sandbox page acts as any person, a workspace admin included, with no login, and
the stand-in's credentials are published in the code. So a server that serves the
stand-in answers only requests addressed to itself:
- the Host header must name this server: 127.0.0.1, localhost or [::1] at its port, or
  the host it was started on (HOST, with SANDBOX=1). A page on another site whose name
  was re-pointed at 127.0.0.1 (DNS rebinding) sends its own name and is refused, 400;
- an Origin header, when a browser sends one, must be the page's own origin; a
  cross-site request is refused, 403.
(The page's actions also take only `application/json`, see `web.py`: a cross-site
form cannot send that without a CORS preflight, which this server never grants.)

Starlette's TrustedHostMiddleware drops the port and cannot read `[::1]:3000`,
hence this small one.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")


def own_hosts(base_url: str) -> frozenset[str]:
    """Every Host header that names the server at `base_url`, lower-case."""
    parts = urlsplit(base_url)
    port = parts.port or 80
    own = parts.hostname or "127.0.0.1"
    if ":" in own:
        own = f"[{own}]"
    names = {*LOOPBACK_NAMES, own.lower()}
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:  # a browser leaves the default port out
        hosts |= names
    return frozenset(hosts)


class SandboxGuard:
    """ASGI middleware: refuse requests addressed to another name or sent from another site."""

    def __init__(self, app: ASGIApp, base_url: str):
        self.app = app
        self.hosts = own_hosts(base_url)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        host = headers.get("host", "").strip().lower()
        if host not in self.hosts:
            response = PlainTextResponse("Invalid host header: the sandbox answers only to its own address",
                                         status_code=400)
        else:
            origin = headers.get("origin")
            if origin is None or origin.strip().lower() == f"http://{host}":
                await self.app(scope, receive, send)
                return
            response = PlainTextResponse("Cross-site request refused: the sandbox answers only its own page",
                                         status_code=403)
        await response(scope, receive, send)
