"""An audit record as `/slm audit` shows it, read as a person would: what changed (old → new), people as mentions,
bookkeeping columns left out (the record keeps them: the export has everything), long values visibly cut, each
time with its zone. Plain text: the template escapes it."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timezone
from typing import Any

from models import AuditEvent

VALUE_MAX = 120  # a value's characters shown; the export has them whole
ITEMS_MAX = 8    # fields shown a record (a section's text stays within Block Kit's 3,000 characters)
BOOKKEEPING = frozenset({"id", "team_id", "created_at", "created_by", "updated_at", "updated_by"})
PERSON = re.compile(r"^[UW][A-Z0-9]{2,31}$")


@dataclass(frozen=True)
class Item:
    """One field: `old` → `new` (a change), `new` alone (made, or a detail), or `old` alone (removed)."""

    key: str
    old: str | None
    new: str | None
    people: bool  # the values are Slack user ids: shown as mentions


@dataclass(frozen=True)
class Line:
    seq: int
    when: str  # with its zone, the same for every reader
    actor: str
    action: str
    items: list[Item]
    more: int  # fields left out past ITEMS_MAX


def _shown(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        text = ", ".join(map(str, value))
    else:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def _kept(key: str) -> bool:
    return key not in BOOKKEEPING and not key.endswith("_key")


def _person(key: str, *values: Any) -> bool:
    named = key == "user_id" or key.endswith(("_by", "_user_id")) or key == "said_by"
    return named and all(v is None or (isinstance(v, str) and PERSON.match(v)) for v in values)


def _empty(value: Any) -> bool:
    return value in (None, "", [], {})


def _item(key: str, old: Any, new: Any) -> Item:
    people = _person(key, old, new)
    return Item(key, None if _empty(old) else (old if people else _shown(old)),
                None if _empty(new) else (new if people else _shown(new)), people)


def items(event: AuditEvent) -> list[Item]:
    found = [_item(k, None, v) for k, v in sorted((event.detail or {}).items()) if not _empty(v) and _kept(k)]
    before, after = event.before, event.after
    if isinstance(before, dict) and isinstance(after, dict):
        keys = [k for k in sorted(set(before) | set(after)) if _kept(k) and before.get(k) != after.get(k)]
        found += [_item(k, before.get(k), after.get(k)) for k in keys]
    elif isinstance(after, dict) and before is None:
        found += [_item(k, None, v) for k, v in sorted(after.items()) if _kept(k) and not _empty(v)]
    elif isinstance(before, dict) and after is None:
        found += [_item(k, v, None) for k, v in sorted(before.items()) if _kept(k) and not _empty(v)]
    elif before != after:  # a value of its own (a setting's)
        found.append(_item("value", before, after))
    shown, seen = [], set()
    for item in found:  # a detail that repeats a changed field shows once
        if item.key not in seen:
            shown.append(item)
            seen.add(item.key)
    return shown


def line(event: AuditEvent) -> Line:
    found = items(event)
    when = event.at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return Line(event.seq, when, event.actor, event.action, found[:ITEMS_MAX], max(0, len(found) - ITEMS_MAX))
