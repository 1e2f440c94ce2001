"""The relationship owner hears of a breach first (issue 17, complaints slice): when an alert opens on one of their
party's agreements (the SLA's customer, the OLA's support group, the contract's supplier), a DM to the party's
relationship owner is queued before the alert's own posts, once per alert (bot.service_map.owners)."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlmodel import Session

from bot.breaches import routing
from bot.service_map import owners
from models import Agreement, Breach, Party, Target


def tell_owner(session: Session, breach: Breach, now: datetime) -> bool:
    agreement = session.get(Agreement, breach.agreement_id)
    party = session.get(Party, agreement.counterparty_id) if agreement else None
    target = session.get(Target, breach.target_id)
    if party is None or target is None:
        return False
    context = {"about": "breach", "agreement": agreement.name, "target": f"{target.key} {routing.promise(target)}",
               "level": breach.level, "summary": breach.summary, "ticket": breach.ticket_ref}
    return owners.tell(session, party, f"breach:{breach.id}:opened", context, now)


def first(session: Session, breach: Breach, now: datetime, post: Callable[[Session, Breach, datetime], None]) -> None:
    """The owner's DM, then the alert's posts (`post`: bot.breaches.alerts' own), so the owner's goes out first."""
    tell_owner(session, breach, now)
    post(session, breach, now)
