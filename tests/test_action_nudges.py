"""An action's nudges through the real entry points: the scheduler's round (run_all_once) with the frozen clock sends
them through the outbox to the Slack stand-in; the owner presses the DM's buttons with signed requests.

The world: Alice is the service manager (London, the organisation's zone), Bob owns action #1 (his profile says
Paris), due Tuesday 10 March 2026; the workspace's default nudge is 2 working days before, so Friday 6 March.
In March Paris is UTC+1 and London UTC+0: Bob's nudges go at 08:00 UTC, Alice's at 09:00 UTC.
"""
from __future__ import annotations

import copy
from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from bot import actions, agreements, service_map
from bot.actions import nudges
from bot.scheduler import run_all_once
from bot.workspace import roles
from bot.workspace.actor import Actor
from messages.ids import Action as Button
from models import Action, ActionKind, ContactRole, Reminder
from tests.conftest import START
from tests.helpers import assert_valid_blocks, text_of

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
UTC = timezone.utc
LINK = "https://sandbox.slack.com/archives/C0ACMESLA/p1000002"
DUE = date(2026, 3, 10)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def action_id(db, team, harness_clean) -> int:
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START,
               tz="Europe/London", org_tz="Europe/London")
    with db.session() as s:
        roles.grant(s, sm, ALICE, "service_manager")
        roles.remember(s, team, BOB, name="Bob Ops", tz="Europe/Paris", is_admin=False, now=START)
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail",
                                                                   contacts={ContactRole.APPROVER: [CAROL]}))
        network = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name="Network group",
                                                                      contacts={ContactRole.OPERATIONAL: [BOB]}))
        sla = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind.SLA, name="Acme Payroll", counterparty_id=acme.id, service_ids=[payroll.id],
            start=date(2026, 3, 1), end=date(2027, 2, 28), review_month=4, channel_id=None),
            agreements.DocSettings(provider_name="IT Services", templates_dir=None)).agreement
        row = actions.add_action(s, sm, kind=ActionKind.REMEDIAL, title="Add a second on-call engineer",
                                 owner_party_id=network.id, owner_user_id=BOB, due=DUE, agreement_id=sla.id)
        row.origin_link = LINK
        nudges.plan(s, row, START, tz="Europe/London")
        return row.id


def tick(harness, at: datetime) -> None:
    harness.clock.set(at)
    run_all_once(harness.deps)


def nudges_to(sandbox, user: str) -> list:
    return [m for m in sandbox.dms(user) if m.ephemeral_to is None and "Action #1" in text_of(m)]


def buttons(message) -> list[str]:
    return [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]


def rows(db) -> list[tuple[str, str]]:
    with db.session() as s:
        return [(r.key.split(":", 3)[3], r.status) for r in s.exec(select(Reminder).order_by(Reminder.due_at,
                                                                                             Reminder.id))]


def test_before_on_the_day_and_daily_to_the_owner_and_weekly_to_the_manager(harness_clean, sandbox, db, action_id):
    assert rows(db) == [("before", "pending"), ("due", "pending"), (f"overdue_manager:1:{ALICE}", "pending")]
    tick(harness_clean, utc(2026, 3, 6, 7, 59))  # Friday 08:59 Paris: not yet
    assert nudges_to(sandbox, BOB) == []
    tick(harness_clean, utc(2026, 3, 6, 8, 0))  # 2 working days before Tuesday: Friday, not Sunday
    tick(harness_clean, utc(2026, 3, 6, 8, 1))  # the next round, or another replica's: nothing more
    [before] = nudges_to(sandbox, BOB)
    shown = text_of(before)
    assert "*Action #1* is due in 4 days" in shown and "*Add a second on-call engineer*" in shown
    assert f"<!date^{int(utc(2026, 3, 10, 8).timestamp())}^{{date_long_pretty}}|Tue 10 Mar 2026>" in shown
    assert "SLA: Acme Payroll" in shown and "With: Network group" in shown and LINK in shown and "late" not in shown
    assert buttons(before) == [Button.ACTION_DONE, Button.ACTION_NUDGE_SNOOZE_DAY, Button.ACTION_NUDGE_SNOOZE_WEEK]
    assert_valid_blocks({"text": before.text, "blocks": before.blocks})

    tick(harness_clean, utc(2026, 3, 10, 8, 0))
    assert "*Action #1* is due today" in text_of(nudges_to(sandbox, BOB)[1])
    for day in (11, 12, 13, 14, 15, 16, 17, 18):
        tick(harness_clean, utc(2026, 3, day, 7, 59))
        tick(harness_clean, utc(2026, 3, day, 8, 0))
        tick(harness_clean, utc(2026, 3, day, 9, 0))
    told = [text_of(m) for m in nudges_to(sandbox, BOB)]
    assert len(told) == 10  # before, on the day, and 8 days overdue: one a day
    assert "is overdue by 1 day" in told[2] and "is overdue by 8 days" in told[9]
    to_alice = [text_of(m) for m in nudges_to(sandbox, ALICE)]
    assert len(to_alice) == 2  # Wednesday 11 and 18, 09:00 London
    assert "*Action #1* is overdue by 1 day (owner <@U0BOB>)" in to_alice[0]
    assert "is overdue by 8 days (owner <@U0BOB>)" in to_alice[1]
    manager_dm = nudges_to(sandbox, ALICE)[0]
    assert_valid_blocks({"text": manager_dm.text, "blocks": manager_dm.blocks})
    assert sandbox.dms(CAROL) == []
    assert [k for k, status in rows(db) if status == "pending"] == ["overdue:9", f"overdue_manager:3:{ALICE}"]


def test_a_snoozed_nudge_comes_back_once_at_its_new_time_and_then_the_daily_ones_resume(harness_clean, slack, sandbox,
                                                                                       db, action_id):
    tick(harness_clean, utc(2026, 3, 11, 8, 0))  # the bot was down since Monday 2: one nudge, late
    [first] = nudges_to(sandbox, BOB)
    assert "is overdue by 1 day" in text_of(first)
    as_first_shown = copy.deepcopy(first)  # the stand-in edits its message in place; a slow client still shows this
    harness_clean.clock.set(utc(2026, 3, 11, 8, 5))
    assert slack.click(Button.ACTION_NUDGE_SNOOZE_WEEK, message=first, user=BOB).ok
    [edited] = nudges_to(sandbox, BOB)
    assert f"I'll remind you at <!date^{int(utc(2026, 3, 18, 8, 0).timestamp())}^" in text_of(edited)
    assert buttons(edited) == [Button.ACTION_DONE]
    assert_valid_blocks({"text": edited.text, "blocks": edited.blocks})
    assert slack.click(Button.ACTION_NUDGE_SNOOZE_DAY, message=as_first_shown, user=BOB).ok  # again: no change
    assert nudges_to(sandbox, BOB)[0].edits == 1
    refused = slack.click(Button.ACTION_NUDGE_SNOOZE_DAY, message=as_first_shown, user=ALICE)  # not hers
    assert refused.status == 200 and "someone else's" in text_of(sandbox.last_ephemeral(ALICE))

    for day in range(12, 18):
        tick(harness_clean, utc(2026, 3, day, 8, 0))
    tick(harness_clean, utc(2026, 3, 18, 7, 59))
    assert len(nudges_to(sandbox, BOB)) == 1
    tick(harness_clean, utc(2026, 3, 18, 8, 0))
    tick(harness_clean, utc(2026, 3, 18, 8, 1))
    again = nudges_to(sandbox, BOB)[1]
    assert "is overdue by 8 days" in text_of(again) and "late" not in text_of(again)
    assert buttons(again) == [Button.ACTION_DONE, Button.ACTION_NUDGE_SNOOZE_DAY, Button.ACTION_NUDGE_SNOOZE_WEEK]

    harness_clean.clock.set(utc(2026, 3, 18, 10, 0))
    assert slack.click(Button.ACTION_NUDGE_SNOOZE_DAY, message=again, user=BOB).ok
    tick(harness_clean, utc(2026, 3, 19, 7, 59))
    assert len(nudges_to(sandbox, BOB)) == 2
    tick(harness_clean, utc(2026, 3, 19, 8, 0))
    tick(harness_clean, utc(2026, 3, 20, 8, 0))  # and daily again after it
    told = [text_of(m) for m in nudges_to(sandbox, BOB)]
    assert len(told) == 4 and "is overdue by 9 days" in told[2] and "is overdue by 10 days" in told[3]
    assert len(nudges_to(sandbox, ALICE)) == 2  # the manager's weekly ones were not snoozed


def test_closing_the_action_stops_its_nudges(harness_clean, slack, sandbox, db, action_id):
    tick(harness_clean, utc(2026, 3, 10, 8, 0))
    [on_the_day] = nudges_to(sandbox, BOB)
    assert slack.click(Button.ACTION_DONE, message=on_the_day, user=BOB).ok
    for day in (11, 12, 18, 25):
        tick(harness_clean, utc(2026, 3, day, 9, 0))
    assert len(nudges_to(sandbox, BOB)) == 1 and nudges_to(sandbox, ALICE) == []
    assert "pending" not in {status for _k, status in rows(db)}
    with db.session() as s:  # and forget() cancels them outright, as the actions slice's closing calls it
        action = s.get(Action, action_id)
        action.status, action.due = "open", date(2026, 4, 7)
        nudges.plan(s, action, utc(2026, 3, 25, 9, 1), tz="Europe/London")
        assert len(list(nudges.reminders.pending(s, action.team_id, nudges.prefix(action)))) == 3
        nudges.forget(s, action)
        assert list(nudges.reminders.pending(s, action.team_id, nudges.prefix(action))) == []


def test_moving_the_due_date_reschedules_its_nudges(harness_clean, sandbox, db, action_id):
    tick(harness_clean, utc(2026, 3, 6, 8, 0))
    assert len(nudges_to(sandbox, BOB)) == 1
    with db.session() as s:
        action = s.get(Action, action_id)
        action.due = date(2026, 3, 20)  # a Friday: nudged Wednesday 18
        nudges.plan(s, action, utc(2026, 3, 6, 12, 0), tz="Europe/London")
        nudges.plan(s, action, utc(2026, 3, 6, 12, 0), tz="Europe/London")  # planned again: nothing more
    assert [(k, status) for k, status in rows(db) if status != "sent"] == [
        ("due", "cancelled"), (f"overdue_manager:1:{ALICE}", "cancelled"), ("before", "pending"), ("due", "pending"),
        (f"overdue_manager:1:{ALICE}", "pending")]
    for day in (10, 11, 17):
        tick(harness_clean, utc(2026, 3, day, 9, 0))
    assert len(nudges_to(sandbox, BOB)) == 1 and nudges_to(sandbox, ALICE) == []
    tick(harness_clean, utc(2026, 3, 18, 8, 0))
    assert "is due in 2 days" in text_of(nudges_to(sandbox, BOB)[1])
    tick(harness_clean, utc(2026, 3, 20, 8, 0))
    tick(harness_clean, utc(2026, 3, 21, 9, 0))
    assert len(nudges_to(sandbox, BOB)) == 4 and len(nudges_to(sandbox, ALICE)) == 1


def test_a_bot_down_over_the_due_times_sends_late_and_once(harness_clean, sandbox, db, action_id):
    tick(harness_clean, utc(2026, 3, 10, 12, 0))  # down from Monday 2 until Tuesday noon: both nudges missed
    tick(harness_clean, utc(2026, 3, 10, 12, 1))
    [late] = nudges_to(sandbox, BOB)  # the day's own nudge, late; the one before it says nothing new
    assert "is due today" in text_of(late)
    assert "This reminder is late: it was due <!date^" in text_of(late)
    assert f"<!date^{int(utc(2026, 3, 10, 8).timestamp())}^{{date_short_pretty}} {{time}}|Tue 10 Mar 2026 09:00 CET>" \
        in text_of(late)
    assert [(k, s) for k, s in rows(db)] == [("before", "cancelled"), ("due", "sent"), ("overdue:1", "pending"),
                                             (f"overdue_manager:1:{ALICE}", "pending")]
    tick(harness_clean, utc(2026, 3, 14, 10, 0))  # down again from Wednesday: one late nudge, then daily on time
    tick(harness_clean, utc(2026, 3, 15, 8, 0))
    told = [text_of(m) for m in nudges_to(sandbox, BOB)]
    assert len(told) == 3 and "is overdue by 4 days" in told[1] and "late" in told[1]
    assert "is overdue by 5 days" in told[2] and "late" not in told[2]
    assert len(nudges_to(sandbox, ALICE)) == 1 and "late" in text_of(nudges_to(sandbox, ALICE)[0])
