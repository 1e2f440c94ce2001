"""The gate: an SLA is not agreed while a target is not covered by what underpins it, and nobody waived the gap
or accepted an upgrade as the plan for it.

bot.agreements.agree takes the gate from its caller (agreements never read cover); the handler passes `gate`.
"""
from __future__ import annotations

from sqlmodel import Session

from bot.cover.assessment import TargetCheck, check_agreement
from bot.errors import DomainError
from bot.workspace.actor import Actor
from models import Agreement, AgreementKind


class AgreementRefused(DomainError):
    """The SLA cannot be agreed: these targets are not covered, and nobody waived the gap."""

    def __init__(self, agreement: Agreement, checks: list[TargetCheck]):
        self.agreement, self.checks = agreement, checks
        count = sum(len(c.gaps) for c in checks)
        super().__init__(f"{agreement.name} cannot be agreed yet: {count} gap{'s' if count != 1 else ''} in what "
                         "underpins it. Close them (upgrade the OLAs and contracts), or a service manager can waive "
                         "each with a reason, or accept an upgrade action as the plan for it.")


def gate(session: Session, actor: Actor, agreement: Agreement, known: list[TargetCheck] | None = None) -> None:
    """Refuse agreement to an SLA while any target is not covered and not waived.

    ``known``: checks made a moment ago (before the row lock was taken); each is used only where its inputs are
    still the same, so the decision is always the one on the state being agreed.
    """
    if agreement.kind != AgreementKind.SLA:
        return
    blocked = [c for c in check_agreement(session, agreement, actor.today(), at=actor.at(), known=known) if c.gaps]
    if blocked:
        raise AgreementRefused(agreement, blocked)
