"""`/slm record`: a small team without monitoring records an outage or a ticket by hand.

What the form gives becomes the same items the HTTP API takes, stored through the same ingest (source
`manual`). The record's reference is its id: recording the same reference again corrects it, which is how an
outage recorded while it goes on is given its end. Times are typed in the person's own time zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlmodel import Session

from bot import audit, service_map
from bot.audit.measurements import record_batch
from bot.errors import InvalidInput, NotFound
from bot.measurements import ingest as ingesting
from bot.measurements.items import Batch, OutageItem, TicketOpened, TicketResolved
from bot.workspace.actor import Actor
from bot.workspace.permissions import Capability, require
from models.measurements import MeasurementSource

OUTAGE, TICKET = "outage", "ticket"
# An item's field -> the form's field, for errors the items or the ingest raise.
FORM_FIELD = {"id": "reference", "ticket": "reference", "service": "service", "priority": "priority",
              "group": "group", "impact": "impact", "start": "start", "at": "start", "end": "end",
              "summary": "summary", "title": "summary"}


@dataclass
class ManualRecord:
    what: str | None          # OUTAGE or TICKET
    service_id: int | None
    reference: str = ""       # the outage's or ticket's id; made up when empty
    priority: str | None = None
    group_id: int | None = None
    impact: str | None = None
    start_date: date | None = None
    start_time: str | None = None  # "HH:MM", as Slack's timepicker gives it
    end_date: date | None = None
    end_time: str | None = None
    summary: str = ""


@dataclass(frozen=True)
class Recorded:
    what: str
    reference: str
    service: str
    start: datetime
    end: datetime | None
    outcome: ingesting.Outcome
    detail: str  # "full", "degraded", or the ticket's priority


def _moment(day: date | None, at: str | None, tz: ZoneInfo, field: str, errors: dict, *, needed: bool):
    if day is None and not at:
        if needed:
            errors[field] = "Give the day and the time."
        return None
    if day is None or not at:
        errors[field] = "Give both the day and the time."
        return None
    try:
        return datetime.combine(day, time.fromisoformat(at), tzinfo=tz)
    except ValueError:
        errors[field] = "Give the time as HH:MM."
        return None


def record(session: Session, actor: Actor, data: ManualRecord, *, form_id: str) -> Recorded:
    """Store what the form says; InvalidInput names the form's fields. `form_id` makes up a missing reference."""
    require(actor, Capability.RECORD_MEASUREMENT)
    errors: dict[str, str] = {}
    if data.what not in (OUTAGE, TICKET):
        errors["what"] = "Choose an outage or a ticket."
    service = None
    try:
        service = service_map.get_service(session, actor.team_id, data.service_id) if data.service_id else None
    except NotFound:
        pass
    if service is None:
        errors["service"] = "Choose the service."
    tz = ZoneInfo(actor.tz)
    start = _moment(data.start_date, data.start_time, tz, "start", errors, needed=True)
    end = _moment(data.end_date, data.end_time, tz, "end", errors, needed=False)
    for field, moment in (("start", start), ("end", end)):
        if moment is not None and moment > actor.at():
            errors.setdefault(field, "That is still to come: record what has happened.")
    if start is not None and end is not None and end <= start:
        errors["end"] = "The end must come after the start."
    if data.what == TICKET and not data.priority:
        errors["priority"] = "Choose the ticket's priority."
    group = None
    if data.group_id:
        try:
            group = service_map.get_party(session, actor.team_id, data.group_id)
        except NotFound:
            errors["group"] = "That support group no longer exists."
    if errors:
        raise InvalidInput(errors)
    reference = " ".join(data.reference.split()) or (f"manual-{form_id}" if data.what == OUTAGE
                                                    else f"MANUAL-{form_id}")
    batch = _batch(data, reference, service.name, group.name if group else None, start, end, errors)
    results = ingesting.ingest(session, actor.team_id, batch, source=MeasurementSource.MANUAL, now=actor.at(),
                               where=lambda _c, _i, field: FORM_FIELD.get(field, "summary"))
    audit.record(session, actor, f"{data.what}.record", data.what, None, reference=reference, service=service.name)
    record_batch(session, actor, MeasurementSource.MANUAL.value, results, summary=False)  # its corrections
    # New if the outage or the ticket's opening is new; corrected if anything of it changed.
    outcome = (ingesting.Outcome.STORED if results[0].outcome is ingesting.Outcome.STORED
               else ingesting.Outcome.CORRECTED if any(r.outcome is not ingesting.Outcome.UNCHANGED for r in results)
               else ingesting.Outcome.UNCHANGED)
    return Recorded(data.what, reference, service.name, start, end, outcome,
                    (data.impact or "full") if data.what == OUTAGE else data.priority)


def _batch(data: ManualRecord, reference: str, service: str, group: str | None, start, end, errors) -> Batch:
    try:
        if data.what == OUTAGE:
            return Batch(outages=[OutageItem(id=reference, service=service, impact=data.impact or "full",
                                             start=start, end=end, summary=data.summary)])
        events = [TicketOpened(id=f"{reference}/opened", ticket=reference, kind="opened", at=start,
                               priority=data.priority, service=service, title=data.summary, group=group)]
        if end is not None:
            events.append(TicketResolved(id=f"{reference}/resolved", ticket=reference, kind="resolved", at=end))
        return Batch(ticket_events=events)
    except ValidationError as err:
        for e in err.errors():
            name = next((p for p in reversed(e["loc"]) if isinstance(p, str) and p in FORM_FIELD), "summary")
            errors.setdefault(FORM_FIELD[name], e["msg"])
        raise InvalidInput(errors) from None
