"""Which requirements an SLA's targets answer, and whether the target as agreed meets what was asked.

A requirement asks for a value ("P1 resolution within 1h"); a target promises one. The
target answers the requirements of its customer, for the agreement's services, that ask
for the same kind of target (and, for ticket clocks, the same priority). When the agreed
value is as strict as the ask or stricter, the requirement is accepted; when it is
looser, the requirement is "not met by the agreement", with both values kept in words.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from bot import parsing
from bot.parsing.durations import duration_within as _duration_within
from models import Agreement, AgreementService, Priority, Requirement, Status, Target, TargetKind

REQUIREMENT_KINDS = {"response_time": TargetKind.RESPONSE, "resolution_time": TargetKind.RESOLUTION,
                     "availability": TargetKind.AVAILABILITY, "performance": TargetKind.METRIC}
FIRMNESS = {Priority.MUST.value: 0, Priority.SHOULD.value: 1, Priority.COULD.value: 2}


# ---- comparing values -------------------------------------------------------------------------------
def meets(kind: str, promised: str | None, asked: str | None) -> bool | None:
    """Whether a target's value meets a requirement's ask; None when they cannot be compared."""
    if not promised or not asked:
        return None
    try:
        if kind in (TargetKind.RESPONSE, TargetKind.RESOLUTION):
            return _duration_within(parsing.parse_duration(promised), parsing.parse_duration(asked))
        if kind == TargetKind.AVAILABILITY:
            return parsing.parse_percentage(promised) >= parsing.parse_percentage(asked)
        p, a = parsing.parse_quantity(promised), parsing.parse_quantity(asked)
        return p.value <= a.value if p.unit == a.unit else None
    except parsing.ParseError:
        return None


def promised_value(target: Target) -> str | None:
    """What a target promises, in the same terms a requirement asks."""
    if target.kind in (TargetKind.RESPONSE, TargetKind.RESOLUTION):
        return target.duration
    return target.goal if target.kind == TargetKind.AVAILABILITY else target.threshold


def stricter(kind: str, a: Requirement, b: Requirement) -> bool:
    """Is `a`'s ask stricter than `b`'s (meeting `a` would meet `b`, not the other way round)?"""
    return meets(kind, a.target, b.target) is True and meets(kind, b.target, a.target) is not True


# ---- choosing between asks -----------------------------------------------------------------------------
@dataclass
class Choice:
    """The ask a draft's target takes from several for the same thing, and why, in words."""

    chosen: Requirement
    others: list[Requirement]
    why: str


def choose(kind: str, asks: list[Requirement]) -> Choice:
    """"must" over "should" over "could"; among the firmest, the strictest ask; then the earliest."""
    firmest = min(FIRMNESS.get(r.priority, 0) for r in asks)
    firm = [r for r in asks if FIRMNESS.get(r.priority, 0) == firmest]
    chosen = firm[0]
    for r in firm[1:]:
        if stricter(kind, r, chosen):
            chosen = r
    others = [r for r in asks if r is not chosen]
    if any(FIRMNESS.get(r.priority, 0) > firmest for r in others):
        why = f"a “{chosen.priority}” comes before a “{'” or “'.join(sorted({r.priority for r in others if r.priority != chosen.priority}))}”"
    elif any(stricter(kind, chosen, r) for r in others):
        why = f"the stricter of {len(firm)} “{chosen.priority}” asks"
    else:
        why = "asked first"
    return Choice(chosen, others, why)


# ---- what a target answers ------------------------------------------------------------------------------
def related(session: Session, agreement: Agreement, target: Target) -> list[Requirement]:
    """The customer's live requirements this target speaks to, in number order."""
    service_ids = list(session.exec(select(AgreementService.service_id)
                                    .where(AgreementService.agreement_id == agreement.id)))
    rows = session.exec(select(Requirement).where(
        Requirement.team_id == agreement.team_id, Requirement.customer_id == agreement.counterparty_id,
        Requirement.service_id.in_(service_ids or [-1]), Requirement.status != Status.DECLINED.value,
        Requirement.target.is_not(None)).order_by(Requirement.number))
    out = []
    for req in rows:
        if REQUIREMENT_KINDS.get(req.metric or "") != target.kind:
            continue
        if target.kind in (TargetKind.RESPONSE, TargetKind.RESOLUTION) and req.level != target.level:
            continue
        if target.kind == TargetKind.METRIC and req.id != target.requirement_id:
            continue  # metrics are free-form: only the one it was drafted from
        out.append(req)
    return out


def follow(session: Session, agreement: Agreement, target: Target) -> None:
    """After a target's value changed: it answers the firmest, strictest ask it now meets (else what it answered)."""
    met = [r for r in related(session, agreement, target) if meets(target.kind, promised_value(target), r.target)]
    if met:
        target.requirement_id = choose(target.kind, met).chosen.id
        session.add(target)


def settle(session: Session, agreement: Agreement, targets: list[Target], version: int) -> None:
    """On agreement: each requirement a target answers is accepted, or flagged as not met, with both values."""
    for target in targets:
        promised = promised_value(target)
        for req in related(session, agreement, target):
            verdict = meets(target.kind, promised, req.target)
            if verdict is None and req.id != target.requirement_id:
                continue  # not comparable, and not the one it was drafted from: leave it be
            if verdict is False:
                req.status = Status.NOT_MET.value
                req.status_reason = (f"asked {req.target}; {agreement.name} version {version} agrees {promised} "
                                     f"({target.key})")[:1000]
            elif req.status != Status.ACCEPTED.value or req.status_reason:
                req.status, req.status_reason = Status.ACCEPTED.value, ""
            session.add(req)
