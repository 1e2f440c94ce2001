"""What the App Home tab shows of open actions: each with its owner and whether it is overdue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ActionLine:
    number: int
    title: str
    kind: str
    owner_party: str | None
    owner_user_id: str | None
    due: str
    overdue: bool
    closable: bool


def action_lines(actions, owner_parties: dict[int, str], closable: set[int], today: date) -> list[ActionLine]:
    return [ActionLine(a.number, a.title, a.kind, owner_parties.get(a.number), a.owner_user_id, a.due.isoformat(),
                       a.due < today, a.number in closable) for a in actions]


def overdue_count(actions, today: date) -> int:
    return sum(1 for a in actions if a.due < today)
