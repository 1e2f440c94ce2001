"""`slm-bot import --team T… file.csv`: a new customer's past tickets and outages, so their history is there on
day one. The file is imported whole or not at all, and each bad row is reported by its line number.

The header row says what the file holds (examples in `docs/`):
- tickets, one row a ticket:   ticket, service, priority, opened_at [, responded_at, resolved_at, group, title]
- ticket events, one a row:    id, ticket, kind, at [, priority, service, group, reason, title, requester]
- outages:                     id, service, start [, end, impact, summary]
- metric samples:              id, service, metric, value, at [, unit]
Each row becomes the same items the HTTP API takes (`bot.measurements.items`), so both accept the same things and
are stored the same way: a file imported again changes nothing, and a corrected file corrects what it stored.
A ticket row becomes its events, with ids made from the ticket's (`INC1/opened`, `INC1/resolved`, ...).
Times carry their zone, unless `timezone` is given for the file's times that have none.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session

from bot.audit.measurements import record_batch
from bot.errors import InvalidInput
from bot.measurements import ingest as ingesting
from bot.measurements.items import Batch, MetricSampleItem, OutageItem, TicketEvent
from bot.workspace.actor import Actor
from models.measurements import MeasurementSource, TicketEventKind

IMPORT_USER = "slm-bot-import"  # who the audit trail names for a file the operator imported (`slm-bot import`)

TICKET_TIMES = {"opened": "opened_at", "responded": "responded_at", "resolved": "resolved_at"}
KINDS = {k.value for k in TicketEventKind}
TIME_COLUMNS = {"at", "start", "end", *TICKET_TIMES.values()}
SHAPES = {  # what the file holds, told by the columns it must have
    "tickets": {"ticket", "service", "priority", "opened_at"},
    "ticket_events": {"id", "ticket", "kind", "at"},
    "outages": {"id", "service", "start"},
    "metric_samples": {"id", "service", "metric", "value", "at"},
}
OPTIONAL = {
    "tickets": {"responded_at", "resolved_at", "group", "title"},
    "ticket_events": {"priority", "service", "group", "reason", "title", "requester"},
    "outages": {"end", "impact", "summary"},
    "metric_samples": {"unit"},
}
MAX_ERRORS = ingesting.MAX_ERRORS


@dataclass
class _Parsed:
    batch: Batch
    # For each collection, by index in the batch: the file's line and the column each item field came from.
    origin: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)

    def where(self, collection: str, index: int, name: str) -> str:
        line, columns = self.origin[collection][index]
        return f"line {line}: {columns.get(name, name)}"


def shape_of(header: list[str]) -> str:
    columns = set(header)
    for shape in ("ticket_events", "tickets", "metric_samples", "outages"):  # most particular first
        if SHAPES[shape] <= columns:
            unknown = columns - SHAPES[shape] - OPTIONAL[shape]
            if unknown:
                raise InvalidInput({"line 1": f"unknown columns for a file of {shape.replace('_', ' ')}: "
                                              f"{', '.join(sorted(unknown))}"})
            return shape
    raise InvalidInput({"line 1": "the header names no known kind of file; a tickets file has the columns "
                                  "ticket, service, priority, opened_at (see docs/ for the others)"})


def _zoned(value: str, tz: ZoneInfo | None) -> str:
    """A time without a zone read in `tz`, when one is given; anything else is left to the item's validation."""
    if tz is None:
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return value
    return parsed.replace(tzinfo=tz).isoformat() if parsed.tzinfo is None else value


def parse(text: str, *, timezone: str | None = None) -> _Parsed:
    """The file as a batch, or InvalidInput naming every bad row (by line) and column."""
    tz = ZoneInfo(timezone) if timezone else None
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))  # a spreadsheet's byte order mark is no column
    header = [(h or "").strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header
    shape = shape_of(header)
    errors: dict[str, str] = {}
    items: dict[str, list] = {"ticket_events": [], "outages": [], "metric_samples": []}
    origin: dict[str, list] = {k: [] for k in items}
    adapters = {"ticket_events": TypeAdapter(TicketEvent), "outages": TypeAdapter(OutageItem),
                "metric_samples": TypeAdapter(MetricSampleItem)}
    for row in reader:
        line = reader.line_num
        if None in row:
            errors[f"line {line}"] = "more values than the header has columns"
            continue
        values = {k: (v or "").strip() for k, v in row.items()}
        if not any(values.values()):
            continue  # a blank line
        values = {k: _zoned(v, tz) if k in TIME_COLUMNS else v for k, v in values.items() if v}
        for collection, item, columns in _items(shape, values):
            try:
                items[collection].append(adapters[collection].validate_python(item))
                origin[collection].append((line, columns))
            except ValidationError as err:
                for e in err.errors():
                    errors.setdefault(f"line {line}: {_column(e, columns)}", e["msg"])
        if len(errors) >= MAX_ERRORS:
            break
    if errors:
        raise InvalidInput(errors)
    return _Parsed(Batch.model_construct(**items), origin)  # validated item by item; a file has no size limit


def _column(error: dict, columns: dict[str, str]) -> str:
    """The file's column an item's validation error is about (pydantic names the event kind it tried, too)."""
    if error["type"].startswith("union_tag"):
        return "kind"
    name = next((p for p in reversed(error["loc"]) if isinstance(p, str) and p not in KINDS), "")
    return columns.get(name, name) or "row"


def _items(shape: str, values: dict[str, str]):
    """(collection, item, {item field: the file's column}) for each item a row makes."""
    if shape != "tickets":
        return [(shape, dict(values), {k: k for k in values})]
    ref = values.get("ticket", "")
    common = {"ticket": ref}
    made = [("ticket_events", {**common, "id": f"{ref}/opened", "kind": "opened", "at": values.get("opened_at"),
                               "priority": values.get("priority"), "service": values.get("service"),
                               "title": values.get("title", ""),
                               **({"group": values["group"]} if "group" in values else {})},
             {"at": "opened_at", "id": "ticket"})]
    for kind in ("responded", "resolved"):
        column = TICKET_TIMES[kind]
        if column in values:
            made.append(("ticket_events", {**common, "id": f"{ref}/{kind}", "kind": kind, "at": values[column]},
                         {"at": column, "id": "ticket"}))
    return made


def import_file(session: Session, team_id: str, text: str, *, now: datetime,
                timezone: str | None = None) -> list[ingesting.Result]:
    """Parse and store in the caller's transaction; InvalidInput (nothing stored) names each bad line."""
    parsed = parse(text, timezone=timezone)
    results = ingesting.ingest(session, team_id, parsed.batch, source=MeasurementSource.IMPORT, now=now,
                               where=parsed.where)
    record_batch(session, Actor(team_id=team_id, user_id=IMPORT_USER, now=now), MeasurementSource.IMPORT.value, results)
    return results
