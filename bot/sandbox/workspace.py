"""The state of the local Slack stand-in: teams, users, channels, messages, views.

`SlackSandbox` answers the Web API methods the bot calls the way Slack does
(`{"ok": false, "error": ...}` for unknown methods, unknown or missing arguments,
invalid blocks), records every call, and can be told to fail the next call of a
method with a 429 (with Retry-After) or a 5xx, or to take a call and then lose its
answer (the connection dropped, a 5xx, or an answer that comes too late). Tests and
the sandbox web page read the same state.
"""
from __future__ import annotations

import copy
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.sandbox.methods import CLIENT_ADDED_ARGS, METHODS, TRANSPORT_ARGS

SANDBOX_TEAM = "T0SANDBOX"
BOT_USER = "U0SLMBOT"
BOT_ID = "B0SLMBOT"
APP_ID = "A0SLMBOT"
TRIGGER_TTL_SECONDS = 3.0  # Slack's trigger_ids expire after three seconds
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100
VIEW_STACK_LIMIT = 3


class ApiError(Exception):
    def __init__(self, error: str, messages: list[str] | None = None, status: int = 200, headers: dict | None = None):
        super().__init__(error)
        self.error, self.messages, self.status, self.headers = error, messages or [], status, headers or {}

    def body(self) -> dict:
        body: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict]
    thread_ts: str | None = None
    ephemeral_to: str | None = None  # only this user sees it
    via: str = "chat.postMessage"
    metadata: dict | None = None
    files: list[dict] = field(default_factory=list)
    edits: int = 0

    def as_dict(self, *, with_metadata: bool = True) -> dict:
        d = {"type": "message", "channel": self.channel, "ts": self.ts, "user": self.user, "text": self.text,
             "blocks": self.blocks, "edits": self.edits, "via": self.via}
        if self.thread_ts:
            d["thread_ts"] = self.thread_ts
        if self.ephemeral_to:
            d["ephemeral_to"] = self.ephemeral_to
        if self.files:
            d["files"] = self.files
        if self.metadata and with_metadata:
            d["metadata"] = self.metadata
        return d


@dataclass
class OpenView:
    id: str
    team_id: str
    user_id: str
    view: dict  # the view as the bot sent it
    hash: str
    root_view_id: str | None = None
    previous_view_id: str | None = None

    @property
    def callback_id(self) -> str:
        return self.view.get("callback_id", "")

    def as_payload(self, state_values: dict | None = None) -> dict:
        """The view object as Slack sends it back inside interactive payloads."""
        v = copy.deepcopy(self.view)
        v.update({"id": self.id, "team_id": self.team_id, "hash": self.hash, "app_id": APP_ID, "bot_id": BOT_ID,
                  "root_view_id": self.root_view_id or self.id, "previous_view_id": self.previous_view_id,
                  "private_metadata": self.view.get("private_metadata", ""), "callback_id": self.callback_id,
                  "state": {"values": state_values or {}}})
        return v


class SlackSandbox:
    def __init__(self, base_url: str = "http://127.0.0.1:3000") -> None:
        self.base_url = base_url  # where this stand-in is served; upload URLs point here
        self._lock = threading.RLock()
        self.reset()

    # ---- setup -------------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self._ids = itertools.count(1)
            self._ts = itertools.count(1)
            self._block_ids = itertools.count(1)
            self.teams: dict[str, dict] = {}
            self.users: dict[str, dict] = {}
            self.channels: dict[str, dict] = {}
            self.messages: list[Message] = []
            self.views: dict[str, OpenView] = {}
            self.modal_stacks: dict[tuple[str, str], list[str]] = {}
            self.home_views: dict[tuple[str, str], str] = {}
            self.triggers: dict[str, tuple[str, str, float]] = {}
            self.calls: list[dict] = []
            self.responses: list[dict] = []
            self.files: dict[str, dict] = {}
            # The options the bot answered for each searching select, by (view id, block id): what the person
            # could choose from, as Slack shows them; a choice is one of these, carried whole into view state.
            self.offered: dict[tuple[str, str], list[dict]] = {}
            self._failures: dict[str, list[tuple[int, dict, dict]]] = {}
            self._lost: dict[str, list[tuple[str, float]]] = {}
            self._tripwires: dict[str, list[tuple[bool, Callable[[], None]]]] = {}
            self._last_ts = 0
            self.add_team(SANDBOX_TEAM, "Sandbox Co")
            self.add_user("U0ALICE", "Alice Admin", is_admin=True, tz="Europe/London")
            self.add_user("U0BOB", "Bob Ops", tz="Europe/Paris")
            self.add_user("U0CAROL", "Carol Customer", tz="America/New_York")
            self.add_user("U0DAVE", "Dave Supplier", tz="Asia/Kolkata")
            for name in ("general", "service-desk", "acme-sla", "network-team"):
                self.add_channel(name, members=["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"])

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08d}"

    def add_team(self, team_id: str, name: str) -> dict:
        with self._lock:
            team = {"id": team_id, "name": name, "domain": name.lower().replace(" ", "-")}
            self.teams[team_id] = team
            return team

    def add_user(self, user_id: str, real_name: str, *, team_id: str = SANDBOX_TEAM, is_admin: bool = False,
                 tz: str = "UTC", is_bot: bool = False) -> dict:
        with self._lock:
            if team_id not in self.teams:
                self.add_team(team_id, team_id)
            user = {"id": user_id, "team_id": team_id, "name": real_name.split()[0].lower(), "real_name": real_name,
                    "tz": tz, "is_admin": is_admin, "is_owner": False, "is_bot": is_bot, "deleted": False,
                    "profile": {"real_name": real_name, "display_name": real_name.split()[0]}}
            self.users[user_id] = user
            return user

    def add_channel(self, name: str, *, team_id: str = SANDBOX_TEAM, members: list[str] | None = None,
                    channel_id: str | None = None, private: bool = False) -> dict:
        with self._lock:
            cid = channel_id or f"{'G' if private else 'C'}0{name.upper().replace('-', '')[:9]}"
            self.channels[cid] = {"id": cid, "name": name, "team_id": team_id, "is_im": False, "is_channel": not private,
                                  "is_private": private, "members": list(members or []), "user": None}
            return self.channels[cid]

    def channel_by_name(self, name: str) -> dict:
        return next(c for c in self.channels.values() if c["name"] == name.lstrip("#"))

    def dm_channel(self, user_id: str) -> dict:
        """The bot's direct-message channel with a user, created on first use as Slack does."""
        with self._lock:
            for c in self.channels.values():
                if c["is_im"] and c["user"] == user_id:
                    return c
            cid = "D0" + user_id.removeprefix("U").removeprefix("0")[:9]
            team = self.users.get(user_id, {}).get("team_id", SANDBOX_TEAM)
            self.channels[cid] = {"id": cid, "name": f"dm-{user_id}", "team_id": team, "is_im": True,
                                  "is_channel": False, "is_private": True, "members": [user_id, BOT_USER],
                                  "user": user_id}
            return self.channels[cid]

    def fail_next(self, method: str, status: int = 429, *, retry_after: int = 1, times: int = 1,
                  body: dict | None = None) -> None:
        """Make the next `times` calls of `method` answer with an HTTP error, as Slack does under load."""
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        default = {"ok": False, "error": "ratelimited"} if status == 429 else {"ok": False, "error": "fatal_error"}
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, headers, body or default)] * times)

    def lose_answer_next(self, method: str, how: str = "drop", *, seconds: float = 0.0, times: int = 1) -> None:
        """Take the next `times` calls of `method` (a message is posted) and then lose the answer, as a network
        or Slack's edge does: "drop" the connection, answer "5xx", or "hang" `seconds` before answering."""
        if how not in ("drop", "5xx", "hang"):
            raise ValueError(how)
        with self._lock:
            self._lost.setdefault(method, []).extend([(how, seconds)] * times)

    def take_lost_answer(self, method: str) -> tuple[str, float] | None:
        with self._lock:
            pending = self._lost.get(method)
            return pending.pop(0) if pending else None

    def trip_next(self, method: str, action: Callable[[], None], *, after: bool = False) -> None:
        """Run `action` on the next call of `method`: before the stand-in takes it, or `after` it took it and
        before it answers (a fault test kills the bot there)."""
        with self._lock:
            self._tripwires.setdefault(method, []).append((after, action))

    def disarm(self) -> None:
        """Forget every tripwire not yet tripped."""
        with self._lock:
            self._tripwires.clear()

    def _trip(self, method: str, after: bool) -> None:
        wires = self._tripwires.get(method) or []
        for i, (when, action) in enumerate(wires):
            if when == after:
                wires.pop(i)
                action()
                return

    def mint_trigger(self, team_id: str, user_id: str) -> str:
        with self._lock:
            # Unique across restarts too, as Slack's are: the bot takes a trigger_id it saw before for a replay.
            trigger = f"{next(self._ids)}.{secrets.token_hex(6)}.{team_id}.sandboxtrigger"
            self.triggers[trigger] = (team_id, user_id, time.monotonic())
            return trigger

    # ---- reading, for tests and the web page ------------------------------------------
    def offered_in(self, view_id: str) -> dict[str, list[dict]]:
        """The options offered for each searching select of this view, by block_id."""
        with self._lock:
            return {bid: opts for (vid, bid), opts in self.offered.items() if vid == view_id}

    def calls_of(self, method: str) -> list[dict]:
        return [c for c in self.calls if c["method"] == method]

    def channel_messages(self, channel: str, *, thread_ts: str | None = None, include_ephemeral: bool = True) -> list[Message]:
        with self._lock:
            out = [m for m in self.messages if m.channel == channel and (include_ephemeral or not m.ephemeral_to)]
            if thread_ts is None:
                return [m for m in out if not m.thread_ts or m.thread_ts == m.ts]
            return [m for m in out if m.thread_ts == thread_ts and m.ts != thread_ts]

    def ephemerals(self, user: str) -> list[Message]:
        return [m for m in self.messages if m.ephemeral_to == user]

    def last_ephemeral(self, user: str) -> Message:
        found = self.ephemerals(user)
        if not found:
            raise AssertionError(f"no ephemeral message was sent to {user}")
        return found[-1]

    def dms(self, user: str) -> list[Message]:
        channel = self.dm_channel(user)["id"]
        return [m for m in self.messages if m.channel == channel and m.ephemeral_to in (None, user)]

    def open_modal(self, team_id: str, user_id: str) -> OpenView | None:
        stack = self.modal_stacks.get((team_id, user_id)) or []
        return self.views[stack[-1]] if stack else None

    def modal_stack(self, team_id: str, user_id: str) -> list[OpenView]:
        return [self.views[v] for v in self.modal_stacks.get((team_id, user_id), [])]

    def home(self, team_id: str, user_id: str) -> OpenView | None:
        vid = self.home_views.get((team_id, user_id))
        return self.views.get(vid) if vid else None

    def close_modals(self, team_id: str, user_id: str, *, all_views: bool = True) -> None:
        with self._lock:
            stack = self.modal_stacks.get((team_id, user_id), [])
            if all_views:
                stack.clear()
            elif stack:
                stack.pop()

    def record_response(self, token: str, body: dict) -> None:
        """A message the bot sent to a `response_url` (slash command or interaction)."""
        with self._lock:
            team_id, user_id, channel, message_ts = token.split(".", 3)
            self.responses.append({"token": token, **body})
            text, blocks = body.get("text", ""), self._name_blocks(body.get("blocks") or [])
            if body.get("delete_original"):
                self.messages = [m for m in self.messages if m.ts != message_ts]
                return
            if body.get("replace_original") and message_ts != "-":
                for m in self.messages:
                    if m.ts == message_ts:
                        m.text, m.blocks, m.edits = text, blocks, m.edits + 1
                        return
            ephemeral = body.get("response_type") != "in_channel"
            self.messages.append(Message(channel=channel, ts=self._new_ts(), user=BOT_USER, text=text, blocks=blocks,
                                         ephemeral_to=user_id if ephemeral else None, via="response_url",
                                         thread_ts=body.get("thread_ts")))

    def _new_ts(self) -> str:
        """Slack's message ts: the time it was posted, to the microsecond, unique within the workspace."""
        with self._lock:
            self._last_ts = max(int(time.time() * 1_000_000), self._last_ts + 1)
            return f"{self._last_ts // 1_000_000}.{self._last_ts % 1_000_000:06d}"

    # ---- the Web API ---------------------------------------------------------------
    def call(self, method: str, args: dict, token: str | None) -> tuple[int, dict, dict]:
        """Answer one Web API call: (HTTP status, headers, JSON body)."""
        with self._lock:
            record = {"method": method, "args": copy.deepcopy(args), "at": time.time()}
            self.calls.append(record)
            self._trip(method, after=False)
            failures = self._failures.get(method)
            if failures:
                status, headers, body = failures.pop(0)
                record["response"] = body
                return status, headers, body
            try:
                result = self._dispatch(method, args, token)
                body = {"ok": True, **result}
                status, headers = 200, {}
            except ApiError as err:
                body, status, headers = err.body(), err.status, err.headers
            record["response"] = body
            self._trip(method, after=True)
            return status, headers, body

    def _dispatch(self, method: str, args: dict, token: str | None) -> dict:
        if method not in METHODS:
            raise ApiError("unknown_method")
        if not token:
            raise ApiError("not_authed")
        if not token.startswith("xoxb-"):
            raise ApiError("invalid_auth")
        spec = METHODS[method]
        args = {k: v for k, v in args.items() if k not in TRANSPORT_ARGS and k not in CLIENT_ADDED_ARGS}
        unknown = sorted(set(args) - spec.required - spec.optional)
        if unknown:
            raise ApiError("invalid_arguments", [f"[ERROR] unknown argument: {a}" for a in unknown])
        for name in sorted(spec.required):
            if args.get(name) in (None, ""):
                raise ApiError(spec.missing_error.get(name, "invalid_arguments"),
                               [f"[ERROR] missing required field: {name}"])
        for group, error in zip(spec.one_of, spec.one_of_error):
            if not any(args.get(a) not in (None, "", []) for a in group):
                raise ApiError(error, [f"[ERROR] one of {', '.join(sorted(group))} is required"])
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {}
        return handler(args)

    # Each method below receives arguments already checked against the spec.
    def _auth_test(self, args: dict) -> dict:
        team = self.teams[SANDBOX_TEAM]
        return {"url": f"https://{team['domain']}.sandbox.local/", "team": team["name"], "user": "slm-bot",
                "team_id": SANDBOX_TEAM, "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}

    def _team_info(self, args: dict) -> dict:
        return {"team": self.teams.get(args.get("team") or SANDBOX_TEAM, self.teams[SANDBOX_TEAM])}

    def _users_info(self, args: dict) -> dict:
        user = self.users.get(args["user"])
        if not user:
            raise ApiError("user_not_found")
        return {"user": copy.deepcopy(user)}

    def _resolve_channel(self, channel: str) -> dict:
        if channel.startswith("U") or channel.startswith("W"):
            if channel not in self.users:
                raise ApiError("channel_not_found")
            return self.dm_channel(channel)
        if channel.startswith("#"):
            try:
                return self.channel_by_name(channel)
            except StopIteration:
                raise ApiError("channel_not_found") from None
        found = self.channels.get(channel)
        if not found:
            raise ApiError("channel_not_found")
        return found

    def _blocks(self, args: dict, limit: int = MESSAGE_BLOCK_LIMIT) -> list[dict]:
        blocks = args.get("blocks") or []
        if isinstance(blocks, str):
            try:
                blocks = json.loads(blocks)
            except ValueError:
                raise ApiError("invalid_blocks_format") from None
        validate_blocks(blocks, limit)
        return self._name_blocks(blocks)

    def _name_blocks(self, blocks: list[dict]) -> list[dict]:
        """As Slack does, give every block sent without a block_id one of its own (new on each post or update),
        so that two same-named buttons in one message are told apart by their block."""
        for block in blocks:
            if isinstance(block, dict) and not block.get("block_id"):
                block["block_id"] = f"sb{next(self._block_ids)}"
        return blocks

    def _chat_postMessage(self, args: dict) -> dict:
        channel = self._resolve_channel(args["channel"])
        if channel["is_private"] and not channel["is_im"] and BOT_USER not in channel["members"]:
            raise ApiError("channel_not_found")  # chat:write.public reaches public channels only
        blocks = self._blocks(args)
        thread_ts = args.get("thread_ts")
        if thread_ts and not any(m.ts == thread_ts and m.channel == channel["id"] for m in self.messages):
            raise ApiError("thread_not_found")
        msg = Message(channel=channel["id"], ts=self._new_ts(), user=BOT_USER, text=args.get("text") or "",
                      blocks=blocks, thread_ts=thread_ts, metadata=_maybe_json(args.get("metadata")))
        self.messages.append(msg)
        return {"channel": channel["id"], "ts": msg.ts, "message": msg.as_dict()}

    def _chat_postEphemeral(self, args: dict) -> dict:
        channel = self._resolve_channel(args["channel"])
        user = args["user"]
        if user not in self.users:
            raise ApiError("user_not_found")
        if not channel["is_im"] and user not in channel["members"]:
            raise ApiError("user_not_in_channel")
        msg = Message(channel=channel["id"], ts=self._new_ts(), user=BOT_USER, text=args.get("text") or "",
                      blocks=self._blocks(args), ephemeral_to=user, via="chat.postEphemeral",
                      thread_ts=args.get("thread_ts"))
        self.messages.append(msg)
        return {"message_ts": msg.ts}

    def _find_message(self, channel: str, ts: str) -> Message:
        for m in self.messages:
            if m.channel == channel and m.ts == ts and not m.ephemeral_to:
                return m
        raise ApiError("message_not_found")

    def _chat_update(self, args: dict) -> dict:
        channel = self._resolve_channel(args["channel"])
        msg = self._find_message(channel["id"], args["ts"])
        if "blocks" in args:
            msg.blocks = self._blocks(args)
        if "text" in args:
            msg.text = args["text"] or ""
        msg.edits += 1
        return {"channel": channel["id"], "ts": msg.ts, "text": msg.text, "message": msg.as_dict()}

    def _chat_delete(self, args: dict) -> dict:
        channel = self._resolve_channel(args["channel"])
        msg = self._find_message(channel["id"], args["ts"])
        self.messages.remove(msg)
        return {"channel": channel["id"], "ts": msg.ts}

    def _chat_getPermalink(self, args: dict) -> dict:
        channel = self._resolve_channel(args["channel"])
        ts = args["message_ts"]
        self._find_message(channel["id"], ts)
        return {"channel": channel["id"], "permalink": permalink(channel["id"], ts, self.base_url)}

    def _conversations_open(self, args: dict) -> dict:
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if len(users) != 1:
            # Group DMs: a private channel with those members, as Slack's mpim.
            members = sorted(set(users))
            for c in self.channels.values():
                if c.get("is_mpim") and sorted(c["members"]) == members:
                    return {"channel": copy.deepcopy(c)}
            cid = self._next_id("G")
            self.channels[cid] = {"id": cid, "name": "mpdm-" + "--".join(members), "team_id": SANDBOX_TEAM,
                                  "is_im": False, "is_mpim": True, "is_channel": False, "is_private": True,
                                  "members": members + [BOT_USER], "user": None}
            return {"channel": copy.deepcopy(self.channels[cid])}
        if users[0] not in self.users:
            raise ApiError("user_not_found")
        return {"channel": copy.deepcopy(self.dm_channel(users[0]))}

    def _conversations_info(self, args: dict) -> dict:
        return {"channel": copy.deepcopy(self._resolve_channel(args["channel"]))}

    def _conversations_list(self, args: dict) -> dict:
        return {"channels": [copy.deepcopy(c) for c in self.channels.values() if not c["is_im"]],
                "response_metadata": {"next_cursor": ""}}

    def _conversations_members(self, args: dict) -> dict:
        return {"members": list(self._resolve_channel(args["channel"])["members"]),
                "response_metadata": {"next_cursor": ""}}

    def _conversations_join(self, args: dict) -> dict:
        channel = self._resolve_channel(args["channel"])
        if BOT_USER not in channel["members"]:
            channel["members"].append(BOT_USER)
        return {"channel": copy.deepcopy(channel)}

    def _readable(self, channel_id: str) -> dict:
        """A bot token reads a channel only as a member (Slack: not_in_channel), though chat:write.public lets it
        post in a public one it never joined."""
        channel = self._resolve_channel(channel_id)
        if not channel.get("is_im") and not channel.get("is_mpim") and BOT_USER not in channel["members"]:
            raise ApiError("not_in_channel")
        return channel

    def _conversations_history(self, args: dict) -> dict:
        """Newest first, as Slack pages it; metadata only with include_all_metadata."""
        channel = self._readable(args["channel"])
        msgs = list(reversed(self.channel_messages(channel["id"], include_ephemeral=False)))
        return _page(msgs, args)

    def _conversations_replies(self, args: dict) -> dict:
        """The parent first, then the replies oldest first, as Slack pages a thread."""
        channel = self._readable(args["channel"])
        try:
            parent = self._find_message(channel["id"], args["ts"])
        except ApiError:
            raise ApiError("thread_not_found") from None
        replies = self.channel_messages(channel["id"], thread_ts=parent.ts, include_ephemeral=False)
        return _page([parent] + replies, args)

    def _reactions_add(self, args: dict) -> dict:
        self._find_message(self._resolve_channel(args["channel"])["id"], args["timestamp"])
        return {}

    # views ----------------------------------------------------------------------------
    def _view(self, args: dict) -> dict:
        view = args["view"]
        if isinstance(view, str):
            try:
                view = json.loads(view)
            except ValueError:
                raise ApiError("invalid_arguments", ["[ERROR] failed to parse view JSON"]) from None
        validate_view(view)
        self._name_blocks(view.get("blocks", []))
        return view

    def _use_trigger(self, trigger_id: str) -> tuple[str, str]:
        found = self.triggers.pop(trigger_id, None)
        if not found:
            raise ApiError("invalid_trigger_id")
        team_id, user_id, at = found
        if time.monotonic() - at > TRIGGER_TTL_SECONDS:
            raise ApiError("expired_trigger_id")
        return team_id, user_id

    def _new_view(self, team_id: str, user_id: str, view: dict, **links) -> OpenView:
        ov = OpenView(id=self._next_id("V"), team_id=team_id, user_id=user_id, view=view,
                      hash=f"{time.time():.6f}.{next(self._ids)}", **links)
        self.views[ov.id] = ov
        return ov

    def _views_open(self, args: dict) -> dict:
        view = self._view(args)
        if view.get("type") != "modal":
            raise ApiError("invalid_arguments", ["[ERROR] views.open takes a modal view"])
        team_id, user_id = self._use_trigger(args.get("trigger_id") or args.get("interactivity_pointer"))
        ov = self._new_view(team_id, user_id, view)
        self.modal_stacks[(team_id, user_id)] = [ov.id]
        return {"view": ov.as_payload()}

    def _views_push(self, args: dict) -> dict:
        view = self._view(args)
        team_id, user_id = self._use_trigger(args.get("trigger_id") or args.get("interactivity_pointer"))
        stack = self.modal_stacks.get((team_id, user_id)) or []
        if not stack:
            raise ApiError("not_found", ["[ERROR] there is no open modal to push onto"])
        if len(stack) >= VIEW_STACK_LIMIT:
            raise ApiError("push_limit_reached")
        ov = self._new_view(team_id, user_id, view, root_view_id=stack[0], previous_view_id=stack[-1])
        stack.append(ov.id)
        return {"view": ov.as_payload()}

    def _views_update(self, args: dict) -> dict:
        view = self._view(args)
        view_id = args.get("view_id")
        if not view_id and args.get("external_id"):
            view_id = next((v.id for v in self.views.values() if v.view.get("external_id") == args["external_id"]), None)
        if not view_id:
            raise ApiError("invalid_arguments", ["[ERROR] view_id or external_id is required"])
        ov = self.views.get(view_id)
        if not ov:
            raise ApiError("not_found")
        if args.get("hash") and args["hash"] != ov.hash:
            raise ApiError("hash_conflict")
        ov.view = view
        ov.hash = f"{time.time():.6f}.{next(self._ids)}"
        return {"view": ov.as_payload()}

    def _views_publish(self, args: dict) -> dict:
        view = self._view(args)
        if view.get("type") != "home":
            raise ApiError("invalid_arguments", ["[ERROR] views.publish takes a home view"])
        user_id = args["user_id"]
        if user_id not in self.users:
            raise ApiError("user_not_found")
        team_id = self.users[user_id]["team_id"]
        existing = self.home(team_id, user_id)
        if existing:
            existing.view = view
            return {"view": existing.as_payload()}
        ov = self._new_view(team_id, user_id, view)
        self.home_views[(team_id, user_id)] = ov.id
        return {"view": ov.as_payload()}

    # files ----------------------------------------------------------------------------
    def _files_getUploadURLExternal(self, args: dict) -> dict:
        file_id = self._next_id("F")
        self.files[file_id] = {"id": file_id, "name": args["filename"], "length": int(args["length"]),
                               "content": None, "title": args["filename"]}
        return {"upload_url": f"{self.base_url}/sandbox/upload/{file_id}", "file_id": file_id}

    def file_content(self, file_id: str) -> bytes | None:
        """The bytes of a file uploaded and shared in a message (None for one never completed)."""
        with self._lock:
            stored = self.files.get(file_id)
            if stored is None or stored.get("content") is None or "mimetype" not in stored:
                return None
            return stored["content"]

    def store_upload(self, file_id: str, content: bytes) -> None:
        with self._lock:
            if file_id in self.files:
                self.files[file_id]["content"] = content

    def _files_completeUploadExternal(self, args: dict) -> dict:
        files = _maybe_json(args["files"]) or []
        out = []
        for f in files:
            stored = self.files.get(f.get("id"))
            if not stored or stored["content"] is None:
                raise ApiError("file_not_found")
            stored["title"] = f.get("title") or stored["name"]
            stored.update(size=len(stored["content"]), **_file_type(stored["name"], stored["content"]))
            out.append({k: v for k, v in stored.items() if k != "content"})
        channel_id = args.get("channel_id")
        if channel_id:
            channel = self._resolve_channel(channel_id)
            self.messages.append(Message(channel=channel["id"], ts=self._new_ts(), user=BOT_USER,
                                         text=args.get("initial_comment") or "", blocks=[], files=out,
                                         thread_ts=args.get("thread_ts"), via="files.completeUploadExternal"))
        return {"files": out}


def _file_type(name: str, content: bytes) -> dict:
    """What Slack reports of an uploaded file's type: from its first bytes for an image, else from its name."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"filetype": "png", "mimetype": "image/png"}
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    known = {"md": ("markdown", "text/markdown"), "txt": ("text", "text/plain"), "csv": ("csv", "text/csv")}
    filetype, mimetype = known.get(extension, ("binary", "application/octet-stream"))
    return {"filetype": filetype, "mimetype": mimetype}


def _flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def _page(messages: list[Message], args: dict) -> dict:
    """One page of messages between `oldest` and `latest`, `limit` at a time, with a cursor to the next."""
    def ts(value: Any, default: float) -> float:
        try:
            return float(value) if value not in (None, "") else default
        except ValueError:
            raise ApiError("invalid_ts_oldest") from None
    oldest, latest = ts(args.get("oldest"), 0.0), ts(args.get("latest"), float("inf"))
    inclusive = _flag(args.get("inclusive"))
    within = [m for m in messages
              if (oldest <= float(m.ts) if inclusive else oldest < float(m.ts))
              and (float(m.ts) <= latest if inclusive else float(m.ts) < latest)]
    start = int(args.get("cursor") or 0) if str(args.get("cursor") or "0").isdigit() else 0
    limit = min(max(int(args.get("limit") or 100), 1), 999)
    page = within[start:start + limit]
    more = start + limit < len(within)
    return {"messages": [m.as_dict(with_metadata=_flag(args.get("include_all_metadata"))) for m in page],
            "has_more": more, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def permalink(channel: str, ts: str, base_url: str) -> str:
    """A link to a message: the sandbox page itself, opened in its channel at that message."""
    return f"{base_url}/sandbox?channel={channel}#p{ts}"


def validate_blocks(blocks: list, limit: int) -> None:
    """Check blocks the way Slack does, with slack_sdk's own Block Kit models."""
    if not isinstance(blocks, list):
        raise ApiError("invalid_blocks_format")
    if len(blocks) > limit:
        raise ApiError("invalid_blocks", [f"[ERROR] no more than {limit} items allowed [json-pointer:/blocks]"])
    for i, raw in enumerate(blocks):
        try:
            block = Block.parse(raw)
            if block is None or type(block) is Block:
                raise SlackObjectFormationError(f"unknown block type {raw.get('type')!r}")
            block.validate_json()
        except (SlackObjectFormationError, TypeError, AttributeError, KeyError) as err:
            raise ApiError("invalid_blocks", [f"[ERROR] {err} [json-pointer:/blocks/{i}]"]) from None


def validate_view(view: dict) -> None:
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        raise ApiError("invalid_arguments", ["[ERROR] view.type must be modal or home"])
    validate_blocks(view.get("blocks", []), VIEW_BLOCK_LIMIT)
    try:
        View(**view).validate_json()
    except (SlackObjectFormationError, TypeError) as err:
        raise ApiError("invalid_arguments", [f"[ERROR] {err} [json-pointer:/view]"]) from None
