"""A review whose pack is posted (as slice H3 posts it: through the outbox, with a "Close review" button), for the
tests of the review's thread: Alice is the service manager, Carol the customer's attendee, Bob a contact of the
Network group (an attending support party), Dave a supplier's contact who is not in the review."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from bot import agreements, delivery, outbox, service_map
from bot.agreements import targets
from bot.sandbox.workspace import Message
from bot.workspace import roles
from bot.workspace.actor import Actor
from messages.ids import Action
from models import ContactRole, Review, ReviewArrangement
from tests.conftest import START
from tests.breach_world import make

ALICE, BOB, CAROL, DAVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"
SLA = "Acme Payroll"
REVIEW_AT = START + timedelta(hours=1)  # 2026-03-02 10:00 UTC, 10:00 in London


@dataclass
class ReviewWorld:
    team: str
    sla_id: int
    review_id: int
    channel: str
    thread_ts: str
    resolution: int    # T1 P1 resolution 4h
    availability: int  # T2 availability 99.9%
    network_id: int

    def pack(self, sandbox) -> Message:
        return next(m for m in sandbox.messages if m.ts == self.thread_ts)

    def replies(self, sandbox) -> list[Message]:
        return [m for m in sandbox.channel_messages(self.channel, thread_ts=self.thread_ts, include_ephemeral=False)]


def review_row(team: str, sla_id: int, channel: str, when: datetime, **extra) -> Review:
    return Review(team_id=team, agreement_id=sla_id, scheduled_for=when, format="meeting", channel_id=channel,
                  period_start=date(2026, 2, 1), period_end=date(2026, 3, 1), created_at=START, **extra)


def post_pack(harness, team: str, review_id: int, channel: str) -> str:
    """The pack as the parent of the review's thread, queued and sent as H3's job does; its ts becomes the thread."""
    key = f"review:{review_id}:pack"
    deps = harness.deps
    with deps.db.session() as s:
        outbox.enqueue(s, team, key, channel, "", {}, deps.clock.now(), message={
            "text": "Review pack: Acme Payroll",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Review pack: Acme Payroll*, February"}},
                       {"type": "actions", "elements": [
                           {"type": "button", "action_id": Action.REVIEW_CLOSE.value, "value": str(review_id),
                            "text": {"type": "plain_text", "text": "Close review"}}]}]})
    assert delivery.deliver(deps, deps.client, team, key).done
    with deps.db.session() as s:
        ts = outbox.get(s, team, key).message_ts
        review = s.get(Review, review_id)
        review.thread_ts, review.pack_key, review.pack_posted_at = ts, key, deps.clock.now()
    return ts


@pytest.fixture
def review_world(db, team, harness_clean, sandbox) -> ReviewWorld:
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    channel = sandbox.channel_by_name("acme-sla")["id"]
    with db.session() as s:
        roles.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail",
                                                                   contacts={ContactRole.APPROVER: [CAROL]}))
        network = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name="Network group",
                                                                      contacts={ContactRole.OPERATIONAL: [BOB]}))
        service_map.add_party(s, sm, service_map.PartyInput(kind="supplier", name="Carrier X",
                                                            contacts={ContactRole.APPROVER: [DAVE]}))
        T = targets.TargetChange
        sla = make(s, sm, agreements.AgreementKind.SLA, SLA, acme, payroll, [
            T(key=None, kind="resolution", level="P1", duration="4h"), T(key=None, kind="availability", goal="99.9%")])
        ids = {t.key: t.id for t in agreements.targets_of(s, sla)}
        s.add(ReviewArrangement(team_id=team, agreement_id=sla.id, rrule="FREQ=MONTHLY;BYDAY=1MO", dtstart=REVIEW_AT,
                                timezone="Europe/London", description="first Monday of each month at 10:00",
                                format="meeting", channel_id=channel, attendee_user_ids=[CAROL],
                                attendee_party_ids=[network.id], status="agreed", proposed_by=ALICE,
                                proposed_at=START, agreed_by=CAROL, agreed_at=START, created_at=START,
                                created_by=ALICE))
        review = review_row(team, sla.id, channel, REVIEW_AT)
        s.add(review)
        s.flush()
        sla_id, review_id, network_id = sla.id, review.id, network.id
    thread_ts = post_pack(harness_clean, team, review_id, channel)
    return ReviewWorld(team=team, sla_id=sla_id, review_id=review_id, channel=channel, thread_ts=thread_ts,
                       resolution=ids["T1"], availability=ids["T2"], network_id=network_id)


__all__ = ["ALICE", "BOB", "CAROL", "DAVE", "SLA", "ReviewWorld", "review_world", "review_row", "post_pack"]
