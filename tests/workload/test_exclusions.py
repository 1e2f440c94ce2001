"""Exclusions agreed with the customer through signed `/slm exclusion add` requests: recorded with who recorded and
who agreed them, audited, and their time left out of the ticket clocks that `/slm clock` shows."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from models import AuditEvent, Contact, Exclusion
from tests.evaluation.world import ALICE, hours, sla_in_force, ticket
from tests.helpers import text_of

UTC = timezone.utc
FRIDAY = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
CAROL, DAVE = "U0CAROL", "U0DAVE"


def p1_sla(db, team) -> dict:
    world = sla_in_force(db, team, FRIDAY, lambda T, office: [
        T(key=None, kind="resolution", level="P1", duration="4h")])  # clock time: 24x7
    with db.session() as s:
        s.add(Contact(team_id=team, party_id=world["party_id"], user_id=CAROL, role="approver", created_at=FRIDAY,
                      created_by=ALICE))
    return world


def test_an_exclusion_is_left_out_of_the_ticket_clock_and_shown(slack, sandbox, db, team, clock):
    world = p1_sla(db, team)
    # Opened 10:00, resolved 15:30: 5h30m on the clock, over the 4h target by 1h30m...
    ticket(db, team, world["service_id"], "INC0100", FRIDAY, [("resolved", FRIDAY + hours(5.5), None)])
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    slack.command("clock INC0100")
    assert "over by 1h30m (5h30m of 4h)" in text_of(sandbox.last_ephemeral(ALICE))
    # ...until the customer's own outage 12:00-14:00 is agreed as an exclusion: 5h30m - 2h = 3h30m of 4h, in time.
    slack.command('exclusion add "Acme Payroll" 2026-12-04 12:00-14:00 UTC customer outage agreed by <@U0CAROL>')
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "Exclusion #" in said and "recorded on Acme Payroll" in said
    slack.command("clock INC0100")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "3h30m of 4h used, resolution in time" in shown
    assert "(2h): not counted, agreed exclusion (the customer's own outage) 4 Dec 12:00–14:00" in shown
    with db.session() as s:
        row = s.exec(select(Exclusion)).one()
        assert (row.kind, row.agreed_by, row.created_by) == ("customer_outage", CAROL, ALICE)
        assert row.ends_at - row.starts_at == timedelta(hours=2)
        audited = s.exec(select(AuditEvent).where(AuditEvent.action == "exclusion.add")).one()
        assert audited.before is None and audited.after["agreed_by"] == CAROL
    slack.command("exclusions Acme Payroll")
    assert "customer outage, agreed by" in text_of(sandbox.last_ephemeral(ALICE))


def test_an_exclusion_needs_the_customers_word_and_readable_words(slack, sandbox, db, team, clock):
    p1_sla(db, team)
    slack.command('exclusion add "Acme Payroll" 2026-12-04 12:00-14:00 UTC force majeure agreed by <@U0DAVE>')
    assert "not a contact of Acme Payroll's customer" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command('exclusion add "Acme Payroll" yesterday afternoon force majeure agreed by <@U0CAROL>')
    assert 'I couldn\'t read "yesterday afternoon" as a window of time' in text_of(sandbox.last_ephemeral(ALICE))
    slack.command('exclusion add "Acme Payroll" 2026-12-04 12:00-14:00 UTC because it rained')
    assert "Say when, why (force majeure or customer outage)" in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        assert s.exec(select(Exclusion)).all() == []


def test_a_window_planned_ahead_moves_a_running_clocks_due_time(slack, sandbox, db, team, clock):
    world = p1_sla(db, team)
    ticket(db, team, world["service_id"], "INC0200", FRIDAY)  # opened Fri 10:00, P1 resolution 4h: due 14:00
    clock.set(FRIDAY + hours(1))
    slack.command("maintenance add Payroll 2026-12-04 12:00-13:00 UTC")
    slack.command("clock INC0200")
    # 1h used at 11:00, 3h left; the window 12:00-13:00 is not counted, so due at 15:00 (times shown in London: GMT)
    assert "due Fri 4 Dec 15:00, 3h left" in text_of(sandbox.last_ephemeral(ALICE))


def test_an_exclusion_recorded_twice_is_refused_and_one_recorded_wrongly_is_removed(slack, sandbox, db, team, clock):
    world = p1_sla(db, team)
    ticket(db, team, world["service_id"], "INC0300", FRIDAY, [("resolved", FRIDAY + hours(5.5), None)])
    clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    typed = 'exclusion add "Acme Payroll" 2026-12-04 12:00-14:00 UTC customer outage agreed by <@U0CAROL>'
    slack.command(typed)
    with db.session() as s:
        [first] = s.exec(select(Exclusion)).all()
        number = first.id
    slack.command(typed)  # the same SLA, window and kind again: refused, naming the one there
    assert (f"That exclusion is recorded already: #{number} on Acme Payroll, the same window and reason"
            in text_of(sandbox.last_ephemeral(ALICE)))
    with db.session() as s:
        assert len(s.exec(select(Exclusion)).all()) == 1
    # Someone who is not a service manager may not remove it.
    slack.command(f"exclusion remove {number}", user=DAVE)
    assert "service manager" in text_of(sandbox.last_ephemeral(DAVE)).lower()
    slack.command(f"exclusion remove #{number} the outage was ours, not the customer's")
    assert f"Exclusion #{number} removed" in text_of(sandbox.last_ephemeral(ALICE))
    # Its 2h count again: 10:00-15:30 is 5h30m of 4h, over by 5h30m - 4h = 1h30m.
    slack.command("clock INC0300")
    assert "over by 1h30m (5h30m of 4h)" in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        assert s.exec(select(Exclusion)).all() == []
        gone = s.exec(select(AuditEvent).where(AuditEvent.action == "exclusion.remove")).one()
        assert (gone.entity_id, gone.after, gone.actor) == (number, None, ALICE)
        assert gone.before["agreed_by"] == CAROL and gone.before["kind"] == "customer_outage"
        assert gone.detail["why"] == "the outage was ours, not the customer's"
    slack.command(f"exclusion remove {number}")
    assert f"There is no exclusion #{number}" in text_of(sandbox.last_ephemeral(ALICE))
    # A subcommand it does not know gets a short pointer, not the whole help.
    slack.command("exclusion cancel 2")
    pointer = text_of(sandbox.last_ephemeral(ALICE))
    assert "/slm exclusion remove N [why]" in pointer and "What slm-bot can do" not in pointer
    slack.command("help")
    assert "/slm exclusion remove N [why]" in text_of(sandbox.last_ephemeral(ALICE))


def breached_open_ticket(sandbox, db, team, harness, number: str):
    """Acme Payroll's ticket `number` (P1, 4h of clock time), opened Friday 10:00 and still open, breached at 15:00's
    sweep (5h of 4h); returns what reads its alert to Alice now (its latest copy, not the escalation DM beside it)."""
    from bot.scheduler import run_all_once

    world = p1_sla(db, team)
    ticket(db, team, world["service_id"], number, FRIDAY, [])
    harness.clock.set(FRIDAY + hours(5))
    run_all_once(harness.deps)

    def alert():
        return [m for m in sandbox.dms(ALICE) if number in text_of(m)
                and "escalated" not in m.metadata["event_payload"]["key"]][-1]
    return alert


def test_an_open_tickets_alert_an_exclusion_brings_back_within_target_says_so_not_resolved(
        slack, sandbox, db, team, harness_clean):
    from bot.scheduler import run_all_once

    alert = breached_open_ticket(sandbox, db, team, harness_clean, "INC0400")
    assert "Breached" in text_of(alert())
    # The customer's own outage 11:00-14:00 is agreed: 2h of 4h, within target, and the ticket is still open.
    slack.command('exclusion add "Acme Payroll" 2026-12-04 11:00-14:00 UTC customer outage agreed by <@U0CAROL>')
    harness_clean.clock.set(FRIDAY + hours(5) + timedelta(minutes=1))  # the next minute's sweep
    run_all_once(harness_clean.deps)

    shown = text_of(alert())
    assert "Back within target" in shown and "back within target, the ticket still open" in shown
    assert "Resolved" not in shown and "resolved" not in shown
    thread = [text_of(m) for m in sandbox.channel_messages(alert().channel, thread_ts=alert().ts,
                                                           include_ephemeral=False)]
    assert "back within target: the ticket is still open (2h01m of 4h used" in thread[-1]
    assert "resolved" not in thread[-1]


def test_an_open_tickets_breach_an_exclusion_takes_back_to_its_warning_level_reads_warning_until_it_breaches_again(
        slack, sandbox, db, team, harness_clean):
    from bot.scheduler import run_all_once

    alert = breached_open_ticket(sandbox, db, team, harness_clean, "INC0410")

    def thread():
        return [text_of(m) for m in sandbox.channel_messages(alert().channel, thread_ts=alert().ts,
                                                             include_ephemeral=False)]
    assert text_of(alert()).startswith("Breached")
    # The customer's own outage 11:00-12:30 is agreed: 15:01 is 3h31m of 4h, past the warning level, not breached.
    slack.command('exclusion add "Acme Payroll" 2026-12-04 11:00-12:30 UTC customer outage agreed by <@U0CAROL>')
    harness_clean.clock.set(FRIDAY + hours(5) + timedelta(minutes=1))
    run_all_once(harness_clean.deps)
    shown = text_of(alert())
    assert shown.startswith("Warning") and "Breached" not in shown and "3h31m of 4h" in shown
    assert "corrected: no longer breached, the ticket still open and at its warning level (3h31m of 4h" in thread()[-1]
    # Still open at 16:31: 6h31m less the 1h30m left out, 5h01m of 4h (breached again at 15:30), said once.
    harness_clean.clock.set(FRIDAY + hours(6.5) + timedelta(minutes=1))
    run_all_once(harness_clean.deps)
    assert text_of(alert()).startswith("Breached")
    lines = thread()
    assert "no longer breached" in lines[0]
    [again] = [line for line in lines if "*breached*" in line]
    assert "16:31 UTC> :rotating_light: *breached* (over by 1h01m (5h01m of 4h))" in again


def test_a_breach_taken_back_to_warning_runs_no_step_after_the_breach_until_it_breaches_again(
        slack, sandbox, db, team, harness_clean):
    """The ladder "breach; +30m service-managers". Opened 10:00, 4h: breached 14:00, the +30m step due 14:30. At 14:05
    the customer's outage 11:00-11:45 is agreed: 14:06 is 3h21m of 4h, a warning, so 14:30's step is called off. The
    clock breaches again at 14:45: the step runs 30 minutes after that, at 15:15, once."""
    from bot.scheduler import run_all_once

    assert slack.command("settings ladder breach; +30m service-managers", user=ALICE).ok
    world = p1_sla(db, team)
    ticket(db, team, world["service_id"], "INC0420", FRIDAY, [])

    def at(h: int, m: int) -> None:
        harness_clean.clock.set(FRIDAY.replace(hour=h, minute=m))
        run_all_once(harness_clean.deps)

    def alert():
        return [m for m in sandbox.dms(ALICE) if "INC0420" in text_of(m)
                and "escalated" not in m.metadata["event_payload"]["key"]][0]

    def steps_run() -> list[str]:
        return [text_of(m) for m in sandbox.channel_messages(alert().channel, thread_ts=alert().ts,
                                                             include_ephemeral=False) if "service managers" in text_of(m)]
    at(14, 1)
    assert text_of(alert()).startswith("Breached") and steps_run() == []
    slack.command('exclusion add "Acme Payroll" 2026-12-04 11:00-11:45 UTC customer outage agreed by <@U0CAROL>')
    at(14, 6)
    assert text_of(alert()).startswith("Warning")
    at(14, 31)  # the old step's time: nothing runs for a breach that is not there
    assert steps_run() == [] and text_of(alert()).startswith("Warning")
    at(15, 1)  # breached again at 14:45; its step is due at 15:15
    assert text_of(alert()).startswith("Breached") and steps_run() == []
    at(15, 16)
    [step] = steps_run()
    at(15, 47)
    assert steps_run() == [step]
