"""The sandbox web page: try the bot in a browser, with no Slack workspace.

`GET /sandbox` serves a small single-page tool (``static/``) that looks at the
stand-in's state (`GET /sandbox/ui/state`) and acts as a chosen person through
`SlackDriver` (`POST /sandbox/ui/...`): slash commands, button clicks, modal
submissions and closes, shortcuts, posts and opening the App Home. Every action
answers ``{"ok", "status", "errors"}``; ``errors`` are a modal's inline errors by
block_id, ``status`` is the bot's HTTP status (``null`` when no request was sent).

The driver is synchronous and calls back into this same server, so it always runs
in the thread pool, never on the event loop.
"""
from __future__ import annotations

import copy
import json
import logging
import re
from pathlib import Path
from typing import Any

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from bot.sandbox.driver import Outcome, SlackDriver
from bot.sandbox.payloads import all_options
from bot.sandbox.workspace import BOT_USER, Message, OpenView, SlackSandbox

STATIC_DIR = Path(__file__).parent / "static"
_STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}
_STATIC_NAME = re.compile(r"^[A-Za-z0-9_-]+\.(js|css|html)$")
NO_STORE = {"Cache-Control": "no-store"}
_FILE_ID = re.compile(r"^F[0-9A-Z]{1,20}$")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
BOT_NAME = "slm-bot"


class BadRequest(Exception):
    def __init__(self, error: str, field: str | None = None, status: int = 400):
        super().__init__(error)
        self.error, self.field, self.status = error, field, status

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"ok": False, "status": None, "errors": {}, "error": self.error}
        if self.field:
            body["field"] = self.field
        return JSONResponse(body, status_code=self.status)


class QuietPolls(logging.Filter):
    """Each open page asks for `/sandbox/ui/state` once a second: uvicorn's access log keeps those at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if len(args) >= 3 and str(args[2]).startswith("/sandbox/ui/state"):  # (client, method, path, ...)
            if not logging.getLogger("slm-bot").isEnabledFor(logging.DEBUG):
                return False
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


# ---- reading the stand-in -------------------------------------------------------------
def _text(obj: Any) -> str:
    """The text of a plain_text object (or a bare string)."""
    if isinstance(obj, dict):
        return str(obj.get("text") or "")
    return str(obj or "")


def _visible(m: Message, user: str) -> bool:
    return m.ephemeral_to is None or m.ephemeral_to == user


def _message_json(m: Message, user: str) -> dict:
    d = copy.deepcopy(m.as_dict())
    d["ephemeral"] = m.ephemeral_to is not None
    d["from_bot"] = m.user == BOT_USER
    return d


def _channels_for(sandbox: SlackSandbox, user: str) -> list[dict]:
    out = []
    own_team = sandbox.users.get(user, {}).get("team_id")
    for c in sandbox.channels.values():
        if c["is_im"]:
            continue
        if not sandbox._sees(own_team, c):  # another organisation's person sees only the channels shared with them
            continue
        if (c.get("is_private") or c.get("is_mpim")) and user not in c["members"]:
            continue
        out.append({"id": c["id"], "name": c["name"], "is_im": False, "is_private": bool(c.get("is_private")),
                    "is_shared": sandbox.is_shared(c["id"])})
    dm = sandbox.dm_channel(user)
    out.append({"id": dm["id"], "name": f"{BOT_NAME} (DM)", "is_im": True, "is_private": True})
    return out


def _view_json(ov: OpenView, depth: int = 1) -> dict:
    v = ov.view
    return {"id": ov.id, "hash": ov.hash, "callback_id": ov.callback_id, "title": _text(v.get("title")),
            "submit": _text(v.get("submit")) if v.get("submit") else None,
            "close": _text(v.get("close")) if v.get("close") else "Cancel",
            "blocks": copy.deepcopy(v.get("blocks", [])), "depth": depth}


def read_state(sandbox: SlackSandbox, user: str | None, channel: str | None) -> dict:
    from messages.ids import SHORTCUTS

    with sandbox._lock:
        humans = [u for u in sandbox.users.values() if not u.get("is_bot") and not u.get("deleted")]
        if not humans:
            raise BadRequest("the sandbox has no users")
        if not user:
            user = humans[0]["id"]
        if user not in sandbox.users:
            raise BadRequest(f"unknown user {user}", "user")
        team = sandbox.app_team(user)  # whose installation hears them: the host's, for a Slack Connect guest
        channels = _channels_for(sandbox, user)
        visible_ids = {c["id"] for c in channels}
        messages = []
        if channel not in visible_ids:
            channel = None
        if channel:
            for m in sandbox.channel_messages(channel):
                if not _visible(m, user):
                    continue
                item = _message_json(m, user)
                item["replies"] = [_message_json(r, user) for r in sandbox.channel_messages(channel, thread_ts=m.ts)
                                   if _visible(r, user)]
                messages.append(item)
        stack = sandbox.modal_stack(team, user)
        modal = _view_json(stack[-1], len(stack)) if stack else None
        home = sandbox.home(team, user)
        return {
            "user": user,
            "channel": channel,
            "bot": {"id": BOT_USER, "real_name": BOT_NAME},
            # A person of another organisation (Slack Connect) is named with theirs: `team_name`, `external`.
            "users": [{"id": u["id"], "real_name": u["real_name"], "is_admin": bool(u.get("is_admin")),
                       "tz": u.get("tz") or "UTC", "team_id": u["team_id"],
                       "team_name": sandbox.teams.get(u["team_id"], {}).get("name", u["team_id"]),
                       "external": u["team_id"] in sandbox.connect_teams}
                      for u in humans],
            "channels": channels,
            "messages": messages,
            "modal": modal,
            "home": {"id": home.id, "blocks": copy.deepcopy(home.view.get("blocks", []))} if home else None,
            "shortcuts": [{"callback_id": cid, "name": name, "type": kind} for cid, name, kind in SHORTCUTS],
        }


# ---- request bodies --------------------------------------------------------------------
async def _body(request: Request) -> dict:
    # JSON only: a cross-site <form> or text/plain post cannot send it without a CORS preflight (see guard.py)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise BadRequest("the request body must be application/json", status=415)
    raw = await request.body()
    try:
        body = json.loads(raw or b"{}")
    except ValueError:
        raise BadRequest("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    return body


def _field(body: dict, name: str, *, required: bool = True, empty_ok: bool = False) -> str | None:
    value = body.get(name)
    if value is None or (value == "" and not empty_ok):
        if required:
            raise BadRequest(f"missing field: {name}", name)
        return None
    if not isinstance(value, str):
        raise BadRequest(f"field {name} must be a string", name)
    return value


def _values(body: dict) -> dict:
    values = body.get("values") or {}
    if not isinstance(values, dict):
        raise BadRequest("field values must be an object keyed by block_id", "values")
    return values


def _outcome(o: Outcome | None, **extra: Any) -> JSONResponse:
    if o is None:  # nothing was sent to the bot (e.g. a modal closed without notify_on_close)
        return JSONResponse({"ok": True, "status": None, "errors": {}, **extra})
    body: dict[str, Any] = {"ok": o.ok, "status": o.status, "errors": o.errors, **extra}
    if o.status != 200:
        body["error"] = f"the bot answered HTTP {o.status}: {o.body[:300]}"
    return JSONResponse(body)


def web_routes(sandbox: SlackSandbox, settings, *, wait_idle=None) -> list[Route]:
    driver = SlackDriver(sandbox, events_url=f"{sandbox.base_url}/slack/events", signing_secret=settings.signing_secret,
                         wait_idle=wait_idle)

    def user_of(body: dict) -> tuple[str, str]:
        user = _field(body, "user")
        found = sandbox.users.get(user)
        if not found:
            raise BadRequest(f"unknown user {user}", "user")
        # The workspace whose installation hears them: for a person of another organisation acting in a Slack
        # Connect channel, the host's; the driver then sends what Slack sends for them (bot/sandbox/connect.py).
        return user, sandbox.app_team(user)

    def channel_of(body: dict, *, required: bool = True) -> str | None:
        channel = _field(body, "channel", required=required)
        if channel is not None and channel not in sandbox.channels:
            raise BadRequest(f"unknown channel {channel}", "channel")
        return channel

    def message_of(body: dict, user: str) -> Message:
        ts = _field(body, "message_ts")
        channel = channel_of(body, required=False)
        with sandbox._lock:
            for m in sandbox.messages:
                if m.ts == ts and (channel is None or m.channel == channel) and _visible(m, user):
                    return m
        raise BadRequest(f"no message {ts} visible to {user}", "message_ts", 404)

    def view_of(body: dict, user: str) -> OpenView:
        view_id = _field(body, "view_id")
        ov = sandbox.views.get(view_id)
        if ov is None:
            raise BadRequest(f"no view {view_id}", "view_id", 404)
        if ov.user_id != user:
            raise BadRequest(f"view {view_id} belongs to {ov.user_id}, not {user}", "view_id")
        return ov

    def endpoint(handler):
        async def run(request: Request) -> Response:
            try:
                return await handler(await _body(request))
            except BadRequest as err:
                return err.response()
            except AssertionError as err:  # the driver refuses what Slack would refuse (unknown option, block...)
                return BadRequest(str(err)).response()
            except httpx.HTTPError as err:
                return BadRequest(f"could not reach the bot at {driver.events_url}: {err}", status=502).response()
        return run

    async def command(body: dict) -> Response:
        user, team = user_of(body)
        channel = channel_of(body)
        text = _field(body, "text", empty_ok=True).strip()
        if text == "/slm" or text.startswith("/slm "):
            text = text[4:].strip()
        return _outcome(await run_in_threadpool(driver.command, text, user=user, channel=channel, team=team))

    async def click(body: dict) -> Response:
        """What Slack sends for the element pressed: found by its block_id and action_id, with the option, date...
        chosen and, in a modal, what its fields hold now."""
        user, team = user_of(body)
        action_id = _field(body, "action_id")
        block_id = _field(body, "block_id", required=False)
        value = body.get("value")
        if value is not None and not isinstance(value, (str, list)):
            raise BadRequest("field value must be a string or a list", "value")
        values = _values(body)
        if body.get("view_id"):
            ov = view_of(body, user)
            return _outcome(await run_in_threadpool(driver.click, action_id, view=ov, value=value, block_id=block_id,
                                                    values=values, user=user, team=team))
        if body.get("message_ts"):
            m = message_of(body, user)
            return _outcome(await run_in_threadpool(driver.click, action_id, message=m, value=value,
                                                    block_id=block_id, user=user, team=team))
        raise BadRequest("missing field: message_ts or view_id", "message_ts")

    async def submit(body: dict) -> Response:
        user, _team = user_of(body)
        ov = view_of(body, user)
        if ov.id not in sandbox.modal_stacks.get((ov.team_id, user), []):
            raise BadRequest(f"view {ov.id} is not an open modal", "view_id")
        return _outcome(await run_in_threadpool(driver.submit, ov, _values(body)))

    async def suggest(body: dict) -> Response:
        """The person opens or types in a searching select of an open modal: Slack asks the bot for its options
        (a signed block_suggestion with the typed `value`), and shows what the bot answers."""
        user, _team = user_of(body)
        ov = view_of(body, user)
        block_id = _field(body, "block_id")
        typed = _field(body, "value", required=False, empty_ok=True) or ""
        answer = await run_in_threadpool(driver.suggest_answer, ov, block_id, typed, user=user)
        # `options` flat, whatever the answer's shape; `option_groups` too when the bot grouped them, so that the
        # page shows their headings as Slack does (four targets named alike are told apart by their OLA's name).
        return JSONResponse({"ok": True, "status": 200, "errors": {}, "options": all_options(answer), **answer})

    async def close(body: dict) -> Response:
        user, team = user_of(body)
        ov = view_of(body, user)
        if ov.id not in sandbox.modal_stacks.get((team, user), []):
            raise BadRequest(f"view {ov.id} is not an open modal", "view_id")
        return _outcome(await run_in_threadpool(driver.close, ov))

    async def post(body: dict) -> Response:
        user, _team = user_of(body)
        channel = channel_of(body)
        text = _field(body, "text")
        thread_ts = _field(body, "thread_ts", required=False)
        m = await run_in_threadpool(driver.post_as_user, channel, text, user=user, thread_ts=thread_ts)
        return JSONResponse({"ok": True, "status": None, "errors": {}, "ts": m.ts})

    async def shortcut(body: dict) -> Response:
        user, team = user_of(body)
        callback_id = _field(body, "callback_id")
        if body.get("message_ts"):
            m = message_of(body, user)
            return _outcome(await run_in_threadpool(driver.message_shortcut, callback_id, m, user=user, team=team))
        return _outcome(await run_in_threadpool(driver.shortcut, callback_id, user=user, team=team))

    async def home(body: dict) -> Response:
        user, team = user_of(body)
        return _outcome(await run_in_threadpool(driver.open_home, user=user, team=team))

    async def page(_request: Request) -> Response:
        return FileResponse(STATIC_DIR / "index.html", media_type=_STATIC_TYPES[".html"], headers=NO_STORE)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        path = STATIC_DIR / name
        if not _STATIC_NAME.match(name) or not path.is_file():
            return JSONResponse({"ok": False, "error": f"no file {name}"}, status_code=404)
        return FileResponse(path, media_type=_STATIC_TYPES[path.suffix], headers=NO_STORE)

    async def state(request: Request) -> Response:
        try:
            data = read_state(sandbox, request.query_params.get("user"), request.query_params.get("channel"))
        except BadRequest as err:
            return err.response()
        return JSONResponse(data, headers=NO_STORE)

    async def file(request: Request) -> Response:
        """An uploaded image, for the page to show it inline as Slack does (a PNG only: anything else is listed
        by its title, as before)."""
        file_id = request.path_params["file_id"]
        content = sandbox.file_content(file_id) if _FILE_ID.match(file_id) else None
        if content is None or not content.startswith(PNG_MAGIC):
            return JSONResponse({"ok": False, "error": f"no image {file_id}"}, status_code=404)
        return Response(content, media_type="image/png", headers={
            "Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'"})

    actions = {"command": command, "click": click, "submit": submit, "suggest": suggest, "close": close, "post": post,
               "shortcut": shortcut, "home": home}
    return [
        Route("/sandbox", page, methods=["GET"]),
        Route("/sandbox/static/{name}", static, methods=["GET"]),
        Route("/sandbox/ui/state", state, methods=["GET"]),
        Route("/sandbox/files/{file_id}", file, methods=["GET"]),
        *[Route(f"/sandbox/ui/{name}", endpoint(fn), methods=["POST"]) for name, fn in actions.items()],
    ]
