"""The start-up and memory benchmarks' baseline: a bare Bolt app behind the same Starlette routes as the bot's
(`POST /slack/events`, `GET /healthz`), served by uvicorn. Run as a process of its own:

    python tests/bench/bare_bolt_server.py PORT

It has one listener (`/slm` answers "ok") and no database, so it is what any Bolt app behind Starlette costs.
"""
from __future__ import annotations

import sys

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import SlackRequestHandler
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def create_app() -> Starlette:
    bolt = App(token="xoxb-bench-not-a-real-token", signing_secret="bench-signing-secret",
               token_verification_enabled=False)

    @bolt.command("/slm")
    def _slm(ack):
        ack("ok")

    handler = SlackRequestHandler(bolt)

    async def events(request: Request):
        return await handler.handle(request)

    async def healthz(_request: Request):
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/healthz", healthz, methods=["GET"]),
                             Route("/slack/events", events, methods=["POST"])])


if __name__ == "__main__":
    uvicorn.run(create_app(), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
