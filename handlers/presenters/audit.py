"""An audit record as the lines `/slm audit` shows: plain text (the template escapes it), each value cut short."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from models import AuditEvent

VALUE_MAX = 300  # a value's characters shown; the export has them whole


@dataclass(frozen=True)
class Line:
    seq: int
    at: datetime
    actor: str
    action: str
    detail: str
    before: str | None
    after: str | None


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= VALUE_MAX else text[: VALUE_MAX - 1] + "…"


def line(event: AuditEvent) -> Line:
    detail = "; ".join(f"{k}: {_shown(v)}" for k, v in sorted(event.detail.items()) if v not in (None, "", [], {}))
    return Line(event.seq, event.at, event.actor, event.action, detail,
                None if event.before is None else _shown(event.before),
                None if event.after is None else _shown(event.after))
