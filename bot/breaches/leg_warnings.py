"""A leg over its OLA target while the SLA's clock is still within its own: a warning to the group holding the
ticket, in its notice channel, while there is time to hand it on or finish it (issue 17, legs).

Every five minutes (bot/jobs.py), per workspace: the open tickets held by a group that has an OLA in force, their SLA
clocks and legs (bot.measurements.leg_clocks, the OLAs read once for all of them). A leg over its target, held by
that group now, on a clock not yet breached (once breached, the breach alert names the leg instead) queues one
message to the group's notice channel through the outbox, keyed by ticket, SLA target and group: told once, however
often the job runs or the replicas run it, and not again when the ticket comes back to the group. A group without a
notice channel is not told here (the breach alert, when it comes, goes to the service managers).
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, select

from bot import outbox
from bot.breaches.jobs import teams_with_agreements
from bot.measurements import clocks, evaluate, leg_clocks
from bot.measurements.in_force import IN_FORCE, measured
from bot.measurements.ticket_events import events_of
from models import Agreement, AgreementKind, Outbox, Party, PartyKind, Ticket

log = logging.getLogger(__name__)

TEMPLATE = "leg_over.yml.j2"


def key(ticket_id: int, sla_target_id: int, group_id: int) -> str:
    return f"legs:{ticket_id}:{sla_target_id}:{group_id}"


def warn(deps) -> int:
    """The scheduled job: each workspace in its own transaction; one that fails is logged and holds up no other."""
    now = deps.clock.now()
    with deps.db.read_session() as session:
        teams = teams_with_agreements(session)
    told = 0
    for team_id in teams:
        try:
            told += warn_team(deps.db, team_id, now)
        except Exception:  # noqa: BLE001 - logged; the other workspaces are still read
            log.exception("the leg warnings of %s failed; the others go on", team_id)
    return told


def warn_team(db, team_id: str, now: datetime) -> int:
    """Queue the warnings due in one workspace; how many were queued now (not those queued before). Everything is
    read in a read session (no write lock held while clocks are computed); only the enqueueing writes."""
    with db.read_session() as session:
        found = due(session, team_id, now)
    if not found:
        return 0
    with db.session() as session:
        return sum(outbox.enqueue(session, team_id, warning_key, channel, TEMPLATE, context, now)
                   for warning_key, channel, context in found)


def open_tickets_query(team_id: str, groups: list[int]):
    """The open tickets held by these groups: through the partial index ix_ticket_open_group (team_id,
    assigned_group_id WHERE resolved_at IS NULL), so the cost follows the open tickets, not every ticket stored. No
    ORDER BY (the caller sorts): for its order SQLite would walk ix_ticket_team_id, every ticket of the workspace."""
    return select(Ticket).where(Ticket.team_id == team_id, Ticket.resolved_at.is_(None),
                                Ticket.assigned_group_id.in_(groups))


def _warned(session: Session, team_id: str, keys: list[str]) -> set[str]:
    out: set[str] = set()
    for start in range(0, len(keys), 500):
        out.update(session.exec(select(Outbox.key).where(Outbox.team_id == team_id,
                                                          Outbox.key.in_(keys[start:start + 500]))))
    return out


def due(session: Session, team_id: str, now: datetime) -> list[tuple[str, str, dict]]:
    """The warnings due in one workspace, as (outbox key, channel, context): a ticket whose every warning for the
    group holding it was queued before is not measured again (its events are not even read)."""
    groups = set(session.exec(select(Agreement.counterparty_id).where(
        Agreement.team_id == team_id, Agreement.kind == AgreementKind.OLA.value, Agreement.status.in_(IN_FORCE),
        Agreement.agreed_version.is_not(None))).all())
    if not groups:
        return []
    parties = session.exec(select(Party.id, Party.name, Party.channel_id).where(
        Party.team_id == team_id, Party.kind == PartyKind.SUPPORT_GROUP.value)).all()
    channels = {party_id: channel for party_id, _name, channel in parties if channel}
    names = {party_id: name for party_id, name, _channel in parties}
    held = sorted(g for g in groups if g in channels)  # a group without a notice channel is not told here
    if not held:
        return []
    tickets = sorted(session.exec(open_tickets_query(team_id, held)), key=lambda t: t.id)
    if not tickets:
        return []
    sla_targets = [t for t in measured(session, team_id) if t.kind in evaluate.TICKET_KINDS and t.duration is not None]
    possible = {t.id: [key(t.id, s.target_id, t.assigned_group_id) for s in sla_targets if evaluate.applies(s, t)]
                for t in tickets}
    warned = _warned(session, team_id, [k for keys in possible.values() for k in keys])
    tickets = [t for t in tickets if any(k not in warned for k in possible[t.id])]
    if not tickets:
        return []
    index = leg_clocks.OlaIndex(session, team_id)
    events = events_of(session, [t.id for t in tickets])
    handed = leg_clocks.assignments_of_many(session, [t.id for t in tickets])
    excluded = evaluate.excluded_for(session, team_id, tickets, now)  # windows and exclusions count for no clock
    out = []
    for ticket in tickets:  # the clocks and legs are computed here; every read above is one (or a few) for all
        channel = channels[ticket.assigned_group_id]
        found = evaluate.clocks_of(ticket, events.get(ticket.id, []), sla_targets, now, excluded)
        for item in leg_clocks.ticket_legs(session, team_id, ticket, found, now, index=index,
                                           events=events.get(ticket.id, []), assignments=handed.get(ticket.id, []),
                                           names=names, excluded=excluded):
            sla_clock, sla_target = item.found.clock, item.found.target
            if sla_clock.breached_at is not None or sla_clock.stopped_at is not None:
                continue
            for leg in item.legs:
                if not (leg.holding and leg.over and leg.group_id == ticket.assigned_group_id):
                    continue
                warning_key = key(ticket.id, sla_target.target_id, leg.group_id)
                if warning_key in warned:
                    continue
                context = {"group": item.names.get(leg.group_id, ""), "ticket": ticket.external_id,
                           "priority": ticket.priority, "leg": _leg_words(leg),
                           "sla": f"{sla_target.key} {sla_target.level} {sla_target.kind} {sla_target.duration_text} "
                                  f"(SLA {sla_target.agreement_name})",
                           "sla_summary": clocks.summary(sla_clock),
                           "due": int(sla_clock.due_at.timestamp()) if sla_clock.due_at else None,
                           "due_text": sla_clock.due_at.strftime("%Y-%m-%d %H:%M UTC") if sla_clock.due_at else ""}
                out.append((warning_key, channel, context))
    return out


def _leg_words(leg) -> str:
    """"held it 2h10m against Service desk OLA T1's 2 business hours (over by 10m)"."""
    return (f"held it {clocks.format_span(leg.used)} against {leg.target.label}'s {leg.target.duration_text} "
            f"(over by {clocks.format_span(leg.over_by)})")
