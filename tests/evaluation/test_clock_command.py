"""/slm clock <ticket> through signed Slack requests: the explained timeline, and a recomputed clock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from messages import render_message
from bot import agreements
from bot.agreements import targets
from models import Agreement, Signoff, TicketEvent
from tests.evaluation.world import ALICE, DOCS, hours, manager, sla_in_force, ticket
from tests.helpers import assert_valid_blocks, text_of
from tests.unit.test_templates import EVIL

UTC = timezone.utc
FRIDAY = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)


def office_sla(db, team):
    return sla_in_force(db, team, FRIDAY, lambda T, office: [
        T(key=None, kind="response", level="P2", duration="1 business hours", calendar_id=office.id),
        T(key=None, kind="resolution", level="P2", duration="8 business hours", calendar_id=office.id)])


def test_the_clock_explains_each_segment_and_why(slack, sandbox, db, team, clock):
    world = office_sla(db, team)
    ticket(db, team, world["service_id"], "INC0042", FRIDAY, [
        ("responded", FRIDAY + timedelta(minutes=20), None), ("paused", FRIDAY + hours(1), "awaiting customer"),
        ("resumed", datetime(2026, 12, 7, 10, 0, tzinfo=UTC), None)], priority="P2")
    clock.set(datetime(2026, 12, 7, 12, 0, tzinfo=UTC))
    slack.command("clock INC0042")
    reply = sandbox.last_ephemeral(ALICE)
    shown = text_of(reply)
    assert "INC0042" in shown and "P2 resolution within 8 business hours" in shown
    assert "not counted, paused: awaiting customer" in shown
    assert "counted, business hours" in shown
    assert "3h of 8h used" in shown  # Friday 15:00-16:00, Monday 10:00-12:00
    assert "20m of 1h used, response in time" in shown
    assert_valid_blocks(reply.as_dict() if hasattr(reply, "as_dict") else reply)


def test_a_corrected_event_recomputes_the_clock_and_says_so(slack, sandbox, db, team, clock):
    world = office_sla(db, team)
    tid = ticket(db, team, world["service_id"], "INC0043", FRIDAY, [("resolved", FRIDAY + hours(1), None)],
                 priority="P2")
    clock.set(datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    slack.command("clock INC0043")
    assert "1h of 8h used, resolution in time" in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:  # the sender corrects it: resolved on Tuesday at noon
        event = s.exec(select(TicketEvent).where(TicketEvent.ticket_id == tid, TicketEvent.kind == "resolved")).one()
        event.at, event.revision = datetime(2026, 12, 8, 12, 0, tzinfo=UTC), 2
        s.add(event)
    slack.command("clock INC0043")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "over by 5h (13h of 8h)" in shown and "Corrected by the sender" in shown and "version 2" in shown


def test_a_target_agreed_again_after_the_ticket_opened_recomputes_the_clock_and_says_what_changed(
        slack, sandbox, db, team, clock):
    """Both sides agree version 4 (resolution 8 -> 12 business hours) after the ticket opened: the clock counts it
    against 12h now, and says which version, when, and what changed since the version in force when it opened."""
    world = office_sla(db, team)  # versions 1 (the draft), 2 (response 1h), 3 (resolution 8h): 3 in force
    ticket(db, team, world["service_id"], "INC0044", FRIDAY, [("resolved", FRIDAY + hours(10), None)],
                 priority="P2")
    with db.session() as s:
        sm = manager(team, FRIDAY - hours(24))
        for side in ("provider", "counterparty"):  # version 3 was agreed the day before the ticket opened
            s.add(Signoff(team_id=team, agreement_id=world["agreement_id"], version=3, side=side, user_id=ALICE,
                          document_sha256="0" * 64, created_at=FRIDAY - hours(24), created_by=ALICE))
        sla = s.get(Agreement, world["agreement_id"])
        agreements.propose(s, sm, sla, targets.TargetChange(key="T2", kind="resolution", level="P2",
                                                            duration="12 business hours",
                                                            calendar_id=world["calendar_id"]), "more time", DOCS)
        agreed_at = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
        for side in ("provider", "counterparty"):
            s.add(Signoff(team_id=team, agreement_id=sla.id, version=4, side=side, user_id=ALICE,
                          document_sha256="0" * 64, created_at=agreed_at, created_by=ALICE))
        sla.agreed_version = 4
        s.add(sla)
    clock.set(datetime(2026, 12, 8, 12, 0, tzinfo=UTC))
    slack.command("clock INC0044")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "P2 resolution within 12 business hours" in shown and "resolution in time" in shown
    assert "Measured as agreed after it opened" in shown
    assert "SLA Acme Payroll version 4, agreed Mon 7 Dec 11:00: T2 P2 resolution: 8 business hours → 12 business hours" \
        in shown, shown


def test_an_unknown_ticket_and_a_ticket_no_target_applies_to(slack, sandbox, db, team, clock):
    world = office_sla(db, team)
    slack.command("clock NOPE-1")
    assert "I know no ticket “NOPE-1”" in text_of(sandbox.last_ephemeral(ALICE))
    ticket(db, team, world["service_id"], "INC9", FRIDAY, priority="P4")
    slack.command("clock inc9")
    assert "No SLA target in force applies to this ticket: no agreed SLA has a P4 target on Payroll" \
        in text_of(sandbox.last_ephemeral(ALICE))


def test_a_ticket_from_before_the_term_is_told_which_term_it_missed(slack, sandbox, db, team, clock):
    world = office_sla(db, team)  # in force 2026-01-01 to 2027-12-31, with P2 targets
    ticket(db, team, world["service_id"], "INC7", datetime(2025, 12, 1, 9, 0, tzinfo=UTC), priority="P2")
    slack.command("clock INC7")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    # not "none for P2 tickets on Payroll": there is one, and the ticket opened before it began
    assert "No SLA target in force applies to this ticket: it opened Mon 1 Dec 09:00, outside the term of " \
           "SLA Acme Payroll (2026-01-01 to 2027-12-31)." in shown
    assert "no agreed SLA has" not in shown


def test_the_clock_message_keeps_hostile_text_inert_and_within_limits():
    from bot.measurements.timeline import ClockView, Row

    rows = tuple(Row(EVIL[:60], "1h", n % 2 == 0, "paused: " + EVIL * 3) for n in range(40))
    views = [ClockView(EVIL, EVIL, "breached", EVIL, EVIL, rows, 12) for _ in range(9)]
    message = render_message("ticket_clock.yml.j2", tz="Europe/London", clocks=views, corrections=[EVIL] * 12,
                             agreed_since=[EVIL] * 7,
                             ticket={"ref": EVIL, "priority": "P1", "service": EVIL, "title": "x" * 3000,
                                     "opened": "Mon 7 Dec 09:00", "resolved": None})
    assert_valid_blocks(message)
    assert "and 3 more clocks" in text_of(message)
