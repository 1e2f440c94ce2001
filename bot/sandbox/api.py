"""HTTP routes of the Slack stand-in: the Web API, response_urls and file uploads."""
from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qsl

from starlette.requests import Request
from html import escape
from urllib.parse import urlencode

from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from starlette.routing import Route

from bot.sandbox.socket_mode import socket_mode_routes
from bot.sandbox.workspace import ApiError, SlackSandbox


def _token(request: Request, args: dict) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    if auth.lower().startswith("basic "):  # an app's client id and secret (oauth.v2.access)
        return auth
    return args.get("token")


async def _read_args(request: Request) -> dict:
    """Slack takes arguments in the query string, a form body or a JSON body; so do we."""
    args: dict = dict(request.query_params)
    body = await request.body()
    ctype = request.headers.get("content-type", "")
    if body and ctype.startswith("application/json"):
        args.update(json.loads(body))
    elif body:
        args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    return args


class _DroppedConnection:
    """An answer cut off after its headers: the caller sees the connection close mid-answer."""

    async def __call__(self, scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", b"4096")]})
        await send({"type": "http.response.body", "body": b'{"ok": tr', "more_body": True})
        raise ConnectionAbortedError("the Slack stand-in dropped this answer on purpose (lose_answer_next)")


def api_routes(sandbox: SlackSandbox) -> list[Route]:
    async def web_api(request: Request):
        method = request.path_params["method"]
        try:
            args = await _read_args(request)
        except ValueError:
            return JSONResponse({"ok": False, "error": "invalid_json"})
        lost = sandbox.take_lost_answer(method)
        status, headers, body = sandbox.call(method, args, _token(request, args))
        if lost is not None:  # the call was taken; its answer never reaches the caller in time
            how, seconds = lost
            if how == "drop":
                return _DroppedConnection()
            if how == "5xx":
                return JSONResponse({"ok": False, "error": "fatal_error"}, status_code=503)
            await asyncio.sleep(seconds)
        return JSONResponse(body, status_code=status, headers=headers)

    async def response_url(request: Request):
        try:
            body = json.loads(await request.body())
        except ValueError:
            return PlainTextResponse("invalid_payload", status_code=400)
        sandbox.record_response(request.path_params["token"], body)
        return PlainTextResponse("ok")

    async def upload(request: Request):
        form = await request.body()
        sandbox.store_upload(request.path_params["file_id"], form)
        return PlainTextResponse("OK - " + str(len(form)))

    async def authorize(request: Request):
        """Slack's authorize page: choose the workspace to allow the app into (`team`), then back to the app."""
        q = request.query_params
        team = q.get("team")
        if not team:  # the choice, as links: what a person clicks (and a test follows)
            links = "".join(f'<li><a href="/sandbox/oauth/authorize?{escape(urlencode({**q, "team": t}))}">Allow '
                            f'slm-bot in {escape(info["name"])}</a></li>' for t, info in sandbox.teams.items())
            return HTMLResponse(f"<!DOCTYPE html><html><body><h1>Install slm-bot</h1><ul>{links}</ul></body></html>")
        try:
            to = sandbox.authorize_redirect(client_id=q.get("client_id", ""), team_id=team, state=q.get("state", ""),
                                            redirect_uri=q.get("redirect_uri"), installer=q.get("user"))
        except ApiError as err:
            return HTMLResponse(f"<p>Slack: {escape(err.body()['error'])}</p>", status_code=400)
        return RedirectResponse(to, status_code=302)

    return [
        Route("/sandbox/oauth/authorize", authorize, methods=["GET"]),
        Route("/sandbox/api/{method}", web_api, methods=["GET", "POST"]),
        Route("/sandbox/response/{token}", response_url, methods=["POST"]),
        Route("/sandbox/upload/{file_id}", upload, methods=["POST"]),
        *socket_mode_routes(sandbox.socket_mode),
    ]
