"""A service review through the sandbox page in a real browser, as the people in it would go through it:
the service manager proposes the cadence -> the customer's approver accepts it in the SLA's thread -> the service
manager asks for the pack of the coming review -> the customer says something in the pack's thread -> the service
manager records it as a decision with the message shortcut -> the approver may not close the review, the service
manager does, and the minutes follow."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect
from sqlmodel import select

from models import Review, ReviewNote
from tests.browser.person import Person

RAW = re.compile(r"\bU0[A-Z]+\b|\bC0[A-Z]+\b|<@|<#|<!")


def rows(app, model):
    with app.db.session() as s:
        return list(s.exec(select(model).order_by(model.id)))


def no_raw_ids(where) -> None:
    text = where.inner_text()
    assert not RAW.search(text), f"raw ids or mrkdwn shown to a person: {RAW.search(text).group(0)!r} in {text!r}"


def test_a_review_from_cadence_to_minutes(page, app):
    me = Person(page, app.base_url).open("U0ALICE", "C0ACMESLA")
    # -- an SLA in force between Payroll's provider (Alice, a service manager) and Acme Retail (Carol approves)
    me.type("/slm role grant @alice service-manager")
    me.type("/slm service add Payroll")
    me.expect_modal("Add a service")
    me.submit()
    me.type("/slm party add customer Acme Retail")
    me.expect_modal("Add a party")
    me.choose("Approver contacts", "Carol Customer")
    me.choose("Channel for this party", "#acme-sla")
    me.submit()
    me.type("/slm link Payroll")
    me.expect_modal("Link to a service")
    me.choose("Customer, support group", "Acme Retail")
    me.choose("Activities conducted", "incident handling")
    me.submit()
    me.type("/slm sla new Acme Retail")
    me.expect_modal("New SLA")
    me.fill("Name", "Acme Payroll")
    me.choose("Services", "Payroll")
    me.choose("Negotiate in", "#acme-sla")
    me.submit()
    me.press(me.message("SLA: Acme Payroll"), "Agree to version 1")
    me.become("Carol Customer")
    me.go("acme-sla")
    me.press(me.message("SLA: Acme Payroll"), "Agree to version 1")
    me.become("Alice Admin")
    me.go("acme-sla")
    headline = me.message("SLA: Acme Payroll")
    expect(headline).to_contain_text("review cadence not agreed")

    # -- Alice proposes the reviews: once a year, three days from now (so the coming review is this week's)
    day = datetime.now(timezone.utc).date() + timedelta(days=3)
    me.type("/slm review cadence Acme Payroll")
    me.expect_modal("Propose the reviews")
    me.fill("How often", f"RRULE:FREQ=YEARLY;BYMONTH={day.month};BYMONTHDAY={day.day};BYHOUR=10;BYMINUTE=0")
    me.choose("Format", "Call")
    me.choose("Review channel", "#acme-sla")
    me.shot("propose the reviews")
    me.submit()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    proposal = headline.locator(".thread .msg").filter(has_text="proposed how Acme Payroll is reviewed")
    expect(proposal).to_contain_text("Waiting for an approver of Acme Retail")
    expect(me.message("Proposed how Acme Payroll is reviewed")).to_contain_text("Carol Customer")  # told, and who's next
    no_raw_ids(proposal)
    me.shot("proposed")

    # -- Carol, the customer's approver, accepts it in the SLA's thread
    me.become("Carol Customer")
    me.go("acme-sla")
    headline = me.message("SLA: Acme Payroll")
    me.press(headline.locator(".thread .msg").filter(has_text="proposed how Acme Payroll is reviewed"), "Accept")
    accepted = headline.locator(".thread .msg").filter(has_text="accepted revision 1")
    expect(accepted).to_contain_text("Next review")
    expect(headline).to_contain_text("Reviewed:")
    no_raw_ids(accepted)
    me.shot("accepted")
    [review] = rows(app, Review)
    assert review.scheduled_for.date() == day and review.status == "scheduled" and review.pack_key is None

    # -- Alice asks for the pack: the coming review's own, whose thread is the review's discussion
    me.become("Alice Admin")
    me.go("acme-sla")
    me.type("/slm review pack Acme Payroll")
    pack = me.message("Review pack: Acme Payroll")
    expect(pack.get_by_role("button", name="Close review")).to_be_visible()
    expect(pack).to_contain_text("This thread is the review's discussion")
    expect(me.message("Posted the review pack")).to_contain_text("It is the pack of the review of")
    expect(pack.locator(".thread")).to_contain_text("review pack")  # the document, in its thread
    no_raw_ids(pack)
    me.shot("the pack")

    # -- Carol says something in the pack's thread
    me.become("Carol Customer")
    me.go("acme-sla")
    pack = me.message("Review pack: Acme Payroll")
    reply = pack.locator("input[data-thread]")
    reply.fill("We move the month-end payroll run to Thursdays from January.")
    with page.expect_response(lambda r: r.url.endswith("/sandbox/ui/post")):
        reply.press("Enter")
    said = pack.locator(".thread .msg").filter(has_text="month-end payroll run")
    expect(said).to_contain_text("Carol Customer")

    # -- Alice records it as a decision, with the message shortcut on Carol's reply
    me.become("Alice Admin")
    me.go("acme-sla")
    said = me.message("Review pack: Acme Payroll").locator(".thread .msg").filter(has_text="month-end payroll run")
    said.hover()
    said.locator("button.more").click()
    with page.expect_response(lambda r: r.url.endswith("/sandbox/ui/shortcut")) as resp:
        page.locator("#menu").get_by_text("Record in the review").click()
    assert resp.value.json().get("ok"), resp.value.json()
    me.expect_modal("Record in the review")
    expect(me.field("What was decided")).to_be_visible()
    expect(me.field("What was decided").locator("textarea")).to_have_value(
        "We move the month-end payroll run to Thursdays from January.")
    # the SLA has no targets yet: the form says a remedial action would have none to improve, and offers no empty
    # select (Slack refuses one); asked for an action anyway, it says so on the choice
    expect(me.modal).to_contain_text("has no targets yet")
    expect(me.field("The target it should improve")).to_have_count(0)
    me.field("Record it as").locator("label", has_text="A remedial action").click()
    refused = me.submit(ok=False)
    assert "no targets yet" in " ".join(refused["errors"].values()), refused
    expect(me.field("Record it as")).to_contain_text("record this as a decision")
    me.field("Record it as").locator("label", has_text="A decision").click()
    me.shot("record in the review")
    me.submit()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    pack = me.message("Review pack: Acme Payroll")
    expect(pack.locator(".thread")).to_contain_text("recorded a decision of the review")
    [note] = rows(app, ReviewNote)
    assert (note.kind, note.text) == ("decision", "We move the month-end payroll run to Thursdays from January.")

    # -- Carol may not close the review, and is told who may; Alice closes it, and the minutes follow
    me.become("Carol Customer")
    me.go("acme-sla")
    me.press(me.message("Review pack: Acme Payroll"), "Close review")
    expect(page.locator("#modal-overlay")).to_be_hidden()
    expect(page.locator("#messages > .msg").last).to_contain_text("Only a service manager")
    me.become("Alice Admin")
    me.go("acme-sla")
    me.press(me.message("Review pack: Acme Payroll"), "Close review")
    me.expect_modal("Close review")
    expect(me.modal).to_contain_text("We move the month-end payroll run")
    me.shot("close review")
    me.submit()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    pack = me.message("Review pack: Acme Payroll")
    expect(pack).to_contain_text("Closed by @Alice Admin")
    expect(pack.get_by_role("button", name="Close review")).to_have_count(0)
    expect(pack.locator(".thread")).to_contain_text("1 decision and 0 actions recorded")
    expect(pack.locator(".thread")).to_contain_text("Minutes of the Acme Payroll review")
    no_raw_ids(pack)
    pack.locator(".thread").scroll_into_view_if_needed()
    me.shot("closed")
    [review] = rows(app, Review)
    assert review.status == "closed"
