"""The nightly retention purge, run as the scheduler runs it with the frozen clock: what is past its workspace's
retention goes, what is inside stays, what an open alert, review or action still needs stays, the audit trail says
what went (and is never purged), and a second run removes nothing and says so."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from bot import audit, retention
from bot.workspace.actor import Actor
from bot.jobs import JOBS
from models import (
    Action,
    AuditEvent,
    Breach,
    CallbackDelivery,
    ContractReview,
    MetricSample,
    Outage,
    Outbox,
    Party,
    Review,
    SupplierDispute,
    Ticket,
    TicketEvent,
)
from tests.conftest import START
from tests.helpers import text_of
from tests.retention_world import YEAR, World

PURGE = next(job for job in JOBS if job.id == "retention.purge")
ALICE = "U0ALICE"


def ids(db, table) -> set[int]:
    with db.session() as s:
        return set(s.exec(select(table.id)))


def purges(db, team) -> list[dict]:
    with db.session() as s:
        return [e.detail for e in s.exec(select(AuditEvent).where(AuditEvent.team_id == team,
                                                                  AuditEvent.action == "retention.purge")
                                         .order_by(AuditEvent.id))]


def test_what_is_past_retention_goes_what_is_inside_or_still_needed_stays(harness_clean, db, team):
    with db.session() as s:
        w = World(s, team, START)
        w.outage(3 * YEAR)  # each first row of a kind is past its retention
        kept_outage, open_outage = w.outage(YEAR), w.outage(None, started_ago=3 * YEAR)
        w.ticket(3 * YEAR)
        kept_ticket, open_ticket = w.ticket(YEAR), w.ticket(None)
        alerted_ticket = w.ticket(3 * YEAR)  # an unresolved breach alert is still about it
        live_alert = w.breach(None, ticket_id=alerted_ticket)
        w.sample(3 * YEAR)
        kept_sample = w.sample(YEAR)
        w.breach(8 * YEAR)
        kept_alert = w.breach(YEAR)
        w.action("done", 8 * YEAR, verified=True), w.action("cancelled", 8 * YEAR)
        unverified, still_open = w.action("done", 8 * YEAR), w.action("open", 8 * YEAR)
        w.review("closed", 8 * YEAR)
        kept_review = w.review("closed", YEAR)
        old_sent, kept_sent, waiting = w.message(8 * YEAR), w.message(YEAR), w.message(None)
        followed = w.message(8 * YEAR, key="headline")
        w.message(None, parent_key="headline")  # an update of it still waits: it needs its parent's ts
        audit.record(s, Actor(team_id=team, user_id=ALICE, now=START - 10 * YEAR), "service.add", "service",
                     w.service.id)
    with db.session() as s:
        events_before = s.exec(select(func.count()).select_from(TicketEvent)).one()

    PURGE.func(harness_clean.deps)

    assert ids(db, Outage) == {kept_outage, open_outage}
    assert ids(db, Ticket) == {kept_ticket, open_ticket, alerted_ticket}
    assert ids(db, MetricSample) == {kept_sample}
    assert ids(db, Breach) == {kept_alert, live_alert}
    assert ids(db, Action) == {unverified, still_open}
    assert ids(db, Review) == {kept_review}
    assert old_sent not in ids(db, Outbox) and {kept_sent, followed, waiting} <= ids(db, Outbox)
    with db.session() as s:
        assert s.exec(select(func.count()).select_from(TicketEvent)).one() == events_before - 2  # the old ticket's two
        assert s.exec(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "service.add")).one() == 1
    (first,) = purges(db, team)
    assert first["removed"] == {"ticket_events": 2, "tickets": 1, "outages": 1, "metric_samples": 1,
                                "breach_alerts": 1, "actions": 2, "reviews": 1, "delivered_messages": 1}
    assert first["measurements_before"].startswith(str(START.year - 2))  # 2 years, the default
    assert first["closed_before"].startswith(str(START.year - 7))        # 7 years, the default

    PURGE.func(harness_clean.deps)  # the next night, or a second replica at the same moment: nothing to do
    assert [p["removed"] for p in purges(db, team)] == [first["removed"], "nothing"]


def test_a_shorter_setting_takes_more_and_an_open_review_holds_its_period_back(harness_clean, slack, sandbox, db, team):
    with db.session() as s:
        w = World(s, team, START)
        eighteen_months = w.outage(YEAR + 180 * timedelta(days=1))
        inside = w.outage(YEAR)
        held = w.review("scheduled", timedelta(days=-7))  # not yet held; it looks back on 20 months
        s.get(Review, held).period_start = (START - 600 * timedelta(days=1)).date()
    slack.command("settings retain_measurements 6 months")
    assert "At least 13 months" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("settings retain_measurements 13 months")
    assert "13 months" in text_of(sandbox.last_ephemeral(ALICE))

    PURGE.func(harness_clean.deps)
    assert ids(db, Outage) == {eighteen_months, inside}  # held back by the review

    with db.session() as s:
        s.get(Review, held).status = "cancelled"
    PURGE.func(harness_clean.deps)
    assert ids(db, Outage) == {inside}
    assert [p["removed"] for p in purges(db, team)] == ["nothing", {"outages": 1}]


def test_two_replicas_purging_at_once_remove_each_row_once(harness_clean, db, team):
    with db.session() as s:
        w = World(s, team, START)
        for _ in range(30):
            w.outage(3 * YEAR), w.sample(3 * YEAR), w.ticket(3 * YEAR)
        kept = w.outage(YEAR)
    results, start = [], threading.Barrier(2)

    def replica():
        start.wait()
        results.append(retention.purge(db, START)[team])
    threads = [threading.Thread(target=replica) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert ids(db, Outage) == {kept} and ids(db, MetricSample) == set() and ids(db, Ticket) == set()
    totals = {kind: sum(r.get(kind, 0) for r in results) for kind in ("outages", "metric_samples", "tickets",
                                                                       "ticket_events")}
    assert totals == {"outages": 30, "metric_samples": 30, "tickets": 30, "ticket_events": 60}
    assert len(purges(db, team)) == 2  # each run says what it removed (the later one, maybe nothing)


def test_a_kind_failing_half_way_leaves_what_was_deleted_recorded(harness_clean, db, team, monkeypatch):
    with db.session() as s:
        w = World(s, team, START)
        w.outage(3 * YEAR), w.review("closed", 8 * YEAR)
    real_delete = retention.delete

    def failing(table):  # the database refuses the reviews' delete (a lock timeout, a lost connection)
        if table is Review:
            raise RuntimeError("the database went away")
        return real_delete(table)
    monkeypatch.setattr(retention, "delete", failing)

    PURGE.func(harness_clean.deps)  # logged; the run stops at the reviews

    assert ids(db, Outage) == set() and len(ids(db, Review)) == 1
    with db.session() as s:
        batches = [e.detail for e in s.exec(select(AuditEvent).where(AuditEvent.team_id == team,
                                                                     AuditEvent.action == "retention.batch"))]
    assert [(b["kind"], b["removed"]) for b in batches] == [("outages", 1)]
    assert batches[0]["measurements_before"].startswith(str(START.year - 2))


def test_closed_disputes_decided_contract_reviews_and_sent_callbacks_go_and_a_supplier_with_disputes_can_go(
        harness_clean, db, team):
    """Review finding 10: the issue-17 records past `retain_closed` (7 years by default) go; an open dispute and a
    pending callback stay whatever their age. A supplier party with disputes can be deleted: they go with it."""
    old, recent = START - 8 * YEAR, START - YEAR
    with db.session() as s:
        w = World(s, team, START)
        supplier = Party(team_id=team, kind="supplier", name="Carrier X", name_key="carrier x", created_at=old,
                         created_by=ALICE)
        gone_supplier = Party(team_id=team, kind="supplier", name="Carrier Y", name_key="carrier y",
                              created_at=old, created_by=ALICE)
        s.add_all([supplier, gone_supplier])
        s.flush()
        stamp = {"team_id": team, "created_by": ALICE}

        def dispute(number, party, closed_at):
            row = SupplierDispute(number=number, party_id=party.id, what="Late repairs", created_at=old,
                                  status="closed" if closed_at else "open", closed_at=closed_at,
                                  closed_by=ALICE if closed_at else None, team_id=team, created_by=ALICE)
            s.add(row)
            s.flush()
            return row.id

        old_dispute, kept_dispute, open_dispute = dispute(1, supplier, old), dispute(2, supplier, recent), \
            dispute(3, supplier, None)
        dispute(4, gone_supplier, None)

        def review(due, at):
            row = ContractReview(agreement_id=w.sla.id, due_on=due, outcome="continue", created_at=at, **stamp)
            s.add(row)
            s.flush()
            return row.id

        review(old.date(), old)
        kept_review = review(recent.date(), recent)

        def callback(n, status, sent_at, next_at):
            row = CallbackDelivery(team_id=team, key=f"breach:{n}:step:1:priority", url="https://ops.example.com/h",
                                   body="{}", status=status, attempts=1, next_at=next_at, created_at=old,
                                   sent_at=sent_at)
            s.add(row)
            s.flush()
            return row.id

        callback(1, "sent", old, old)
        callback(2, "failed", None, old)
        kept_callback = callback(3, "sent", recent, recent)
        pending_callback = callback(4, "pending", None, old)  # still to be sent: never purged
        gone_id = gone_supplier.id

    PURGE.func(harness_clean.deps)

    assert ids(db, SupplierDispute) >= {kept_dispute, open_dispute} and old_dispute not in ids(db, SupplierDispute)
    assert ids(db, ContractReview) == {kept_review}
    assert ids(db, CallbackDelivery) == {kept_callback, pending_callback}
    (first,) = purges(db, team)
    assert {k: first["removed"][k] for k in ("supplier_disputes", "contract_reviews", "delivered_callbacks")} == {
        "supplier_disputes": 1, "contract_reviews": 1, "delivered_callbacks": 2}

    with db.session() as s:  # ON DELETE CASCADE (it was RESTRICT: the party could not be deleted at all)
        s.delete(s.get(Party, gone_id))
    with db.session() as s:
        assert s.exec(select(SupplierDispute.number).order_by(SupplierDispute.number)).all() == [2, 3]
