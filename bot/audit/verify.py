"""`slm-bot audit verify`: walk each workspace's chain and its head, and say where it was broken.

A record whose hash is not the hash of what it holds was altered. A seq skipped, or a record whose prev_hash is not
the hash of the record before it, means records were removed (or one replaced: an inserted record). A head ahead
of the last record means the newest records were removed. The walk reads the trail in seq order, a batch at a
time (it is the one place that reads the whole trail).

The head is read first and the walk stops at its seq: on a live database (READ COMMITTED on PostgreSQL) records
appended while the walk goes on are past that head and left to the next run, instead of making the head read
afterwards look ahead of the records walked (which would report the newest records removed).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from bot.audit.chain import GENESIS, digest_of
from models import AuditEvent, AuditHead

BATCH = 1000


@dataclass(frozen=True)
class Verdict:
    team_id: str
    records: int
    problem: str | None  # None: intact

    @property
    def intact(self) -> bool:
        return self.problem is None


def teams(session: Session, team_id: str | None) -> list[str]:
    if team_id:
        return [team_id]
    found = set(session.exec(select(AuditEvent.team_id).distinct()).all())
    found |= set(session.exec(select(AuditHead.team_id)).all())
    return sorted(found)


def verify(session: Session, team_id: str) -> Verdict:
    """The first break in `team_id`'s chain, or None."""
    head = session.get(AuditHead, team_id)
    count, seq, prev = 0, 0, GENESIS
    last_id = None
    while True:
        query = select(AuditEvent).where(AuditEvent.team_id == team_id)
        if head is not None:  # appended after the head was read: not this run's to judge
            query = query.where(AuditEvent.seq <= head.seq)
        if last_id is not None:
            query = query.where((AuditEvent.seq > seq) | ((AuditEvent.seq == seq) & (AuditEvent.id > last_id)))
        batch = list(session.exec(query.order_by(AuditEvent.seq, AuditEvent.id).limit(BATCH)))
        if not batch:
            break
        for event in batch:
            count += 1
            if problem := _break(event, seq, prev):
                return Verdict(team_id, count, problem)
            seq, prev, last_id = event.seq, event.hash, event.id
    if head is None:
        if seq:
            return Verdict(team_id, count, f"the head is missing: the last record is #{seq}")
    elif head.seq > seq:
        removed = f"#{head.seq}" if head.seq == seq + 1 else f"#{seq + 1}–#{head.seq}"
        return Verdict(team_id, count, f"record {removed} removed: the head is at #{head.seq}, the last record "
                                       f"is #{seq} (the newest records were deleted)")
    elif head.seq < seq or head.hash != prev:
        return Verdict(team_id, count, f"the head (#{head.seq}) does not match the last record (#{seq}): "
                                       "records were added around the chain, or the head was altered")
    return Verdict(team_id, count, None)


def _break(event: AuditEvent, seq: int, prev: str) -> str | None:
    name = f"record #{event.seq} (id {event.id}, {event.action} at {event.at.isoformat()})"
    if event.seq <= seq:
        return f"{name} inserted: #{event.seq} comes again after #{seq}"
    if digest_of(event) != event.hash:
        return f"{name} altered: its hash does not match what it holds"
    if event.seq > seq + 1:
        gap = f"#{seq + 1}" if event.seq == seq + 2 else f"#{seq + 1}–#{event.seq - 1}"
        return f"record {gap} removed: a gap before {name}"
    if event.prev_hash != prev:
        return f"{name} does not follow record #{seq}: a record was replaced or inserted there"
    return None
