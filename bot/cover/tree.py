"""The tree of cover: which OLA and contract targets sit beneath each SLA target, at which stage of handling.

`link` puts one beneath another; `tree` reads an SLA's targets with their legs and checks;
`leg_choices` are the targets that may go beneath; `leg_target_choices` a page of them, by what was typed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from bot import agreements, audit
from bot.cover.assessment import TargetCheck, check_agreement, live_links
from bot.errors import InvalidInput
from bot.service_map.choices import contains
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Agreement, AgreementKind, AgreementService, AgreementStatus, Party, Target, TargetLink


def link(session: Session, actor: Actor, *, sla_target_id: int | None, leg_target_id: int | None,
         stage: int | None) -> TargetLink:
    require(actor, Capability.DRAFT_AGREEMENT)
    errors: dict[str, str] = {}
    sla_target = session.get(Target, sla_target_id) if sla_target_id else None
    leg_target = session.get(Target, leg_target_id) if leg_target_id else None
    if sla_target is None or sla_target.team_id != actor.team_id:
        errors["sla_target"] = "Choose the SLA target."
    elif session.get(Agreement, sla_target.agreement_id).kind != AgreementKind.SLA:
        errors["sla_target"] = "That is not an SLA target."
    if leg_target is None or leg_target.team_id != actor.team_id:
        errors["leg_target"] = "Choose the OLA or contract target beneath it."
    elif session.get(Agreement, leg_target.agreement_id).kind == AgreementKind.SLA:
        errors["leg_target"] = "Beneath an SLA target go OLA and underpinning contract targets, not another SLA's."
    if stage is None or not 1 <= stage <= 9:
        errors["stage"] = "Choose the stage: 1 for the first to handle it, 2 for whom they hand over to, and so on."
    if not errors and session.exec(select(TargetLink.id).where(TargetLink.sla_target_id == sla_target.id,
                                                               TargetLink.leg_target_id == leg_target.id)).first():
        errors["leg_target"] = "That target already sits beneath this one."
    if errors:
        raise InvalidInput(errors)
    row = TargetLink(team_id=actor.team_id, sla_target_id=sla_target.id, leg_target_id=leg_target.id, stage=stage,
                     created_at=actor.at(), created_by=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "coverage.link", "target", sla_target.id, leg=leg_target.id, stage=stage,
                 after=audit.snapshot(row))
    return row


@dataclass
class TreeLeg:
    stage: int
    agreement: Agreement
    owner: Party
    target: Target


@dataclass
class TreeNode:
    target: Target
    check: TargetCheck
    legs: list[TreeLeg]


def tree(session: Session, agreement: Agreement, today: date | None = None, at: datetime | None = None) -> list[TreeNode]:
    checks = {c.target.id: c for c in check_agreement(session, agreement, today, at=at)}
    nodes = []
    for target in agreements.targets_of(session, agreement):
        legs = []
        for ln in live_links(session, target):
            leg_target = session.get(Target, ln.leg_target_id)
            leg_agreement = session.get(Agreement, leg_target.agreement_id)
            legs.append(TreeLeg(ln.stage, leg_agreement, session.get(Party, leg_agreement.counterparty_id), leg_target))
        nodes.append(TreeNode(target, checks[target.id], legs))
    return nodes


def leg_choices(session: Session, team_id: str,
                service_id: int | None = None) -> list[tuple[Agreement, Party, list[Target]]]:
    """Every OLA and contract still in force or to be, with its party and targets; only those for `service_id`
    when given (a requirement's check reads its service's few, not the workspace's thousands)."""
    out = []
    for kind in (AgreementKind.OLA, AgreementKind.UC):
        rows = agreements.list_agreements(session, team_id, kind) if service_id is None else session.exec(
            select(Agreement).join(AgreementService, AgreementService.agreement_id == Agreement.id)
            .where(Agreement.team_id == team_id, Agreement.kind == kind.value, AgreementService.service_id == service_id)
            .order_by(Agreement.name_key)).all()
        for a in rows:
            if a.status in (AgreementStatus.EXPIRED.value, AgreementStatus.RETIRED.value):
                continue
            out.append((a, session.get(Party, a.counterparty_id), agreements.targets_of(session, a)))
    return out


@dataclass(frozen=True)
class LegChoice:
    agreement_id: int
    agreement_name: str
    agreement_kind: str
    party_name: str
    target: Target


def leg_target_choices(session: Session, team_id: str, typed: str = "", *, limit: int = 100) -> list[LegChoice]:
    """The first `limit` OLA and contract targets that may go beneath an SLA target, in the order `leg_choices` gives
    them (OLAs, then contracts, by name), whose agreement's or party's name holds what was typed: one query, so a
    form or a searching select does work for the rows it shows, not for every agreement there is."""
    # The agreement's id, name and kind only: a whole row would parse its clauses and terms for every option.
    q = (select(Agreement.id, Agreement.name, Agreement.kind, Party.name, Target)
         .join(Party, Party.id == Agreement.counterparty_id)
         .join(Target, Target.agreement_id == Agreement.id)
         .where(Agreement.team_id == team_id,
                Agreement.kind.in_([AgreementKind.OLA.value, AgreementKind.UC.value]),
                Agreement.status.not_in([AgreementStatus.EXPIRED.value, AgreementStatus.RETIRED.value])))
    if typed.strip():
        q = q.where(contains(Agreement.name_key, typed) | contains(Party.name_key, typed))
    q = q.order_by(Agreement.kind, Agreement.name_key, Target.key).limit(limit)  # "ola" before "uc"
    return [LegChoice(*row) for row in session.exec(q)]


def agreements_without_targets(session: Session, team_id: str) -> list[Agreement]:
    """OLAs and contracts in force or coming that have no target yet (said when there is nothing to put beneath)."""
    has_target = select(Target.id).where(Target.agreement_id == Agreement.id).exists()
    q = select(Agreement).where(Agreement.team_id == team_id,
                                Agreement.kind.in_([AgreementKind.OLA.value, AgreementKind.UC.value]),
                                Agreement.status.not_in([AgreementStatus.EXPIRED.value, AgreementStatus.RETIRED.value]),
                                ~has_target)
    return list(session.exec(q.order_by(Agreement.kind, Agreement.name_key)))
