"""Maintenance windows through signed `/slm maintenance ...` requests: announced to the customer's notice channel when
planned, reminded `maintenance_notice` before (once), a cancelled window's reminder never sent and its cancel
announced; and the window left out of availability (downtime and the period's length)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from sqlmodel import select

from bot import delivery
from bot.measurements import compliance, in_force, periods
from bot.scheduler import run_all_once
from bot.workload import maintenance
from models import Agreement, MaintenanceWindow, Outbox, Party
from tests.evaluation.world import ALICE, manager, outage, sla_in_force
from tests.helpers import text_of

UTC = timezone.utc
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday; British summer time starts on 29 March 2026


def availability_sla(db, team, sandbox) -> dict:
    world = sla_in_force(db, team, START, lambda T, office: [
        T(key=None, kind="availability", goal="99.5%", period="monthly")])
    channel = sandbox.channel_by_name("acme-sla")["id"]
    with db.session() as s:
        party = s.get(Party, world["party_id"])
        party.channel_id = channel
        s.add(party)
    return {**world, "channel": channel}


def notices(sandbox, channel) -> list[str]:
    return [text_of(m) for m in sandbox.channel_messages(channel, include_ephemeral=False)
            if "aintenance" in text_of(m)]


def tick(harness_clean, at: datetime) -> None:
    harness_clean.clock.set(at)
    run_all_once(harness_clean.deps)


def test_a_window_is_announced_when_planned_and_reminded_once_ahead(slack, sandbox, db, team, harness_clean):
    world = availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll 2026-03-14 22:00-02:00 Europe/London")
    reply = text_of(sandbox.last_ephemeral(ALICE))
    assert "Maintenance window #" in reply and "planned on Payroll" in reply
    assert "Sat 14 Mar 2026 22:00 – Sun 02:00 Europe/London" in reply  # overnight: the day it ends is said
    said = notices(sandbox, world["channel"])
    # 22:00 to 02:00 the next day is 4 hours, said in whole hours
    assert len(said) == 1 and "Planned maintenance" in said[0] and "Sat 14 Mar 2026 22:00 – Sun 02:00 Europe/London (4 h)" in said[0]
    assert "A reminder follows before it starts." in said[0] and "again before it starts" in reply
    # maintenance_notice is 2 days: the reminder is due Thu 12 Mar 22:00 (London is on GMT then, so 22:00 UTC)
    tick(harness_clean, datetime(2026, 3, 12, 21, 59, tzinfo=UTC))
    assert len(notices(sandbox, world["channel"])) == 1
    tick(harness_clean, datetime(2026, 3, 12, 22, 0, tzinfo=UTC))
    tick(harness_clean, datetime(2026, 3, 12, 22, 30, tzinfo=UTC))
    tick(harness_clean, datetime(2026, 3, 13, 9, 0, tzinfo=UTC))
    said = notices(sandbox, world["channel"])
    assert len(said) == 2 and "Reminder: planned maintenance" in said[1]  # once, however many ticks follow


def test_a_cancelled_window_is_not_reminded_and_its_cancel_is_announced(slack, sandbox, db, team, harness_clean):
    world = availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll Sat 22:00 for 4h")  # Saturday 7 March, in Alice's zone (Europe/London)
    reply = text_of(sandbox.last_ephemeral(ALICE))
    assert "Sat 7 Mar 2026 22:00 – Sun 02:00 Europe/London" in reply
    with db.session() as s:
        window_id = s.exec(select(MaintenanceWindow.id)).one()
    slack.command("maintenance")
    assert f"#{window_id} Payroll: Sat 7 Mar 2026 22:00 – Sun 02:00" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command(f"maintenance cancel {window_id}")
    assert f"Maintenance window #{window_id} cancelled" in text_of(sandbox.last_ephemeral(ALICE))
    tick(harness_clean, datetime(2026, 3, 6, 23, 0, tzinfo=UTC))  # past the reminder's time (5 Mar 22:00)
    said = notices(sandbox, world["channel"])
    # The announcement is edited in place (chat.update, through the outbox), and the cancel is announced after it.
    assert len(said) == 2 and "Maintenance cancelled" in said[1]
    assert said[0].startswith(":no_entry_sign: *Cancelled:* ~planned maintenance on *Payroll*, "
                              "Sat 7 Mar 2026 22:00 – Sun 02:00 Europe/London (4 h)~. The window will not take place")
    [announcement] = sandbox.channel_messages(world["channel"], include_ephemeral=False)[:1]
    assert announcement.edits == 1
    [edit] = sandbox.calls_of("chat.update")
    assert (edit["args"]["channel"], edit["args"]["ts"]) == (world["channel"], announcement.ts)
    assert not any("Reminder" in t for t in said)
    slack.command(f"maintenance cancel {window_id}")  # twice: refused, nothing more sent
    assert "cancelled already" in text_of(sandbox.last_ephemeral(ALICE))
    tick(harness_clean, datetime(2026, 3, 6, 23, 1, tzinfo=UTC))
    assert len(notices(sandbox, world["channel"])) == 2 and len(sandbox.calls_of("chat.update")) == 1
    slack.command("maintenance")  # the windows not yet over leave the cancelled one out
    listed = text_of(sandbox.last_ephemeral(ALICE))
    assert f"#{window_id} " not in listed and "None planned" in listed


def test_a_window_cancelled_after_its_reminder_edits_the_announcement_and_the_reminder_in_place(
        slack, sandbox, db, team, harness_clean):
    world = availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll 2026-03-14 22:00-02:00 Europe/London")
    tick(harness_clean, datetime(2026, 3, 12, 22, 0, tzinfo=UTC))  # the reminder, 2 days before (GMT: 22:00 UTC)
    with db.session() as s:
        window_id = s.exec(select(MaintenanceWindow.id)).one()
    slack.command(f"maintenance cancel {window_id}")
    tick(harness_clean, datetime(2026, 3, 12, 22, 1, tzinfo=UTC))
    announcement, reminder, cancelled = sandbox.channel_messages(world["channel"], include_ephemeral=False)
    assert (announcement.edits, reminder.edits, cancelled.edits) == (1, 1, 0)
    assert text_of(announcement).startswith(":no_entry_sign: *Cancelled:* ~planned maintenance on *Payroll*, "
                                            "Sat 14 Mar 2026 22:00 – Sun 02:00 Europe/London (4 h)~")
    assert text_of(reminder).startswith(":no_entry_sign: *Cancelled:* ~reminder: planned maintenance on *Payroll*")
    assert "Maintenance cancelled" in text_of(cancelled)
    assert sorted(c["args"]["ts"] for c in sandbox.calls_of("chat.update")) == sorted([announcement.ts, reminder.ts])


def test_an_announcement_not_yet_sent_is_withdrawn_by_a_cancel(db, team, sandbox, harness_clean):
    availability_sla(db, team, sandbox)
    alice = manager(team, START)
    with db.session() as s:  # planned and cancelled before the outbox ran (Slack was down, say)
        service = maintenance.service_named(s, team, "Payroll")
        row, channels = maintenance.add(s, alice, service, "2026-03-20 01:00-03:00 UTC")
        assert len(channels) == 1
        maintenance.cancel(s, alice, row.id)
    delivery.deliver_pending(harness_clean.deps, harness_clean.deps.client)
    with db.session() as s:
        statuses = sorted(s.exec(select(Outbox.status).where(Outbox.key.startswith(maintenance.key_prefix(row.id)))))
    assert statuses == ["cancelled"]  # the announcement never went, and no cancel of what nobody was told


def test_parse_errors_are_answered_in_the_users_words(slack, sandbox, db, team):
    availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll next tuesday at noon")
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert 'I couldn\'t read "next tuesday at noon" as a window of time' in said and "Sat 22:00 for 4h" in said
    assert "\u02cb" not in said  # its examples are quoted words, never backticks escaped into look-alikes (ˋ)
    slack.command("maintenance add next tuesday")
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "\u02cb" not in said and "`/slm maintenance add Payroll Sat 22:00 for 4h`" in said
    slack.command("maintenance add Payroll 2026-03-14 22:00-02:00 Mars/Olympus")
    assert "“Mars/Olympus” is not a time zone I know" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("maintenance add Payrol 2026-03-14 22:00-02:00")
    assert "does not start with the name of a service I know" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("maintenance add Payroll 2026-03-01 22:00-23:00 UTC")
    assert "is over already" in text_of(sandbox.last_ephemeral(ALICE))
    # Begun (it is 09:00): planned now, its downtime so far would be left out of the SLA after the fact
    slack.command("maintenance add Payroll 2026-03-02 08:00-10:00 UTC")
    assert ("Mon 2 Mar 2026 08:00–10:00 UTC has begun: a maintenance window is planned ahead, so the customers are "
            "told before it starts. Time already lost that both sides agree to leave out is an exclusion "
            "(/slm exclusion add).") in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        assert s.exec(select(MaintenanceWindow)).all() == []  # nothing half-written


def test_downtime_inside_a_window_is_left_out_of_availability_and_the_period(db, team, sandbox, harness_clean):
    world = availability_sla(db, team, sandbox)
    alice = manager(team, START)
    with db.session() as s:
        service = maintenance.service_named(s, team, "Payroll")
        maintenance.add(s, alice, service, "2026-04-10 00:00-02:00 UTC")
    # A 3 h outage, 9 Apr 23:00 to 10 Apr 02:00 UTC, of which 2 h (00:00-02:00) inside the window.
    outage(db, team, world["service_id"], "OUT-1", datetime(2026, 4, 9, 23, 0, tzinfo=UTC),
           datetime(2026, 4, 10, 2, 0, tzinfo=UTC))
    with db.session() as s:
        target = next(t for t in in_force.measured(s, team) if t.kind == "availability")
        april = compliance.period_of("monthly", datetime(2026, 4, 15, tzinfo=UTC), target.calendar.tz)
        status, _ = periods.availability(s, team, target, april, datetime(2026, 5, 1, tzinfo=UTC))
    # April has 30 days = 720 h; the 2 h window is taken out of the period: 718 h. Downtime counted: 3 h - 2 h = 1 h.
    # Availability = 1 - 1 h / 718 h = 0.998607... -> 99.861%
    assert status.open_total == timedelta(hours=718)
    assert status.down_so_far == timedelta(hours=1)
    assert status.achieved == Decimal("99.861")


def test_a_recurring_window_is_announced_once_and_each_occurrence_reminded(slack, sandbox, db, team, harness_clean):
    world = availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll every Sat 22:00 for 4h until 2026-03-21")
    assert "planned on Payroll" in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        rows = list(s.exec(select(MaintenanceWindow).order_by(MaintenanceWindow.starts_at)))
    # Saturdays 7, 14 and 21 March 2026, 22:00 London (GMT: 22:00 UTC), each 4 h, one series.
    assert [r.starts_at.day for r in rows] == [7, 14, 21] and {r.series_id for r in rows} == {rows[0].id}
    assert all(r.ends_at - r.starts_at == timedelta(hours=4) for r in rows)
    said = notices(sandbox, world["channel"])
    assert len(said) == 1 and "every week on Saturday at 22:00 Europe/London, for 4h: 3 windows" in said[0]
    slack.command(f"maintenance cancel {rows[1].id}")  # the 14th is off; the 7th and the 21st stand
    for at in (datetime(2026, 3, 5, 22, 0, tzinfo=UTC), datetime(2026, 3, 12, 22, 0, tzinfo=UTC),
               datetime(2026, 3, 19, 22, 0, tzinfo=UTC), datetime(2026, 3, 20, 9, 0, tzinfo=UTC)):
        tick(harness_clean, at)
    said = notices(sandbox, world["channel"])
    reminded = [t for t in said if "Reminder" in t]
    assert len(reminded) == 2 and "Sat 7 Mar" in reminded[0] and "Sat 21 Mar" in reminded[1]
    assert sum("Maintenance cancelled" in t and "Sat 14 Mar" in t for t in said) == 1
    assert sandbox.calls_of("chat.update") == []  # the series' announcement stands for the 7th and the 21st


def test_a_reminder_held_up_by_slack_when_the_window_is_cancelled_is_never_posted(
        slack, sandbox, db, team, harness_clean):
    world = availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll 2026-03-14 22:00-02:00 Europe/London")
    # The reminder falls due Thu 12 Mar 22:00 UTC, and Slack asks the bot to wait an hour before posting it.
    sandbox.fail_next("chat.postMessage", 429, retry_after=3600)
    tick(harness_clean, datetime(2026, 3, 12, 22, 0, tzinfo=UTC))
    assert len(notices(sandbox, world["channel"])) == 1  # the announcement only: the reminder waits in the outbox
    with db.session() as s:
        window_id = s.exec(select(MaintenanceWindow.id)).one()
    slack.command(f"maintenance cancel {window_id}")
    tick(harness_clean, datetime(2026, 3, 12, 23, 30, tzinfo=UTC))  # Slack's hour is over
    said = notices(sandbox, world["channel"])
    assert not any("Reminder" in t for t in said), said  # a reminder of a cancelled window is never posted
    assert len(said) == 2 and said[0].startswith(":no_entry_sign: *Cancelled:*") and "Maintenance cancelled" in said[1]
    with db.session() as s:
        rows = s.exec(select(Outbox.key, Outbox.status).where(Outbox.key.startswith("reminder:maintenance:"))).all()
    assert rows == [(f"reminder:maintenance:{window_id}:remind:r1:{world['channel']}", "cancelled")]


def test_the_last_two_windows_of_a_series_cancelled_at_once_still_edit_its_announcement(
        slack, sandbox, db, team, harness_clean):
    if not db.url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time: the second cancel waits for the first, so there is no race")
    world = availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll every Sat 22:00 for 4h until 2026-03-14")  # Sat 7 and Sat 14 March
    with db.session() as s:
        first, second = s.exec(select(MaintenanceWindow.id).order_by(MaintenanceWindow.starts_at)).all()
    alice = manager(team, START)
    other = threading.Thread(target=lambda: slack.command(f"maintenance cancel {second}"))
    with db.session() as s:  # one service manager's cancel, not yet committed, while another cancels the other
        maintenance.cancel(s, alice, first)
        other.start()
        other.join(timeout=2)  # (with the windows locked it waits for this one: it cannot finish before it)
    other.join(timeout=30)
    assert not other.is_alive()
    tick(harness_clean, datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    [announcement] = [m for m in sandbox.channel_messages(world["channel"], include_ephemeral=False)
                      if "every week on Saturday" in text_of(m)]
    assert announcement.edits == 1  # none of its windows is planned: it says so
    assert text_of(announcement).startswith(":no_entry_sign: *Cancelled:* ~planned maintenance on *Payroll*, every week")


def test_a_window_that_has_begun_is_not_cancelled_and_nothing_is_sent(slack, sandbox, db, team, harness_clean):
    world = availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll 2026-03-07 22:00-02:00 Europe/London")
    with db.session() as s:
        window_id = s.exec(select(MaintenanceWindow.id)).one()
    harness_clean.clock.set(datetime(2026, 3, 7, 23, 0, tzinfo=UTC))  # an hour into it
    slack.command(f"maintenance cancel {window_id}")
    assert (f"Maintenance window #{window_id} (Sat 7 Mar 2026 22:00 – Sun 02:00 Europe/London) has begun: only a "
            "window not yet begun can be cancelled") in text_of(sandbox.last_ephemeral(ALICE))
    tick(harness_clean, datetime(2026, 3, 7, 23, 1, tzinfo=UTC))
    said = notices(sandbox, world["channel"])
    assert len(said) == 1 and "Planned maintenance" in said[0] and sandbox.calls_of("chat.update") == []
    with db.session() as s:
        assert s.get(MaintenanceWindow, window_id).status == "planned"


def test_a_number_too_long_to_be_a_window_is_a_usage_error(slack, sandbox, db, team):
    # Past an INTEGER column's range (PostgreSQL refuses 99999999999 in a query on one): said to be no number, not a
    # database error.
    availability_sla(db, team, sandbox)
    assert slack.command("maintenance cancel 99999999999").ok
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "Name the window by its number, like `/slm maintenance cancel 3`" in said
    slack.command("maintenance cancel 999999999")  # nine digits is still a number: there is no such window
    assert "Name the window by its number" not in text_of(sandbox.last_ephemeral(ALICE))


def test_a_window_inside_its_notice_time_is_announced_once_without_promising_a_reminder(
        slack, sandbox, db, team, harness_clean):
    world = availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll 2026-03-03 08:00-10:00 UTC")  # in 23 h; maintenance_notice is 2 days
    reply = text_of(sandbox.last_ephemeral(ALICE))
    # Alice's zone, Europe/London, is on GMT in March: the same times, so not said again as hers
    assert "Tue 3 Mar 2026 08:00–10:00 UTC" in reply and "your time" not in reply
    assert "Announced to its customers' channels now; it starts sooner than maintenance_notice, so this is its only " \
           "notice" in reply and "again before it starts" not in reply
    [said] = notices(sandbox, world["channel"])
    assert "Planned maintenance" in said and "reminder" not in said.lower()
    tick(harness_clean, datetime(2026, 3, 3, 7, 59, tzinfo=UTC))
    assert len(notices(sandbox, world["channel"])) == 1  # and none follows


def test_a_window_in_another_zone_is_said_in_the_planners_time_only_when_the_times_differ(slack, sandbox, db, team):
    availability_sla(db, team, sandbox)
    slack.command("maintenance add Payroll 2026-04-04 10:00-11:00 UTC")  # London is on summer time by then
    reply = text_of(sandbox.last_ephemeral(ALICE))
    assert "Sat 4 Apr 2026 10:00–11:00 UTC (your time: Sat 4 Apr 2026 11:00–12:00 Europe/London)" in reply
    slack.command("maintenance add Payroll 2026-03-14 10:00-11:00 UTC")  # GMT: the same clock times
    reply = text_of(sandbox.last_ephemeral(ALICE))
    assert "Sat 14 Mar 2026 10:00–11:00 UTC" in reply and "your time" not in reply
