"""An SLA in force for Acme Payroll, made the way the bot makes one, with tickets and outages stored as senders'
rows would be (the ingest API that stores them is tested on its own)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from bot import agreements, service_map
from bot.agreements import targets
from bot.calendars import records as calendar_records
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from models import Agreement, Outage, Ticket, TicketEvent

UTC = timezone.utc
ALICE = "U0ALICE"
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)


def manager(team: str, now: datetime) -> Actor:
    return Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=now, tz="Europe/London")


def sla_in_force(db, team: str, now: datetime, changes, *, name: str = "Acme Payroll",
                 term=(date(2026, 1, 1), date(2027, 12, 31)), kind: str = "sla", party_kind: str = "customer") -> dict:
    """A drafted SLA (or OLA) whose latest version is put in force (the sign-off flow is tested elsewhere)."""
    sm = manager(team, now)
    with db.session() as s:
        members.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.find(s, team, "Payroll") or service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind=party_kind, name=f"{name} {party_kind}"))
        office = calendar_records.by_name(s, team, "UK office") or calendar_records.add(
            s, sm, name="UK office", hours="Mon-Fri 09:00-17:00 Europe/London", holidays_country="GB",
            holidays_subdiv="ENG")
        drafted = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind(kind), name=name, counterparty_id=acme.id, service_ids=[payroll.id],
            start=term[0], end=term[1], review_month=4, channel_id="C0ACME"), DOCS)
        for change in changes(targets.TargetChange, office):
            agreements.propose(s, sm, drafted.agreement, change, "setup", DOCS)
        agreement = s.get(Agreement, drafted.agreement.id)
        agreement.status, agreement.agreed_version = "active", agreement.latest_version
        s.add(agreement)
        ids = {t.key: t.id for t in agreements.targets_of(s, agreement)}
        return {"service_id": payroll.id, "agreement_id": agreement.id, "targets": ids, "calendar_id": office.id,
                "party_id": acme.id}


def ticket(db, team: str, service_id: int, ref: str, opened: datetime, events=(), *, priority: str = "P1") -> int:
    with db.session() as s:
        row = Ticket(team_id=team, external_id=ref, service_id=service_id, priority=priority, opened_at=opened,
                     updated_at=opened)
        s.add(row)
        s.flush()
        add_events(s, team, row, [("opened", opened, None), *events])
        return row.id


def add_events(s, team, row: Ticket, events) -> None:
    for n, (kind, at, reason) in enumerate(events):
        s.add(TicketEvent(team_id=team, external_id=f"{row.external_id}-{kind}-{at.isoformat()}-{n}", ticket_id=row.id,
                          kind=kind, at=at, reason=reason, received_at=at))
        if kind == "resolved":
            row.resolved_at = at
        elif kind == "reopened":
            row.resolved_at = None
        row.updated_at = max(row.updated_at, at)
    s.add(row)


def outage(db, team: str, service_id: int, ref: str, start: datetime, end: datetime | None, impact: str = "full"):
    with db.session() as s:
        s.add(Outage(team_id=team, external_id=ref, service_id=service_id, impact=impact, started_at=start,
                     ended_at=end, received_at=start, updated_at=end or start))


def hours(n: float) -> timedelta:
    return timedelta(hours=n)
