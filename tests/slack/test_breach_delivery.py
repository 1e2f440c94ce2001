"""Slack answers 429, then 500, for a while: every breach alert, edit and timeline line arrives once, in order, after
it recovers (the once-only outbox; an edit and a thread line wait for the message they follow)."""
from __future__ import annotations

from sqlmodel import select

from bot.measurements.states import Level
from bot import jobs
from messages.ids import Action
from models import Outbox
from tests.breach_world import ALICE, BOB, NETWORK_CHANNEL, sweep, world  # noqa: F401  (fixtures)
from tests.helpers import text_of


def test_slack_down_for_a_while_every_alert_arrives_once_in_order(slack, sandbox, db, clock, harness_clean, world, sweep):
    assert slack.command("settings escalate_p1 4h").ok
    assert slack.command("settings escalate_p2 4h").ok
    # The first post is taken but its answer lost (a 5xx after Slack kept it); then rate limits, then errors.
    sandbox.lose_answer_next("chat.postMessage", "5xx")
    sandbox.fail_next("chat.postMessage", 429, retry_after=30, times=3)
    sandbox.fail_next("chat.postMessage", 500, times=3)
    sandbox.fail_next("chat.update", 429, retry_after=30, times=2)
    sandbox.fail_next("chat.update", 503, times=2)
    sandbox.fail_next("conversations.history", 500, times=1)

    sweep(world.state(Level.WARNING, 80, "3h12m of 4h used"),
          world.state(Level.WARNING, 76, "76% of the month's budget used", target="availability"))
    clock.advance(minutes=1)
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"),
          world.state(Level.WARNING, 80, "80% of the month's budget used", target="availability"))
    clock.advance(minutes=1)
    sweep(world.state(Level.BREACHED, 104, "4h10m of 4h used", ended=True),
          world.state(Level.BREACHED, 100, "the month's 99.9% is missed", target="availability"))

    for _ in range(40):  # the scheduler's minutes go by; nothing here sleeps
        with db.session() as s:
            waiting = s.exec(select(Outbox).where(Outbox.status != "sent")).all()
            assert not [r.key for r in waiting if r.status == "failed"], [(r.key, r.last_error) for r in waiting]
        if not waiting:
            break
        clock.advance(minutes=5)
        jobs.deliver(harness_clean.deps)  # the outbox job, as the scheduler runs it
    else:
        raise AssertionError(f"still not sent: {[(r.key, r.last_error) for r in waiting]}")

    refused = [(c["method"], c["response"]["error"]) for c in sandbox.calls if not c.get("response", {}).get("ok", True)]
    assert refused.count(("chat.postMessage", "ratelimited")) == 3 and refused.count(("chat.update", "fatal_error")) == 2

    # The Network group's channel: one alert (the ticket's), edited twice, its thread in the order things happened.
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert alert.edits == 2 and text_of(alert).startswith("Resolved: T1 P1 resolution 4h")
    lines = [text_of(m) for m in sandbox.channel_messages(NETWORK_CHANNEL, thread_ts=alert.ts, include_ephemeral=False)]
    assert len(lines) == 2 and "*breached*" in lines[0] and "resolved" in lines[1]

    # The service manager: the ticket's copy (a contract beneath it) and the availability alert (no owner), once each.
    dm = sandbox.dm_channel(ALICE)["id"]
    tops = sandbox.channel_messages(dm, include_ephemeral=False)
    assert sorted(m.metadata["event_payload"]["key"] for m in tops) == ["breach:1:U0ALICE", "breach:2:U0ALICE"]
    by_key = {m.metadata["event_payload"]["key"]: m for m in tops}
    ticket, period = by_key["breach:1:U0ALICE"], by_key["breach:2:U0ALICE"]
    assert ticket.edits == 2 and text_of(ticket).startswith("Resolved:")
    assert period.edits == 1 and text_of(period).startswith("Breached: T2 Availability 99.9%")
    assert "This target has no owner" in text_of(period)
    period_lines = [text_of(m) for m in sandbox.channel_messages(dm, thread_ts=period.ts, include_ephemeral=False)]
    assert len(period_lines) == 1 and "*breached*" in period_lines[0]

    # Every post went out once: no key twice among the messages Slack holds.
    keys = [m.metadata["event_payload"]["key"] for m in sandbox.messages if m.metadata]
    assert len(keys) == len(set(keys))
    # The edits reached Slack in the order they were queued, each after the message it edits.
    applied = [c["args"]["text"].split(":")[0] for c in sandbox.calls
               if c["method"] == "chat.update" and c.get("response", {}).get("ok")
               and c["args"]["ts"] == alert.ts]
    assert applied == ["Breached", "Resolved"]


def test_an_alert_the_owning_channel_refuses_reaches_the_service_managers_at_once(
        sandbox, db, clock, harness_clean, world, sweep):
    """The bot is not in the Network group's channel: the service managers hear at once, with why and what to do,
    once however often the channel refuses; the channel gets the alert when someone invites the bot."""
    refusal = {"ok": False, "error": "not_in_channel"}
    sandbox.fail_next("chat.postMessage", 200, body=refusal, times=2)  # the channel's first two tries
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))  # sweep() sends what it queued
    jobs.deliver(harness_clean.deps)  # what the refusal queued goes out with the scheduler's next round
    told = [text_of(m) for m in sandbox.dms(ALICE) if "could not post the alert" in text_of(m)]
    assert len(told) == 1, told
    assert "T1 P1 resolution 4h" in told[0] and f"<#{NETWORK_CHANNEL}>" in told[0] and "`not_in_channel`" in told[0]
    assert "/invite @slm-bot" in told[0]
    assert sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False) == []
    clock.advance(minutes=5)
    jobs.deliver(harness_clean.deps)  # refused again: no second note
    clock.advance(minutes=30)
    jobs.deliver(harness_clean.deps)  # invited meanwhile: the channel's post goes through
    assert len([m for m in sandbox.dms(ALICE) if "could not post the alert" in text_of(m)]) == 1
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert text_of(alert).startswith("Breached: T1 P1 resolution 4h")


def test_a_click_sends_its_own_breachs_messages_and_leaves_the_backlog_to_the_scheduler(
        slack, sandbox, db, clock, harness_clean, world, sweep):
    """Acknowledge edits its own alert at once; another alert still waiting (Slack failed it a minute ago) is not
    carried by the click's listener but by the scheduler's next round."""
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    sandbox.fail_next("chat.postMessage", 500)  # the availability alert (to the service manager) waits for a retry
    sweep(world.state(Level.WARNING, 80, "80% of the month's budget used", target="availability"))
    clock.advance(minutes=5)  # the waiting copies are due again
    assert slack.click(Action.BREACH_ACKNOWLEDGE, message=alert, user=BOB).ok
    assert "Acknowledged" in text_of(sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)[0])
    with db.session() as s:
        waiting = [r.key for r in s.exec(select(Outbox).where(Outbox.status != "sent", Outbox.kind != "home")).all()]
    assert waiting and all(key.startswith("breach:2:") for key in waiting), waiting
    jobs.deliver(harness_clean.deps)  # the scheduler's round sends them
    with db.session() as s:
        assert s.exec(select(Outbox).where(Outbox.status != "sent")).all() == []
