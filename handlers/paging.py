"""Next and Previous for every list a command shows.

A list's buttons carry the command as it was typed and where the page they show starts; pressing one runs the
same command again for that page (handlers/actions/list_pages.py) and puts the answer in place of the old page.
So a command pages by reading `req.offset` and giving its template `pager(req, page, noun)`: nothing else to
register.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from bot.paging import Page
from handlers.commands.router import SlashRequest

VALUE_MAX = 1900  # a button's value holds 2,000 characters; a command longer than this is kept to its start


@dataclass(frozen=True)
class Pager:
    """What a list's foot shows: "Showing 21–40 of 300 services: …and 260 more." and its buttons' values."""

    shown_from: int
    shown_to: int
    total: int
    more: int
    noun: str
    previous_value: str | None
    next_value: str | None

    @property
    def needed(self) -> bool:
        return bool(self.previous_value or self.next_value)


def value(command: str, offset: int) -> str:
    """The button's value: within Slack's 2,000 characters however the command's characters are escaped."""
    command = command[:VALUE_MAX]
    while len(made := json.dumps({"c": command, "o": offset}, ensure_ascii=False)) > VALUE_MAX:
        command = command[: len(command) * 3 // 4]
    return made


def read_value(raw: str | None) -> tuple[str, int]:
    """The command and the offset a button carries; ("", 0) for anything else."""
    try:
        data = json.loads(raw or "")
        return str(data.get("c") or ""), max(0, int(data.get("o") or 0))
    except (ValueError, TypeError, AttributeError):
        return "", 0


def pager(req: SlashRequest | None, page: Page, noun: str, command: str | None = None) -> Pager:
    """The foot of `page`; its buttons run `command` (the listing's own words, where the request was a change,
    like `alerts map …`, that shows the list after it), or else the command as typed."""
    command = command if command is not None else req.text
    return Pager(shown_from=page.offset + 1 if page.rows else 0, shown_to=page.offset + len(page.rows),
                 total=page.total, more=page.more, noun=noun,
                 previous_value=value(command, page.previous_offset) if page.previous_offset is not None else None,
                 next_value=value(command, page.next_offset) if page.next_offset is not None else None)
