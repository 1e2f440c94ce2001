"""The legs of a ticket's clocks, from the database: who held it (its assignment events), and each group's OLA
target for it, read from the back-to-back tree. The arithmetic is `bot.measurements.legs`'s.

Which OLA target a group's leg is held against (README "Evaluation: ticket clocks"):
1. the OLA target of that group, of the same kind (response or resolution), put beneath the SLA target in the
   back-to-back tree (`/slm underpin`), in force on the day the ticket opened;
2. else the group's own OLA in force for the ticket's service, its target of the same kind and the ticket's
   priority (a group handed a ticket outside the tree's stages is still held to what it promised);
3. else none: the leg is shown with its time, and nothing to be over.
Each as its agreed version words it (duration and calendar), as the SLA's clocks are. A leg leaves out the maintenance
windows and agreed exclusions the SLA's clock leaves out (those of the SLA and the ticket's service), read as the
ticket clock reads them (`evaluate.excluded_for`, `exclusions.applying`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.measurements import clocks, exclusions
from bot.measurements import legs as leg_math
from bot.measurements.evaluate import TicketClock, applies, excluded_for
from bot.measurements.in_force import Measured, measured
from bot.measurements.ticket_events import events_of
from models import Agreement, AgreementKind, Party, Ticket, TicketEvent, TargetLink

ASSIGNING = ("opened", "assigned")


def assignments_of(session: Session, ticket_id: int) -> list[leg_math.Assignment]:
    """The ticket's hand-offs: each event that names a group (an `assigned`, or an `opened` naming one)."""
    return assignments_of_many(session, [ticket_id]).get(ticket_id, [])


def assignments_of_many(session: Session, ticket_ids: list[int]) -> dict[int, list[leg_math.Assignment]]:
    """Many tickets' hand-offs in a few reads (500 tickets a query)."""
    out: dict[int, list[leg_math.Assignment]] = {}
    for start in range(0, len(ticket_ids), 500):
        for ticket_id, at, group_id in session.exec(select(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.group_id)
                                                    .where(TicketEvent.ticket_id.in_(ticket_ids[start:start + 500]),
                                                           TicketEvent.kind.in_(ASSIGNING),
                                                           TicketEvent.group_id.is_not(None))
                                                    .order_by(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.id)):
            out.setdefault(ticket_id, []).append(leg_math.Assignment(at, group_id))
    return out


@dataclass(frozen=True)
class TicketLegs:
    """One SLA clock of the ticket and its legs, each with its group's name."""

    found: TicketClock
    legs: list[leg_math.Leg]
    names: dict[int, str]


def _leg_target(m: Measured, linked: bool) -> leg_math.LegTarget:
    return leg_math.LegTarget(target_id=m.target_id, duration=m.duration, duration_text=m.duration_text or "",
                              calendar=m.calendar, label=f"{m.agreement_name} {m.key}", linked=linked)


class OlaIndex:
    """The workspace's OLAs in force, read once for many tickets (the scheduled leg warnings read a page of them):
    which group each OLA is with, their targets as agreed, and which sit beneath each SLA target (read as asked)."""

    def __init__(self, session: Session, team_id: str, groups: set[int] | None = None):
        self.session = session
        q = select(Agreement.id, Agreement.counterparty_id).where(Agreement.team_id == team_id,
                                                                   Agreement.kind == AgreementKind.OLA.value)
        if groups is not None:  # one ticket's groups only (`/slm clock`), not the workspace's every OLA
            q = q.where(Agreement.counterparty_id.in_(sorted(groups)))
        self.group_of: dict[int, int] = dict(session.exec(q).all())
        self.targets: list[Measured] = measured(session, team_id, kinds=(AgreementKind.OLA.value,),
                                                agreement_ids=list(self.group_of)) if self.group_of else []
        self._linked: dict[int, set[int]] = {}

    def linked(self, sla_target_id: int) -> set[int]:
        if sla_target_id not in self._linked:
            self._linked[sla_target_id] = set(self.session.exec(select(TargetLink.leg_target_id).where(
                TargetLink.sla_target_id == sla_target_id)).all())
        return self._linked[sla_target_id]


def _targets_for(index: OlaIndex, ticket: Ticket, sla_target: Measured,
                 group_ids: set[int]) -> dict[int, leg_math.LegTarget]:
    """Each group's OLA target for this SLA target and ticket (rules 1 and 2 above); groups without one left out."""
    opened = ticket.opened_at.date()
    fits = [m for m in index.targets if index.group_of.get(m.agreement_id) in group_ids
            and m.kind == sla_target.kind and m.duration is not None and m.applies_on(opened)]
    if not fits:
        return {}
    linked = index.linked(sla_target.target_id)
    out: dict[int, leg_math.LegTarget] = {}
    for m in sorted(fits, key=lambda m: m.target_id):  # beneath the SLA target first
        if m.target_id in linked:
            out.setdefault(index.group_of[m.agreement_id], _leg_target(m, True))
    for m in sorted(fits, key=lambda m: (m.agreement_name, m.target_id)):  # else the group's own OLA for the service
        if m.target_id not in linked and applies(m, ticket):
            out.setdefault(index.group_of[m.agreement_id], _leg_target(m, False))
    return out


def ticket_legs(session: Session, team_id: str, ticket: Ticket, found: list[TicketClock], now: datetime, *,
                index: OlaIndex | None = None, events: list[clocks.ClockEvent] | None = None,
                assignments: list[leg_math.Assignment] | None = None,
                names: dict[int, str] | None = None,
                excluded: list[exclusions.Excluded] | None = None) -> list[TicketLegs]:
    """The legs of each of the ticket's SLA clocks (in the order given); an empty list of legs where nobody was
    assigned. `index`, `events`, `assignments`, the groups' `names` and the `excluded` spans (windows and exclusions,
    `evaluate.excluded_for`): read already (many tickets at once), else read here."""
    assignments = assignments if assignments is not None else assignments_of(session, ticket.id)
    if not assignments:
        return [TicketLegs(item, [], {}) for item in found]
    events = events if events is not None else events_of(session, [ticket.id]).get(ticket.id, [])
    group_ids = {a.group_id for a in assignments}
    index = index or OlaIndex(session, team_id, group_ids)
    if names is None:
        names = dict(session.exec(select(Party.id, Party.name).where(Party.team_id == team_id,
                                                                     Party.id.in_(sorted(group_ids)))).all())
    if excluded is None:
        excluded = excluded_for(session, team_id, [ticket], now)
    out = []
    for item in found:
        targets = _targets_for(index, ticket, item.target, group_ids)
        spans = exclusions.applying(excluded, item.target.agreement_id, {ticket.service_id})
        legs = leg_math.measure(item.target.kind, ticket.opened_at, events, assignments, targets.get,
                                item.target.duration, item.target.calendar, now, spans)
        out.append(TicketLegs(item, legs, names))
    return out


def ran_over(session: Session, team_id: str, ticket_id: int | None, agreement_id: int, target_id: int,
             now: datetime) -> list[str]:
    """For a breach alert on an SLA ticket target: each leg whose own clock ran over its OLA target, in words
    ("Service desk held it 3h10m against its OLA's 2 business hours (over by 1h10m)"); none when no leg did."""
    ticket = session.get(Ticket, ticket_id) if ticket_id else None
    if ticket is None or ticket.team_id != team_id:
        return []
    sla_target = next((m for m in measured(session, team_id, agreement_id=agreement_id)
                       if m.target_id == target_id and m.duration is not None), None)
    if sla_target is None:
        return []
    events = events_of(session, [ticket.id]).get(ticket.id, [])
    excluded = excluded_for(session, team_id, [ticket], now)
    spans = exclusions.applying(excluded, agreement_id, {ticket.service_id})
    found = TicketClock(sla_target, clocks.compute(sla_target.kind, ticket.opened_at, events, sla_target.duration,
                                                   sla_target.calendar, now, warning_percent=sla_target.warning_percent,
                                                   excluded=spans))
    [measured_legs] = ticket_legs(session, team_id, ticket, [found], now, events=events, excluded=excluded)
    return [leg_math.ran_over(leg, measured_legs.names.get(leg.group_id, "A group"))
            for leg in measured_legs.legs if leg.over]


# ---- for `/slm clock`: plain words, the template escapes and lays them out ------------------------------------------
MAX_LEGS = 6        # per clock: the first to hold it shown, the rest counted ("and N more groups")
MAX_STRETCHES = 4   # per leg: the first shown, the rest counted


@dataclass(frozen=True)
class LegView:
    group: str          # "Service desk"
    held: str           # "Mon 7 Dec 09:00 – 11:10; Mon 7 Dec 14:00 – 15:00 (2 stretches, summed)"
    business: str       # "3h10m"
    calendar: str       # the calendar the leg counts in: "UK office", "24x7"
    target: str         # "Service desk OLA T1, 2 business hours (beneath the SLA target)" or ""
    verdict: str        # legs.verdict
    over: bool
    left_out: str = ""  # "agreed exclusion (force majeure) 3 Mar 09:00–09:40 (40m)": within its stretches, not counted


@dataclass(frozen=True)
class LegsView:
    legs: tuple[LegView, ...]
    more: int           # groups left out after MAX_LEGS
    unassigned: bool    # some of the ticket's time was held by no group (before its first assignment)


def views(found: list[TicketLegs], opened_at: datetime, tz: str) -> list[LegsView]:
    """One per SLA clock, aligned with `timeline.views` (the same order as `found`)."""
    zone = ZoneInfo(tz)
    out = []
    for item in found:
        rows = []
        for leg in item.legs[:MAX_LEGS]:
            spans = [_span(a, b, zone) for a, b in leg.stretches[:MAX_STRETCHES]]
            held = "; ".join(spans) + (f" and {len(leg.stretches) - MAX_STRETCHES} more"
                                       if len(leg.stretches) > MAX_STRETCHES else "")
            if leg.holding:
                held += " (holding it now)"
            if len(leg.stretches) > 1:
                held += f" ({len(leg.stretches)} stretches, summed)"
            target = leg.target
            calendar = (target.calendar if target else item.found.target.calendar).name or "24x7"
            where = "beneath the SLA target" if target and target.linked else "the group's OLA for the service"
            rows.append(LegView(group=item.names.get(leg.group_id, "a group no longer on the map"), held=held,
                                business=clocks.format_span(leg.used), calendar=calendar,
                                target=f"{target.label}, {target.duration_text} ({where})" if target else "",
                                verdict=leg_math.verdict(leg), over=leg.over,
                                left_out=_left_out(leg.left_out)))
        first = min((leg.stretches[0][0] for leg in item.legs), default=None)
        out.append(LegsView(legs=tuple(rows), more=max(0, len(item.legs) - MAX_LEGS),
                            unassigned=first is not None and first > opened_at))
    return out


def _left_out(spans: tuple[leg_math.Excluded, ...]) -> str:
    """"agreed exclusion (force majeure) 3 Mar 09:00–09:40 (40m)", the first MAX_STRETCHES, the rest counted."""
    said = "; ".join(f"{why} ({clocks.format_span(b - a)})" for a, b, why in spans[:MAX_STRETCHES])
    return said + (f" and {len(spans) - MAX_STRETCHES} more" if len(spans) > MAX_STRETCHES else "")


def _span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    a, b = start.astimezone(zone), end.astimezone(zone)
    head = f"{a:%a} {a.day} {a:%b %H:%M}"
    return f"{head} – {b:%H:%M}" if a.date() == b.date() else f"{head} – {b:%a} {b.day} {b:%b %H:%M}"
