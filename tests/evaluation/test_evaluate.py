"""evaluate.states from the database: ticket clocks against the SLA targets that apply, period goals, burn rate."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from bot.measurements import evaluate
from bot.measurements.states import Level, Subject
from models import Ticket, TicketEvent
from tests.evaluation.world import add_events, hours, outage, sla_in_force, ticket

UTC = timezone.utc
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # a Monday


def p1_sla(db, team):
    return sla_in_force(db, team, NOW, lambda T, office: [
        T(key=None, kind="response", level="P1", duration="30m", warning_percent="75"),
        T(key=None, kind="resolution", level="P1", duration="4h", warning_percent="75"),
        T(key=None, kind="resolution", level="P3", duration="8 business hours", calendar_id=office.id),
        T(key=None, kind="availability", goal="99.9%", warning_percent="50")])


def by_key(found):
    return {s.key: s for s in found}


def test_a_p1_ticket_warns_then_breaches_and_only_its_priority_applies(db, team):
    world = p1_sla(db, team)
    tid = ticket(db, team, world["service_id"], "INC1", NOW, [("responded", NOW + timedelta(minutes=10), None)])
    resolution = f"ticket:{tid}:target:{world['targets']['T2']}"
    response = f"ticket:{tid}:target:{world['targets']['T1']}"
    with db.session() as s:
        at_3h = by_key(evaluate.states(s, team, NOW + hours(3)))
        at_5h = by_key(evaluate.states(s, team, NOW + hours(5)))
    assert at_3h[resolution].level is Level.WARNING and at_3h[resolution].summary == "3h of 4h used"
    assert at_3h[response].level is Level.OK and at_3h[response].ended
    assert at_5h[resolution].level is Level.BREACHED and at_5h[resolution].breached_at == NOW + hours(4)
    assert at_5h[resolution].remaining == -hours(1) and at_5h[resolution].ticket_ref == "INC1"
    assert not any(k.startswith(f"ticket:{tid}:target:{world['targets']['T3']}") for k in at_5h)  # P3 only


def test_a_paused_ticket_and_a_weekend_in_business_hours(db, team):
    world = p1_sla(db, team)
    friday = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    tid = ticket(db, team, world["service_id"], "INC3", friday, [
        ("paused", friday + hours(1), "awaiting customer"), ("resumed", friday + hours(18), None)], priority="P3")
    with db.session() as s:
        state = by_key(evaluate.states(s, team, NOW + hours(3)))[f"ticket:{tid}:target:{world['targets']['T3']}"]
    # Friday 15:00-16:00 counted, paused until Saturday 09:00, weekend closed, Monday 09:00-12:00 counted.
    assert state.used == hours(4) and state.level is Level.OK and state.percent_used == 50.0


def test_a_corrected_event_recomputes_the_clock(db, team):
    world = p1_sla(db, team)
    tid = ticket(db, team, world["service_id"], "INC4", NOW, [("resolved", NOW + hours(5), None)])
    key = f"ticket:{tid}:target:{world['targets']['T2']}"
    with db.session() as s:
        assert by_key(evaluate.states(s, team, NOW + hours(6)))[key].level is Level.BREACHED
        event = s.exec(select(TicketEvent).where(TicketEvent.ticket_id == tid, TicketEvent.kind == "resolved")).one()
        event.at, event.revision = NOW + hours(2), 2  # the sender corrects the resolution time
        s.add(event)
    with db.session() as s:
        state = by_key(evaluate.states(s, team, NOW + hours(6)))[key]
    assert state.level is Level.OK and state.used == hours(2) and state.ended


def test_cost_follows_what_changed(db, team):
    world = p1_sla(db, team)
    old = ticket(db, team, world["service_id"], "OLD", NOW - timedelta(days=10),
                 [("resolved", NOW - timedelta(days=9), None)])
    open_ = ticket(db, team, world["service_id"], "OPEN", NOW - timedelta(days=10))
    with db.session() as s:
        keys = {st.ticket_id for st in evaluate.states(s, team, NOW, since=NOW - timedelta(minutes=1))
                if st.subject is Subject.TICKET}
    assert keys == {open_}
    with db.session() as s:  # the old ticket is reopened: changed since, so measured again
        row = s.get(Ticket, old)
        add_events(s, team, row, [("reopened", NOW, None)])
    with db.session() as s:
        keys = {st.ticket_id for st in evaluate.states(s, team, NOW + timedelta(minutes=1), since=NOW - timedelta(minutes=1))
                if st.subject is Subject.TICKET}
    assert keys == {open_, old}


def test_an_outage_burning_the_month_at_14x_warns_before_the_breach(db, team):
    world = p1_sla(db, team)
    # 99.9% of December (24x7: 744h) allows 44.64 minutes down. An outage from 09:00 burns 1000x.
    outage(db, team, world["service_id"], "OUT1", NOW, None)
    target = world["targets"]["T4"]
    with db.session() as s:
        early = by_key(evaluate.states(s, team, NOW + timedelta(minutes=6)))
        late = by_key(evaluate.states(s, team, NOW + timedelta(minutes=50)))
    burn, period = early[f"burn:{target}:2026-12-01"], early[f"period:{target}:2026-12-01"]
    assert burn.level is Level.WARNING and burn.subject is Subject.BUDGET
    assert "this month's 99.9% is gone in" in burn.summary and "14.4" not in burn.summary
    assert period.level is Level.OK and period.percent_used < 50
    assert late[f"period:{target}:2026-12-01"].level is Level.BREACHED
    assert late[f"burn:{target}:2026-12-01"].level is Level.OK  # nothing left to warn about: it is breached


def test_a_degraded_service_is_up_and_targets_not_in_force_are_not_measured(db, team):
    world = p1_sla(db, team)
    outage(db, team, world["service_id"], "DEG", NOW, NOW + hours(5), impact="degraded")
    with db.session() as s:
        found = by_key(evaluate.states(s, team, NOW + hours(6)))
    assert found[f"period:{world['targets']['T4']}:2026-12-01"].percent_used == 0
    assert all(s.level is Level.OK for s in found.values())


def test_a_flapping_service_burning_the_month_at_about_14x_is_warned_long_before_the_breach(db, team):
    world = p1_sla(db, team)
    target = world["targets"]["T4"]
    # Down one minute in every hour: 1.67% of the time against 99.9%'s 0.1%, a burn of 16.7x. December's
    # budget (44.64 minutes) lasts about 45 hours at that rate.
    for h in range(48):
        start = NOW + hours(h)
        outage(db, team, world["service_id"], f"FLAP{h}", start, start + timedelta(minutes=1))
    with db.session() as s:
        first_hour = by_key(evaluate.states(s, team, NOW + timedelta(minutes=61)))
        next_day = by_key(evaluate.states(s, team, NOW + hours(46) + timedelta(minutes=1)))
    warned = first_hour[f"burn:{target}:2026-12-01"]
    assert warned.level is Level.WARNING and "over 1h" in warned.summary
    assert "this month's 99.9% is gone in 2 days" in warned.summary  # 42.6 minutes left at 1 in 60: 42.6 hours
    assert first_hour[f"period:{target}:2026-12-01"].level is Level.OK
    assert next_day[f"period:{target}:2026-12-01"].level is Level.BREACHED


def test_quarters_follow_the_financial_year_the_organisation_sets(slack, sandbox, db, team):
    world = sla_in_force(db, team, NOW, lambda T, office: [
        T(key=None, kind="availability", goal="99.5%", period="quarterly"),
        T(key=None, kind="availability", goal="99%", period="yearly")])
    slack.command("settings financial_year_start feb")
    with db.session() as s:
        found = by_key(evaluate.states(s, team, NOW))
    quarter, year = world["targets"]["T1"], world["targets"]["T2"]
    assert f"period:{quarter}:2026-11-01" in found and f"period:{year}:2026-02-01" in found
    assert "Q4 2026/27 (Nov-Jan)" in found[f"period:{quarter}:2026-11-01"].summary


def test_the_sweep_measures_a_resolved_ticket_again_only_when_an_event_comes_for_it(db, team):
    """Without `since` (the breach sweep): open tickets every time; a resolved one once, then again only after a late
    or corrected event, whatever time has passed; one whose event came in between is not marked measured."""
    world = p1_sla(db, team)
    done = ticket(db, team, world["service_id"], "DONE", NOW - timedelta(days=10),
                  [("resolved", NOW - timedelta(days=9), None)])
    open_ = ticket(db, team, world["service_id"], "OPEN", NOW - timedelta(days=10))

    def measured(at) -> set[int]:
        with db.session() as s:
            seen = evaluate.resolved_unevaluated(s, team)
            ids = {st.ticket_id for st in evaluate.states(s, team, at) if st.subject is Subject.TICKET}
            evaluate.mark_evaluated(s, team, seen)
        return ids

    assert measured(NOW) == {open_, done}  # never measured: the first sweep measures it, however old
    assert measured(NOW + timedelta(minutes=1)) == {open_}
    with db.session() as s:  # a late event: measured again
        add_events(s, team, s.get(Ticket, done), [("reopened", NOW, None), ("resolved", NOW + timedelta(minutes=1), None)])
    assert measured(NOW + timedelta(minutes=2)) == {open_, done}
    assert measured(NOW + timedelta(days=3)) == {open_}
    with db.session() as s:  # an event arrives after the sweep read what to mark: it is not marked measured
        seen = evaluate.resolved_unevaluated(s, team)
        row = s.get(Ticket, done)
        row.updated_at = NOW + timedelta(days=3, minutes=1)
        s.add(row)
        s.flush()
        evaluate.mark_evaluated(s, team, {**seen, done: NOW})
    assert done in measured(NOW + timedelta(days=3, minutes=2))
