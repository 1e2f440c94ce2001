"""Which actions `/slm actions [mine|<sla>|<party>|overdue]` lists, a page at a time.

Only the page shown is read (and its count), through the index on (team, status, due): a workspace with
thousands of actions lists as fast as one with ten. Soonest due first, so the overdue lead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from bot.actions.records import OPEN_STATUSES
from bot.errors import Command, NotFound
from models.base import name_key
from models import Action, Agreement, AgreementKind, Party

PAGE = 15  # items per page: each is a few blocks, and a message holds 50


@dataclass(frozen=True)
class Filter:
    """What to list: the word the person typed (kept to repeat it in the "next page" command) and what it means."""

    words: str = ""
    owner_user_id: str | None = None
    agreement_id: int | None = None
    party_id: int | None = None
    overdue_on: date | None = None
    number: int | None = None
    label: str = "Open actions"


@dataclass(frozen=True)
class Page:
    rows: list[Action]
    total: int
    offset: int

    @property
    def more(self) -> int:
        return max(0, self.total - self.offset - len(self.rows))

    @property
    def next_offset(self) -> int:
        return self.offset + len(self.rows)


def read_filter(session: Session, team_id: str, user_id: str, words: str, today: date) -> Filter:
    """`mine`, `overdue`, an SLA's name, a party's name, or `#12`; nothing: every open action."""
    text = " ".join(words.split())
    if not text:
        return Filter()
    if text.lower() == "mine":
        return Filter(text, owner_user_id=user_id, label="Your open actions")
    if re.fullmatch(r"#?\d{1,9}", text):  # one action: where a confirmation links to its entry
        return Filter(text, number=int(text.lstrip("#")), label=f"Action #{text.lstrip('#')}")
    if text.lower() == "overdue":
        return Filter(text, overdue_on=today, label="Overdue actions")
    sla = session.exec(select(Agreement).where(Agreement.team_id == team_id, Agreement.name_key == name_key(text),
                                               Agreement.kind == AgreementKind.SLA.value)).first()
    if sla is not None:
        return Filter(text, agreement_id=sla.id, label=f"Open actions on {sla.name}")
    party = session.exec(select(Party).where(Party.team_id == team_id, Party.name_key == name_key(text))).first()
    if party is not None:
        return Filter(text, party_id=party.id, label=f"Open actions agreed with {party.name}")
    slas = ", ".join(session.exec(select(Agreement.name).where(Agreement.team_id == team_id,
                                                               Agreement.kind == AgreementKind.SLA.value)
                                  .order_by(Agreement.name_key).limit(10)))  # ten names, not every SLA read
    parties = ", ".join(session.exec(select(Party.name).where(Party.team_id == team_id)
                                     .order_by(Party.kind, Party.name_key).limit(10)))
    raise NotFound(f"“{text[:80]}” is neither an SLA nor a party (SLAs: {slas or 'none yet'}; parties: "
                   f"{parties or 'none yet'}). Or try ", Command("actions", "mine"), " or ",
                   Command("actions", "overdue"), ".")


def page(session: Session, team_id: str, chosen: Filter, *, offset: int = 0, size: int = PAGE) -> Page:
    """One page of the open and in-progress actions that match, soonest due first, and how many match in all."""
    where = [Action.team_id == team_id, Action.status.in_(OPEN_STATUSES)]
    if chosen.owner_user_id:
        where.append(Action.owner_user_id == chosen.owner_user_id)
    if chosen.agreement_id:
        where.append(Action.agreement_id == chosen.agreement_id)
    if chosen.party_id:
        where.append(Action.owner_party_id == chosen.party_id)
    if chosen.number is not None:
        where = [Action.team_id == team_id, Action.number == chosen.number]  # whatever its status
    if chosen.overdue_on:
        where.append(Action.due < chosen.overdue_on)
    total = session.exec(select(func.count()).select_from(Action).where(*where)).one()
    offset = max(0, min(offset, max(total - 1, 0)))
    rows = list(session.exec(select(Action).where(*where).order_by(Action.due, Action.number)
                             .offset(offset).limit(size)))
    return Page(rows, total, offset)
