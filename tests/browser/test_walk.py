"""The whole job of a service manager, through the sandbox page in a real browser:
map -> interview -> SLA -> OLA and UC with targets -> underpin -> tree -> propose -> agree."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import select

from models import Agreement, Party, Requirement, Service, Signoff, Target, TargetLink
from tests.browser.person import Person


def rows(app, model):
    with app.db.session() as s:
        return list(s.exec(select(model).order_by(model.id)))


def test_the_whole_job_through_the_page(page, app):
    me = Person(page, app.base_url).open("U0ALICE", "C0ACMESLA")
    me.shot("the page")
    # -- the map
    me.type("/slm role grant @alice service-manager")
    me.type("/slm service add Payroll")
    me.expect_modal("Add a service")
    me.fill("What it does", "Pays everyone, monthly")
    me.shot("add a service")
    me.submit()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    for kind, name, approver in (("customer", "Acme Retail", "Carol Customer"), ("group", "Network group", "Bob Ops"),
                                 ("supplier", "Carrier X", "Dave Supplier")):
        me.type(f"/slm party add {kind} {name}")
        me.expect_modal("Add a party")
        me.choose("Approver contacts", approver)
        if kind == "customer":
            me.choose("Channel for this party", "#acme-sla")
        me.shot(f"add {name}")
        me.submit()
    me.type("/slm link Payroll")
    me.expect_modal("Link to a service")
    me.shot("link")
    assert [s.name for s in rows(app, Service)] == ["Payroll"]
    assert sorted(p.name for p in rows(app, Party)) == ["Acme Retail", "Carrier X", "Network group"]
    me.choose("Customer, support group", "Acme Retail")
    me.choose("Activities conducted", "incident handling")
    me.submit()
    for party in ("Network group", "Carrier X"):
        me.type("/slm link Payroll")
        me.expect_modal("Link to a service")
        me.choose("Customer, support group", party)
        me.choose("Activities conducted", "incident handling")
        me.submit()
    me.type("/slm map Payroll")
    expect(me.message("Consumed by")).to_contain_text("Acme Retail")
    me.shot("the map")

    # -- the interview, as an operational user of Acme Retail
    me.type("/slm require Payroll")
    me.expect_modal("Record a requirement")
    me.choose("For which customer?", "Acme Retail")
    me.field("You speak for the customer as").locator("label.choice", has_text="An operational user").click()
    me.submit()
    expect(me.field("Topics")).to_be_visible()
    me.shot("interview topics")
    me.submit()
    expect(me.field("P1 (critical): resolution within")).to_be_visible()
    me.fill("P1 (critical): resolution within", "4h")
    me.shot("interview questions")
    me.submit()
    expect(page.locator("#modal-overlay")).to_be_hidden()
    [asked] = rows(app, Requirement)
    assert (asked.level, asked.target, asked.said_role) == ("P1", "4h", "operational")

    # -- the SLA, drafted from it and posted in #acme-sla
    me.type("/slm sla new Acme Retail")
    me.expect_modal("New SLA")
    me.fill("Name", "Acme Payroll")
    me.choose("Services", "Payroll")
    me.choose("Negotiate in", "#acme-sla")
    me.shot("new SLA")
    me.submit()
    expect(me.message("Acme Payroll")).to_be_visible()
    me.shot("SLA posted")

    # -- an OLA and a contract, each given a target through "Propose change" -> "Add a target"
    for kind, party, title, channel, within in (("ola", "Network group", "New OLA", "#network-team", "1h"),
                                                 ("uc", "Carrier X", "New contract", "#network-team", "2h")):
        me.type(f"/slm {kind} new {party}")
        me.expect_modal(title)
        me.fill("Name", f"{party} {kind.upper()}")
        me.choose("Services", "Payroll")
        me.choose("Negotiate in", channel)
        if kind == "uc":
            me.fill("Contract reference", "CX-114")
        me.submit()
        me.go("network-team")
        headline = me.message(f"{party} {kind.upper()}")
        me.press(headline, "Propose change")
        me.expect_modal("Propose a change")
        me.choose("Kind of target", "Time to resolve, per priority", redraws=True)
        expect(me.field("Within")).to_be_visible()  # the questions followed the kind chosen
        me.choose("Incident priority", "P1")
        me.fill("Within", within)
        me.fill("Why", "What we can do today")
        me.shot(f"{kind} target")
        me.submit()
        expect(page.locator("#modal-overlay")).to_be_hidden()
        me.go("acme-sla")
    by_name = {a.name: a for a in rows(app, Agreement)}
    assert by_name["Network group OLA"].latest_version == 2 and by_name["Carrier X UC"].latest_version == 2
    assert {(t.agreement_id, t.kind, t.level, t.duration) for t in rows(app, Target)} >= {
        (by_name["Network group OLA"].id, "resolution", "P1", "1h"), (by_name["Carrier X UC"].id, "resolution", "P1", "2h")}

    # -- underpin the SLA's target: the OLA first, then the contract
    for leg, stage in (("Network group OLA", "1"), ("Carrier X UC", "2")):
        me.type("/slm underpin Acme Payroll")
        me.expect_modal("Underpin a target")
        me.choose_containing("SLA target", "T1")
        me.choose_containing("Beneath it", "T1", group=leg)
        me.choose_containing("Stage", stage)
        me.shot(f"underpin {leg}")
        me.submit()
    assert len(rows(app, TargetLink)) == 2

    # -- the tree
    me.type("/slm tree Acme Payroll")
    tree = me.message("What underpins Acme Payroll")
    expect(tree).to_contain_text("stage 1: T1")
    expect(tree).to_contain_text("stage 2: T1")
    expect(tree).to_contain_text("at risk")
    me.shot("the tree")

    # -- propose: T1 from 4h to 6h, on the SLA's headline
    me.press(me.message("SLA: Acme Payroll"), "Propose change")
    me.expect_modal("Propose a change")
    me.choose_containing("What do you want to change?", "T1", redraws=True)  # wait for the redraw before typing
    me.fill("Within", "6h")
    me.fill("Why", "Our night shift is thin")
    me.shot("propose")
    me.submit()
    sla = next(a for a in rows(app, Agreement) if a.name == "Acme Payroll")
    assert sla.latest_version == 2

    # -- agree: the provider's service manager, then the customer's approver
    me.press(me.message("Agree to version 2"), "Agree to version 2")
    me.become("Carol Customer")
    me.go("acme-sla")
    me.press(me.message("Agree to version 2"), "Agree to version 2")
    me.shot("agreed")
    sla = next(a for a in rows(app, Agreement) if a.name == "Acme Payroll")
    assert sla.status == "agreed"
    assert {s.version for s in rows(app, Signoff) if s.agreement_id == sla.id} == {2}
