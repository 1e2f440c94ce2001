"""Waivers: a service manager accepts one gap of an SLA target, with a written reason.

A waiver is kept by the gap's fingerprint (bot.cover.assessment.gap_key): a gap that changed is another gap.
"""
from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import audit, text
from bot.cover.assessment import Finding, TargetCheck, check_one, sla_target
from bot.errors import Command, DomainError, InvalidInput, Person
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Agreement, Target, Waiver


def waiver_reason(actor: Actor, reason: str | None) -> str:
    """What the waive form itself can be told, before any cover is checked: who may waive, and that a reason is
    given."""
    require(actor, Capability.WAIVE_GAP)
    why = text.line(reason, 2000)
    if not why:
        raise InvalidInput({"reason": "Say why this gap is acceptable; it is kept with the SLA."})
    return why


def refuse_if_waived(agreement: Agreement, target: Target, found: TargetCheck, gap: Finding, tz: str,
                     remains: tuple = ()) -> None:
    """A *Waive…* button pressed on a gap already waived (a gate message stays in a DM after the SLA is agreed): say
    who waived it, when (the day in `tz`, the reader's own zone: UTC's is another day for half the world) and why,
    and whether the SLA was agreed since, before any form is opened. `remains`: what is still there to do once it
    was agreed (the parts of a sentence), when not nothing."""
    waiver = found.waiver_for(gap)
    if waiver is None:
        return
    since = (f" {agreement.name} was agreed since, at version {agreement.agreed_version}: this gap no longer stops "
             "it" + ("; " if remains else ", and nothing is left to do here.") if agreement.agreed_version else "")
    raise DomainError(f"That {gap.rule} gap of {target.key} is already waived, by ", Person(waiver.created_by),
                      f" on {waiver.created_at.astimezone(ZoneInfo(tz)):%Y-%m-%d}: “{waiver.reason}”.{since}",
                      *(remains if agreement.agreed_version else ()), " See ", Command("tree", agreement.name), ".")


def waive(session: Session, actor: Actor, target_id: int, key: str, reason: str | None) -> Waiver:
    """A service manager accepts one gap, with a written reason; the waiver is shown on the SLA and counted."""
    why = waiver_reason(actor, reason)
    target, agreement = sla_target(session, actor.team_id, target_id)
    found = check_one(session, target, agreement, at=actor.at())
    gap = found.finding(key)
    if gap is None:
        raise DomainError(f"That gap of {target.key} is not there any more: it changed or closed. See ",
                          Command("tree", agreement.name), ".")
    refuse_if_waived(agreement, target, found, gap, actor.tz)
    row = Waiver(team_id=actor.team_id, target_id=target.id, rule=gap.rule, gap_key=key, gap=gap.reason[:2000],
                 reason=why, created_at=actor.at(), created_by=actor.user_id)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise DomainError(f"That {gap.rule} gap of {target.key} was waived at the same moment by someone else.") from None
    audit.record(session, actor, "coverage.waive", "target", target.id, rule=gap.rule, gap=gap.reason, reason=why,
                 after=audit.snapshot(row))
    return row


def waivers_of(session: Session, agreement: Agreement) -> list[tuple[Target, Waiver]]:
    """Every waiver given on an SLA's targets, with its target."""
    rows = session.exec(select(Target, Waiver).join(Waiver, Waiver.target_id == Target.id)
                        .where(Target.agreement_id == agreement.id).order_by(Target.id, Waiver.id))
    return list(rows)
