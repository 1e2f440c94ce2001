"""The sandbox page lets a person act as someone of the customer's own workspace (Slack Connect, issue 16): Ann of
Acme Corp, in #acme-connect, the channel the sandbox's workspace shares with Acme Corp. The page sends what Slack
sends for her (her own team in `user.team_id`; a modal opened in her workspace), and shows what the bot answers."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from messages.ids import Block
from models import AgreementVersion, Contact
from tests.browser.person import Person
from tests.browser.world import payroll_sla

ALICE, ANN = "U0ALICE", "U0ACMEANN"
SHARED = "C0ACMECONN"


@pytest.fixture(scope="module")
def world(app):
    """Payroll for Acme Corp, whose channel is #acme-connect; Ann (of Acme Corp's workspace) named its approver there;
    a requirement, and an SLA drafted into the shared channel: through the page's JSON endpoints."""
    return payroll_sla(app, "Acme Corp", SHARED, {Block.PARTY_CHANNEL: SHARED},
                       commands_after_party=("/slm party contact <@U0ACMEANN|ann> approver",))


def test_a_person_acts_as_the_customers_own_person_in_the_shared_channel(page, world):
    me = Person(page, world.base_url).open(ALICE, SHARED)
    expect(me.page.locator("#channel-list")).to_contain_text("acme-connect (shared)")
    me.become("Ann Approver (Acme Corp, external)")
    expect(me.page.locator("#user-picker")).to_have_value(ANN)
    # Ann sees the channel shared with her workspace and her DM with the bot, none of the host's own channels.
    channels = me.page.locator("#channel-list button")
    expect(channels).to_have_count(2)
    expect(channels.first).to_have_text(re.compile(r"acme-connect \(shared\)"))
    channels.first.click()
    expect(me.page.locator("#pane-title")).to_contain_text("acme-connect")
    me.shot("Ann in the shared channel")

    # She proposes a change to her SLA from the thread's headline: the modal is hers, and what she submits counts.
    me.press(me.message("SLA: Acme Payroll"), "Propose change")
    me.expect_modal("Propose a change")
    me.fill("Within", "6h")
    me.fill("Why", "Our night shift is thin")
    me.shot("Ann proposes")
    me.submit()
    with world.db.session() as s:
        v2 = s.exec(select(AgreementVersion).where(AgreementVersion.number == 2)).one()
        ann = s.exec(select(Contact).where(Contact.user_id == ANN)).one()
    assert v2.created_by == ANN and v2.changes[0].endswith("4h → 6h")
    assert (ann.role, ann.user_team) == ("approver", "T0ACMECORP")

    # A command of the host's is refused, in her words.
    me.type("/slm map")
    expect(me.page.locator("#messages")).to_contain_text(
        "You're from Acme Corp's workspace: only this workspace's own people can use /slm map here.")
    me.shot("Ann refused the map")
