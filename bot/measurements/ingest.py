"""Storing what senders send: idempotent by the sender's own id, corrections counted, a batch whole or not at all.

An item whose `id` is already stored with the same content is a resend, and changes nothing. The same id with
other content is a correction: the row takes the new content, its revision counts up, and its `updated_at`
moves, so evaluation computes again whatever was computed from it. Every item of a batch is checked before
the caller's transaction commits; any refusal raises `InvalidInput` naming every bad field, and the caller's
rollback leaves nothing of the batch stored.

A ticket is the sum of its events: its opening (priority, service, title), its latest assignment, and whether
its last resolution was reopened. It is worked out again from all its events whenever one of them arrives, so
events may come in any order and a corrected event changes the ticket with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from types import SimpleNamespace
from typing import Callable

from sqlalchemy import insert
from sqlmodel import Session, select

from bot.errors import InvalidInput
from bot.measurements.items import Batch, MetricSampleItem, OutageItem, TicketOpened
from models import Party, PartyKind, Service
from models.base import name_key
from models.measurements import MeasurementSource, MetricSample, Outage, Ticket, TicketEvent, TicketEventKind

MAX_ERRORS = 50  # a file with a wrong column fails on every line: the first fifty say enough


class Outcome(StrEnum):
    STORED = "stored"        # new
    CORRECTED = "corrected"  # the same id with other content
    UNCHANGED = "unchanged"  # a resend


@dataclass(frozen=True)
class Result:
    collection: str  # "ticket_events", "outages" or "metric_samples", as in a batch
    id: str
    outcome: Outcome
    revision: int | None = None  # metric samples keep no revision
    before: dict | None = None  # a correction: the values it replaced (the audit trail keeps them)
    after: dict | None = None  # a correction: the values it stored


# Where a field of an item is, in the sender's terms: "ticket_events[3].service" for the API, "line 5: service"
# for a CSV file. Given the batch's collection, the item's index in it, and the field.
Where = Callable[[str, int, str], str]


def in_batch(collection: str, index: int, field: str) -> str:
    return f"{collection}[{index}].{field}"


def alone(_collection: str, _index: int, field: str) -> str:
    return field


class _Refusals:
    def __init__(self, where: Where):
        self.where, self.errors = where, {}

    def add(self, collection: str, index: int, field: str, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.setdefault(self.where(collection, index, field), message)


class _Names:
    """Services and support groups by name, looked up once a batch."""

    def __init__(self, session: Session, team_id: str):
        self.session, self.team_id = session, team_id
        self._services: dict[str, int | None] = {}
        self._groups: dict[str, int | None] = {}

    def service(self, name: str) -> int | None:
        key = name_key(name)
        if key not in self._services:
            row = self.session.exec(select(Service.id).where(Service.team_id == self.team_id,
                                                             Service.name_key == key)).first()
            self._services[key] = row
        return self._services[key]

    def group(self, name: str) -> int | None:
        key = name_key(name)
        if key not in self._groups:
            self._groups[key] = self.session.exec(select(Party.id).where(
                Party.team_id == self.team_id, Party.name_key == key,
                Party.kind == PartyKind.SUPPORT_GROUP.value)).first()
        return self._groups[key]


_CHUNK = 500  # sender ids per query: well inside every database's limit on bound parameters


def _stored(session: Session, table, team_id: str, column, ids) -> dict:
    """The rows of `table` already stored under these sender ids, by id: a batch reads what it has in a few queries,
    not one per item (a thousand-item batch would otherwise be thousands of round trips)."""
    wanted, found = sorted(set(ids)), {}
    for at in range(0, len(wanted), _CHUNK):
        for row in session.exec(select(table).where(table.team_id == team_id, column.in_(wanted[at:at + _CHUNK]))):
            found[getattr(row, column.key)] = row
    return found


def ingest(session: Session, team_id: str, batch: Batch, *, source: MeasurementSource, now: datetime,
           where: Where = in_batch) -> list[Result]:
    """Store a batch in the caller's transaction. Raises InvalidInput (nothing to commit) if any item is refused."""
    refusals, names = _Refusals(where), _Names(session, team_id)
    results: list[Result] = []
    with session.no_autoflush:  # new rows are found in the dicts below; they are written together at the end
        outages = _stored(session, Outage, team_id, Outage.external_id, [o.id for o in batch.outages])
        for i, item in enumerate(batch.outages):
            results.append(_outage(session, team_id, item, i, names, refusals, source, now, outages))
        samples = _stored(session, MetricSample, team_id, MetricSample.external_id,
                          [m.id for m in batch.metric_samples])
        for i, item in enumerate(batch.metric_samples):
            results.append(_sample(session, team_id, item, i, names, refusals, source, now, samples))
    results += _ticket_events(session, team_id, batch, names, refusals, source, now)
    if refusals.errors:
        raise InvalidInput(refusals.errors)
    session.flush()
    return [r for r in results if r is not None]


# ---- outages and samples -------------------------------------------------------------------------------------
def _service_or_refuse(names: _Names, name: str, refusals: _Refusals, collection: str, i: int) -> int | None:
    service_id = names.service(name)
    if service_id is None:
        refusals.add(collection, i, "service", f"There is no service called “{name}” on the service map.")
    return service_id


def _outage(session, team_id, item: OutageItem, i, names, refusals, source, now, stored: dict) -> Result | None:
    service_id = _service_or_refuse(names, item.service, refusals, "outages", i)
    if service_id is None:
        return None
    content = dict(service_id=service_id, impact=item.impact.value, started_at=item.start, ended_at=item.end,
                   summary=item.summary)
    row = stored.get(item.id)
    if row is None:
        stored[item.id] = Outage(team_id=team_id, external_id=item.id, source=source.value, received_at=now,
                                 updated_at=now, **content)
        session.add(stored[item.id])
        return Result("outages", item.id, Outcome.STORED, 1)
    if all(getattr(row, k) == v for k, v in content.items()):
        return Result("outages", item.id, Outcome.UNCHANGED, row.revision)
    was = {k: getattr(row, k) for k in content}
    for k, v in content.items():
        setattr(row, k, v)
    row.revision, row.updated_at = row.revision + 1, now
    session.add(row)
    return Result("outages", item.id, Outcome.CORRECTED, row.revision, was, content)


def _sample(session, team_id, item: MetricSampleItem, i, names, refusals, source, now, stored: dict) -> Result | None:
    service_id = _service_or_refuse(names, item.service, refusals, "metric_samples", i)
    if service_id is None:
        return None
    content = dict(service_id=service_id, metric_name=item.metric, metric_key=name_key(item.metric),
                   value=item.value, unit=item.unit, at=item.at)
    row = stored.get(item.id)
    if row is None:
        stored[item.id] = MetricSample(team_id=team_id, external_id=item.id, source=source.value, received_at=now,
                                       **content)
        session.add(stored[item.id])
        return Result("metric_samples", item.id, Outcome.STORED)
    if all(getattr(row, k) == v for k, v in content.items()):
        return Result("metric_samples", item.id, Outcome.UNCHANGED)
    was = {k: getattr(row, k) for k in content}
    for k, v in content.items():
        setattr(row, k, v)
    row.received_at = now
    session.add(row)
    return Result("metric_samples", item.id, Outcome.CORRECTED, None, was, content)


# ---- tickets ----------------------------------------------------------------------------------------------------
def _ticket_events(session, team_id, batch: Batch, names: _Names, refusals: _Refusals, source, now) -> list[Result]:
    """Openings first (they make the tickets the other events belong to), then the rest in the order sent."""
    events = list(enumerate(batch.ticket_events))
    ordered = [e for e in events if isinstance(e[1], TicketOpened)] + [e for e in events
                                                                       if not isinstance(e[1], TicketOpened)]
    with session.no_autoflush:
        tickets: dict[str, Ticket] = _stored(session, Ticket, team_id, Ticket.external_id,
                                             [e.ticket for e in batch.ticket_events])
        stored_events = _stored(session, TicketEvent, team_id, TicketEvent.external_id,
                                [e.id for e in batch.ticket_events])
    changed: set[str] = set()  # tickets with a new or corrected event: a resend changes nothing, not even updated_at
    refused_tickets: set[str] = set()
    results: list[Result] = []
    with session.no_autoflush:
        for i, event in ordered:
            ticket = _ticket_for(session, team_id, event, i, names, refusals, source, now, tickets)
            if ticket is None:
                if isinstance(event, TicketOpened):
                    refused_tickets.add(event.ticket)
                elif event.ticket not in refused_tickets:  # its opening was refused: that error says enough
                    refusals.add("ticket_events", i, "ticket", f"No ticket “{event.ticket}” is known: send its "
                                                               "`opened` event first, or in the same batch.")
                continue
            result = _event(session, team_id, ticket, event, i, names, refusals, now, stored_events)
            if result is not None:
                results.append(result)
                if result.outcome is not Outcome.UNCHANGED:
                    changed.add(event.ticket)
    if not refusals.errors and changed:
        _write_new(session, tickets, stored_events, names, now)
        _sum_up(session, [tickets[ref] for ref in sorted(changed) if not isinstance(tickets[ref], _NewTicket)],
                names, now)
    return results


# New tickets and events are written with one executemany each (ORM objects cost more than the inserts themselves),
# and a ticket opened by this batch is summed up from this batch's events before it is written (an event of an
# unknown ticket is refused, so it has no others): one INSERT a ticket, no UPDATE after it.
class _NewTicket(SimpleNamespace):
    def row(self) -> dict:
        return {k: v for k, v in vars(self).items() if k != "id"}


class _NewEvent(SimpleNamespace):
    """A ticket event new with this batch: read and corrected within the batch like a stored row (`seq`: the order
    it was stored in, which its id will follow; `ticket`: its ticket, whose id a new ticket has only once written)."""

    def row(self) -> dict:
        return {k: v for k, v in vars(self).items() if k not in ("seq", "ticket")}


def _write_new(session: Session, tickets: dict, stored_events: dict, names: _Names, now: datetime) -> None:
    fresh = sorted((e for e in stored_events.values() if isinstance(e, _NewEvent)), key=lambda e: e.seq)
    new_tickets = [t for t in tickets.values() if isinstance(t, _NewTicket)]
    if new_tickets:
        events_of: dict[int, list[_NewEvent]] = {}
        for e in fresh:
            events_of.setdefault(id(e.ticket), []).append(e)
        for ticket in new_tickets:
            _sum_up_one(ticket, sorted(events_of.get(id(ticket), []), key=lambda e: (e.at, e.seq)), names, now)
        ids = dict(session.execute(insert(Ticket.__table__).returning(Ticket.external_id, Ticket.id),
                                   [t.row() for t in new_tickets]).all())
        for ticket in new_tickets:
            ticket.id = ids[ticket.external_id]
    if fresh:
        for e in fresh:
            e.ticket_id = e.ticket.id
        session.execute(insert(TicketEvent.__table__), [e.row() for e in fresh])


def _ticket_for(session, team_id, event, i, names, refusals, source, now, tickets: dict[str, Ticket]) -> Ticket | None:
    """The event's ticket: stored, or new with this batch (`tickets` holds both), or made by this opening."""
    ticket = tickets.get(event.ticket)
    if ticket is None and isinstance(event, TicketOpened):
        service_id = _service_or_refuse(names, event.service, refusals, "ticket_events", i)
        if service_id is None:
            return None
        ticket = _NewTicket(team_id=team_id, external_id=event.ticket, service_id=service_id, priority=event.priority,
                            title=event.title, requester=event.requester, opened_at=event.at, source=source.value,
                            updated_at=now, assigned_group_id=None, resolved_at=None, evaluated_at=None, id=None)
        tickets[event.ticket] = ticket
    return ticket


def _event(session, team_id, ticket: Ticket, event, i, names: _Names, refusals: _Refusals, now,
           stored: dict) -> Result | None:
    group_name = getattr(event, "group", None)
    group_id = names.group(group_name) if group_name else None
    if group_name and group_id is None:
        refusals.add("ticket_events", i, "group", f"There is no support group called “{group_name}” on the "
                                                  "service map.")
        return None
    detail = {}
    if isinstance(event, TicketOpened):
        if names.service(event.service) is None:
            refusals.add("ticket_events", i, "service", f"There is no service called “{event.service}” on the "
                                                        "service map.")
            return None
        detail = {"priority": event.priority, "service": event.service, "title": event.title,
                  "requester": event.requester}
    content = dict(kind=event.kind, at=event.at, group_id=group_id, reason=getattr(event, "reason", None),
                   detail=detail)
    row = stored.get(event.id)
    if row is None:  # kept in `stored`: a second event with this id in the same batch finds it
        stored[event.id] = _NewEvent(team_id=team_id, external_id=event.id, ticket_id=ticket.id, ticket=ticket,
                                     received_at=now, revision=1, seq=len(stored), **content)
        return Result("ticket_events", event.id, Outcome.STORED, 1)
    if row.ticket_id != ticket.id:
        refusals.add("ticket_events", i, "id", f"The event id “{event.id}” is already an event of another ticket; "
                                               "an event cannot move between tickets.")
        return None
    if all(getattr(row, k) == v for k, v in content.items()):
        return Result("ticket_events", event.id, Outcome.UNCHANGED, row.revision)
    was = {k: getattr(row, k) for k in content}
    for k, v in content.items():
        setattr(row, k, v)
    row.revision += 1
    if not isinstance(row, _NewEvent):
        session.add(row)
    return Result("ticket_events", event.id, Outcome.CORRECTED, row.revision, was, content)


def _sum_up(session: Session, tickets: list[Ticket], names: _Names, now: datetime) -> None:
    """Each ticket as its events now say: opening, group, whether it is resolved. Marked for evaluation.
    (All their events in a few queries, not one per ticket.)"""
    by_ticket: dict[int, list[TicketEvent]] = {}
    ids = [t.id for t in tickets]
    for at in range(0, len(ids), _CHUNK):
        for e in session.exec(select(TicketEvent).where(TicketEvent.ticket_id.in_(ids[at:at + _CHUNK]))
                              .order_by(TicketEvent.ticket_id, TicketEvent.at, TicketEvent.id)):
            by_ticket.setdefault(e.ticket_id, []).append(e)
    for ticket in tickets:
        _sum_up_one(ticket, by_ticket.get(ticket.id, []), names, now)
        session.add(ticket)


def _sum_up_one(ticket: Ticket, events: list[TicketEvent], names: _Names, now: datetime) -> None:
    opened = next((e for e in events if e.kind == TicketEventKind.OPENED.value), None)
    if opened is not None:
        ticket.opened_at = opened.at
        ticket.priority = opened.detail.get("priority", ticket.priority)
        ticket.title = opened.detail.get("title") or ""
        ticket.requester = opened.detail.get("requester")
        service_id = names.service(opened.detail.get("service", ""))
        ticket.service_id = service_id or ticket.service_id
    groups = [e.group_id for e in events if e.group_id is not None
              and e.kind in (TicketEventKind.OPENED.value, TicketEventKind.ASSIGNED.value)]
    ticket.assigned_group_id = groups[-1] if groups else None
    ends = [e for e in events if e.kind in (TicketEventKind.RESOLVED.value, TicketEventKind.REOPENED.value)]
    ticket.resolved_at = ends[-1].at if ends and ends[-1].kind == TicketEventKind.RESOLVED.value else None
    ticket.updated_at = now
