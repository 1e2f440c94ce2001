"""Measurements in the audit trail: each correction with the values it replaced and the values it stored, and each
batch (the API, a CSV import) as one record of what it stored.

A new measurement is recorded per batch, not per item: a monitoring system sends thousands of samples a day, each
row already says where it came from and when (`source`, `received_at`), and a record per sample would make the
trail a copy of the measurements instead of a record of decisions. A correction changes what was measured, so it
is recorded one by one, old and new.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from bot import audit
from bot.measurements.ingest import Outcome, Result
from bot.workspace.actor import Actor

ENTITY = {"outages": "outage", "metric_samples": "metric_sample", "ticket_events": "ticket_event"}


def record_batch(session, actor: Actor, source: str, results: Iterable[Result], *, summary: bool = True) -> None:
    """The batch's record (when it stored or corrected anything) and one record per correction."""
    results = list(results)
    counts = Counter((r.collection, r.outcome.value) for r in results)
    if summary and any(outcome != Outcome.UNCHANGED.value for _, outcome in counts):
        audit.record(session, actor, "measurements.ingest", "measurements", None, source=source,
                     counts={f"{c}.{o}": n for (c, o), n in sorted(counts.items())})
    for r in results:
        if r.outcome is Outcome.CORRECTED:
            audit.record(session, actor, f"{ENTITY[r.collection]}.correct", ENTITY[r.collection], None,
                         id=r.id, revision=r.revision, source=source, before=r.before, after=r.after)
