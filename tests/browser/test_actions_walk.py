"""Actions through the sandbox page in a real browser, as the people in them would go through them: a service
manager records an action for Bob with `/slm action new` -> Bob finds it on his App Home and in `/slm actions mine`
-> he presses Start, then Done with a note… -> `/slm actions #1` shows it done with his note; and what Alice, Carol
(the customer it is agreed with) and Dave (nobody in it) see of it on the way."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from models import Action
from tests.browser.person import Person
from tests.browser.test_review_walk import no_raw_ids


def test_an_action_from_recorded_to_done_with_a_note(page, app):
    me = Person(page, app.base_url).open("U0ALICE", "C0ACMESLA")
    me.type("/slm role grant @alice service-manager")
    me.type("/slm party add customer Acme Retail")
    me.expect_modal("Add a party")
    me.choose("Approver contacts", "Carol Customer")
    me.choose("Channel for this party", "#acme-sla")
    me.submit()

    # -- Alice records an action for Bob, agreed with Acme Retail
    me.type("/slm action new")
    me.expect_modal("New action")
    expect(me.field("Owner")).not_to_contain_text("optional")  # it is required: the form does not say otherwise
    expect(me.field("Due")).not_to_contain_text("optional")
    me.fill("What is to be done", "Add a second payroll export server")
    me.choose("Owner", "Bob Ops")
    me.choose("Agreed with", "Acme Retail")
    me.shot("new action")
    me.submit()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    recorded = me.message("Recorded action #1")
    expect(recorded).to_contain_text("for @Bob Ops")
    no_raw_ids(recorded)
    me.type("/slm actions")
    listed = me.message("Open actions")
    expect(listed).to_contain_text("owner @Bob Ops · agreed with Acme Retail")
    no_raw_ids(listed)

    # -- Dave, in none of it, sees it listed but may not move it
    me.become("Dave Supplier")
    me.go("acme-sla")
    me.type("/slm actions Acme Retail")
    theirs = me.message("Open actions agreed with Acme Retail")
    expect(theirs).to_contain_text("Add a second payroll export server")
    expect(theirs.get_by_role("button")).to_have_count(0)

    # -- Bob finds it on his App Home, with its Done, and in /slm actions mine with every button
    me.become("Bob Ops")
    with page.expect_response(lambda r: r.url.endswith("/sandbox/ui/home")):
        page.locator("#home-entry").click()
    expect(page.locator("#pane-title")).to_contain_text("App Home")
    home = page.locator("#messages")
    expect(home).to_contain_text("Your actions")
    expect(home).to_contain_text("#1 Add a second payroll export server")
    expect(home).to_contain_text("Everyone's open actions")  # the workspace's, below his own: not a second "yours"
    no_raw_ids(home)
    me.shot("bob's home")
    me.go("acme-sla")
    me.type("/slm actions mine")
    mine = me.message("Your open actions")
    expect(mine).to_contain_text("open · owner @Bob Ops")
    for button in ("Done", "Start", "Done with a note…", "Cancel…"):
        expect(mine.get_by_role("button", name=button, exact=True)).to_be_visible()

    # -- Start: said at once, with the buttons still to press beside the answer
    me.press(mine, "Start")
    started = me.message("Action #1 is in progress")
    expect(started).to_contain_text("in progress · owner @Bob Ops")
    expect(started.get_by_role("button", name="Start")).to_have_count(0)
    me.shot("started")

    # -- Done with a note…: the note is kept, and the listing shows it done with it
    me.press(started, "Done with a note…")
    me.expect_modal("Action done")
    me.fill("What was done", "Second server racked and exporting since this morning.")
    me.submit()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    expect(me.message("Action #1 is done")).to_be_visible()
    me.type("/slm actions mine")
    expect(me.message("Your open actions")).to_contain_text("No open actions.")
    me.type("/slm actions #1")
    one = me.message("Action #1")
    expect(one).to_contain_text("Second server racked and exporting since this morning.")
    expect(one).to_contain_text("done ")
    expect(one.get_by_role("button")).to_have_count(0)
    no_raw_ids(one)
    me.shot("done with its note")
    with page.expect_response(lambda r: r.url.endswith("/sandbox/ui/home")):
        page.locator("#home-entry").click()
    expect(page.locator("#messages")).to_contain_text("None of yours is open.")
    with app.db.session() as s:
        [action] = list(s.exec(select(Action)))
    assert (action.status, action.closing_note) == ("done", "Second server racked and exporting since this morning.")

    # -- Carol, the customer's approver, sees it done with the note too; a number nobody has is said so
    me.become("Carol Customer")
    me.go("acme-sla")
    me.type("/slm actions #1")
    expect(me.message("Action #1")).to_contain_text("Second server racked")
    me.type("/slm actions #99")
    expect(me.message("Action #99")).to_contain_text("There is no action #99.")

    # -- Alice looks at the relationship: with nothing measured, it has no verdict, and no chart is promised
    me.become("Alice Admin")
    me.go("acme-sla")
    me.type("/slm relationship Acme Retail")
    view = me.message("Relationship: Acme Retail")
    expect(view).to_contain_text("No verdict")
    said = me.message("Posted the relationship view")
    expect(said).to_contain_text("no chart, as none of its targets is measured yet")
    expect(said).not_to_contain_text("the chart is in its thread")
    no_raw_ids(view)
