"""The gate: an SLA is not agreed while a target is not covered by what underpins it, and nobody waived the gap
or accepted an upgrade as the plan for it.

bot.agreements.agree takes the gate from its caller (agreements never read cover); the handler passes `gate`.

A refusal in a channel shared with another organisation goes by DM (the gaps name OLAs and contracts), through the
outbox under `gate_dm_prefix`; once the SLA is agreed, `settle_gate_dms` edits each of those DMs in place to say so,
without its *Waive…* and *Upgrade action…* buttons, so nobody is left pressing on a settled question.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from bot import outbox
from bot.cover.assessment import TargetCheck, check_agreement
from bot.errors import DomainError
from bot.workspace.actor import Actor
from models import Agreement, AgreementKind, Outbox, OutboxKind, OutboxStatus

SETTLED = "gate_settled.yml.j2"


class AgreementRefused(DomainError):
    """The SLA cannot be agreed: these targets are not covered, and nobody waived the gap."""

    def __init__(self, agreement: Agreement, checks: list[TargetCheck]):
        self.agreement, self.checks = agreement, checks
        count = sum(len(c.gaps) for c in checks)
        one = count == 1
        super().__init__(f"{agreement.name} cannot be agreed yet: {count} gap{'' if one else 's'} in what underpins "
                         f"it. Close {'it' if one else 'them'} (upgrade the OLAs and contracts), or a service manager "
                         f"can waive {'it' if one else 'each'} with a reason, or accept an upgrade action as the plan "
                         f"for it.")


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


def gate_dm_prefix(agreement_id: int) -> str:
    """The outbox keys of the DMs that carried an SLA's refusal over gaps (and their buttons)."""
    return f"shared-gate:{agreement_id}:"


def settle_gate_dms(session: Session, agreement: Agreement, now: datetime) -> int:
    """The SLA is agreed: each gate DM sent (or being sent) for it is edited in place to say so, without buttons
    (an update follows its message). One still waiting in the outbox that surely never reached Slack (Slack held it
    up) is withdrawn instead: posting a list of gaps that no longer matter, only to edit it, would ping for nothing.
    Returns how many edits were queued."""
    ours = (Outbox.team_id == agreement.team_id, Outbox.kind == OutboxKind.MESSAGE.value,
            Outbox.key.startswith(gate_dm_prefix(agreement.id), autoescape=True))
    session.exec(update(Outbox).where(*ours, Outbox.status == OutboxStatus.PENDING.value, Outbox.maybe_sent.is_(False))
                 .values(status=OutboxStatus.CANCELLED.value, last_error="the SLA was agreed before it was sent")
                 .execution_options(synchronize_session=False))
    rows = session.exec(select(Outbox).where(
        *ours, Outbox.status.in_((OutboxStatus.SENT.value, OutboxStatus.SENDING.value, OutboxStatus.PENDING.value)))
        .order_by(Outbox.id)).all()
    context = {"name": agreement.name, "version": agreement.agreed_version}
    return sum(outbox.enqueue(session, agreement.team_id, f"{row.key}:settled", row.channel, SETTLED, context, now,
                              kind=OutboxKind.UPDATE, parent_key=row.key) for row in rows)
