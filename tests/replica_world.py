"""A workspace whose review reminders, action nudges and breach alerts are due by the real clock, for tests that run
the bot as processes of its own (`slm-bot tick` reads the machine's clock, as in production): an SLA in force from
two months ago, a review arrangement, and per round reviews whose reminders are due, actions past their due date,
and P1 tickets opened five hours ago (sent over the API), which breach the SLA's 4-hour resolution target."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from bot import actions, agreements, reviews, service_map
from bot.actions import nudges
from bot.agreements import targets
from bot.workspace import roles
from bot.workspace.actor import Actor
from models import (Agreement, ActionKind, ArrangementStatus, ContactRole, Outbox, Review, ReviewArrangement,
                    ReviewFormat)

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"  # service manager, Network group's contact, the customer
CHANNEL = "C0ACMESLA"  # the stand-in's #acme-sla
NETWORK_CHANNEL = "C0NETWORKTE"  # the stand-in's #network-team
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)
UTC = timezone.utc


@dataclass
class World:
    team: str
    sla_id: int
    arrangement_id: int
    network_id: int
    now: datetime  # the real moment the world was made

    def actor(self, now: datetime) -> Actor:
        return Actor(team_id=self.team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=now,
                     tz="Europe/London", org_tz="Europe/London")


def build(db, team: str) -> World:
    now = datetime.now(UTC)
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=now,
               tz="Europe/London", org_tz="Europe/London")
    start = (now - timedelta(days=60)).date()
    with db.session() as s:
        roles.grant(s, sm, ALICE, "service_manager")
        roles.remember(s, team, BOB, name="Bob Ops", tz="Europe/London", is_admin=False, now=now)
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail",
                                                                   contacts={ContactRole.APPROVER: [CAROL]}))
        network = service_map.add_party(s, sm, service_map.PartyInput(
            kind="support_group", name="Network group", channel_id=NETWORK_CHANNEL,
            contacts={ContactRole.OPERATIONAL: [BOB]}))
        sla = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind.SLA, name="Acme Payroll", counterparty_id=acme.id, service_ids=[payroll.id],
            start=start, end=start + timedelta(days=364), review_month=start.month, channel_id=None), DOCS).agreement
        agreements.propose(s, sm, sla, targets.TargetChange(key=None, kind="resolution", level="P1", duration="4h"),
                           "setup", DOCS)
        row = s.get(Agreement, sla.id)
        row.status, row.agreed_version = "active", row.latest_version
        arrangement = ReviewArrangement(
            team_id=team, agreement_id=sla.id, rrule="FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
            dtstart=now - timedelta(days=50), timezone="Europe/London", reminder_offsets=["1 day"],
            description="second Tuesday of each month", format=ReviewFormat.CALL.value, channel_id=CHANNEL,
            attendee_user_ids=[ALICE], attendee_party_ids=[acme.id, network.id],
            status=ArrangementStatus.AGREED.value, proposed_by=ALICE, proposed_at=now, agreed_by=CAROL,
            agreed_at=now, created_at=now, created_by=ALICE)
        s.add(arrangement)
        s.flush()
        return World(team=team, sla_id=sla.id, arrangement_id=arrangement.id, network_id=network.id, now=now)


def make_due(db, world: World, n: int) -> None:
    """Round n's review (in two hours: its "1 day" reminders fell due yesterday) and action (due yesterday: its
    nudges fell due), planned a month ago, so all of them are due now."""
    planned = world.now - timedelta(days=30)
    with db.session() as s:
        arrangement = s.get(ReviewArrangement, world.arrangement_id)
        review = Review(team_id=world.team, agreement_id=world.sla_id, scheduled_for=world.now + timedelta(hours=2 + n),
                        format=ReviewFormat.CALL.value, channel_id=CHANNEL, period_start=planned.date(),
                        period_end=world.now.date(), created_at=planned)
        s.add(review)
        s.flush()
        reviews.schedule_review(s, review, arrangement, planned)
        action = actions.add_action(s, world.actor(planned), kind=ActionKind.REMEDIAL, title=f"Round {n} follow-up",
                                    owner_party_id=world.network_id, owner_user_id=BOB,
                                    due=(world.now - timedelta(days=1)).date(), agreement_id=world.sla_id)
        nudges.plan(s, action, planned, tz="Europe/London")


def opened_p1(event_id: str, ticket: str, now: datetime) -> dict:
    """A P1 ticket opened five hours ago: past the SLA's 4-hour resolution target."""
    return {"id": event_id, "ticket": ticket, "kind": "opened", "at": (now - timedelta(hours=5)).isoformat(),
            "priority": "P1", "service": "Payroll", "group": "Network group"}


def sent_keys(db) -> list[str]:
    """The keys of the messages the outbox says it sent (posts; not App Home publishes or edits)."""
    with db.session() as s:
        return sorted(s.exec(select(Outbox.key).where(Outbox.status == "sent", Outbox.kind == "message")))


def left_unsent(db) -> list[tuple]:
    """What the outbox has not sent, as a failure shows it: key, status, attempts, claimant, next attempt, error."""
    with db.session() as s:
        return [(o.key, o.status, o.attempts, o.claimed_by, o.next_attempt_at, o.maybe_sent, o.last_error[:80])
                for o in s.exec(select(Outbox).where(Outbox.status != "sent").order_by(Outbox.id))]


def unsent(db) -> int:
    with db.session() as s:
        return len(s.exec(select(Outbox.id).where(Outbox.status != "sent")).all())
