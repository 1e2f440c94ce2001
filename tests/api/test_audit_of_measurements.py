"""Measurements in the audit trail (issue 15): a batch through the API is one record of what it stored; a
correction is a record of its own with the old and the new values; a resend records nothing."""
from __future__ import annotations

from sqlmodel import select

from models import AuditEvent

OUTAGE = {"id": "o1", "service": "Payroll", "impact": "full", "start": "2026-03-02T08:00:00Z",
          "end": "2026-03-02T09:00:00Z", "summary": "Database down"}


def measured(db) -> list[AuditEvent]:
    with db.read_session() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.actor == "api").order_by(AuditEvent.seq)))


def test_a_batch_is_one_record_and_a_correction_keeps_the_old_and_new_values(api, db):
    assert api.post("/v1/batch", json={"outages": [OUTAGE, {**OUTAGE, "id": "o2"}]}).status_code == 200
    [batch] = measured(db)
    assert (batch.action, batch.detail) == ("measurements.ingest",
                                            {"source": "api", "counts": {"outages.stored": 2}})
    assert api.post("/v1/outages", json=OUTAGE).status_code == 200  # a resend: nothing changed, nothing recorded
    assert len(measured(db)) == 1
    assert api.post("/v1/outages", json={**OUTAGE, "end": "2026-03-02T10:00:00Z"}).status_code == 200
    _, _, correction = measured(db)
    assert (correction.action, correction.detail["id"], correction.detail["revision"]) == ("outage.correct", "o1", 2)
    assert (correction.before["ended_at"], correction.after["ended_at"]) == ("2026-03-02 09:00:00+00:00",
                                                                            "2026-03-02 10:00:00+00:00")
    assert correction.before["summary"] == correction.after["summary"] == "Database down"
