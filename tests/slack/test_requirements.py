"""Service level requirements (6.2) through signed Slack requests: the interview, the quote, confirmation, listing."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot import service_map
from bot.workspace.actor import Actor
from messages.ids import Action, Block, Callback
from models import ContactRole, Requirement
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL, DAVE = "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"


@pytest.fixture
def acme(db, team):
    """Payroll, consumed by Acme Retail, whose managerial contact is Carol."""
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)
    with db.session() as s:
        payroll = service_map.add_service(s, admin, name="Payroll")
        acme = service_map.add_party(s, admin, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id="C0ACMESLA",
            contacts={ContactRole.MANAGERIAL: [CAROL], ContactRole.APPROVER: [CAROL]}))
        service_map.add_service(s, admin, name="Email")
    return {"service": payroll.id, "customer": acme.id}


def stored(db) -> list[Requirement]:
    with Session(db.engine) as s:
        return list(s.exec(select(Requirement).order_by(Requirement.number)))


def block_ids(view) -> list[str]:
    return [b.get("block_id") for b in view.view["blocks"]]


def start_interview(slack, sandbox, team, user, acme, role=None):
    slack.command("require Payroll", user=user)
    who = sandbox.open_modal(team, user)
    assert who.callback_id == Callback.REQ_WHO
    values = {Block.REQ_CUSTOMER: str(acme["customer"])}
    if role:
        values[Block.REQ_ROLE] = role
    assert slack.submit(who, values).ok
    return sandbox.open_modal(team, user)


def test_managerial_interview_follows_the_role_and_the_chosen_topics(slack, sandbox, db, team, acme):
    slack.command("require Payroll", user=CAROL)
    who = sandbox.open_modal(team, CAROL)
    assert Block.REQ_ROLE not in block_ids(who)  # the map knows Carol speaks for Acme as a manager
    customer = next(b for b in who.view["blocks"] if b.get("block_id") == Block.REQ_CUSTOMER)
    assert customer["element"]["initial_option"]["text"]["text"] == "Acme Retail"
    assert slack.submit(who).ok

    topics = sandbox.open_modal(team, CAROL)
    assert topics.callback_id == Callback.REQ_TOPICS
    offered = [o["value"] for b in topics.view["blocks"] if b.get("block_id") == Block.REQ_TOPICS
               for o in b["element"]["options"]]
    assert offered == ["outcome", "criticality", "hours_needed", "outage_cost", "good"]
    assert slack.submit(topics, {Block.REQ_TOPICS: ["criticality", "hours_needed", "outage_cost", "good"]}).ok

    details = sandbox.open_modal(team, CAROL)
    assert len(sandbox.modal_stack(team, CAROL)) == 3  # Slack's limit, exactly
    ids = block_ids(details)
    assert Block.REQ_OUTCOME not in ids and Block.REQ_P1_RESPONSE not in ids  # not chosen / not hers
    assert {Block.REQ_CRITICALITY, Block.REQ_HOURS_NEEDED, Block.REQ_OUTAGE_COST, Block.REQ_AVAILABILITY} <= set(ids)
    outcome = slack.submit(details, {
        Block.REQ_CRITICALITY: "critical", Block.REQ_HOURS_NEEDED: "Mon-Fri 8-18 Europe/London",
        Block.REQ_OUTAGE_COST: "20,000 EUR", Block.REQ_GOOD: "Payslips out on time, every time",
        Block.REQ_AVAILABILITY: "99,95 %", Block.REQ_PRIORITY: "must"})
    assert outcome.ok
    assert sandbox.modal_stack(team, CAROL) == []  # all three views closed

    reqs = stored(db)
    assert [(r.category, r.metric, r.target) for r in reqs] == [
        ("other", None, None),
        ("availability", "service_hours", "Mon-Fri 08:00-18:00 Europe/London"),
        ("other", "outage_cost", "20,000 EUR an hour"),
        ("other", None, None),
        ("availability", "availability", "99.95%"),
    ]
    assert reqs[3].statement == "What good looks like: Payslips out on time, every time"
    availability = reqs[4]
    assert availability.statement == "Available 99.95% of the time, monthly."
    assert (availability.period, availability.service_hours) == ("monthly", "Mon-Fri 08:00-18:00 Europe/London")
    assert {(r.said_by, r.said_role, r.created_by, r.source, r.status) for r in reqs} == {
        (CAROL, "managerial", CAROL, "form", "captured")}
    assert [r.number for r in reqs] == [1, 2, 3, 4, 5]

    confirmation = text_of(sandbox.last_ephemeral(CAROL))
    assert "Recorded 5 requirements for Payroll (Acme Retail)" in confirmation
    assert "Published comparables for `99.95%`:" in confirmation and "/slm benchmark availability" in confirmation
    assert "Confirm with requester" not in confirmation  # she is the requester


def test_operational_interview_asks_an_unknown_respondent_for_a_role_first(slack, sandbox, db, team, acme):
    slack.command("require", user=BOB)
    who = sandbox.open_modal(team, BOB)
    assert block_ids(who)[1:4] == [Block.REQ_SERVICE, Block.REQ_CUSTOMER, Block.REQ_ROLE]
    outcome = slack.submit(who, {Block.REQ_SERVICE: str(acme["service"]), Block.REQ_CUSTOMER: str(acme["customer"])})
    assert outcome.errors == {Block.REQ_ROLE: "Tell me whether you speak as a manager or as an operational user."}
    assert slack.submit(who, {Block.REQ_SERVICE: str(acme["service"]), Block.REQ_CUSTOMER: str(acme["customer"]),
                              Block.REQ_ROLE: "operational"}).ok
    topics = sandbox.open_modal(team, BOB)
    assert slack.submit(topics).ok  # every topic, as offered
    details = sandbox.open_modal(team, BOB)
    assert Block.REQ_P4_RESOLUTION in block_ids(details) and Block.REQ_GOOD not in block_ids(details)
    assert slack.submit(details, {
        Block.REQ_VOLUMES: "1,200 tickets/month", Block.REQ_PEAKS: "month end",
        Block.REQ_P1_RESPONSE: "15 min", Block.REQ_P1_RESOLUTION: "4 business hours",
        Block.REQ_P3_RESOLUTION: "2 business days", Block.REQ_SUPPORT_HOURS: "Mon-Fri 07:00-19:00",
        Block.REQ_MAINTENANCE: "Sun 02:00-04:00", Block.REQ_REPORTING: "Incidents by priority",
        Block.REQ_REPORTING_FREQUENCY: "quarterly", Block.REQ_PRIORITY: "should"}).ok

    reqs = stored(db)
    by_metric = {(r.metric, r.level): r for r in reqs}
    assert by_metric[("response_time", "P1")].target == "15m"
    assert by_metric[("resolution_time", "P1")].target == "4 business hours"
    assert by_metric[("resolution_time", "P3")].target == "2 business days"
    # Bob's profile says Europe/Paris, so hours without a zone are his.
    assert by_metric[("response_time", "P1")].service_hours == "Mon-Fri 07:00-19:00 Europe/Paris"
    assert by_metric[("support_hours", None)].target == "Mon-Fri 07:00-19:00 Europe/Paris"
    assert by_metric[("maintenance_window", None)].target == "Sun 02:00-04:00 Europe/Paris"
    assert by_metric[("volume", None)].statement == "Volume: 1,200 tickets/month; Peaks: month end."
    reporting = next(r for r in reqs if r.category == "reporting")
    assert (reporting.statement, reporting.period) == ("Incidents by priority", "quarterly")
    assert {r.said_role for r in reqs} == {"operational"} and {r.priority for r in reqs} == {"should"}
    confirmation = text_of(sandbox.last_ephemeral(BOB))
    assert "Published comparables for `15m`" in confirmation
    assert "(60h a week)" in confirmation  # support hours beside the published hours per week


@pytest.mark.parametrize("field,typed,expected", [
    (Block.REQ_P1_RESPONSE, "4 hrz", "I couldn't read \"4 hrz\" as a duration"),
    (Block.REQ_P2_RESOLUTION, "90", "For example: 90 min or 90h"),
    (Block.REQ_SUPPORT_HOURS, "Mon-Fri 08:00-18:00 Europe/Lodnon", "Europe/London"),
    (Block.REQ_MAINTENANCE, "sometimes", "as service hours"),
    (Block.REQ_VOLUMES, "lots", "as an amount"),
])
def test_unreadable_answers_are_shown_on_their_field_and_nothing_is_stored(slack, sandbox, db, team, acme,
                                                                          field, typed, expected):
    details = None
    slack.command("require Payroll", user=BOB)
    slack.submit(sandbox.open_modal(team, BOB), {Block.REQ_CUSTOMER: str(acme["customer"]), Block.REQ_ROLE: "operational"})
    slack.submit(sandbox.open_modal(team, BOB))
    details = sandbox.open_modal(team, BOB)
    outcome = slack.submit(details, {Block.REQ_P1_RESPONSE: "15 min", field: typed})
    assert list(outcome.errors) == [field]
    assert expected in outcome.errors[field] and "For example" in outcome.errors[field]
    assert sandbox.open_modal(team, BOB).id == details.id  # still open for correction
    assert stored(db) == []


def test_an_unreadable_percentage_names_an_example(slack, sandbox, db, team, acme):
    details = start_interview(slack, sandbox, team, CAROL, acme)
    slack.submit(details)  # the topics step, as offered
    details = sandbox.open_modal(team, CAROL)
    outcome = slack.submit(details, {Block.REQ_AVAILABILITY: "0.999"})
    assert "did you mean 99.9%" in outcome.errors[Block.REQ_AVAILABILITY].lower()
    outcome = slack.submit(details, {Block.REQ_AVAILABILITY: "", Block.REQ_OUTCOME: ""})
    assert outcome.errors == {Block.REQ_OUTCOME: "Answer at least one question, or cancel."}
    assert stored(db) == []


def test_unticking_every_topic_is_refused(slack, sandbox, team, acme):
    topics = start_interview(slack, sandbox, team, CAROL, acme)
    assert slack.submit(topics, {Block.REQ_TOPICS: []}).errors == {
        Block.REQ_TOPICS: "Choose at least one of these to talk about."}


def quote_and_open(slack, sandbox, team, text, author=CAROL, recorder=ALICE):
    message = slack.post_as_user("C0ACMESLA", text, user=author)
    slack.message_shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, message, user=recorder)
    return message, sandbox.open_modal(team, recorder)


def test_a_quoted_message_becomes_a_requirement_with_its_source(slack, sandbox, db, team, acme):
    message, who = quote_and_open(slack, sandbox, team, "We need P1 incidents fixed within 4 hours, <@U0BOB> agrees")
    assert "<@U0CAROL> wrote:\n>We need P1 incidents fixed within 4 hours, <@U0BOB> agrees" in text_of(who)
    assert Block.REQ_ROLE not in block_ids(who)  # the author is known to the map
    assert slack.submit(who, {Block.REQ_SERVICE: str(acme["service"])}).ok
    quote = sandbox.open_modal(team, ALICE)
    assert quote.callback_id == Callback.REQ_QUOTE
    category = next(b for b in quote.view["blocks"] if b.get("block_id") == Block.REQ_CATEGORY)
    assert category["element"]["initial_option"]["value"] == "resolution_time"  # guessed from "fixed"
    statement = next(b for b in quote.view["blocks"] if b.get("block_id") == Block.REQ_STATEMENT)
    assert statement["element"]["initial_value"].startswith("We need P1 incidents fixed within 4 hours")

    outcome = slack.submit(quote, {Block.REQ_TARGET: "4 hours"})
    assert outcome.errors == {Block.REQ_LEVEL: "Say which incident priority this time is for."}
    assert slack.submit(quote, {Block.REQ_TARGET: "4 hours", Block.REQ_LEVEL: "P1"}).ok

    [req] = stored(db)
    assert (req.said_by, req.said_role, req.created_by, req.source) == (CAROL, "managerial", ALICE, "message")
    assert req.source_permalink == f"{sandbox.base_url}/sandbox?channel=C0ACMESLA#p{message.ts}"  # the page, at it
    assert req.source_quote.startswith("We need P1 incidents fixed")
    assert (req.category, req.metric, req.level, req.target, req.period) == (
        "resolution_time", "resolution_time", "P1", "4h", "monthly")
    confirmation = sandbox.last_ephemeral(ALICE)
    assert confirmation.channel == "C0ACMESLA"
    assert "Confirm with requester" in text_of(confirmation)


def test_changing_the_kind_redraws_the_questions(slack, sandbox, team, acme):
    _, who = quote_and_open(slack, sandbox, team, "It must be up during office hours")
    slack.submit(who, {Block.REQ_SERVICE: str(acme["service"])})
    quote = sandbox.open_modal(team, ALICE)
    assert f"{Block.REQ_TARGET}.availability" in block_ids(quote)  # availability: a target percentage
    slack.click(Action.INPUT, view=quote, value="security", block_id=Block.REQ_CATEGORY)
    redrawn = sandbox.open_modal(team, ALICE)
    assert redrawn.id == quote.id
    assert not any(b.startswith(Block.REQ_TARGET) for b in block_ids(redrawn) if b)
    assert Block.REQ_PERIOD not in block_ids(redrawn)
    slack.click(Action.INPUT, view=redrawn, value="response_time", block_id=Block.REQ_CATEGORY)
    assert Block.REQ_LEVEL in block_ids(sandbox.open_modal(team, ALICE))
    assert f"{Block.REQ_TARGET}.response_time" in block_ids(sandbox.open_modal(team, ALICE))  # a time now: a new field


def test_the_requester_confirms_and_corrects_in_a_dm(slack, sandbox, db, team, acme):
    _, who = quote_and_open(slack, sandbox, team, "Payroll must be available 99.9% of the month")
    slack.submit(who, {Block.REQ_SERVICE: str(acme["service"])})
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_TARGET: "99.9%"}).ok
    slack.click(Action.REQ_ASK_REQUESTER, message=sandbox.last_ephemeral(ALICE))
    assert "Asked <@U0CAROL> to confirm requirement(s) #1." in text_of(sandbox.last_ephemeral(ALICE))
    [dm] = sandbox.dms(CAROL)
    assert "<@U0ALICE> recorded what you asked for *Payroll* (Acme Retail). Is this what you need?" in text_of(dm)
    assert "`99.9%` monthly" in text_of(dm)

    # Someone else cannot confirm on Carol's behalf.
    slack.click(Action.REQ_CONFIRM, message=dm, user=BOB)
    assert "Only <@U0CAROL>, who asked for it, can confirm requirement #1." in text_of(sandbox.last_ephemeral(BOB))
    assert stored(db)[0].status == "captured"

    slack.click(Action.REQ_CORRECT, message=dm, user=CAROL)
    correction = sandbox.open_modal(team, CAROL)
    assert correction.callback_id == Callback.REQ_CORRECT
    outcome = slack.submit(correction, {Block.REQ_TARGET: "three nines"})
    assert "as a percentage" in outcome.errors[Block.REQ_TARGET]
    assert stored(db)[0].target == "99.9%"
    assert slack.submit(correction, {Block.REQ_STATEMENT: "Available 99.95% of each month", Block.REQ_TARGET: "99.95"}).ok
    [req] = stored(db)
    assert (req.statement, req.target, req.status, req.confirmed_by) == (
        "Available 99.95% of each month", "99.95%", "clarified", CAROL)
    [dm] = sandbox.dms(CAROL)
    assert dm.edits == 1 and ":white_check_mark: Confirmed by <@U0CAROL>" in text_of(dm)
    notice = sandbox.dms(ALICE)[-1]
    assert "<@U0CAROL> corrected requirement #1: “Available 99.95% of each month (99.95%)”" in text_of(notice)


def test_confirm_marks_it_clarified(slack, sandbox, db, team, acme):
    _, who = quote_and_open(slack, sandbox, team, "Reports every month please")
    slack.submit(who, {Block.REQ_SERVICE: str(acme["service"])})
    slack.submit(sandbox.open_modal(team, ALICE))
    slack.click(Action.REQ_ASK_REQUESTER, message=sandbox.last_ephemeral(ALICE))
    slack.click(Action.REQ_CONFIRM, message=sandbox.dms(CAROL)[0], user=CAROL)
    [req] = stored(db)
    assert (req.category, req.status, req.confirmed_by, req.confirmed_at) == ("reporting", "clarified", CAROL, START)
    assert "confirmed requirement #1" in text_of(sandbox.dms(ALICE)[-1])


def record_quote(slack, sandbox, team, acme, text, author, target, level="P1"):
    _, who = quote_and_open(slack, sandbox, team, text, author=author)
    values = {Block.REQ_SERVICE: str(acme["service"]), Block.REQ_CUSTOMER: str(acme["customer"])}
    if author != CAROL:  # the map does not know Bob: he is asked his role
        values[Block.REQ_ROLE] = "operational"
    assert slack.submit(who, values).ok
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_TARGET: target, Block.REQ_LEVEL: level}).ok


def test_listing_groups_by_category_and_flags_conflicts_side_by_side(slack, sandbox, team, acme):
    record_quote(slack, sandbox, team, acme, "P1 fixed in 4 hours", CAROL, "4h")
    record_quote(slack, sandbox, team, acme, "P1 resolved within a working day please", BOB, "8 hours")
    record_quote(slack, sandbox, team, acme, "P2 fixed in 8 hours", BOB, "8h", level="P2")
    record_quote(slack, sandbox, team, acme, "P1 fixed in 240 minutes", CAROL, "240 min")  # the same as 4h
    slack.command("requirements payroll")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Requirements: Payroll" in shown and "*Resolution time*" in shown
    assert ":warning: *Conflicting asks*\n*P1 resolution time*: <@U0CAROL> (managerial) asks `4h` (#1) vs " \
           "<@U0BOB> (operational) asks `8h` (#2) vs <@U0CAROL> (managerial) asks `4h` (#4)" in shown
    assert "P2 resolution time" not in shown.split("*Resolution time*")[0]  # P2 has one ask: no conflict
    assert "*#3* P2 fixed in 8 hours\n`P2 8h` monthly\n_must_ · <@U0BOB> (operational) · captured" in shown
    slack.command("requirements Acme Retail")
    assert "Requirements: Acme Retail" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("requirements Nobody")
    assert "There is no service or party called “Nobody”" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("requirements Email")
    assert "None recorded yet" in text_of(sandbox.last_ephemeral(ALICE))


def test_decline_from_the_listing_needs_the_role_and_a_reason(slack, sandbox, db, team, acme):
    record_quote(slack, sandbox, team, acme, "P1 fixed in 1 hour", CAROL, "1h")
    slack.command("requirements Payroll", user=BOB)
    listing = sandbox.last_ephemeral(BOB)
    slack.click(Action.REQ_MENU, message=listing, value="decline:1", user=BOB)
    assert "Only a service manager or workspace admin can decline" in text_of(sandbox.last_ephemeral(BOB))
    assert sandbox.open_modal(team, BOB) is None

    slack.command("requirements Payroll")
    slack.click(Action.REQ_MENU, message=sandbox.last_ephemeral(ALICE), value="decline:1")
    decline = sandbox.open_modal(team, ALICE)
    assert slack.submit(decline, {Block.REQ_REASON: " "}).errors == {
        Block.REQ_REASON: "Say why it is declined; the customer will read this."}
    assert slack.submit(decline, {Block.REQ_REASON: "The network cannot carry a 1h fix"}).ok
    [req] = stored(db)
    assert (req.status, req.status_reason) == ("declined", "The network cannot carry a 1h fix")
    assert "declined your requirement #1" in text_of(sandbox.dms(CAROL)[-1])


def test_menu_asks_the_requester(slack, sandbox, team, acme):
    record_quote(slack, sandbox, team, acme, "P1 fixed in 1 hour", CAROL, "1h")
    slack.command("requirements Payroll")
    slack.click(Action.REQ_MENU, message=sandbox.last_ephemeral(ALICE), value="ask:1")
    assert "Is this what you need?" in text_of(sandbox.dms(CAROL)[-1])


def test_global_shortcut_and_an_empty_map(slack, sandbox, team):
    slack.shortcut(Callback.SHORTCUT_RECORD_REQUIREMENT, user=BOB)
    assert sandbox.open_modal(team, BOB) is None
    assert "`/slm service add`" in text_of(sandbox.dms(BOB)[-1])
    slack.command("require")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "/slm service add" in shown and "/slm party add customer" in shown


def test_global_shortcut_opens_the_interview(slack, sandbox, team, acme):
    slack.shortcut(Callback.SHORTCUT_RECORD_REQUIREMENT, user=CAROL)
    assert sandbox.open_modal(team, CAROL).callback_id == Callback.REQ_WHO


def test_benchmark_shows_published_ranges_with_sources(slack, sandbox):
    slack.command("benchmark availability")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Comparable targets: Availability" in shown and "Amazon Web Services" in shown and "typical" in shown
    slack.command("benchmark response time p1")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "Comparable targets: Response time P1" in shown and "P1 · " in shown
    slack.command("benchmark happiness")
    assert "I have no comparable data for “happiness”" in text_of(sandbox.last_ephemeral(ALICE))


def test_resolution_time_benchmarks_answer_with_their_sources(slack, sandbox):
    slack.command("benchmark resolution time P1")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "no comparable data" not in shown
    assert "Comparable targets: Resolution time P1" in shown and "https://kb.secureco.co/support-priority-definitions" in shown
    slack.command("benchmark resolution time P2")
    assert "Comparable targets: Resolution time P2" in text_of(sandbox.last_ephemeral(ALICE))


def test_the_message_shortcut_sends_the_message_as_slack_does(slack, sandbox, team, acme, monkeypatch):
    """The stand-in's message_action carries the message as Slack does: an app's message with its bot_id (so
    "Record as requirement" refuses it, as in Slack), a thread's parent with its replies counted, a reply with its
    parent's author; none of the stand-in's own bookkeeping."""
    sent: list[dict] = []
    post = slack._post_payload
    monkeypatch.setattr(slack, "_post_payload", lambda payload, **kw: sent.append(payload) or post(payload, **kw))
    _status, _headers, body = sandbox.call("chat.postMessage", {"channel": "C0ACMESLA",
                                                                "text": "Payroll is reviewed monthly"}, "xoxb-test")
    bot_said = next(m for m in sandbox.channel_messages("C0ACMESLA") if m.ts == body["ts"])
    reply = slack.post_as_user("C0ACMESLA", "We need it fixed within 4 hours", thread_ts=bot_said.ts)

    slack.message_shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, bot_said, user=ALICE)
    assert "posted by an app" in text_of(sandbox.last_ephemeral(ALICE))
    assert sandbox.open_modal(team, ALICE) is None
    parent = sent[-1]["message"]
    assert (parent["bot_id"], parent["thread_ts"], parent["reply_count"], parent["reply_users"]) == (
        "B0SLMBOT", bot_said.ts, 1, [CAROL])
    assert not {"channel", "via", "edits", "ephemeral_to", "metadata"} & set(parent)

    slack.message_shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, reply, user=ALICE)
    said = sent[-1]["message"]
    assert (said["user"], said["thread_ts"], said["parent_user_id"]) == (CAROL, bot_said.ts, "U0SLMBOT")
    assert "bot_id" not in said and "reply_count" not in said
