"""Issue 11: `/slm record`: an outage or a ticket recorded by hand, through the modal."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlmodel import select

from messages import render, render_message
from messages.ids import Block
from models.measurements import Outage, Ticket, TicketEvent
from tests.api.conftest import ALICE, BOB
from tests.conftest import START
from tests.helpers import assert_valid_blocks, text_of


def options(view, block) -> dict[str, str]:
    """A select's options, by the text shown: the value the driver sends."""
    element = next(b for b in view.view["blocks"] if b.get("block_id") == block)["element"]
    return {o["text"]["text"]: o["value"] for o in element["options"]}


def test_an_outage_recorded_while_it_goes_on_is_given_its_end_later(slack, sandbox, db, team, services):
    slack.command("record outage")
    view = sandbox.open_modal(team, ALICE)
    assert "Record a measurement" in str(view.view["title"])
    outcome = slack.submit(values={Block.REC_SERVICE: options(view, Block.REC_SERVICE)["Email"],
                                   Block.REC_START_DATE: "2026-03-02", Block.REC_START_TIME: "08:15",
                                   Block.REC_IMPACT: "degraded", Block.REC_REFERENCE: "mail-slow",
                                   Block.REC_SUMMARY: "Mail queue slow"})
    assert outcome.ok, outcome.errors
    told = text_of(sandbox.last_ephemeral(ALICE))
    assert "Recorded the degradation of *Email*" in told and "still going on" in told and "mail-slow" in told
    with db.session() as s:
        row = s.exec(select(Outage)).one()
    assert (row.external_id, row.source, row.impact, row.ended_at) == ("mail-slow", "manual", "degraded", None)
    assert row.started_at == START - timedelta(minutes=45)  # 08:15 in London, GMT in March
    slack.command("record")
    view = sandbox.open_modal(team, ALICE)
    slack.submit(values={Block.REC_WHAT: "outage", Block.REC_SERVICE: options(view, Block.REC_SERVICE)["Email"],
                         Block.REC_START_DATE: "2026-03-02", Block.REC_START_TIME: "08:15",
                         Block.REC_END_DATE: "2026-03-02", Block.REC_END_TIME: "08:50",
                         Block.REC_IMPACT: "degraded", Block.REC_REFERENCE: "mail-slow",
                         Block.REC_SUMMARY: "Mail queue slow"})
    assert "Updated the degradation of *Email*" in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        row = s.exec(select(Outage)).one()
    assert (row.ended_at, row.revision) == (START - timedelta(minutes=10), 2)


def test_a_ticket_recorded_by_hand_is_its_events(slack, sandbox, db, team, services):
    slack.command("record ticket")
    view = sandbox.open_modal(team, ALICE)
    outcome = slack.submit(values={Block.REC_SERVICE: options(view, Block.REC_SERVICE)["Payroll"],
                                   Block.REC_PRIORITY: "P2", Block.REC_GROUP: options(view, Block.REC_GROUP)["Network group"],
                                   Block.REC_START_DATE: "2026-02-27", Block.REC_START_TIME: "16:00",
                                   Block.REC_END_DATE: "2026-03-02", Block.REC_END_TIME: "08:30",
                                   Block.REC_SUMMARY: "Payslips not sent"})
    assert outcome.ok, outcome.errors
    with db.session() as s:
        ticket = s.exec(select(Ticket)).one()
        kinds = sorted(e.kind for e in s.exec(select(TicketEvent)))
    assert ticket.external_id.startswith("MANUAL-") and ticket.priority == "P2" and ticket.source == "manual"
    assert ticket.opened_at == datetime(2026, 2, 27, 16, tzinfo=timezone.utc)
    assert ticket.resolved_at == START - timedelta(minutes=30) and ticket.assigned_group_id is not None
    assert kinds == ["opened", "resolved"]
    assert ticket.external_id in text_of(sandbox.last_ephemeral(ALICE))


def test_a_ticket_recorded_while_open_is_said_to_be_open_not_going_on(slack, sandbox, db, team, services):
    slack.command("record ticket")
    view = sandbox.open_modal(team, ALICE)
    outcome = slack.submit(values={Block.REC_SERVICE: options(view, Block.REC_SERVICE)["Payroll"],
                                   Block.REC_PRIORITY: "P1", Block.REC_START_DATE: "2026-03-02",
                                   Block.REC_START_TIME: "08:00", Block.REC_REFERENCE: "INC100"})
    assert outcome.ok, outcome.errors
    told = text_of(sandbox.last_ephemeral(ALICE))
    assert "the P1 ticket *INC100* on *Payroll*" in told and "and still open." in told and "going on" not in told


def test_bad_input_is_shown_on_its_field_and_nothing_is_stored(slack, sandbox, db, team, services):
    slack.command("record")
    view = sandbox.open_modal(team, ALICE)
    payroll = options(view, Block.REC_SERVICE)["Payroll"]
    outcome = slack.submit(values={Block.REC_WHAT: "ticket", Block.REC_SERVICE: payroll,
                                   Block.REC_START_DATE: "2026-03-02", Block.REC_START_TIME: "10:00",
                                   Block.REC_END_DATE: "2026-03-02"})
    assert outcome.errors == {Block.REC_START_DATE: "That is still to come: record what has happened.",
                              Block.REC_END_DATE: "Give both the day and the time.",
                              Block.REC_PRIORITY: "Choose the ticket's priority."}
    outcome = slack.submit(values={Block.REC_WHAT: "outage", Block.REC_SERVICE: payroll,
                                   Block.REC_START_DATE: "2026-03-02", Block.REC_START_TIME: "08:00",
                                   Block.REC_END_DATE: "2026-03-02", Block.REC_END_TIME: "07:00"})
    assert outcome.errors == {Block.REC_END_DATE: "The end must come after the start."}
    with db.session() as s:
        assert s.exec(select(Outage)).all() == [] and s.exec(select(Ticket)).all() == []


def test_only_service_managers_and_admins_record(slack, sandbox, team, services):
    slack.command("record", user=BOB)
    assert "Only a" in text_of(sandbox.last_ephemeral(BOB)) and sandbox.open_modal(team, BOB) is None


def test_with_no_service_on_the_map_it_says_what_to_do_first(slack, sandbox, team):
    slack.command("record")
    assert "/slm service add" in text_of(sandbox.last_ephemeral(ALICE)) and sandbox.open_modal(team, ALICE) is None


def test_the_record_form_and_its_answer_show_hostile_text_as_typed():
    from bot.measurements.manual import Recorded

    hostile = "<!channel> *bold* `tick` _pay_ ~roll~ " + "x" * 3000
    form = render("record_form.yml.j2", what="ticket", services=[(i, f"{hostile[:100]}{i}") for i in range(100)],
                  groups=[(1, hostile[:120])], priorities=[("P1", "P1")], today="2026-03-02", tz="Europe/London",
                  private_metadata="{}")
    assert_valid_blocks(form, view=True)
    at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    for what, end in (("outage", None), ("ticket", at)):
        message = render_message("measurement_recorded.yml.j2",
                                 r=Recorded(what, hostile[:120], hostile[:120], at, end, "stored", "P1"))
        assert_valid_blocks(message)
