"""Complaints and relationship owners (issue 17) through signed Slack requests into the real app, the reminders'
sweep and the outbox with the frozen clock: recorded by command and by the message shortcut, the relationship
owner told first, escalated to the service managers once when the answer is late (and not when it came in time),
answered then closed with the outcome by those who may, and listed a page at a time."""
from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace as NS

import pytest
from sqlmodel import select

from bot import agreements, complaints, delivery, reminders, service_map
from bot.agreements import targets
from bot.workspace import roles
from bot.workspace.actor import Actor
from messages.ids import Action, Block, Callback
from models import AuditEvent, Complaint, ContactRole, Outbox, Party, Reminder
from tests.breach_world import make
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL, DAVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"  # admin, service manager, Acme's, a colleague
ACME_CHANNEL = "C0ACMESLA"
# START is Monday 2 March 2026 09:00 UTC (the organisation's zone is UTC): five working days on, Monday to Friday,
# the answer is due Monday 9 March 09:00 UTC.
DUE = START + timedelta(days=7)


@pytest.fixture
def acme(db, team, harness_clean):
    """Payroll, consumed by Acme Retail (#acme-sla, Carol its approver) under the SLA "Acme Payroll"; Bob is the
    service manager, Alice a workspace admin."""
    keeper = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        roles.grant(s, keeper, BOB, "service_manager")
        payroll = service_map.add_service(s, keeper, name="Payroll")
        customer = service_map.add_party(s, keeper, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id=ACME_CHANNEL, contacts={ContactRole.APPROVER: [CAROL]}))
        sla = make(s, keeper, agreements.AgreementKind.SLA, "Acme Payroll", customer, payroll,
                   [targets.TargetChange(key=None, kind="resolution", level="P1", duration="4h")])
        return NS(customer=customer.id, service=payroll.id, sla=sla.id)


def stored(db) -> list[Complaint]:
    with db.session() as s:
        return list(s.exec(select(Complaint).order_by(Complaint.number)))


def initial(view, block_id: str):
    element = next(b for b in view.view["blocks"] if b.get("block_id") == block_id)["element"]
    return element.get("initial_option", {}).get("value") or element.get("initial_user") or element.get("initial_value")


def record(slack, sandbox, team, user: str, words: str, service=None) -> None:
    assert slack.command("complaint Acme Retail", user=user).ok
    form = sandbox.open_modal(team, user)
    values = {Block.COMPLAINT_TEXT: words, Block.COMPLAINT_COMPLAINANT: CAROL}
    if service:
        values[Block.COMPLAINT_SERVICE] = str(service)
    assert slack.submit(form, values).ok


def send(harness, at) -> None:
    """What the scheduler does each minute: the reminders that fell due, then the outbox."""
    harness.deps.clock.set(at)
    reminders.sweep_due(harness.deps.db, at)
    delivery.deliver_pending(harness.deps, harness.deps.client)


def test_a_complaint_recorded_by_command_tells_the_relationship_owner_first(slack, sandbox, db, team, acme):
    assert slack.command(f"party owner Acme Retail <@{DAVE}>", user=ALICE).ok
    assert "owns the relationship with Acme Retail" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("map Acme Retail", user=CAROL)
    assert f"Relationship owner: <@{DAVE}>" in text_of(sandbox.last_ephemeral(CAROL))

    # Carol speaks for the customer: a customer's own people may record a complaint.
    assert slack.command("complaint Acme Retail", user=CAROL).ok
    form = sandbox.open_modal(team, CAROL)
    assert form.callback_id == Callback.COMPLAINT_FORM
    assert initial(form, Block.COMPLAINT_CUSTOMER) == str(acme.customer)
    # Who complained is chosen, not filled in with whoever opened the form (they may be recording for someone else).
    assert initial(form, Block.COMPLAINT_COMPLAINANT) is None
    outcome = slack.submit(form, {Block.COMPLAINT_TEXT: "", Block.COMPLAINT_SERVICE: str(acme.service)})
    assert outcome.errors == {Block.COMPLAINT_TEXT: "Say what the complaint is.", Block.COMPLAINT_COMPLAINANT:
                              "Choose who complained: the customer's person who made the complaint."}
    assert stored(db) == []
    assert slack.submit(form, {Block.COMPLAINT_SERVICE: str(acme.service), Block.COMPLAINT_COMPLAINANT: CAROL,
                               Block.COMPLAINT_TEXT: "Payslips were two days late in February"}).ok

    [row] = stored(db)
    assert (row.number, row.customer_id, row.service_id, row.agreement_id) == (1, acme.customer, acme.service, acme.sla)
    assert (row.complainant, row.created_by, row.owner_user_id, row.status) == (CAROL, CAROL, DAVE, "open")
    assert row.due_at == DUE  # Mon 2 Mar 09:00 + 5 working days (Tue, Wed, Thu, Fri, Mon) = Mon 9 Mar 09:00
    assert "Complaint #1 is recorded; the answer is due by 2026-03-09 09:00 UTC" in text_of(
        sandbox.last_ephemeral(CAROL))
    with db.session() as s:
        queued = [o.key for o in s.exec(select(Outbox).where(Outbox.key.startswith("complaint:")).order_by(Outbox.id))]
        assert queued[0] == f"complaint:{row.id}:recorded:owner:{DAVE}"  # the relationship owner, first
        [late] = s.exec(select(Reminder).where(Reminder.kind == "complaint.late")).all()
        assert (late.key, late.due_at, late.status) == (f"complaint:{row.id}:late", DUE, "pending")
        [audited] = s.exec(select(AuditEvent).where(AuditEvent.action == "complaint.record")).all()
        assert audited.after["text"].startswith("sha256:")  # the customer's words are not in the trail
        assert "two days late" not in str([e.after for e in s.exec(select(AuditEvent))])
        owner_set = s.exec(select(AuditEvent).where(AuditEvent.action == "party.owner")).one()
        assert (owner_set.before, owner_set.after) == ({"owner_user_id": None}, {"owner_user_id": DAVE})
    [told] = [text_of(m) for m in sandbox.dms(DAVE)]
    assert "You own the relationship with *Acme Retail*" in told and "complaint *#1*" in told
    assert "Payslips were two days late in February" in told and "2026-03-09 09:00 UTC" in told


def test_record_as_complaint_quotes_the_message_links_it_and_names_its_author(slack, sandbox, db, team, acme):
    message = slack.post_as_user(ACME_CHANNEL, "The payroll export failed again and nobody told us", user=CAROL)
    slack.message_shortcut(Callback.SHORTCUT_COMPLAINT_FROM_MESSAGE, message, user=ALICE)
    form = sandbox.open_modal(team, ALICE)
    assert "<@U0CAROL> wrote:\n>The payroll export failed again and nobody told us" in text_of(form)
    assert initial(form, Block.COMPLAINT_CUSTOMER) == str(acme.customer)  # the customer whose channel it is
    assert initial(form, Block.COMPLAINT_COMPLAINANT) == CAROL  # the message's author
    assert initial(form, Block.COMPLAINT_TEXT) == "The payroll export failed again and nobody told us"
    assert slack.submit(form, {}).ok

    [row] = stored(db)
    assert (row.complainant, row.created_by, row.service_id, row.agreement_id) == (CAROL, ALICE, None, None)
    assert row.source_permalink == f"{sandbox.base_url}/sandbox?channel={ACME_CHANNEL}#p{message.ts}"
    assert row.owner_user_id is None  # Acme Retail has no relationship owner yet: the reply says how to name one
    assert "It has no owner: name the customer's relationship owner with `/slm party owner`" in text_of(
        sandbox.last_ephemeral(ALICE))

    bot_said = slack.post_as_user(ACME_CHANNEL, "An alert", user=CAROL)
    bot_said.user, bot_said.via = None, "bot"
    slack.message_shortcut(Callback.SHORTCUT_COMPLAINT_FROM_MESSAGE, bot_said, user=ALICE)
    assert "posted by an app, not a person" in text_of(sandbox.last_ephemeral(ALICE))


def test_a_late_answer_is_escalated_to_the_service_managers_once_and_an_answer_in_time_is_not(
        slack, sandbox, db, team, acme, harness_clean):
    record(slack, sandbox, team, CAROL, "Payslips were late", acme.service)      # #1: never answered
    record(slack, sandbox, team, CAROL, "The helpdesk hung up on me", acme.service)  # #2: answered on Tuesday
    send(harness_clean, START + timedelta(days=1))
    slack.command("complaints open", user=BOB)
    listing = sandbox.last_ephemeral(BOB)
    buttons = [b for b in listing.blocks if b["type"] == "actions"]
    answer_2 = next(b for b in buttons if b["elements"][0]["value"] == "2")
    slack.click(Action.COMPLAINT_ANSWER, message=listing, block_id=answer_2["block_id"], user=BOB)
    assert slack.submit(sandbox.open_modal(team, BOB), {Block.COMPLAINT_ANSWER: "We apologised and called back"}).ok

    def escalations() -> list[str]:
        return [text_of(m) for m in sandbox.dms(BOB) if "was due an answer" in text_of(m)]

    send(harness_clean, DUE - timedelta(seconds=1))
    assert escalations() == []
    send(harness_clean, DUE)
    [told] = escalations()
    assert "Complaint *#1*" in told and "Its owner" not in told and "It has no owner" in told
    send(harness_clean, DUE + timedelta(hours=1))  # the next minutes' sweeps: nothing more
    assert len(escalations()) == 1 and ALICE not in [m.channel for m in sandbox.messages if "was due" in m.text]
    with db.session() as s:
        rows = {r.key: r.status for r in s.exec(select(Reminder).where(Reminder.kind == "complaint.late"))}
    first, second = stored(db)
    assert rows == {f"complaint:{first.id}:late": "sent", f"complaint:{second.id}:late": "cancelled"}
    assert first.escalated_at == DUE and second.escalated_at is None


def test_answered_by_its_owner_then_closed_by_a_service_manager_with_the_outcome(slack, sandbox, db, team, acme):
    assert slack.command(f"party owner Acme Retail <@{DAVE}>", user=ALICE).ok
    record(slack, sandbox, team, CAROL, "Payslips were late", acme.service)

    slack.command("complaints", user=DAVE)  # Dave owns it: he may answer it, though he is no service manager
    mine = sandbox.last_ephemeral(DAVE)
    assert slack.click(Action.COMPLAINT_ANSWER, message=mine, user=CAROL).ok  # Carol complained; she does not answer
    assert ("Only complaint #1's owner or a service manager can answer or close a complaint"
            in text_of(sandbox.last_ephemeral(CAROL)))
    assert sandbox.open_modal(team, CAROL) is None
    slack.click(Action.COMPLAINT_ANSWER, message=mine, user=DAVE)
    form = sandbox.open_modal(team, DAVE)
    assert form.callback_id == Callback.COMPLAINT_ANSWER_FORM
    assert slack.submit(form, {Block.COMPLAINT_ANSWER: ""}).errors == {
        Block.COMPLAINT_ANSWER: "Say what the customer was answered."}
    assert slack.submit(form, {Block.COMPLAINT_ANSWER: "The run now starts a day earlier"}).ok
    assert "Complaint #1 is answered." in text_of(sandbox.last_ephemeral(DAVE))

    slack.command("complaints Acme Retail", user=BOB)
    listed = sandbox.last_ephemeral(BOB)
    assert "*Answer:* The run now starts a day earlier" in text_of(listed)
    assert ", answered 2026-03-02" in text_of(listed) and "answer due" not in text_of(listed)  # answered at START
    slack.command("complaints open", user=BOB)  # answered is not closed: still open, with its Close…
    still_open = sandbox.last_ephemeral(BOB)
    assert "*#1*" in text_of(still_open) and [e["action_id"] for b in still_open.blocks if b["type"] == "actions"
                                              for e in b["elements"]] == [Action.COMPLAINT_CLOSE]
    assert [e["action_id"] for b in listed.blocks if b["type"] == "actions" for e in b["elements"]] == [
        Action.COMPLAINT_CLOSE]  # answered: only Close… is left
    slack.click(Action.COMPLAINT_CLOSE, message=listed, user=BOB)
    assert slack.submit(sandbox.open_modal(team, BOB), {Block.COMPLAINT_OUTCOME: "Customer satisfied"}).ok

    [row] = stored(db)
    assert (row.status, row.answer, row.answered_by, row.outcome, row.closed_by) == (
        "closed", "The run now starts a day earlier", DAVE, "Customer satisfied", BOB)
    slack.command("complaints Acme Retail", user=BOB)
    closed = sandbox.last_ephemeral(BOB)
    assert "*Outcome:* Customer satisfied" in text_of(closed) and not [b for b in closed.blocks if b["type"] == "actions"]
    assert ", closed 2026-03-02" in text_of(closed) and "answer due" not in text_of(closed)
    slack.command("complaints open", user=BOB)
    assert "No open complaints." in text_of(sandbox.last_ephemeral(BOB))
    with db.session() as s:
        moves = [(e.action, (e.before or {}).get("status"), e.after.get("status")) for e in s.exec(
            select(AuditEvent).where(AuditEvent.entity == "complaint").order_by(AuditEvent.seq))]
        assert moves == [("complaint.record", None, "open"), ("complaint.answer", "open", "answered"),
                         ("complaint.close", "answered", "closed")]


def test_complaints_are_listed_a_page_at_a_time(slack, sandbox, db, team, acme):
    carol = Actor(team_id=team, user_id=CAROL, now=START)
    with db.session() as s:
        for n in range(12):
            complaints.record(s, carol, complaints.ComplaintInput(customer_id=acme.customer, service_id=None,
                                                                  complainant=CAROL, text=f"Complaint text {n + 1}"))
    slack.command("complaints", user=BOB)
    first = sandbox.last_ephemeral(BOB)
    shown = text_of(first)  # newest first: #12 to #3, then how many more
    assert "*#12*" in shown and "*#3*" in shown and "*#2*" not in shown
    assert "Showing 1–10 of 12 complaints: …and 2 more." in shown
    assert slack.click(Action.LIST_NEXT, message=first, user=BOB).ok
    second = sandbox.last_ephemeral(BOB)
    assert "*#2*" in text_of(second) and "*#1*" in text_of(second) and "*#3*" not in text_of(second)
    assert "Showing 11–12 of 12 complaints." in text_of(second)
    slack.command("complaints", user=DAVE)  # neither a service manager, nor in any of them: none are his to read
    assert "No complaints." in text_of(sandbox.last_ephemeral(DAVE)) and "Complaint text" not in text_of(
        sandbox.last_ephemeral(DAVE))
    slack.command("complaints open", user=CAROL)  # she made them all: hers to read, not to answer
    assert "Showing 1–10 of 12 complaints" in text_of(sandbox.last_ephemeral(CAROL))
    assert not [b for b in sandbox.last_ephemeral(CAROL).blocks if b["type"] == "actions" and any(
        e["action_id"] in (Action.COMPLAINT_ANSWER, Action.COMPLAINT_CLOSE) for e in b["elements"])]
    slack.command("complaints Nobody Ltd", user=BOB)
    assert "There is no customer called “Nobody Ltd”" in text_of(sandbox.last_ephemeral(BOB))


def test_a_bank_holiday_in_the_organisations_working_calendar_moves_the_answer_due_a_working_day_on(
        slack, sandbox, db, team, acme, harness_clean):
    """Recorded Thu 30 Apr 2026 10:00 UTC, 5 working days. Monday to Friday: Fri 1, Mon 4, Tue 5, Wed 6, Thu 7 May:
    due Thu 7 May 10:00. In "UK office" (GB-ENG holidays), Mon 4 May is the Early May bank holiday: Fri 1, Tue 5,
    Wed 6, Thu 7, Fri 8 May: due Fri 8 May 10:00, one working day later."""
    from bot.calendars import records as calendar_records
    slack.command("settings working_calendar UK office", user=ALICE)  # no calendar yet: says which command adds one
    assert "There is no calendar called “UK office”. Add one with /slm calendar add." in text_of(
        sandbox.last_ephemeral(ALICE))
    keeper = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        calendar_records.add(s, keeper, name="UK office", hours="Mon-Fri 09:00-17:30 Europe/London",
                             holidays_country="GB", holidays_subdiv="ENG")
    recorded_at = START.replace(month=4, day=30, hour=10)
    harness_clean.deps.clock.set(recorded_at)
    record(slack, sandbox, team, CAROL, "Payslips were late", acme.service)  # #1: Monday to Friday
    assert slack.command("settings working_calendar No such calendar", user=ALICE).ok
    assert "There is no calendar called “No such calendar”. Calendars: UK office." in text_of(
        sandbox.last_ephemeral(ALICE))
    assert slack.command("settings working_calendar uk office", user=ALICE).ok
    record(slack, sandbox, team, CAROL, "The helpdesk hung up on me", acme.service)  # #2: in UK office's days
    assert "the answer is due by 2026-05-08 10:00 UTC" in text_of(sandbox.last_ephemeral(CAROL))

    thursday, friday = recorded_at + timedelta(days=7), recorded_at + timedelta(days=8)
    first, second = stored(db)
    assert (first.due_at, second.due_at) == (thursday, friday)

    def escalated() -> list[str]:
        return [text_of(m) for m in sandbox.dms(BOB) if "was due an answer" in text_of(m)]

    send(harness_clean, thursday)
    [told] = escalated()
    assert "Complaint *#1*" in told
    send(harness_clean, friday - timedelta(seconds=1))
    assert len(escalated()) == 1  # #2 is not late yet: the bank holiday was not a working day
    send(harness_clean, friday)
    assert "Complaint *#2*" in escalated()[1]

    # The setting names the calendar: renaming it keeps it named; removing it is refused while the setting uses it.
    assert slack.command('calendar rename "UK office" UK head office', user=ALICE).ok
    slack.command("settings working_calendar", user=ALICE)
    assert "UK head office" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("calendar remove UK head office", user=ALICE)
    assert "the working_calendar setting still uses it" in text_of(sandbox.last_ephemeral(ALICE))


def test_a_working_calendar_not_found_names_ten_calendars_and_counts_the_rest(slack, sandbox, db, team, acme):
    from bot.calendars import records as calendar_records
    keeper = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        for n in range(1, 14):  # Office 01 .. Office 13
            calendar_records.add(s, keeper, name=f"Office {n:02d}", hours="Mon-Fri 09:00-17:00 Europe/London")
    assert slack.command("settings working_calendar Head office", user=ALICE).ok
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert ("There is no calendar called “Head office”. Calendars: Office 01, Office 02, Office 03, Office 04, "
            "Office 05, Office 06, Office 07, Office 08, Office 09, Office 10 and 3 more (/slm calendar list shows "
            "them all).") in said


def test_a_calendar_removed_while_the_working_calendar_is_set_to_it_is_refused_not_left_named(
        slack, sandbox, db, team, acme):
    import threading

    from bot.calendars import records as calendar_records
    from bot.workspace import settings as workspace_settings
    from models import Calendar

    if not db.url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time: the remove waits for the setting, so there is no race")
    keeper = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        calendar_records.add(s, keeper, name="UK office", hours="Mon-Fri 09:00-17:30 Europe/London")
    slack.command("calendar remove UK office", user=ALICE)
    question = sandbox.last_ephemeral(ALICE)
    assert "Remove the calendar *UK office*?" in text_of(question)
    remove = threading.Thread(target=lambda: slack.click(Action.REMOVE_CONFIRM, message=question, user=ALICE))
    with db.session() as s:  # the setting is being changed to name it, not yet committed, as Remove is pressed
        workspace_settings.set_value(s, keeper, "working_calendar", "UK office")
        remove.start()
        remove.join(timeout=2)  # (with the calendar locked the remove waits for this: it cannot finish before it)
    remove.join(timeout=30)
    assert not remove.is_alive()
    assert "the working_calendar setting still uses it" in text_of(sandbox.last_ephemeral(ALICE))
    with db.session() as s:
        assert s.exec(select(Calendar.name)).all() == ["UK office"]


def test_a_calendar_renamed_while_the_working_calendar_is_set_to_it_stays_named(slack, sandbox, db, team, acme):
    import threading

    from bot.calendars import records as calendar_records
    from bot.workspace import settings as workspace_settings

    if not db.url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time: the rename waits for the setting, so there is no race")
    keeper = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        calendar_records.add(s, keeper, name="UK office", hours="Mon-Fri 09:00-17:30 Europe/London")
    rename = threading.Thread(target=lambda: slack.command('calendar rename "UK office" UK head office', user=ALICE))
    with db.session() as s:  # the setting is being changed to name it, not yet committed, as it is renamed
        workspace_settings.set_value(s, keeper, "working_calendar", "UK office")
        rename.start()
        rename.join(timeout=2)  # (with the calendar locked the rename waits for this: it cannot finish before it)
    rename.join(timeout=30)
    assert not rename.is_alive()
    with db.session() as s:
        assert workspace_settings.get(s, team, "working_calendar") == "UK head office"
