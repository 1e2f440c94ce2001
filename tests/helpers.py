"""Small readers for assertions: what a person would see of a message or a view."""
from __future__ import annotations

import json
import re

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.sandbox.workspace import Message, OpenView


def block_text(blocks: list[dict]) -> str:
    """All the text in these blocks, one block a line, the way a reader scans it."""
    out: list[str] = []
    for b in blocks:
        parts = []
        if isinstance(b.get("text"), dict):
            parts.append(b["text"].get("text", ""))
        for f in b.get("fields") or []:
            parts.append(f.get("text", ""))
        for el in b.get("elements") or []:
            if isinstance(el, dict):
                t = el.get("text")
                parts.append(t.get("text", "") if isinstance(t, dict) else (t or ""))
        if b.get("type") == "input":
            parts.append(b["label"]["text"])
        out.append(" ".join(p for p in parts if p))
    return "\n".join(out)


def text_of(item: Message | OpenView | dict) -> str:
    if isinstance(item, Message):
        return item.text + "\n" + block_text(item.blocks)
    if isinstance(item, OpenView):
        return block_text(item.view.get("blocks", []))
    return item.get("text", "") + "\n" + block_text(item.get("blocks", []))


FORGED = ("<!channel>", "<!here>", "<https://evil.example|")
# Names the tests type, which must show as typed: never bold, italic, struck through or code.
TYPED_MARKUP = ("*bold*", "_pay_", "~roll~")
TYPED_CODE = "`tick`"
_CODE_SPAN = re.compile(r"```.*?```|`[^`\n]*`", re.S)


def assert_no_typed_markup(text: str) -> None:
    """No name typed with `*`, `_`, `~` or backticks formats the text (inside a code span of ours it is literal)."""
    assert TYPED_CODE not in text, f"a typed backtick made code: {text[:200]!r}"
    prose = _CODE_SPAN.sub("", text)
    for token in TYPED_MARKUP:
        assert token not in prose, f"user text formats Slack mrkdwn: {token} in {text[:200]!r}"


def _mrkdwn_texts(node, top: bool = True):
    """Every text Slack reads as mrkdwn: mrkdwn objects, and a message's top-level text."""
    if isinstance(node, dict):
        if top and isinstance(node.get("text"), str) and "blocks" in node and node.get("type") not in ("modal", "home"):
            yield node["text"]
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from _mrkdwn_texts(value, top=False)
    elif isinstance(node, list):
        for value in node:
            yield from _mrkdwn_texts(value, top=False)


def assert_valid_blocks(payload: dict, *, view: bool = False) -> None:
    """Round-trip through slack_sdk's Block Kit models, as the stand-in does, within Slack's limits;
    and nothing a person typed became a ping, a link or formatting."""
    for text in _mrkdwn_texts(payload):
        for token in FORGED:
            assert token not in text, f"user text reached Slack mrkdwn unescaped: {token} in {text[:200]!r}"
        assert_no_typed_markup(text)
    if view:
        View(**json.loads(json.dumps(payload))).validate_json()
        assert len(payload.get("blocks", [])) <= 100
    else:
        blocks = payload.get("blocks", [])
        assert len(blocks) <= 50, f"{len(blocks)} blocks: Slack takes at most 50 in a message"
        for b in blocks:
            parsed = Block.parse(b)
            assert parsed is not None and type(parsed) is not Block, b
            parsed.validate_json()


def statements_of(db, run) -> int:
    """How many SQL statements `run()` sent to the database (a page's cost, whatever the rows stored)."""
    from sqlalchemy import event

    seen = []

    def count(*_args):
        seen.append(1)

    for engine in db.engines:  # the read sessions' own engine too (bot/database.py)
        event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def sql_of(db, run) -> list[str]:
    """The SQL statements `run()` sent to the database, as sent (what it read, not only how much)."""
    from sqlalchemy import event as _sa_event

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    for engine in db.engines:  # the read sessions' own engine too (bot/database.py)
        _sa_event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        for engine in db.engines:
            _sa_event.remove(engine, "before_cursor_execute", record)
    return seen
