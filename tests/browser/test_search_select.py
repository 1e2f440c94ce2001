"""A searching select (external_select) on the sandbox page: past 100 services the link form's service select
searches; typing asks the bot (a signed block_suggestion through the stand-in), the answer is listed, and the option
chosen reaches the bot in the view's state as Slack sends it."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlmodel import Session, select

from bot.sandbox.workspace import SANDBOX_TEAM
from models import Party, Service, ServiceLink
from tests.browser.person import Person
from tests.conftest import START

ALICE = "U0ALICE"


def test_choosing_a_service_among_many_by_typing(app, page):
    app.ui("command", user=ALICE, channel="C0GENERAL", text="/slm role grant <@U0ALICE|alice> service-manager")
    with Session(app.db.engine) as s:  # a map too big for a plain select: rows, as a big workspace has them
        for i in range(120):
            s.add(Service(team_id=SANDBOX_TEAM, name=f"Service {i:04d}", name_key=f"service {i:04d}",
                          created_at=START, created_by=ALICE))
        s.add(Party(team_id=SANDBOX_TEAM, kind="customer", name="Acme Retail", name_key="acme retail",
                    created_at=START, created_by=ALICE))
        s.commit()

    alice = Person(page, app.base_url).open(ALICE)
    alice.type("/slm link")
    alice.expect_modal("Link to a service")
    service = alice.field("Service")
    expect(service.locator("input[type=search]")).to_be_visible()
    alice.shot("a searching select")

    options = alice.search("Service", "service 011")
    assert [o["text"]["text"] for o in options] == [f"Service {i:04d}" for i in range(110, 120)]
    expect(service.locator("select option", has_text="Service 0117")).to_have_count(1)
    expect(service.locator("select option", has_text="Service 0001")).to_have_count(0)
    alice.choose("Service", "Service 0117")
    alice.shot("chosen from what was typed")
    alice.choose("Customer, support group or supplier", "Acme Retail")
    alice.choose("Activities conducted over this link", "incident handling")
    alice.submit()

    with Session(app.db.engine) as s:
        link = s.exec(select(ServiceLink)).one()
        assert s.get(Service, link.service_id).name == "Service 0117"


def test_a_searching_select_shows_the_headings_the_bot_groups_its_options_under(app, page):
    """Slack shows an answer's option groups under their headings; the page did too little: it listed the options
    flat, so that a customer and a support group named alike (or four OLAs' "T1 P1 …") could not be told apart."""
    app.ui("command", user=ALICE, channel="C0GENERAL", text="/slm role grant <@U0ALICE|alice> service-manager")
    with Session(app.db.engine) as s:  # past 100 parties: the link form's party select searches
        s.add(Service(team_id=SANDBOX_TEAM, name="Payroll", name_key="payroll", created_at=START, created_by=ALICE))
        for i in range(110):
            s.add(Party(team_id=SANDBOX_TEAM, kind="customer", name=f"Client {i:04d}", name_key=f"client {i:04d}",
                        created_at=START, created_by=ALICE))
        s.add(Party(team_id=SANDBOX_TEAM, kind="customer", name="Globex Retail", name_key="globex retail",
                    created_at=START, created_by=ALICE))
        s.add(Party(team_id=SANDBOX_TEAM, kind="support_group", name="Globex Desk", name_key="globex desk",
                    created_at=START, created_by=ALICE))
        s.commit()

    alice = Person(page, app.base_url).open(ALICE)
    alice.type("/slm link Payroll")
    alice.expect_modal("Link to a service")
    party = alice.field("Customer, support group or supplier")
    expect(party.locator("input[type=search]")).to_be_visible()
    alice.search("Customer, support group or supplier", "globex")
    expect(party.locator('optgroup[label="Customer"] option')).to_have_text(["Globex Retail"])
    expect(party.locator('optgroup[label="Support group"] option')).to_have_text(["Globex Desk"])
    alice.shot("options under their headings")
    alice.choose_containing("Customer, support group or supplier", "Globex Desk", group="Support group")
    alice.choose("Activities conducted over this link", "incident handling")
    alice.submit()

    with Session(app.db.engine) as s:
        link = s.exec(select(ServiceLink).join(Service).where(Service.name == "Payroll")).one()
        assert s.get(Party, link.party_id).name == "Globex Desk"
