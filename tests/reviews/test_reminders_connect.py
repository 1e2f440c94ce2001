"""A review reminder reaches an attendee of the customer's own workspace (Slack Connect, issue 16): by DM while the bot
shares a channel with them (Slack's rule for DMs with people of another organisation), else in the review's shared
channel, naming them; they answer it, and the answer is the host's record. Scheduler rounds on the frozen clock,
signed button presses."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot import agreements, reviews, service_map
from bot.sandbox.connect import CONNECT_CHANNEL, CUSTOMER_APPROVER, CUSTOMER_TEAM
from bot.sandbox.workspace import BOT_USER
from bot.workspace import roles
from bot.workspace.actor import Actor
from messages.ids import Action
from models import (Agreement, ArrangementStatus, Outbox, Review, ReviewArrangement, ReviewFormat, ReviewRsvp)
from tests.conftest import START
from tests.helpers import text_of
from tests.reviews.remind_world import DOCS, PERMALINK, tick

UTC = timezone.utc
ALICE, ANN = "U0ALICE", CUSTOMER_APPROVER


def london(*args) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


@pytest.fixture
def review_id(db, team, harness_clean, clock) -> int:
    """Acme Corp's SLA, reviewed in #acme-connect with Alice and Acme Corp's contacts: Ann, of Acme Corp's own
    workspace, named its approver in that shared channel. A review on Tue 17 March 2026 at 10:00 London."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        roles.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Corp",
                                                                   channel_id=CONNECT_CHANNEL, contacts={}))
        service_map.name_contact(s, sm, acme.id, ANN, "approver", user_team=CUSTOMER_TEAM, in_shared_channel=True)
        sla = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind.SLA, name="Acme Payroll", counterparty_id=acme.id, service_ids=[payroll.id],
            start=date(2026, 3, 1), end=date(2027, 2, 28), review_month=4, channel_id=CONNECT_CHANNEL), DOCS).agreement
        s.get(Agreement, sla.id).permalink = PERMALINK
        arrangement = ReviewArrangement(
            team_id=team, agreement_id=sla.id, rrule="FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2",
            dtstart=datetime(2026, 3, 10, 10, 0, tzinfo=UTC), timezone="Europe/London",
            description="second Tuesday of each month at 10:00 Europe/London", format=ReviewFormat.CALL.value,
            channel_id=CONNECT_CHANNEL, attendee_user_ids=[ALICE], attendee_party_ids=[acme.id],
            status=ArrangementStatus.AGREED.value, proposed_by=ALICE, proposed_at=START, agreed_by=ANN,
            agreed_at=START, created_at=START, created_by=ALICE)
        s.add(arrangement)
        s.flush()
        row = Review(team_id=team, agreement_id=sla.id, scheduled_for=london(2026, 3, 17, 10, 0),
                     format=ReviewFormat.CALL.value, channel_id=CONNECT_CHANNEL, period_start=date(2026, 1, 1),
                     period_end=date(2026, 2, 1), created_at=clock.now())
        s.add(row)
        s.flush()
        reviews.schedule_review(s, row, arrangement, clock.now())
        return row.id


def reminders_in(messages) -> list:
    return [m for m in messages if "Service review of Acme Payroll" in text_of(m) and "Not answered" not in text_of(m)]


def test_an_external_attendee_gets_the_reminder_by_dm_and_answers_it(harness_clean, slack, sandbox, db, team,
                                                                      review_id):
    tick(harness_clean, london(2026, 3, 10, 10, 0))  # a week before, 10:00 London
    [dm] = reminders_in(sandbox.dms(ANN))  # the bot and Ann share #acme-connect: Slack lets it DM her
    assert sandbox.channels[dm.channel]["is_im"] and "<!date^" in text_of(dm)
    assert slack.click(Action.REVIEW_RSVP_ATTEND, message=dm, user=ANN).ok  # user.team_id: Acme Corp's
    assert "You answered: *I'll attend*" in text_of(reminders_in(sandbox.dms(ANN))[0])
    with db.session() as s:
        assert [(r.team_id, r.user_id, r.answer) for r in s.exec(select(ReviewRsvp))] == [(team, ANN, "attend")]


def test_when_slack_refuses_the_dm_the_reminder_reaches_them_in_the_shared_channel(harness_clean, slack, sandbox, db,
                                                                                  review_id):
    # The bot is not in #acme-connect (it posts there as a public channel's app may): Ann and the bot share no
    # channel, so Slack refuses a DM to her (conversations.open's invalid_user_combination; channel_not_found).
    sandbox.channels[CONNECT_CHANNEL]["members"].remove(BOT_USER)
    tick(harness_clean, london(2026, 3, 10, 10, 0))
    tick(harness_clean, london(2026, 3, 10, 10, 0))  # the next round delivers what the refusal queued
    assert reminders_in(sandbox.dms(ANN)) == []
    [posted] = [m for m in reminders_in(sandbox.channel_messages(CONNECT_CHANNEL, include_ephemeral=False))
                if "<@U0ACMEANN>" in text_of(m)]
    assert "<@U0ACMEANN>, a reminder for you (I could not send it to you directly)" in text_of(posted)
    assert [m for m in sandbox.dms(ALICE) if "Service review of Acme Payroll" in text_of(m)]  # Alice's DM as ever
    with db.session() as s:
        keys = sorted(s.exec(select(Outbox.key).where(Outbox.channel == CONNECT_CHANNEL)))
    assert [k for k in keys if k.endswith(":in-channel")] and len([k for k in keys if k.endswith(":in-channel")]) == 1

    # Its buttons answer for Ann alone; her answer edits the channel's copy.
    refused = slack.click(Action.REVIEW_RSVP_ATTEND, message=posted, user=ALICE)
    assert refused.status == 200 and "someone else's" in text_of(sandbox.last_ephemeral(ALICE))
    assert slack.click(Action.REVIEW_RSVP_CANNOT, message=posted, user=ANN).ok
    tick(harness_clean)
    [posted] = [m for m in reminders_in(sandbox.channel_messages(CONNECT_CHANNEL, include_ephemeral=False))
                if "<@U0ACMEANN>" in text_of(m)]
    assert posted.edits == 1 and "You answered: *Can't attend*" in text_of(posted)
    with db.session() as s:
        assert [(r.user_id, r.answer) for r in s.exec(select(ReviewRsvp))] == [(ANN, "cannot")]
