"""Slack's length limits for text, applied after escaping: a long text is cut visibly (…), never left to make
the whole message or view invalid. The cut never splits an escape (`&amp;`) or a mention (`<@U1>`), and a code
span it cuts is closed, so what a person typed inside it (`*bold*`) stays literal."""
from __future__ import annotations

import re
from typing import Any

# The longest text Slack takes where a text object stands: (key in its parent, parent's type) or key alone.
_BY_PLACE = {("text", "header"): 150, ("text", "button"): 75, ("text", "option"): 75, ("description", "option"): 75,
             ("title", "modal"): 24, ("submit", "modal"): 24, ("close", "modal"): 24,
             ("label", ""): 75}  # an option group's label (it has no type)
_BY_KEY = {"placeholder": 150, "label": 2000, "hint": 2000, "fields": 2000, "title": 100, "confirm": 30, "deny": 30}
_DEFAULT = 3000
_OPEN_ESCAPE = re.compile(r"&[a-z]*$|<[^<>]*$")


def cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    kept = text[: limit - 4]  # room for the ellipsis and a closing fence
    kept = kept[: m.start()] if (m := _OPEN_ESCAPE.search(kept)) else kept
    fences = kept.count("```")
    if fences % 2:
        return kept + "…```"
    return kept + ("…`" if kept.replace("```", "").count("`") % 2 else "…")


def _is_text(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str)


def cut_to_limits(node: Any, key: str = "", parent: str = "") -> Any:
    if _is_text(node):
        limit = _BY_PLACE.get((key, parent)) or _BY_KEY.get(key) or _DEFAULT
        return {**node, "text": cut(node["text"], limit)}
    if isinstance(node, dict):
        kind = node.get("type") or ("option" if "value" in node and _is_text(node.get("text")) else "")
        return {k: cut_to_limits(v, k, kind) for k, v in node.items()}
    if isinstance(node, list):
        return [cut_to_limits(item, key, parent) for item in node]
    return node


def _split_lines(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, each ending at a line break outside a code block: a list's
    rows go on in the next section whole, rather than one being cut mid-row. A single line longer than `limit` is
    left whole (and cut where it lands)."""
    pieces, current = [], ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if current and len(candidate) > limit and current.count("```") % 2 == 0:
            pieces.append(current)
            candidate = line
        current = candidate
    return [*pieces, current]


def split_long_sections(blocks: Any, limit: int = _DEFAULT, max_blocks: int = 50) -> Any:
    """A message's sections whose mrkdwn is over Slack's 3,000 characters, each split into several sections at
    line breaks (a section with an accessory or fields keeps them on its first piece), as far as the message's
    `max_blocks` allow; what is still too long past that is cut where it lands, visibly."""
    if not isinstance(blocks, list):
        return blocks
    spare = max_blocks - len(blocks)
    out = []
    for block in blocks:
        text = block.get("text") if isinstance(block, dict) and block.get("type") == "section" else None
        if spare <= 0 or not (_is_text(text) and text["type"] == "mrkdwn" and len(text["text"]) > limit):
            out.append(block)
            continue
        pieces = _split_lines(text["text"], limit)
        pieces = [*pieces[:spare], "\n".join(pieces[spare:])] if len(pieces) > spare + 1 else pieces
        spare -= len(pieces) - 1
        for i, piece in enumerate(pieces):
            kept = {k: v for k, v in block.items() if i == 0 or k not in ("block_id", "accessory", "fields")}
            out.append({**kept, "text": {**text, "text": piece}})
    return out
