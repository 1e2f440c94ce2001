"""The review cadence of an SLA through signed Slack requests: proposed by the service manager, accepted or countered
by the customer's approver in the SLA's thread, and the first review planned once it is agreed."""
from __future__ import annotations

import copy
from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session, select

from bot import service_map
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from messages.ids import Action, Block, Callback
from models import AuditEvent, ContactRole, Review, ReviewArrangement
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL, DAVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"
CHANNEL = "C0ACMESLA"
NAME = "Acme Retail: Payroll"


@pytest.fixture
def sla(slack, sandbox, db, team):
    """Payroll's SLA with Acme Retail (Carol its approver, Dave a managerial contact), drafted in Acme's channel;
    Alice is a service manager."""
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        members.grant(s, admin, ALICE, "service_manager")
        payroll = service_map.add_service(s, admin, name="Payroll")
        acme = service_map.add_party(s, admin, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id=CHANNEL,
            contacts={ContactRole.MANAGERIAL: [DAVE], ContactRole.APPROVER: [CAROL]}))
        ids = {"service": payroll.id, "customer": acme.id}
    slack.command("sla new Acme Retail")
    outcome = slack.submit(sandbox.open_modal(team, ALICE), {Block.AGR_NAME: NAME, Block.AGR_SERVICES: [str(ids["service"])],
                                                             Block.AGR_CHANNEL: CHANNEL})
    assert outcome.ok, outcome.errors
    return ids


def headline(sandbox):
    return next(m for m in sandbox.channel_messages(CHANNEL) if m.blocks and m.blocks[0]["type"] == "header")


def thread(sandbox):
    return sandbox.channel_messages(CHANNEL, thread_ts=headline(sandbox).ts)


def cadence_posts(sandbox, what: str = "review"):
    return [m for m in thread(sandbox) if what in text_of(m) and ("proposed how" in text_of(m) or "countered how"
                                                                   in text_of(m) or "accepted revision" in text_of(m))]


def arrangement(db) -> ReviewArrangement | None:
    with Session(db.engine) as s:
        return s.exec(select(ReviewArrangement)).first()


def reviews(db) -> list[Review]:
    with Session(db.engine) as s:
        return list(s.exec(select(Review).order_by(Review.scheduled_for)))


def propose(slack, sandbox, team, values: dict, user: str = ALICE):
    slack.command(f"review cadence {NAME}", user=user, channel=CHANNEL)
    modal = sandbox.open_modal(team, user)
    assert modal is not None and modal.callback_id == Callback.REVIEW_CADENCE_FORM, text_of(sandbox.last_ephemeral(user))
    return modal, slack.submit(modal, values)


def proposal_message(sandbox, revision: int):
    return next(m for m in thread(sandbox) if f"(revision {revision})" in text_of(m))


def test_proposed_then_accepted_by_the_approver_plans_the_first_review(slack, sandbox, db, team, sla):
    assert "review cadence not agreed" in text_of(headline(sandbox))
    assert "/slm review cadence Acme Retail: Payroll" in text_of(headline(sandbox))  # how to propose one
    modal, outcome = propose(slack, sandbox, team, {
        Block.RC_FREQUENCY: "second Tuesday of each month at 10:00 Europe/London", Block.RC_FORMAT: "call"})
    assert outcome.ok, outcome.errors
    # The form offered the customer and its contacts, monthly, in the SLA's channel, reminders 5 working days and 1 day.
    fields = {b["block_id"]: b["element"] for b in modal.view["blocks"] if b.get("type") == "input"}
    assert fields[Block.RC_FREQUENCY]["initial_value"] == "monthly"
    assert set(fields[Block.RC_USERS]["initial_users"]) == {CAROL, DAVE}
    assert [o["value"] for o in fields[Block.RC_PARTIES]["initial_options"]] == [str(sla["customer"])]
    assert fields[Block.RC_CHANNEL]["initial_conversation"] == CHANNEL
    assert fields[Block.RC_REMINDERS]["initial_value"] == "5 working days, 1 day"

    row = arrangement(db)
    assert (row.status, row.revision, row.rrule, row.timezone, row.format) == (
        "proposed", 1, "FREQ=MONTHLY;BYDAY=+2TU", "Europe/London", "call")
    assert (row.description, row.reminder_offsets, set(row.attendee_user_ids), row.attendee_party_ids, row.channel_id) == (
        "second Tuesday of each month at 10:00 Europe/London", ["5 working days", "1 day"], {CAROL, DAVE},
        [sla["customer"]], CHANNEL)
    posted = copy.deepcopy(proposal_message(sandbox, 1))
    assert "<@U0ALICE> proposed how *Acme Retail: Payroll* is reviewed" in text_of(posted)
    assert "Tue 10 Mar 2026 10:00 Europe/London" in text_of(posted)  # the first reviews, in the zone's wall time
    assert "review cadence not agreed" in text_of(headline(sandbox))
    assert reviews(db) == []

    assert slack.click(Action.REVIEW_CADENCE_ACCEPT, message=posted, user=CAROL).ok
    row = arrangement(db)
    assert (row.status, row.agreed_by, row.revision) == ("agreed", CAROL, 1)
    assert "Accepted by <@U0CAROL>" in text_of(proposal_message(sandbox, 1))
    assert not [b for b in proposal_message(sandbox, 1).blocks if b["type"] == "actions"]
    [review] = reviews(db)
    # 10:00 in London in March (before the clocks change) is 10:00 UTC; it looks back on February.
    assert review.scheduled_for == datetime(2026, 3, 10, 10, 0, tzinfo=timezone.utc)
    assert (review.period_start, review.period_end, review.format, review.channel_id, review.status) == (
        date(2026, 2, 1), date(2026, 3, 1), "call", CHANNEL, "scheduled")
    agreed = [m for m in thread(sandbox) if "accepted revision 1" in text_of(m)]
    assert len(agreed) == 1 and "<@U0CAROL> accepted revision 1 (proposed by <@U0ALICE>)" in text_of(agreed[0])
    assert "Next review: Tue 10 Mar 2026 10:00 Europe/London, looking back on 1 Feb 2026 to 28 Feb 2026" in text_of(agreed[0])
    assert "Reviewed: second Tuesday of each month at 10:00 Europe/London, call" in text_of(headline(sandbox))

    # Pressed twice (a window not yet redrawn): nothing changes, and she is told so.
    assert slack.click(Action.REVIEW_CADENCE_ACCEPT, message=posted, user=CAROL).ok
    assert "agreed already" in text_of(sandbox.last_ephemeral(CAROL))
    assert len([m for m in thread(sandbox) if "accepted revision" in text_of(m)]) == 1 and len(reviews(db)) == 1
    with Session(db.engine) as s:
        assert [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.action.startswith("review."))
                                                     .order_by(AuditEvent.id))] == [
            "review.cadence.propose", "review.cadence.accept"]


def test_countered_by_the_approver_then_accepted_by_the_service_manager(slack, sandbox, db, team, sla):
    assert propose(slack, sandbox, team, {Block.RC_FREQUENCY: "monthly"})[1].ok
    first = copy.deepcopy(proposal_message(sandbox, 1))  # as it stands in someone's window
    assert slack.click(Action.REVIEW_CADENCE_COUNTER, message=first, user=CAROL).ok
    modal = sandbox.open_modal(team, CAROL)
    assert modal.callback_id == Callback.REVIEW_COUNTER_FORM
    outcome = slack.submit(modal, {Block.RC_FREQUENCY: "quarterly", Block.RC_WHY: ""})
    assert set(outcome.errors) == {Block.RC_WHY}  # a counter says why
    outcome = slack.submit(modal, {Block.RC_FREQUENCY: "first Monday of each quarter at 09:30 Europe/London",
                                   Block.RC_FORMAT: "thread", Block.RC_WHY: "Monthly is too often for us"})
    assert outcome.ok, outcome.errors
    row = arrangement(db)
    assert (row.status, row.revision, row.proposed_by, row.note, row.format) == (
        "countered", 2, CAROL, "Monthly is too often for us", "thread")
    counter = proposal_message(sandbox, 2)
    assert "<@U0CAROL> countered how" in text_of(counter) and "Monthly is too often for us" in text_of(counter)
    assert "Waiting for a service manager" in text_of(counter)

    # In Slack the replaced proposal loses its buttons; pressed in a window not yet redrawn, it says so and changes
    # nothing.
    replaced = proposal_message(sandbox, 1)
    assert "Replaced by revision 2 (<@U0CAROL>)" in text_of(replaced)
    assert not [b for b in replaced.blocks if b["type"] == "actions"]
    assert slack.click(Action.REVIEW_CADENCE_ACCEPT, message=first, user=CAROL).ok
    assert "This proposal was replaced" in text_of(sandbox.last_ephemeral(CAROL))
    assert arrangement(db).status == "countered" and reviews(db) == []
    # The counter waits for the service manager, not for Carol.
    assert slack.click(Action.REVIEW_CADENCE_ACCEPT, message=counter, user=CAROL).ok
    assert "Only a service manager" in text_of(sandbox.last_ephemeral(CAROL))

    assert slack.click(Action.REVIEW_CADENCE_ACCEPT, message=counter, user=ALICE).ok
    row = arrangement(db)
    assert (row.status, row.agreed_by, row.revision) == ("agreed", ALICE, 2)
    [review] = reviews(db)
    # First Monday of April, 09:30 in London: British Summer Time by then, so 08:30 UTC; it reviews the first quarter.
    assert review.scheduled_for == datetime(2026, 4, 6, 8, 30, tzinfo=timezone.utc)
    assert (review.period_start, review.period_end, review.format) == (date(2026, 1, 1), date(2026, 4, 1), "thread")
    assert "<@U0ALICE> accepted revision 2 (proposed by <@U0CAROL>)" in text_of(thread(sandbox)[-1])


def test_a_new_agreement_replaces_the_planned_review(slack, sandbox, db, team, sla):
    assert propose(slack, sandbox, team, {Block.RC_FREQUENCY: "monthly"})[1].ok
    assert slack.click(Action.REVIEW_CADENCE_ACCEPT, message=proposal_message(sandbox, 1), user=CAROL).ok
    [before] = reviews(db)
    assert propose(slack, sandbox, team, {Block.RC_FREQUENCY: "last Friday of every month 14:00"})[1].ok
    assert slack.click(Action.REVIEW_CADENCE_ACCEPT, message=proposal_message(sandbox, 2), user=CAROL).ok
    cancelled, planned = sorted(reviews(db), key=lambda r: r.status)
    assert (cancelled.id, cancelled.status) == (before.id, "cancelled")
    assert planned.status == "scheduled" and planned.scheduled_for == datetime(2026, 3, 27, 14, 0, tzinfo=timezone.utc)


def test_only_the_approver_and_the_service_manager_may(slack, sandbox, db, team, sla):
    slack.command(f"review cadence {NAME}", user=BOB, channel=CHANNEL)
    assert sandbox.open_modal(team, BOB) is None
    assert "Only a service manager can propose how an SLA is reviewed" in text_of(sandbox.last_ephemeral(BOB))
    assert propose(slack, sandbox, team, {Block.RC_FREQUENCY: "monthly"})[1].ok
    posted = proposal_message(sandbox, 1)
    for who in (DAVE, ALICE):  # a contact who is not an approver; the proposer, whose answer it does not wait for
        assert slack.click(Action.REVIEW_CADENCE_ACCEPT, message=posted, user=who).ok
        said = text_of(sandbox.last_ephemeral(who))
        assert "Only an approver of Acme Retail (<@U0CAROL>) can answer" in said
        assert slack.click(Action.REVIEW_CADENCE_COUNTER, message=posted, user=who).ok
        assert sandbox.open_modal(team, who) is None
    assert arrangement(db).status == "proposed" and reviews(db) == []


def test_what_cannot_be_read_is_said_on_its_field_and_nothing_is_stored(slack, sandbox, db, team, sla):
    _modal, outcome = propose(slack, sandbox, team, {Block.RC_FREQUENCY: "every blursday",
                                                     Block.RC_REMINDERS: "5 wrking days", Block.RC_USERS: [],
                                                     Block.RC_PARTIES: []})
    assert set(outcome.errors) == {Block.RC_FREQUENCY, Block.RC_REMINDERS, Block.RC_USERS}
    assert "“blursday” is not a day of the week" in outcome.errors[Block.RC_FREQUENCY]
    assert "5 wrking days" in outcome.errors[Block.RC_REMINDERS]
    _modal, outcome = propose(slack, sandbox, team, {Block.RC_FREQUENCY: "31st of each month"})
    assert "last day of each month" in outcome.errors[Block.RC_FREQUENCY]
    assert arrangement(db) is None and not [m for m in thread(sandbox) if "proposed how" in text_of(m)]


def test_sla_show_says_where_the_reviews_stand(slack, sandbox, db, team, sla):
    slack.command(f"sla show {NAME}", user=ALICE, channel=CHANNEL)
    assert "review cadence not agreed" in text_of(sandbox.last_ephemeral(ALICE))
    assert propose(slack, sandbox, team, {Block.RC_FREQUENCY: "quarterly", Block.RC_FORMAT: "meeting"})[1].ok
    assert slack.click(Action.REVIEW_CADENCE_ACCEPT, message=proposal_message(sandbox, 1), user=CAROL).ok
    slack.command(f"sla show {NAME}", user=ALICE, channel=CHANNEL)
    assert ("Reviewed: first working day of each quarter at 10:00 UTC, meeting in person"
            in text_of(sandbox.last_ephemeral(ALICE)))
