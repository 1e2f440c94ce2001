"""The App Home (issue 13) through signed events into the real app: what a service manager and an ordinary attendee
each see of what is theirs, Slack's 100-block limit for a person with hundreds of actions, and the tab published
again after a change, without being opened."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot import actions, agreements, service_map
from bot.agreements import targets
from bot.scheduler import run_all_once
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from messages.ids import Action
from models import (
    ActionKind, Breach, ContactRole, Reminder, Review, ReviewArrangement,
)
from tests.conftest import START
from tests.helpers import statements_of, text_of

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"  # the service manager, a support group's engineer, the approver
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)
TODAY = START.date()


def sm_actor(team: str) -> Actor:
    return Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START,
                 tz="Europe/London")


@pytest.fixture
def world(db, team):
    """An SLA for Acme in negotiation (Carol approves for Acme), the Network group (Bob), a review Bob attends next
    week, an open breach alert of the Network group, a reminder Bob snoozed, and an overdue action of Bob's."""
    sm = sm_actor(team)
    with db.session() as s:
        members.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id="C0ACMESLA", contacts={ContactRole.APPROVER: [CAROL]}))
        network = service_map.add_party(s, sm, service_map.PartyInput(
            kind="support_group", name="Network group", contacts={ContactRole.APPROVER: [BOB]}))
        sla = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind.SLA, name="Acme Payroll", counterparty_id=acme.id, service_ids=[payroll.id],
            start=date(2026, 4, 1), end=date(2027, 3, 31), review_month=4, channel_id="C0ACMESLA"), DOCS).agreement
        agreements.propose(s, sm, sla, targets.TargetChange(key=None, kind="resolution", level="P1", duration="4h"),
                           "setup", DOCS)
        target = agreements.targets_of(s, sla)[0]
        s.add(ReviewArrangement(team_id=team, agreement_id=sla.id, rrule="FREQ=MONTHLY", dtstart=START,
                                timezone="Europe/London", description="monthly", channel_id="C0REVIEW",
                                attendee_user_ids=[BOB], status="agreed", proposed_by=ALICE, proposed_at=START,
                                created_at=START, created_by=ALICE))
        s.add(Review(team_id=team, agreement_id=sla.id, scheduled_for=START + timedelta(days=7), format="call",
                     channel_id="C0REVIEW", period_start=date(2026, 2, 1), period_end=date(2026, 3, 1),
                     created_at=START))
        s.add(Breach(team_id=team, key="ticket:1:target:1", target_id=target.id, agreement_id=sla.id,
                     subject="ticket", ticket_ref="INC-42", state="breached", level="breached",
                     summary="P1 resolution 5h over 4h", owner_party_id=network.id, channel="C0NET",
                     opened_at=START - timedelta(hours=2), updated_at=START - timedelta(hours=1)))
        s.add(Reminder(team_id=team, key="review:1:attendee:U0BOB:1d", kind="review.attendee",
                       due_at=START + timedelta(hours=20), recipient=BOB, status="pending",
                       snoozed_until=START + timedelta(hours=20), created_at=START))
        actions.add_action(s, sm, kind=ActionKind.REMEDIAL, title="Replace the core switch", owner_party_id=None,
                           owner_user_id=BOB, due=TODAY)
        row = actions.list_actions(s, team)[0]
        row.due = TODAY - timedelta(days=3)  # it was due last week: overdue now
        s.add(row)
    return {"sla": sla.id}


def test_an_ordinary_attendee_sees_what_is_theirs_and_no_sla_overview(slack, sandbox, team, world):
    slack.open_home(user=BOB)
    shown = text_of(sandbox.home(team, BOB))
    assert "*Your actions*: :warning: 1 overdue" in shown
    assert "*#1* Replace the core switch\n_open_ · owner <@U0BOB> · due 2026-02-27 · :warning: overdue" in shown
    assert "*Breach alerts open in your groups*\n• breached: *Acme Payroll* · ticket INC-42, P1 resolution 5h over 4h" \
        in shown
    assert "*Reviews coming up*\n• *Acme Payroll* Mon 09 Mar 2026 10:00 (call) in <#C0REVIEW>" in shown
    assert "*Reminders you snoozed*\n• Review reminder: back Tue 03 Mar 2026 06:00" in shown
    assert "*SLAs awaiting your agreement*\n_None waits for you._" in shown
    assert "*Every SLA*" not in shown  # that is the service manager's


def test_the_approver_sees_the_sla_awaiting_her_agreement(slack, sandbox, team, world):
    slack.open_home(user=CAROL)
    shown = text_of(sandbox.home(team, CAROL))
    assert "*SLAs awaiting your agreement*\n• *Acme Payroll* v2: for the counterparty side" in shown
    assert "*Your actions*" in shown and "None of yours is open." in shown
    assert "*Breach alerts open in your groups*\n_None open._" in shown  # Acme's contact, not the Network group's


def test_a_service_manager_also_sees_every_sla(slack, sandbox, team, world):
    slack.open_home(user=ALICE)
    shown = text_of(sandbox.home(team, ALICE))
    assert ("*Every SLA* (status, compliance so far this period, back-to-back cover, next service review, the SLA's "
            "own review)") in shown
    assert ("*Acme Payroll*: negotiating (v2)\nnothing measured yet this period · cover: not checked yet · "
            "next service review: Mon 09 Mar 2026 09:00\n") in shown  # not agreed yet: no review of its own due
    assert "*SLAs awaiting your agreement*\n• *Acme Payroll* v2: for the provider side" in shown
    assert "*Everyone's open actions*: :warning: 1 overdue" in shown  # everyone's, as before


def test_hundreds_of_actions_fit_in_100_blocks_the_most_urgent_first(slack, sandbox, db, team, world):
    sm = sm_actor(team)
    with db.session() as s:
        for i in range(300):
            actions.add_action(s, sm, kind=ActionKind.IMPROVEMENT, title=f"Chore {i}", owner_party_id=None,
                               owner_user_id=BOB, due=TODAY + timedelta(days=1 + i % 40))
        for row in actions.list_actions(s, team)[-20:]:  # twenty of them slipped: overdue too
            row.due = TODAY - timedelta(days=1)
            s.add(row)
    slack.open_home(user=BOB)
    home = sandbox.home(team, BOB)
    blocks = home.view["blocks"]
    assert len(blocks) <= 100
    shown = text_of(home)
    mine = shown.split("*Your actions*", 1)[1].split("…and 291 more of yours", 1)[0]
    assert mine.index("Replace the core switch") < mine.index("Chore")  # the longest overdue first
    assert mine.count(":warning: overdue") == 10  # then those overdue since yesterday, before any still to come
    assert "*Your actions*: :warning: 21 overdue" in shown  # all of them, not only the ten shown
    assert "…and 291 more of yours: `/slm actions mine` lists them all." in shown
    # Everyone's open actions, counted in the database (not every action loaded on each publish): the same figures.
    assert "*Everyone's open actions*: :warning: 21 overdue" in shown
    assert "…and 291 more: `/slm actions` lists them all." in shown


def test_the_home_is_published_again_after_a_change_without_being_opened(slack, sandbox, team, harness_clean, world):
    slack.open_home(user=BOB)
    slack.open_home(user=ALICE)
    assert "Replace the core switch" in text_of(sandbox.home(team, BOB))
    published = len(sandbox.calls_of("views.publish"))
    # Alice closes Bob's action from her own tab; Bob never opens his again.
    assert slack.click(Action.ACTION_DONE, view=sandbox.home(team, ALICE), value="1", user=ALICE).ok
    run_all_once(harness_clean.deps)
    publishes = [c for c in sandbox.calls_of("views.publish")[published:] if c["args"].get("user_id") == BOB]
    assert len(publishes) == 1  # coalesced: one publish for the change
    assert "Replace the core switch" not in text_of(sandbox.home(team, BOB))
    assert "None of yours is open." in text_of(sandbox.home(team, BOB))
    run_all_once(harness_clean.deps)  # nothing changed since: nothing published again
    assert [c for c in sandbox.calls_of("views.publish")[published:] if c["args"].get("user_id") == BOB] == publishes


def test_many_reviews_and_negotiations_cost_the_home_no_query_each(slack, sandbox, db, team, world):
    """Review finding: the Home read every scheduled review's attendees (and every negotiation's contacts and
    sign-offs) with queries of their own, on every publish. A review of the Network group's (Bob is its contact,
    not named) is his; forty more SLAs in negotiation, each reviewed, add no queries per SLA."""
    sm = sm_actor(team)
    slack.open_home(user=BOB)
    before = statements_of(db, lambda: slack.open_home(user=BOB))
    with db.session() as s:
        network_id = next(p.id for p in service_map.list_parties(s, team) if p.name == "Network group")
        acme_id = next(p.id for p in service_map.list_parties(s, team) if p.name == "Acme Retail")
        payroll = service_map.list_services(s, team)[0]
        for i in range(40):
            sla = agreements.draft(s, sm, agreements.DraftInput(
                kind=agreements.AgreementKind.SLA, name=f"Acme Extra {i:02d}", counterparty_id=acme_id,
                service_ids=[payroll.id], start=date(2026, 4, 1), end=date(2027, 3, 31),
                review_month=4, channel_id="C0ACMESLA"), DOCS).agreement
            agreements.propose(s, sm, sla, targets.TargetChange(key=None, kind="resolution", level="P1",
                                                                duration="4h"), "setup", DOCS)
            s.add(ReviewArrangement(team_id=team, agreement_id=sla.id, rrule="FREQ=MONTHLY", dtstart=START,
                                    timezone="Europe/London", description="monthly", channel_id="C0REVIEW",
                                    attendee_user_ids=[CAROL], attendee_party_ids=[network_id] if i == 0 else [],
                                    status="agreed", proposed_by=ALICE, proposed_at=START, created_at=START,
                                    created_by=ALICE))
            s.add(Review(team_id=team, agreement_id=sla.id, scheduled_for=START + timedelta(days=8 + i),
                         format="call", channel_id="C0REVIEW", period_start=date(2026, 2, 1),
                         period_end=date(2026, 3, 1), created_at=START))
    after = statements_of(db, lambda: slack.open_home(user=BOB))
    shown = text_of(sandbox.home(team, BOB))
    assert "• *Acme Extra 00* Tue 10 Mar 2026" in shown  # his through the Network group, named as a party
    assert "Acme Extra 01" not in shown.split("*Reviews coming up*", 1)[1].split("*Reminders", 1)[0]
    assert after - before < 10, (before, after)  # not a query (or more) per review or per negotiation
