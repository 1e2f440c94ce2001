"""Each underpinning contract's (and OLA's) owner and review cadence (ISO/IEC 20000-1 8.3.4.1).

The owner is the contract's own, kept in `contract_care`; a contract with none has its supplier's relationship
owner (`party.owner_user_id`, once parties have one). The cadence is "every N months": the next review falls N
months after the last one decided (or after the day the cadence was set). Setting them: bot.suppliers.ownership.
"""
from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from models import Agreement, ContractCare, ContractReview, Party


def care_of(session: Session, agreement: Agreement) -> ContractCare | None:
    return session.exec(select(ContractCare).where(ContractCare.agreement_id == agreement.id)).first()


def owner_of(session: Session, agreement: Agreement, care: ContractCare | None = None) -> str | None:
    """The contract's own owner; else its supplier's relationship owner (when parties have one)."""
    care = care if care is not None else care_of(session, agreement)
    if care is not None and care.owner_user_id:
        return care.owner_user_id
    party = session.get(Party, agreement.counterparty_id)
    return getattr(party, "owner_user_id", None)


def months_later(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def last_review(session: Session, agreement: Agreement) -> ContractReview | None:
    return session.exec(select(ContractReview).where(ContractReview.agreement_id == agreement.id)
                        .order_by(ContractReview.due_on.desc())).first()
