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
