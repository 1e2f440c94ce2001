"""Each party's relationship owner (issue 17, ISO/IEC 20000-1 8.3.2 and 8.3.4.1): the person who answers for the
relationship with a customer or supplier (a support group may have one too), named on `party.owner_user_id`.

The owner is told first of what happens to their party: its complaints (bot.complaints), breaches on its agreements
(bot.breaches.owner_notice) and renewals (bot.cover.notices). "First" means the owner's DM is queued in the
once-only outbox before the channel's post or the service managers' DMs, so it goes out ahead of them (the outbox
sends in the order rows were queued).
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, select

from bot import audit, outbox
from bot.errors import InvalidInput
from bot.service_map.records import SLACK_USER, clean_owner, get_party  # noqa: F401  (kept beside the party form, which checks them too)
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Contact, Member, Party

TEMPLATE = "owner_told.yml.j2"


def of_elsewhere(session: Session, team_id: str, user_id: str) -> bool:
    """Whether this workspace knows `user_id` as a person of another organisation's workspace (Slack Connect): their
    profile says so (member.home_team, from users.info), or they were named a contact from a shared channel."""
    member = session.exec(select(Member.home_team).where(Member.team_id == team_id, Member.user_id == user_id)).first()
    if member is not None:
        return True
    return session.exec(select(Contact.id).where(Contact.team_id == team_id, Contact.user_id == user_id,
                                                 Contact.user_team.is_not(None)).limit(1)).first() is not None


def refuse_elsewhere(session: Session, team_id: str, user_id: str | None, field: str = "owner") -> None:
    """An owner is told the relationship's complaints, breaches, renewals and contract reviews, and may answer or
    close them: only this workspace's own people are owners, never someone of the customer's or a supplier's
    workspace in a shared channel (review finding 5)."""
    if user_id and of_elsewhere(session, team_id, user_id):
        raise InvalidInput({field: "That person belongs to another organisation's workspace: an owner is one of "
                                   "this workspace's own people."})


def set_owner(session: Session, actor: Actor, party_id: int, user_id: str | None) -> Party:
    """Name (or, with None, clear) the party's relationship owner; audited with the owner before and after."""
    require(actor, Capability.NAME_RELATIONSHIP_OWNER)
    owner = clean_owner(user_id)
    refuse_elsewhere(session, actor.team_id, owner)
    party = get_party(session, actor.team_id, party_id)
    before = audit.snapshot(party, "owner_user_id")
    party.owner_user_id = owner
    session.add(party)
    audit.record(session, actor, "party.owner", "party", party.id, name=party.name, **audit.change(before, party))
    return party


def tell(session: Session, party: Party | None, key: str, context: dict, now: datetime) -> bool:
    """Queue the owner's DM about `key` (a complaint, a breach, a renewal), once; False with no owner or when queued
    before. Call it before queueing anyone else's message about the same thing: that is what makes the owner first."""
    if party is None or not party.owner_user_id:
        return False
    return outbox.enqueue(session, party.team_id, f"{key}:owner:{party.owner_user_id}", party.owner_user_id, TEMPLATE,
                          {"party": party.name, "party_kind": party.kind, **context}, now)
