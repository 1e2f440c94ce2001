"""What the Slack stand-in hands back and checks, as Slack's Web API does: its error, a message, an open view,
the ids it answers as, and Block Kit's limits and checks (with slack_sdk's own models).

Plain shapes and pure functions, with no state: `workspace.SlackSandbox` holds the state and its mixins
(`faults`, `views`) answer with these.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View


SANDBOX_TEAM = "T0SANDBOX"
BOT_USER = "U0SLMBOT"
BOT_ID = "B0SLMBOT"
APP_ID = "A0SLMBOT"
MESSAGE_BLOCK_LIMIT = 50
VIEW_BLOCK_LIMIT = 100


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
        v.update({"id": self.id, "team_id": self.team_id, "app_installed_team_id": self.team_id, "hash": self.hash,
                  "app_id": APP_ID, "bot_id": BOT_ID,
                  "root_view_id": self.root_view_id or self.id, "previous_view_id": self.previous_view_id,
                  "private_metadata": self.view.get("private_metadata", ""), "callback_id": self.callback_id,
                  "state": {"values": state_values or {}}})
        return v


def file_type(name: str, content: bytes) -> dict:
    """What Slack reports of an uploaded file's type: from its first bytes for an image, else from its name."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return {"filetype": "png", "mimetype": "image/png"}
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    known = {"md": ("markdown", "text/markdown"), "txt": ("text", "text/plain"), "csv": ("csv", "text/csv")}
    filetype, mimetype = known.get(extension, ("binary", "application/octet-stream"))
    return {"filetype": filetype, "mimetype": mimetype}


def flag(value: Any) -> bool:
    return str(value).lower() in ("1", "true")


def page(messages: list[Message], args: dict) -> dict:
    """One page of messages between `oldest` and `latest`, `limit` at a time, with a cursor to the next."""
    def ts(value: Any, default: float) -> float:
        try:
            return float(value) if value not in (None, "") else default
        except ValueError:
            raise ApiError("invalid_ts_oldest") from None
    oldest, latest = ts(args.get("oldest"), 0.0), ts(args.get("latest"), float("inf"))
    inclusive = flag(args.get("inclusive"))
    within = [m for m in messages
              if (oldest <= float(m.ts) if inclusive else oldest < float(m.ts))
              and (float(m.ts) <= latest if inclusive else float(m.ts) < latest)]
    start = int(args.get("cursor") or 0) if str(args.get("cursor") or "0").isdigit() else 0
    limit = min(max(int(args.get("limit") or 100), 1), 999)
    page = within[start:start + limit]
    more = start + limit < len(within)
    return {"messages": [m.as_dict(with_metadata=flag(args.get("include_all_metadata"))) for m in page],
            "has_more": more, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}


def maybe_json(value: Any) -> Any:
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
