"""The state of the local Slack stand-in: teams, users, channels, messages, views.

`SlackSandbox` answers the Web API methods the bot calls the way Slack does
(`{"ok": false, "error": ...}` for unknown methods, unknown or missing arguments,
invalid blocks), records every call, and can be told to fail the next call of a
method with a 429 (with Retry-After) or a 5xx, or to take a call and then lose its
answer (the connection dropped, a 5xx, or an answer that comes too late). Tests and
the sandbox web page read the same state.

Split by job: this module holds the state and answers the users' and chat methods; `conversations` the
conversations.* methods, `oauth` the install flow and each workspace's tokens, `faults` the injected faults, `views` the modals and the App Home, `files` uploads (mixins of `SlackSandbox`
on its state), `objects` the shapes it answers with and Block Kit's checks, `methods` the arguments each method takes.
"""
from __future__ import annotations

import copy
import itertools
import json
import threading
import time
from typing import Callable

from bot.sandbox.connect import ConnectMethods
from bot.sandbox.conversations import ConversationMethods
from bot.sandbox.faults import FaultInjection
from bot.sandbox.files import FileMethods
from bot.sandbox.methods import APP_TOKEN_METHODS, CLIENT_ADDED_ARGS, METHODS, TRANSPORT_ARGS
from bot.sandbox.oauth import OAuthMethods
from bot.sandbox.objects import (  # noqa: F401  (re-exported: callers take the stand-in's names from here)
    APP_ID, BOT_ID, BOT_USER, MESSAGE_BLOCK_LIMIT, SANDBOX_TEAM, ApiError, Message, OpenView, maybe_json, page,
    permalink, validate_blocks)
from bot.sandbox.socket_mode import SocketModeStandIn
from bot.sandbox.views import ViewMethods


class SlackSandbox(FaultInjection, ConnectMethods, ConversationMethods, ViewMethods, FileMethods, OAuthMethods):
    def __init__(self, base_url: str = "http://127.0.0.1:3000") -> None:
        self.base_url = base_url  # where this stand-in is served; upload URLs point here
        self._lock = threading.RLock()
        self.socket_mode = SocketModeStandIn(base_url)  # Socket Mode's WebSocket side (bot/sandbox/socket_mode.py)
        self.reset()

    # ---- setup -------------------------------------------------------------------------
    def reset(self) -> None:
        self.socket_mode.reset()
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
            self._outage: tuple[int, dict, dict] | None = None  # go_down(): every call fails until come_back()
            self._last_ts = 0
            self._reset_oauth()
            self._reset_connect()
            self.add_team(SANDBOX_TEAM, "Sandbox Co")
            self.add_user("U0ALICE", "Alice Admin", is_admin=True, tz="Europe/London")
            self.add_user("U0BOB", "Bob Ops", tz="Europe/Paris")
            self.add_user("U0CAROL", "Carol Customer", tz="America/New_York")
            self.add_user("U0DAVE", "Dave Supplier", tz="Asia/Kolkata")
            for name in ("general", "service-desk", "acme-sla", "network-team"):
                self.add_channel(name, members=["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"])
            self.add_customer_workspace()  # Slack Connect: Acme Corp's own workspace and #acme-connect (connect.py)

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
            if self._outage:
                status, headers, body = self._outage
                record["response"] = body
                return status, headers, body
            if failures:
                status, headers, body = failures.pop(0)
                record["response"] = body
                return status, headers, body
            try:
                self._caller_team, self._one_token = SANDBOX_TEAM, True
                result = self._dispatch(method, args, token)
                record["team"] = self._caller_team  # the workspace the call's token answered for
                body = {"ok": True, **result}
                status, headers = 200, {}
            except ApiError as err:
                body, status, headers = err.body(), err.status, err.headers
            record["response"] = body
            self._trip(method, after=True)
            return status, headers, body

    def _dispatch(self, method: str, args: dict, token: str | None) -> dict:
        if method == "oauth.v2.access":  # the app's credentials, not a token (bot/sandbox/oauth.py)
            return self._oauth_v2_access(args, token)
        if method not in METHODS:
            raise ApiError("unknown_method")
        if not token:
            raise ApiError("not_authed")
        app_level = method in APP_TOKEN_METHODS  # Slack: a method takes its own kind of token, and refuses another
        if token.startswith("xapp-" if not app_level else "xox"):
            raise ApiError("not_allowed_token_type")
        if not token.startswith("xapp-" if app_level else "xoxb-"):
            raise ApiError("invalid_auth")
        if app_level and token != self.socket_mode.app_token:
            raise ApiError("invalid_auth")
        self._caller_team = self.token_team(token)  # what this call may reach: its token's workspace
        self._one_token = token not in self.issued  # single-token mode: it stands for every installation's own
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
        team = self.teams[self._caller_team]
        return {"url": f"https://{team['domain']}.sandbox.local/", "team": team["name"], "user": "slm-bot",
                "team_id": team["id"], "user_id": BOT_USER, "bot_id": BOT_ID, "is_enterprise_install": False}

    def _apps_connections_open(self, args: dict) -> dict:
        return {"url": self.socket_mode.open_ticket()}

    def _team_info(self, args: dict) -> dict:
        """The caller's workspace, or one it shares a Slack Connect channel with (team.info's `team`: "will only
        return team that the authenticated token is allowed to see through external shared channels")."""
        team = args.get("team") or self._caller_team
        visible = team == self._caller_team or any(
            {team, self._caller_team} <= set(c.get("shared_team_ids") or ()) for c in self.channels.values())
        if team not in self.teams or not visible:
            raise ApiError("team_not_found")
        return {"team": copy.deepcopy(self.teams[team])}

    def _users_info(self, args: dict) -> dict:
        user = self.users.get(args["user"])
        if not user:
            raise ApiError("user_not_found")
        if user["team_id"] != self._caller_team and user["team_id"] in self.connect_teams:
            return {"user": self._connect_user(user)}  # seen through a shared channel, or a stranger (connect.py)
        # One of the caller's workspace, or of another workspace the app is installed in: in single-token mode the
        # one token stands for every installation's own, which would answer for its own people in full.
        return {"user": copy.deepcopy(user)}

    def _resolve_channel(self, channel: str) -> dict:
        if channel.startswith("U") or channel.startswith("W"):
            if channel not in self.users:
                raise ApiError("channel_not_found")
            try:
                return self._dm_reachable(channel)  # another organisation's person: Slack Connect's rule (connect.py)
            except ApiError:
                raise ApiError("channel_not_found") from None
        if channel.startswith("#"):
            try:
                return self.channel_by_name(channel)
            except StopIteration:
                raise ApiError("channel_not_found") from None
        found = self.channels.get(channel)
        if not found or not self._reaches(found):
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
                      blocks=blocks, thread_ts=thread_ts, metadata=maybe_json(args.get("metadata")))
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

    def _reactions_add(self, args: dict) -> dict:
        self._find_message(self._resolve_channel(args["channel"])["id"], args["timestamp"])
        return {}
