"""Disputes with suppliers: what is disputed, about which contract (or none in particular), who owns it (the
contract's owner by default, else whoever raised it), open until it is closed with its outcome. Numbered per
workspace (#1, #2 ...); every change audited."""
from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from bot import audit, paging, text
from bot.errors import DomainError, InvalidInput, NotFound
from bot.service_map import owners
from bot.suppliers.care import owner_of
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models import Agreement, AgreementKind, DisputeStatus, Party, PartyKind, SupplierDispute
from models.base import name_key

MAX_WORDS = 2000


def suppliers(session: Session, team_id: str) -> list[Party]:
    return list(session.exec(select(Party).where(Party.team_id == team_id, Party.kind == PartyKind.SUPPLIER.value)
                             .order_by(Party.name_key)))


def contracts_of(session: Session, party: Party) -> list[Agreement]:
    return list(session.exec(select(Agreement).where(Agreement.team_id == party.team_id,
                                                     Agreement.counterparty_id == party.id,
                                                     Agreement.kind == AgreementKind.UC.value)
                             .order_by(Agreement.name_key)))


def read_subject(session: Session, team_id: str, typed: str) -> tuple[Party, Agreement | None, str]:
    """`<supplier> [<contract>] <what>`: the longest supplier name the text starts with, then the longest of its
    contracts' names, then the words of the dispute."""
    words = typed.split()
    low = [w.casefold() for w in words]

    def longest(names: dict[str, object], start: int) -> tuple[object | None, int]:
        for end in range(len(words), start, -1):
            found = names.get(" ".join(low[start:end]).strip(":,"))
            if found is not None:
                return found, end
        return None, start

    party, at = longest({name_key(p.name): p for p in suppliers(session, team_id)}, 0)
    if party is None:
        names = ", ".join(p.name for p in suppliers(session, team_id)[:10]) or "none yet"
        raise InvalidInput({"supplier": f"Start with the supplier's name (the suppliers are: {names}), then what is "
                                        "disputed, like “Carrier X Invoice 114 charges the P1 credit twice”."})
    contract, at = longest({name_key(a.name): a for a in contracts_of(session, party)}, at)
    return party, contract, " ".join(words[at:]).lstrip(":,– ").strip()


def raise_dispute(session: Session, actor: Actor, party: Party, what: str, agreement: Agreement | None = None,
                  owner_user_id: str | None = None) -> SupplierDispute:
    require(actor, Capability.RECORD_DISPUTE)
    words = text.line(what)
    if party.team_id != actor.team_id or party.kind != PartyKind.SUPPLIER.value:
        raise InvalidInput({"supplier": f"{party.name} is not a supplier."})
    if agreement is not None and agreement.counterparty_id != party.id:
        raise InvalidInput({"contract": f"{agreement.name} is not {party.name}'s contract."})
    if not words:
        raise InvalidInput({"what": "Say what is disputed, after the supplier's name."})
    if len(words) > MAX_WORDS:
        raise InvalidInput({"what": f"Keep it under {MAX_WORDS} characters (it has {len(words)})."})
    owners.refuse_elsewhere(session, actor.team_id, owner_user_id)
    owner = owner_user_id or (owner_of(session, agreement) if agreement is not None else None) or actor.user_id
    number = (session.exec(select(func.max(SupplierDispute.number)).where(
        SupplierDispute.team_id == actor.team_id)).one() or 0) + 1
    row = SupplierDispute(team_id=actor.team_id, number=number, party_id=party.id,
                          agreement_id=agreement.id if agreement else None, what=words, owner_user_id=owner,
                          created_at=actor.at(), created_by=actor.user_id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "dispute.raise", "supplier_dispute", row.id, number=number,
                 after=audit.snapshot(row))
    return row


def get(session: Session, team_id: str, number: int) -> SupplierDispute:
    row = session.exec(select(SupplierDispute).where(SupplierDispute.team_id == team_id,
                                                     SupplierDispute.number == number)).first()
    if row is None:
        raise NotFound(f"There is no dispute #{number}.")
    return row


def close(session: Session, actor: Actor, number: int, outcome: str) -> SupplierDispute:
    """Close a dispute with its outcome: its owner may, or whoever records disputes."""
    row = get(session, actor.team_id, number)
    if row.owner_user_id != actor.user_id or actor.external:
        require(actor, Capability.RECORD_DISPUTE)
    words = text.line(outcome)
    if not words:
        raise InvalidInput({"outcome": "Say how it ended: what was agreed, credited or dropped."})
    if len(words) > MAX_WORDS:
        raise InvalidInput({"outcome": f"Keep the outcome under {MAX_WORDS} characters (it has {len(words)})."})
    if row.status == DisputeStatus.CLOSED.value:
        raise DomainError(f"Dispute #{number} was closed already: {row.outcome}")
    was = audit.snapshot(row, "status", "outcome", "closed_at", "closed_by")
    row.status, row.outcome, row.closed_at, row.closed_by = DisputeStatus.CLOSED.value, words, actor.at(), actor.user_id
    session.add(row)
    session.flush()
    audit.record(session, actor, "dispute.close", "supplier_dispute", row.id, number=number, **audit.change(was, row))
    return row


def page(session: Session, team_id: str, *, open_only: bool = False, party: Party | None = None, offset: int = 0,
         size: int = 20) -> paging.Page:
    """Disputes, newest first, with their supplier and contract: (dispute, supplier name, contract name or None)."""
    q = (select(SupplierDispute, Party.name, Agreement.name).join(Party, Party.id == SupplierDispute.party_id)
         .outerjoin(Agreement, Agreement.id == SupplierDispute.agreement_id)
         .where(SupplierDispute.team_id == team_id))
    if open_only:
        q = q.where(SupplierDispute.status == DisputeStatus.OPEN.value)
    if party is not None:
        q = q.where(SupplierDispute.party_id == party.id)
    return paging.read(session, q.order_by(SupplierDispute.number.desc()), offset, size)


def counts(session: Session, party: Party) -> tuple[int, int]:
    """(open, closed) disputes with this supplier."""
    rows = dict(session.exec(select(SupplierDispute.status, func.count()).where(
        SupplierDispute.party_id == party.id).group_by(SupplierDispute.status)).all())
    return rows.get(DisputeStatus.OPEN.value, 0), rows.get(DisputeStatus.CLOSED.value, 0)
