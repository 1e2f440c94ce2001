"""A supplier's scorecard (issue 17, suppliers), the relationship view's own section for suppliers: month by
month, how many of its contracts' targets (in force) met their goal of those measured, and the breaches its legs
were behind; its disputes open and closed; and each contract's last review outcome.

A breach counts against the supplier when it owns the leg beneath the breached target (`breach.owner_party_id`),
in the month it breached. A contract is measured only in the months of its term. Months are the relationship
view's (bot.reviews.relationship), passed in.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from sqlalchemy import func, or_
from sqlmodel import Session, select

from bot.reviews.pack import achievement, targets_in_force
from bot.suppliers import disputes
from bot.suppliers.care import last_review
from bot.suppliers.reviews import outcome_words
from models import Agreement, AgreementKind, Breach, Party, PartyKind

MAX_TARGETS = 20
UTC = timezone.utc


@dataclass(frozen=True)
class ScoreMonth:
    label: str
    measured: int
    met: int
    breaches: int


@dataclass
class Scorecard:
    months: list[ScoreMonth]
    disputes_open: int
    disputes_closed: int
    reviews: list[str]          # "Carrier X contract: review due 2026-09-02 decided to continue as it is. Next …"

    def as_context(self) -> dict:
        return asdict(self)


def build(session: Session, party: Party, months: list, now: datetime) -> Scorecard | None:
    """The scorecard of a supplier over `months` (compliance periods, oldest first); None for other parties."""
    if party.kind != PartyKind.SUPPLIER.value:
        return None
    contracts = list(session.exec(select(Agreement).where(
        Agreement.team_id == party.team_id, Agreement.counterparty_id == party.id,
        Agreement.kind == AgreementKind.UC.value).order_by(Agreement.name_key)))
    measured = [(a, t) for a in contracts if a.agreed_version is not None for t in targets_in_force(session, a)]
    ids = [a.id for a in contracts] or [-1]
    rows = []
    for month in months:
        n = met = 0
        first, after = month.start.astimezone(UTC).date(), month.end.astimezone(UTC).date()
        for contract, target in measured[:MAX_TARGETS]:
            if contract.start_date >= after or contract.end_date < first:
                continue  # not in force that month: nothing of it to measure
            _achieved, ok = achievement(session, party.team_id, target, month, now)
            if ok is not None:
                n, met = n + 1, met + ok
        breaches = session.exec(select(func.count()).select_from(Breach).where(
            Breach.team_id == party.team_id, or_(Breach.owner_party_id == party.id, Breach.agreement_id.in_(ids)),
            Breach.breached_at >= month.start, Breach.breached_at < month.end)).one()
        rows.append(ScoreMonth(month.label, n, met, breaches))
    opened, closed = disputes.counts(session, party)
    reviews = []
    for a in contracts:
        last = last_review(session, a)
        reviews.append(f"{a.name}: " + (f"review due {last.due_on.isoformat()} {outcome_words(last)}"
                                        if last is not None else "not reviewed yet."))
    return Scorecard(rows, opened, closed, reviews)
