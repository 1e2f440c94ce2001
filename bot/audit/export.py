"""`slm-bot audit export`: the trail between two dates as CSV or JSON lines, as evidence for an auditor."""
from __future__ import annotations

import csv
import json
from datetime import date, datetime, time, timedelta, timezone
from typing import IO, Iterator

from sqlmodel import Session, select

from bot.audit.chain import at_text
from models import AuditEvent, AuditHead

COLUMNS = ("team", "seq", "at", "actor", "action", "entity", "entity_id", "detail", "before", "after",
           "prev_hash", "hash")
BATCH = 1000


def events(session: Session, start: date, end: date, team_id: str | None) -> Iterator[AuditEvent]:
    """The records made from `start` to `end`, both days whole (UTC), by workspace then seq; read in batches."""
    since = datetime.combine(start, time(), timezone.utc)
    until = datetime.combine(end + timedelta(days=1), time(), timezone.utc)
    query = select(AuditEvent).where(AuditEvent.at >= since, AuditEvent.at < until)
    if team_id:
        query = query.where(AuditEvent.team_id == team_id)
    query = query.order_by(AuditEvent.team_id, AuditEvent.seq)
    offset = 0
    while batch := list(session.exec(query.offset(offset).limit(BATCH))):
        yield from batch
        offset += len(batch)


def heads(session: Session, team_id: str | None) -> list[AuditHead]:
    """Each workspace's head (its newest record's seq and hash), for the auditor to keep outside the database: a
    later export or verify whose chain ends before that seq, or at another hash, lost records."""
    query = select(AuditHead).order_by(AuditHead.team_id)
    if team_id:
        query = query.where(AuditHead.team_id == team_id)
    return list(session.exec(query))


def row(event: AuditEvent) -> dict:
    return {"team": event.team_id, "seq": event.seq, "at": at_text(event.at), "actor": event.actor,
            "action": event.action, "entity": event.entity, "entity_id": event.entity_id, "detail": event.detail,
            "before": event.before, "after": event.after, "prev_hash": event.prev_hash, "hash": event.hash}


def _json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def write(out: IO[str], rows: Iterator[AuditEvent], fmt: str) -> int:
    """Write the records to `out`; how many were written. CSV holds detail, before and after as JSON text."""
    written = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for event in rows:
            line = row(event)
            for key in ("detail", "before", "after"):
                line[key] = "" if line[key] is None else _json(line[key])
            writer.writerow(line)
            written += 1
        return written
    for event in rows:
        out.write(_json(row(event)) + "\n")
        written += 1
    return written
