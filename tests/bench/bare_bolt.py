"""The ack benchmark's baseline: a bare Bolt app whose listeners for the same command, view and button only ack,
behind the same Starlette route as the bot's /slack/events (bot.app.create_http_app): the raw body read and its
signature checked by bot.slack_requests, then Bolt's dispatch in Starlette's threadpool, then Bolt's response.

    python -m tests.bench.bare_bolt --port P

What the bot's p99 is compared with is then what Bolt and the route cost on this machine, in the same run.
"""
from __future__ import annotations

import argparse
import sys

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.settings import SANDBOX_SIGNING_SECRET
from bot.slack_requests import Refused, bolt_request, is_ssl_check, read_body, verified_text
from messages.ids import Action, Callback

COMMAND = "/slm"
VIEW_CALLBACK = Callback.SERVICE_FORM.value  # the view the load generator submits
BUTTON = Action.HOME_ADD_SERVICE.value  # the button it presses


def create_bare_app() -> Starlette:
    # Who the app is, known at once: the bot's Bolt asks auth.test once and then keeps the answer.
    def authorize(enterprise_id, team_id, **_kw) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bare-bolt-not-a-token",
                               bot_user_id="U0BAREBOLT", bot_id="B0BAREBOLT")

    bolt = App(authorize=authorize, signing_secret=SANDBOX_SIGNING_SECRET, request_verification_enabled=False,
               token_verification_enabled=False, process_before_response=False, name="bare-bolt")

    @bolt.command(COMMAND)
    def command(ack):
        ack()

    @bolt.view(VIEW_CALLBACK)
    def view(ack):
        ack()

    @bolt.action(BUTTON)
    def button(ack):
        ack()

    verifier = SignatureVerifier(SANDBOX_SIGNING_SECRET)

    async def slack_events(request: Request):
        try:
            raw = await read_body(request)
            if is_ssl_check(raw):
                return Response(status_code=200)
            slack_request = bolt_request(verified_text(raw, request, verifier), request)
        except Refused as refused:
            return JSONResponse({"error": refused.reason}, status_code=refused.status)
        return to_starlette_response(await run_in_threadpool(bolt.dispatch, slack_request))

    async def healthz(_request: Request):
        return JSONResponse({"ok": True})

    return Starlette(routes=[Route("/healthz", healthz, methods=["GET"]),
                             Route("/slack/events", slack_events, methods=["POST"])])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    uvicorn.run(create_bare_app(), host="127.0.0.1", port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
