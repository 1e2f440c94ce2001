"""An SLA whose reviews are agreed (Acme Payroll, reviewed in #acme-sla, London time), and reviews of it made as rows
and scheduled as the cadence slice would: what the reminding tests stand on."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from bot import agreements, delivery, reviews, service_map
from bot.scheduler import run_all_once
from bot.workspace import roles
from bot.workspace.actor import Actor
from models import (Agreement, ArrangementStatus, ContactRole, Outbox, Reminder, Review, ReviewArrangement,
                    ReviewFormat)
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"  # the service manager, the Network group's contact, the customer
ATTENDEES = [ALICE, CAROL, BOB]  # as named, then the customer's contacts, then the Network group's
CHANNEL = "C0ACMESLA"  # the stand-in's #acme-sla
PERMALINK = "https://sandbox.slack.com/archives/C0ACMESLA/p1000001"
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)
UTC = timezone.utc


@dataclass
class World:
    team: str
    db: object
    agreement_id: int
    arrangement_id: int

    def review(self, at: datetime, now: datetime, *, offsets: list[str] | None = None) -> int:
        """A review at `at`, planned at `now`: its row, and its reminders scheduled."""
        with self.db.session() as s:
            arrangement = s.get(ReviewArrangement, self.arrangement_id)
            if offsets is not None:
                arrangement.reminder_offsets = offsets
            row = Review(team_id=self.team, agreement_id=self.agreement_id, scheduled_for=at,
                         format=ReviewFormat.CALL.value, channel_id=CHANNEL, period_start=date(2026, 1, 1),
                         period_end=date(2026, 2, 1), created_at=now)
            s.add(row)
            s.flush()
            reviews.schedule_review(s, row, arrangement, now)
            return row.id

    def reminders(self, review_id: int) -> list[Reminder]:
        with self.db.session() as s:
            return list(s.exec(select(Reminder).where(Reminder.subject_id == review_id)
                               .order_by(Reminder.due_at, Reminder.key)))


@pytest.fixture
def world(db, team, harness_clean) -> World:
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        roles.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail",
                                                                   contacts={ContactRole.APPROVER: [CAROL]}))
        network = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name="Network group",
                                                                      contacts={ContactRole.OPERATIONAL: [BOB]}))
        sla = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind.SLA, name="Acme Payroll", counterparty_id=acme.id, service_ids=[payroll.id],
            start=date(2026, 3, 1), end=date(2027, 2, 28), review_month=4, channel_id=None), DOCS).agreement
        s.get(Agreement, sla.id).permalink = PERMALINK
        arrangement = ReviewArrangement(
            team_id=team, agreement_id=sla.id, rrule="FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
            dtstart=datetime(2026, 3, 10, 10, 0, tzinfo=UTC), timezone="Europe/London",
            description="second Tuesday of each month at 10:00 Europe/London", format=ReviewFormat.CALL.value,
            channel_id=CHANNEL, attendee_user_ids=[ALICE], attendee_party_ids=[acme.id, network.id],
            status=ArrangementStatus.AGREED.value, proposed_by=ALICE, proposed_at=START, agreed_by=CAROL,
            agreed_at=START, created_at=START, created_by=ALICE)
        s.add(arrangement)
        s.flush()
        return World(team=team, db=db, agreement_id=sla.id, arrangement_id=arrangement.id)


def tick(harness, at: datetime | None = None) -> None:
    """The scheduler's round at `at` (or now): every job, the outbox last."""
    if at is not None:
        harness.clock.set(at)
    run_all_once(harness.deps)


def dm_texts(sandbox, user: str) -> list[str]:
    return [text_of(m) for m in sandbox.dms(user)]


def outbox_keys(db, prefix: str = "reminder:review:") -> list[str]:
    with db.session() as s:
        return sorted(s.exec(select(Outbox.key).where(Outbox.key.startswith(prefix))))


def deliver(harness) -> None:
    delivery.deliver_pending(harness.deps, harness.deps.client)
