"""Issue 11: measurements in over HTTP. Resends stored once, corrections counted, batches whole or not at all."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from models.measurements import MetricSample, Outage, Ticket, TicketEvent
from tests.conftest import START


def opened(event_id="e1", ticket="INC1", at="2026-03-02T09:00:00+00:00", **extra):
    return {"id": event_id, "ticket": ticket, "kind": "opened", "at": at, "priority": "P1", "service": "Payroll",
            **extra}


def count(db, table) -> int:
    with db.session() as s:
        return s.exec(select(func.count()).select_from(table)).one()


def ticket(db, ref="INC1") -> Ticket:
    with db.session() as s:
        return s.exec(select(Ticket).where(Ticket.external_id == ref)).one()


def test_an_event_sent_twice_is_stored_once(api, db):
    first = api.post("/v1/ticket-events", json=opened(title="Payroll run fails"))
    assert first.status_code == 200, first.text
    assert first.json()["stored"] == 1
    again = api.post("/v1/ticket-events", json=opened(title="Payroll run fails"))
    assert again.status_code == 200
    assert again.json()["unchanged"] == 1 and again.json()["stored"] == 0
    assert count(db, TicketEvent) == 1 and count(db, Ticket) == 1
    stored = ticket(db)
    assert (stored.priority, stored.title, stored.resolved_at) == ("P1", "Payroll run fails", None)
    assert stored.opened_at == START


def test_the_same_id_with_other_content_corrects_the_event_and_marks_the_ticket(api, db, clock):
    api.post("/v1/batch", json={"ticket_events": [opened(), {"id": "e2", "ticket": "INC1", "kind": "resolved",
                                                             "at": "2026-03-02T12:00:00+00:00"}]})
    assert ticket(db).resolved_at == START + timedelta(hours=3)
    before = ticket(db).updated_at
    clock.advance(minutes=5)
    corrected = api.post("/v1/ticket-events", json={"id": "e2", "ticket": "INC1", "kind": "resolved",
                                                    "at": "2026-03-02T11:00:00+01:00"})  # 10:00 UTC
    assert corrected.json()["items"] == [{"collection": "ticket_events", "id": "e2", "outcome": "corrected",
                                          "revision": 2}]
    assert ticket(db).resolved_at == START + timedelta(hours=1)
    assert ticket(db).updated_at == before + timedelta(minutes=5)  # evaluation computes it again
    clock.advance(minutes=5)
    api.post("/v1/ticket-events", json={"id": "e2", "ticket": "INC1", "kind": "resolved",
                                        "at": "2026-03-02T10:00:00Z"})  # the same moment, written another way
    assert ticket(db).updated_at == before + timedelta(minutes=5)  # a resend changes nothing


def test_a_ticket_is_what_its_events_say_in_whatever_order_they_come(api, db):
    events = [
        {"id": "e4", "ticket": "INC7", "kind": "resolved", "at": "2026-03-02T15:00:00Z"},
        {"id": "e2", "ticket": "INC7", "kind": "assigned", "at": "2026-03-02T09:10:00Z", "group": "network GROUP"},
        {"id": "e3", "ticket": "INC7", "kind": "paused", "at": "2026-03-02T10:00:00Z", "reason": "awaiting customer"},
        opened("e1", "INC7", priority="P2"),
    ]
    answer = api.post("/v1/batch", json={"ticket_events": events})
    assert answer.status_code == 200, answer.text
    assert answer.json()["stored"] == 4
    stored = ticket(db, "INC7")
    assert stored.priority == "P2" and stored.assigned_group_id is not None
    assert stored.resolved_at == START + timedelta(hours=6)
    api.post("/v1/ticket-events", json={"id": "e5", "ticket": "INC7", "kind": "reopened", "at": "2026-03-02T16:00:00Z"})
    assert ticket(db, "INC7").resolved_at is None


def test_a_malformed_batch_is_refused_naming_the_field_and_nothing_is_stored(api, db):
    batch = {"ticket_events": [opened(), opened("e2", "INC2", priority="P9")],
             "outages": [{"id": "o1", "service": "Payroll", "start": "2026-03-02T09:00:00Z"},
                         {"id": "o2", "service": "Payroll", "start": "2026-03-02T09:00:00"}]}
    answer = api.post("/v1/batch", json=batch)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert set(errors) == {"ticket_events[1].priority", "outages[1].start"}, errors
    assert "timezone" in errors["outages[1].start"]
    assert ["body", "ticket_events", 1, "opened", "priority"] in [d["loc"] for d in answer.json()["detail"]]
    assert count(db, TicketEvent) == count(db, Ticket) == count(db, Outage) == 0


def test_a_batch_naming_an_unknown_service_is_refused_whole(api, db):
    batch = {"outages": [{"id": "o1", "service": "Payroll", "start": "2026-03-02T09:00:00Z"}],
             "metric_samples": [{"id": "m1", "service": "Payrol", "metric": "p95 page load", "value": 1.8,
                                 "unit": "s", "at": "2026-03-02T09:00:00Z"}],
             "ticket_events": [{"id": "e9", "ticket": "INC404", "kind": "responded", "at": "2026-03-02T09:00:00Z"}]}
    answer = api.post("/v1/batch", json=batch)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert errors["metric_samples[0].service"] == "There is no service called “Payrol” on the service map."
    assert "INC404" in errors["ticket_events[0].ticket"]
    assert {"loc": ["body", "metric_samples", 0, "service"], "msg": errors["metric_samples[0].service"],
            "type": "value_error"} in answer.json()["detail"]
    assert count(db, Outage) == count(db, MetricSample) == 0


def test_a_misspelt_field_is_refused_not_ignored(api, db):
    answer = api.post("/v1/ticket-events", json={**opened(), "grup": "Network group"})
    assert answer.status_code == 422
    assert list(answer.json()["errors"]) == ["grup"]
    answer = api.post("/v1/ticket-events", json={"id": "e1", "ticket": "INC1", "kind": "paused",
                                                 "at": "2026-03-02T09:00:00Z"})
    assert list(answer.json()["errors"]) == ["reason"]  # a pause says why
    assert count(db, TicketEvent) == 0


def test_an_outage_opens_then_closes_by_its_resend_with_an_end(api, db, clock):
    outage = {"id": "prom-abc-1", "service": "Email", "impact": "degraded", "start": "2026-03-02T09:00:00Z",
              "summary": "Mail queue slow"}
    assert api.post("/v1/outages", json=outage).json()["stored"] == 1
    with db.session() as s:
        assert s.exec(select(Outage)).one().ended_at is None
    clock.advance(minutes=30)
    closed = api.post("/v1/outages", json={**outage, "end": "2026-03-02T09:25:00Z"})
    assert closed.json()["corrected"] == 1
    with db.session() as s:
        row = s.exec(select(Outage)).one()
    assert (row.ended_at, row.revision, row.impact) == (START + timedelta(minutes=25), 2, "degraded")
    backwards = api.post("/v1/outages", json={**outage, "end": "2026-03-02T08:00:00Z"})
    assert backwards.status_code == 422 and "end" in backwards.json()["errors"]


def test_a_metric_sample_is_stored_with_the_key_targets_match_on(api, db):
    sample = {"id": "m1", "service": "payroll", "metric": "P95  Page load", "value": 1.8, "unit": "s",
              "at": "2026-03-02T09:00:00Z"}
    assert api.post("/v1/metric-samples", json=sample).json()["stored"] == 1
    assert api.post("/v1/metric-samples", json={**sample, "value": 2.1}).json()["corrected"] == 1
    with db.session() as s:
        row = s.exec(select(MetricSample)).one()
    assert (row.metric_key, row.value) == ("p95 page load", 2.1)
    assert api.post("/v1/metric-samples", json={**sample, "value": "NaN"}).status_code == 422


def test_a_body_too_large_is_refused_before_it_is_read(api, db):
    huge = b'{"ticket_events": [' + b" " * (5 * 1024 * 1024) + b"]}"
    assert api.post("/v1/batch", content=huge, headers={"Content-Type": "application/json"}).status_code == 413

    def chunks():  # no Content-Length: counted as it streams
        yield b'{"ticket_events": ['
        for _ in range(5):
            yield b" " * (1024 * 1024)
        yield b"]}"
    assert api.post("/v1/batch", content=chunks(), headers={"Content-Type": "application/json"}).status_code == 413


def test_the_same_new_event_sent_at_once_by_many_is_stored_once(api, db):
    from concurrent.futures import ThreadPoolExecutor

    api.post("/v1/ticket-events", json=opened())
    event = {"id": "e2", "ticket": "INC1", "kind": "responded", "at": "2026-03-02T09:05:00Z"}
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: api.post("/v1/ticket-events", json=event), range(8)))
    assert {a.status_code for a in answers} == {200}
    assert sorted(a.json()["stored"] for a in answers) == [0] * 7 + [1]
    assert count(db, TicketEvent) == 2


def test_a_large_batch_costs_a_few_queries_not_a_few_per_item(api, db):
    """The batch path reads what it already has in a few queries, not one (or three) per item: 100 tickets of 3
    events, 50 outages and 50 samples, stored and then sent again, each take tens of statements besides the
    INSERTs of what is new (one a row on SQLite, which cannot batch them and still hand back each row's id)."""
    from sqlalchemy import event

    batch = {"ticket_events": [], "outages": [], "metric_samples": []}
    for n in range(100):
        batch["ticket_events"] += [
            opened(f"t{n}-o", f"INC{n}", title=f"Ticket {n}"),
            {"id": f"t{n}-r", "ticket": f"INC{n}", "kind": "responded", "at": "2026-03-02T09:05:00Z"},
            {"id": f"t{n}-x", "ticket": f"INC{n}", "kind": "resolved", "at": "2026-03-02T10:00:00Z"}]
    batch["outages"] = [{"id": f"o{n}", "service": "Payroll", "start": "2026-03-01T09:00:00Z",
                         "end": "2026-03-01T09:10:00Z", "impact": "full"} for n in range(50)]
    batch["metric_samples"] = [{"id": f"m{n}", "service": "Email", "metric": "latency", "value": n, "unit": "ms",
                                "at": "2026-03-01T09:00:00Z"} for n in range(50)]
    statements: list[str] = []

    def counted(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith("INSERT"):
            statements.append(statement)

    for engine in db.engines:  # the read sessions' own engine too (bot/database.py)
        event.listen(engine, "before_cursor_execute", counted)
    try:
        first = api.post("/v1/batch", json=batch)
        assert first.status_code == 200, first.text
        assert first.json()["stored"] == 400
        stored_with, first_statements = len(statements), list(statements)
        statements.clear()
        again = api.post("/v1/batch", json=batch)
        assert again.status_code == 200 and again.json()["unchanged"] == 400
        resent_with = len(statements)
    finally:
        for engine in db.engines:
            event.remove(engine, "before_cursor_execute", counted)
    assert stored_with < 40, first_statements
    assert resent_with < 30, resent_with
    assert count(db, TicketEvent) == 300 and count(db, Outage) == 50 and count(db, MetricSample) == 50
    assert ticket(db, "INC7").resolved_at is not None and ticket(db, "INC7").title == "Ticket 7"
