"""Sends correctly signed Slack requests to the bot, as Slack would.

Slash commands, block actions, view submissions and closes, global and message
shortcuts, and events: each is built in the shape Slack documents, signed with
v0 HMAC-SHA256 over the timestamp and body, and POSTed to the bot's real
`/slack/events`. View submissions are filled from the views the stand-in holds,
and the bot's `response_action` is applied to the stand-in's modal stack.
"""
from __future__ import annotations

import json
import ssl
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.sandbox.payloads import SEARCHING, STATELESS, action_entry, all_options, find_block, find_element, view_state
from bot.sandbox.workspace import APP_ID, BOT_ID, BOT_USER, SANDBOX_TEAM, Message, OpenView, SlackSandbox


@dataclass
class Outcome:
    """What the bot answered to one request."""

    status: int
    body: str
    json: dict | None = None
    errors: dict[str, str] = field(default_factory=dict)  # inline modal errors, by block_id

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.errors


@cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every driver: an httpx client that loads the CA files for itself spends ~20 ms of CPU,
    and the test suite makes a driver per test."""
    return ssl.create_default_context()


class SlackDriver:
    def __init__(self, sandbox: SlackSandbox, events_url: str, signing_secret: str, *, timeout: float = 30.0,
                 wait_idle=None):
        self.sandbox = sandbox
        self.events_url = events_url
        self.signing_secret = signing_secret
        self.http = httpx.Client(timeout=timeout, verify=_tls_context())
        # The bot answers Slack first and finishes in the background; this waits for that, so that what is
        # read from the stand-in afterwards is complete (None: do not wait).
        self.wait_idle = wait_idle

    # ---- plumbing ---------------------------------------------------------------------
    def sign(self, body: str, timestamp: int | None = None, secret: str | None = None) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        verifier = SignatureVerifier(secret or self.signing_secret)
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body)}

    def post(self, body: str, content_type: str, *, headers: dict | None = None, signed: bool = True,
             timestamp: int | None = None, secret: str | None = None) -> Outcome:
        all_headers = {"Content-Type": content_type}
        if signed:
            all_headers.update(self.sign(body, timestamp, secret))
        all_headers.update(headers or {})
        resp = self.http.post(self.events_url, content=body.encode("utf-8"), headers=all_headers)
        if self.wait_idle is not None and not self.wait_idle():
            raise AssertionError("the bot's listeners were still running 30 s after the request")
        parsed = None
        if resp.headers.get("content-type", "").startswith("application/json") and resp.text:
            parsed = resp.json()
        return Outcome(resp.status_code, resp.text, parsed)

    def _post_form(self, fields: dict[str, Any], **kw) -> Outcome:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    def _post_payload(self, payload: dict, **kw) -> Outcome:
        return self._post_form({"payload": json.dumps(payload)}, **kw)

    def _user(self, user: str, team: str) -> dict:
        """The `user` of an interaction payload: `team_id` is the person's own workspace, which for someone of
        another organisation acting in a Slack Connect channel is not the app's (bot/sandbox/connect.py)."""
        info = self.sandbox.users.get(user, {"name": user})
        return {"id": user, "username": info["name"], "name": info["name"], "team_id": self._home(user, team)}

    def _home(self, user: str, team: str) -> str:
        """The person's own workspace: theirs if they belong to one the app is not installed in (Slack Connect),
        else the workspace the request is for (so a test may act as a person of an installed other workspace)."""
        own = self.sandbox.users.get(user, {}).get("team_id", team)
        return own if own in self.sandbox.connect_teams else team

    def _view_payload(self, view: OpenView, state: dict | None, user: str, team: str) -> tuple[dict, dict]:
        """(`team`, `view`) of a payload about a modal: Slack opened it in the person's own workspace, so for a
        person of another organisation both name theirs, and `view.app_installed_team_id` the app's."""
        payload = view.as_payload(state)
        home = self._home(user, team)
        payload["team_id"] = home
        return self._team(home), payload

    def _team(self, team: str) -> dict:
        return {"id": team, "domain": self.sandbox.teams.get(team, {"domain": team.lower()})["domain"]}

    def _response_url(self, team: str, user: str, channel: str, message_ts: str | None = None) -> str:
        return f"{self.sandbox.base_url}/sandbox/response/{team}.{user}.{channel}.{message_ts or '-'}"

    # ---- what a person does in Slack ---------------------------------------------------
    def command(self, text: str = "", *, user: str = "U0ALICE", channel: str = "C0GENERAL",
                team: str = SANDBOX_TEAM, command: str = "/slm", **kw) -> Outcome:
        fields = {
            "token": "deprecated-verification-token", "team_id": team, "team_domain": self._team(team)["domain"],
            "channel_id": channel, "channel_name": self._channel_name(channel),
            "user_id": user, "user_name": self._user(user, team)["name"], "command": command, "text": text,
            "api_app_id": APP_ID, "is_enterprise_install": "false",
            "response_url": self._response_url(team, user, channel),
            "trigger_id": self.sandbox.mint_trigger(team, user),
        }
        return self._post_form(fields, **kw)

    def _channel_name(self, channel: str) -> str:
        """What Slack sends as a slash command's channel_name: "directmessage" from a DM, "privategroup" from a
        private channel, the mpdm-… name from a group DM, the channel's own name otherwise."""
        found = self.sandbox.channels.get(channel)
        if found is None:
            return "directmessage" if channel[:1] == "D" else "unknown"
        if found.get("is_im"):
            return "directmessage"
        if found.get("is_private") and not found.get("is_mpim"):
            return "privategroup"
        return found["name"]

    def shortcut(self, callback_id: str, *, user: str = "U0ALICE", team: str = SANDBOX_TEAM) -> Outcome:
        payload = {"type": "shortcut", "token": "deprecated", "action_ts": f"{time.time():.6f}",
                   "team": self._team(team), "user": self._user(user, team), "is_enterprise_install": False,
                   "enterprise": None, "callback_id": callback_id,
                   "trigger_id": self.sandbox.mint_trigger(team, user)}
        return self._post_payload(payload)

    def message_shortcut(self, callback_id: str, message: Message, *, user: str = "U0ALICE",
                         team: str = SANDBOX_TEAM) -> Outcome:
        payload = {"type": "message_action", "token": "deprecated", "action_ts": f"{time.time():.6f}",
                   "team": self._team(team), "user": self._user(user, team), "is_enterprise_install": False,
                   "enterprise": None, "callback_id": callback_id, "trigger_id": self.sandbox.mint_trigger(team, user),
                   "channel": {"id": message.channel, "name": self.sandbox.channels.get(message.channel, {}).get("name")},
                   "message_ts": message.ts, "message": self._as_slack_sends(message),
                   "response_url": self._response_url(team, user, message.channel, message.ts)}
        return self._post_payload(payload)

    def _as_slack_sends(self, message: Message) -> dict:
        """A message as Slack puts it in a message_action payload: what people and apps see of it (a bot's message
        carries bot_id and app_id, a thread's parent its reply count, a reply its parent's author), and nothing of
        the stand-in's own bookkeeping (channel, via, edits, ephemeral_to, metadata)."""
        d: dict[str, Any] = {"type": "message", "user": message.user, "ts": message.ts, "text": message.text}
        if message.blocks:
            d["blocks"] = message.blocks
        if message.files:
            d["files"] = message.files
        if message.user == BOT_USER:
            d.update(bot_id=BOT_ID, app_id=APP_ID)
        if message.edits:
            d["edited"] = {"user": message.user, "ts": message.ts}
        with self.sandbox._lock:
            replies = [m for m in self.sandbox.messages if m.channel == message.channel and m.thread_ts == message.ts
                       and m.ts != message.ts and not m.ephemeral_to]
            parent = next((m for m in self.sandbox.messages if message.thread_ts and m.channel == message.channel
                           and m.ts == message.thread_ts), None)
        if message.thread_ts and message.thread_ts != message.ts:
            d["thread_ts"] = message.thread_ts
            if parent is not None:
                d["parent_user_id"] = parent.user
        elif replies:
            d.update(thread_ts=message.ts, reply_count=len(replies), latest_reply=replies[-1].ts,
                     reply_users=sorted({m.user for m in replies}), reply_users_count=len({m.user for m in replies}))
        return d

    def post_as_user(self, channel: str, text: str, *, user: str = "U0CAROL", thread_ts: str | None = None) -> Message:
        """A person writes in a channel: recorded in the stand-in (no event is sent)."""
        msg = Message(channel=channel, ts=self.sandbox._new_ts(), user=user, text=text, blocks=[], thread_ts=thread_ts,
                      via="person")
        with self.sandbox._lock:
            self.sandbox.messages.append(msg)
        return msg

    def click(self, action_id: str, *, message: Message | None = None, view: OpenView | None = None,
              value: Any = None, block_id: str | None = None, values: dict[str, Any] | None = None,
              user: str = "U0ALICE", team: str = SANDBOX_TEAM) -> Outcome:
        """Press a button, or pick from a select, overflow menu or date picker, in a message or a view.

        `block_id` picks among same-named elements (Slack tells them apart by their block); `value` is the
        option, date, user... chosen; `values` what the view's other fields hold now (by block_id, as `submit`
        takes them): Slack sends the view's whole state with every action in it.
        """
        source_blocks = (message.blocks if message else view.view.get("blocks", [])) if (message or view) else []
        block_id, element = find_element(source_blocks, action_id, block_id)
        action = action_entry(element, block_id, value)
        payload: dict[str, Any] = {"type": "block_actions", "token": "deprecated", "api_app_id": APP_ID,
                                   "team": self._team(team), "user": self._user(user, team),
                                   "is_enterprise_install": False, "enterprise": None,
                                   "trigger_id": self.sandbox.mint_trigger(team, user), "actions": [action]}
        current = dict(values or {})
        if element["type"] not in STATELESS and block_id:
            current[block_id] = value
        if message:
            ephemeral = message.ephemeral_to is not None
            payload.update({"container": {"type": "message", "message_ts": message.ts, "channel_id": message.channel,
                                          "is_ephemeral": ephemeral},
                            "channel": {"id": message.channel,
                                        "name": self.sandbox.channels.get(message.channel, {}).get("name")},
                            "message": message.as_dict(),
                            "state": {"values": view_state({"blocks": message.blocks}, current)},
                            "response_url": self._response_url(team, user, message.channel, message.ts)})
        elif view:
            # As in Slack, the view arrives with what is entered in it now, the new choice included.
            team_of_view, view_payload = self._view_payload(
                view, view_state(view.view, current, self.sandbox.offered_in(view.id)), user, team)
            payload.update({"container": {"type": "view", "view_id": view.id}, "team": team_of_view,
                            "view": view_payload})
        return self._post_payload(payload)

    def suggest(self, view: OpenView, block_id: str, typed: str = "", *, user: str | None = None,
                team: str | None = None) -> list[dict]:
        """The person opens a searching select (external_select) in a view, or types in it: Slack sends the bot a
        signed block_suggestion with what was typed (`value`) and shows the options the bot answers with. Those are
        returned (option groups flattened), and remembered, so that `submit` and `click` can choose one by value."""
        return all_options(self.suggest_answer(view, block_id, typed, user=user, team=team))

    def suggest_answer(self, view: OpenView, block_id: str, typed: str = "", *, user: str | None = None,
                       team: str | None = None) -> dict:
        """`suggest`, answering the bot's options as Slack shows them: `options`, or `option_groups` under their
        headings (which OLA or contract a target belongs to, which kind a party is)."""
        user, team = user or view.user_id, team or view.team_id
        bid, element = find_block(view.view.get("blocks", []), block_id)
        if element["type"] not in SEARCHING:
            raise AssertionError(f"the block {block_id!r} holds a {element['type']}, not a searching select")
        team_of_view, view_payload = self._view_payload(view, None, user, team)
        payload = {"type": "block_suggestion", "token": "deprecated", "api_app_id": APP_ID,
                   "team": team_of_view, "user": self._user(user, team), "is_enterprise_install": False,
                   "enterprise": None, "container": {"type": "view", "view_id": view.id},
                   "action_id": element["action_id"], "block_id": bid, "value": typed, "view": view_payload}
        outcome = self._post_payload(payload)
        answer = outcome.json or {}
        if outcome.status != 200 or not ({"options", "option_groups"} & answer.keys()):
            raise AssertionError(f"the bot did not answer the block_suggestion with options: {outcome.status} {outcome.body!r}")
        options = all_options(answer)
        if len(options) > 100:  # Slack shows nothing at all past its limit
            raise AssertionError(f"the bot answered {len(options)} options; Slack takes at most 100")
        with self.sandbox._lock:
            self.sandbox.offered[(view.id, bid)] = options
        if answer.get("option_groups"):
            return {"option_groups": answer["option_groups"]}
        return {"options": answer.get("options") or []}

    def submit(self, view: OpenView | None = None, values: dict[str, Any] | None = None, *, user: str | None = None,
               team: str | None = None) -> Outcome:
        """Fill the input blocks of an open modal (by block_id) and press its submit button."""
        if view is None:
            view = self.sandbox.open_modal(team or SANDBOX_TEAM, user or "U0ALICE")
            if view is None:
                raise AssertionError("no modal is open to submit")
        user, team = view.user_id, view.team_id
        state = view_state(view.view, values or {}, self.sandbox.offered_in(view.id))
        team_of_view, view_payload = self._view_payload(view, state, user, team)
        payload = {"type": "view_submission", "token": "deprecated", "api_app_id": APP_ID, "team": team_of_view,
                   "user": self._user(user, team), "is_enterprise_install": False, "enterprise": None,
                   "trigger_id": self.sandbox.mint_trigger(team, user), "view": view_payload,
                   "response_urls": []}
        outcome = self._post_payload(payload)
        self._apply_response_action(view, outcome)
        return outcome

    def close(self, view: OpenView) -> Outcome | None:
        """The person presses Cancel (or the x); the bot hears of it only if it asked to."""
        self.sandbox.close_modals(view.team_id, view.user_id, all_views=False)
        if not view.view.get("notify_on_close"):
            return None
        team_of_view, view_payload = self._view_payload(view, None, view.user_id, view.team_id)
        payload = {"type": "view_closed", "token": "deprecated", "api_app_id": APP_ID, "team": team_of_view,
                   "user": self._user(view.user_id, view.team_id), "view": view_payload, "is_cleared": False,
                   "is_enterprise_install": False, "enterprise": None}
        return self._post_payload(payload)

    def event(self, event: dict, *, team: str = SANDBOX_TEAM) -> Outcome:
        body = {"token": "deprecated", "team_id": team, "api_app_id": APP_ID, "event": event, "type": "event_callback",
                "event_id": f"Ev{time.time_ns()}", "event_time": int(time.time()),
                "authorizations": [{"team_id": team, "user_id": "U0SLMBOT", "is_bot": True, "is_enterprise_install": False}]}
        if self.sandbox.is_shared(event.get("channel") or ""):
            # An event from a Slack Connect channel says so, and whose workspace the person is from (connect.py).
            body.update(is_ext_shared_channel=True, context_team_id=team, context_enterprise_id=None)
            if event.get("user") in self.sandbox.users:
                event = {**event, "user_team": self.sandbox.users[event["user"]]["team_id"]}
                body["event"] = event
        return self.post(json.dumps(body), "application/json")

    def open_home(self, *, user: str = "U0ALICE", team: str = SANDBOX_TEAM) -> Outcome:
        return self.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home",
                           "event_ts": f"{time.time():.6f}"}, team=team)

    def _apply_response_action(self, view: OpenView, outcome: Outcome) -> None:
        data = outcome.json or {}
        action = data.get("response_action")
        stack = self.sandbox.modal_stacks.get((view.team_id, view.user_id), [])
        if outcome.status != 200:
            return
        if action == "errors":
            outcome.errors = data.get("errors", {})
        elif action == "update":
            self.sandbox._views_update({"view_id": view.id, "view": data["view"]})
        elif action == "push":
            new = self.sandbox._new_view(view.team_id, view.user_id, self.sandbox._view({"view": data["view"]}), root_view_id=stack[0] if stack else None,
                                         previous_view_id=view.id)
            stack.append(new.id)
        elif action == "clear":
            stack.clear()
        elif view.id in stack:
            stack.remove(view.id)
