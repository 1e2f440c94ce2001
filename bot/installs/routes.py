"""The install flow's two pages, served by Bolt's OAuthFlow off the event loop (it reads and writes the stores)."""
from __future__ import annotations

from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_bolt.oauth import OAuthFlow
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.routing import Route


def oauth_routes(flow: OAuthFlow) -> list[Route]:
    async def install(request: Request):
        return to_starlette_response(await run_in_threadpool(flow.handle_installation, to_bolt_request(request, b"")))

    async def redirect(request: Request):
        return to_starlette_response(await run_in_threadpool(flow.handle_callback, to_bolt_request(request, b"")))

    return [Route(flow.install_path, install, methods=["GET"]),
            Route(flow.redirect_uri_path, redirect, methods=["GET"])]
