"""Asking a requester to confirm what was recorded: who may ask, and how often.

Each ask DMs a person who may not work with the bot at all, so it is the recorder's
(or a service manager's) to make, and once a day per requirement is enough. Asks are
kept in the audit trail ("requirement.ask"), which also says when the last one was.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot import audit
from bot.workspace.actor import Actor
from bot.errors import Command, DomainError, NotFound, PermissionDenied, Person
from bot.workspace.permissions import Capability, can
from models import AuditEvent, Requirement

ASK_AGAIN_AFTER = timedelta(days=1)
ASKED = "requirement.ask"
WITHDRAWN = "requirement.ask_withdrawn"  # the ask's DM could not be sent


def _when(moment: datetime, tz: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%H:%M} on {local:%a} {local.day} {local:%b} ({tz})"


def last_asked(session: Session, team_id: str, requirement_ids: list[int]) -> AuditEvent | None:
    """The latest ask of any of these requirements that was not withdrawn (its DM could not be sent)."""
    about = (AuditEvent.team_id == team_id, AuditEvent.entity == "requirement",
             col(AuditEvent.entity_id).in_(requirement_ids or [-1]))
    withdrawn = {e.detail.get("ask") for e in session.exec(select(AuditEvent).where(
        *about, AuditEvent.action == WITHDRAWN))}
    asks = session.exec(select(AuditEvent).where(*about, AuditEvent.action == ASKED)
                        .order_by(col(AuditEvent.seq).desc()))
    return next((e for e in asks if e.seq not in withdrawn), None)


def record_ask(session: Session, actor: Actor, numbers: list[int]) -> list[int]:
    """Record that the requester of these requirements is being asked now; the ids of the audit lines.

    Refused for someone who neither recorded them nor decides requirements, and while the last ask
    of any of them is less than a day old (saying when that was). The requirements' rows are held
    until the unit of work ends, so two asks at the same moment do not both go out.
    """
    reqs = list(session.exec(select(Requirement).where(
        Requirement.team_id == actor.team_id, col(Requirement.number).in_(numbers or [-1]))
        .order_by(Requirement.number).with_for_update()))
    if not reqs or len(reqs) != len(set(numbers)):
        raise NotFound("That requirement is not there any more: see ", Command("requirements"), ".")
    label = ", ".join(f"#{r.number}" for r in sorted(reqs, key=lambda r: r.number))
    if not can(actor, Capability.DECIDE_REQUIREMENT) and any(r.created_by != actor.user_id for r in reqs):
        raise PermissionDenied(f"Only whoever recorded requirement {label}, or a service manager, can ask ",
                               Person(reqs[0].said_by), " to confirm it.")
    last = last_asked(session, actor.team_id, [r.id for r in reqs])
    if last is not None and actor.at() - last.at < ASK_AGAIN_AFTER:
        number = next(r.number for r in reqs if r.id == last.entity_id)
        raise DomainError(Person(reqs[0].said_by), f" was asked to confirm requirement #{number} at "
                          f"{_when(last.at, actor.tz)} by ", Person(last.actor), "; once a day is enough. "
                          f"You can ask again after {_when(last.at + ASK_AGAIN_AFTER, actor.tz)}.")
    events = [audit.record(session, actor, ASKED, "requirement", r.id, number=r.number, requester=r.said_by)
              for r in reqs]
    session.flush()
    return [e.id for e in events]


def withdraw_ask(session: Session, actor: Actor, audit_ids: list[int]) -> None:
    """The DM could not be sent: the ask did not happen, so it does not count against the next one. The trail is
    append-only: the ask stays in it, and a withdrawal naming it (by seq) follows."""
    for row in session.exec(select(AuditEvent).where(AuditEvent.team_id == actor.team_id,
                                                     col(AuditEvent.id).in_(audit_ids or [-1]))
                           .order_by(AuditEvent.seq)):
        audit.record(session, actor, WITHDRAWN, "requirement", row.entity_id, ask=row.seq,
                     number=row.detail.get("number"))
