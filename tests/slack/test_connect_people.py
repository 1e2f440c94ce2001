"""Slack Connect (issue 16): a customer's own people, from their own workspace (Acme Corp), in the channel the sandbox's
workspace shares with them (#acme-connect). Named as their party's contacts by user id and workspace; they agree to
their SLA there as the customer's approver; they hold no role here, and their attempts at this workspace's commands
are refused with why. Signed requests into the real app, as Slack sends them for such a person (bot/sandbox/connect.py).
"""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot import cover as coverage
from bot import requirements, service_map
from bot.sandbox.connect import CONNECT_CHANNEL, CUSTOMER_APPROVER, CUSTOMER_MANAGER, CUSTOMER_TEAM
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from messages.ids import Action, Block, Callback
from models import (Agreement, AgreementVersion, AuditEvent, Contact, ContactRole, Member, Outbox, Party, RoleGrant, Signoff,
                    Source)
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB = "U0ALICE", "U0BOB"
ANN, MAX = CUSTOMER_APPROVER, CUSTOMER_MANAGER
NAME = "Acme Corp: Payroll"


@pytest.fixture
def acme(db, team):
    """Payroll for Acme Corp, whose own channel is #acme-connect (shared with Acme Corp's workspace); Alice a service
    manager; a requirement of theirs. Nobody of Acme Corp's is a contact yet."""
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        members.grant(s, admin, ALICE, "service_manager")
        payroll = service_map.add_service(s, admin, name="Payroll")
        acme = service_map.add_party(s, admin, service_map.PartyInput(kind="customer", name="Acme Corp",
                                                                      channel_id=CONNECT_CHANNEL, contacts={}))
        said = requirements.Said(user_id=ALICE, role=ContactRole.MANAGERIAL, source=Source.FORM)
        requirements.record(s, admin, payroll.id, acme.id, said, requirements.interview_drafts(
            "operational", ["incidents"], {"p1_resolution": "4h"}, default_tz="Europe/London"))
    return {"service": payroll.id, "customer": acme.id}


def name(slack, who: str, role: str, *, channel: str = CONNECT_CHANNEL, party: str = "", by: str = ALICE) -> None:
    slack.command(f"party contact <@{who}> {role} {party}".strip(), channel=channel, user=by)


def contacts(db) -> list[tuple[str, str, str | None]]:
    with Session(db.engine) as s:
        return sorted((c.user_id, c.role, c.user_team) for c in s.exec(select(Contact)))


def headline(sandbox):
    return next(m for m in sandbox.channel_messages(CONNECT_CHANNEL) if m.blocks and m.blocks[0]["type"] == "header")


def draft(slack, sandbox, team, acme):
    slack.command("sla new Acme Corp", channel=CONNECT_CHANNEL)
    modal = sandbox.open_modal(team, ALICE)
    assert modal.callback_id == Callback.AGREEMENT_DRAFT
    assert slack.submit(modal, {Block.AGR_NAME: NAME, Block.AGR_SERVICES: [str(acme["service"])]}).ok
    return headline(sandbox)


def waive_every_gap(db, team):
    """What underpins the SLA is not what these tests are about (tests/slack/test_coverage.py): waived."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START)
    with db.session() as s:
        sla = s.exec(select(Agreement)).one()
        for c in coverage.check_agreement(s, sla):
            for gap in c.gaps:
                coverage.waive(s, sm, c.target.id, coverage.gap_key(gap), "Covered by the network team's promise")


def test_a_service_manager_names_a_customers_own_person_in_the_shared_channel(slack, sandbox, db, acme):
    name(slack, ANN, "approver")
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "<@U0ACMEANN> is now Acme Corp's approver (from their own workspace, in this shared channel)." in said
    assert contacts(db) == [(ANN, "approver", CUSTOMER_TEAM)]  # recognised by user id AND workspace
    with Session(db.engine) as s:
        [named] = s.exec(select(AuditEvent).where(AuditEvent.action == "party.contact")).all()
    assert (named.actor, named.detail["user_id"], named.detail["user_team"]) == (ALICE, ANN, CUSTOMER_TEAM)
    # The bot asked Slack: who Ann is (her team), that this is the party's channel shared with it, that she is in it.
    assert [c["args"]["user"] for c in sandbox.calls_of("users.info") if c["args"]["user"] == ANN]
    assert sandbox.calls_of("conversations.info")[-1]["args"]["channel"] == CONNECT_CHANNEL
    assert sandbox.calls_of("conversations.members")[-1]["args"]["channel"] == CONNECT_CHANNEL

    # Elsewhere (a channel not shared with Acme Corp), a person of Acme Corp's is not named.
    name(slack, MAX, "managerial", channel="C0GENERAL", party="Acme Corp")
    assert "name them in Acme Corp's own channel, shared with their workspace" in text_of(sandbox.last_ephemeral(ALICE))
    # Someone of Acme Corp's who is not in the channel is not named either.
    sandbox.channels[CONNECT_CHANNEL]["members"].remove(MAX)
    name(slack, MAX, "managerial")
    assert "name them in Acme Corp's own channel" in text_of(sandbox.last_ephemeral(ALICE))
    # This workspace's own people are named as before, from anywhere, with no workspace of their own recorded.
    name(slack, BOB, "operational", channel="C0GENERAL", party="Acme Corp")
    assert contacts(db) == [(ANN, "approver", CUSTOMER_TEAM), (BOB, "operational", None)]
    # Only those who keep the map name contacts; Ann names nobody, herself included (she holds no role here).
    name(slack, ANN, "managerial", by=ANN)
    assert "You're from Acme Corp's workspace" in text_of(sandbox.last_ephemeral(ANN))
    assert contacts(db) == [(ANN, "approver", CUSTOMER_TEAM), (BOB, "operational", None)]


def test_the_customers_approver_agrees_in_the_shared_channel_from_their_own_workspace(slack, sandbox, db, team, acme):
    name(slack, ANN, "approver")
    top = draft(slack, sandbox, team, acme)
    assert top.channel == CONNECT_CHANNEL
    # Ann proposes a change from the shared channel: the modal opens in her own workspace, its submission says so.
    slack.click(Action.AGREEMENT_PROPOSE, message=top, user=ANN)
    modal = sandbox.open_modal(team, ANN)
    assert modal is not None, text_of(sandbox.last_ephemeral(ANN))
    assert slack.submit(modal, {Block.PROP_DURATION: "6 hours", Block.PROP_REASON: "Our night shift is thin"}).ok
    with Session(db.engine) as s:
        v2 = s.exec(select(AgreementVersion).where(AgreementVersion.number == 2)).one()
    assert v2.created_by == ANN and v2.changes == ["T1 P1 resolution: 4h → 6h"]

    # Max, also of Acme Corp's but not its approver, cannot agree; he is told why, in his words.
    top = headline(sandbox)
    slack.click(Action.AGREEMENT_AGREE, message=top, user=MAX)
    assert ("You're from Acme Corp's workspace: only an approver Acme Corp has named can agree to Acme Corp: Payroll "
            "for your side.") in text_of(sandbox.last_ephemeral(MAX))

    waive_every_gap(db, team)
    slack.click(Action.AGREEMENT_AGREE, message=top, user=ALICE)
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox), user=ANN)
    with Session(db.engine) as s:
        row = s.exec(select(Agreement)).one()
        signoffs = {(x.side, x.user_id, x.user_team) for x in s.exec(select(Signoff))}
        agreed = s.exec(select(AuditEvent).where(AuditEvent.action == "agreement.agree",
                                                 AuditEvent.actor == ANN)).one()
        ann = s.exec(select(Member).where(Member.user_id == ANN)).one()
    assert (row.status, row.agreed_version) == ("agreed", 2)
    # The sign-off is the host's record, with who agreed and the workspace they came from.
    assert signoffs == {("provider", ALICE, None), ("counterparty", ANN, CUSTOMER_TEAM)}
    assert (agreed.team_id, agreed.detail["actor_team"], agreed.detail["actor_team_name"]) == (team, CUSTOMER_TEAM,
                                                                                               "Acme Corp")
    assert (ann.home_team, ann.home_team_name, ann.is_admin) == (CUSTOMER_TEAM, "Acme Corp", False)
    with Session(db.engine) as s:  # the app has no Home in Acme Corp's workspace to refresh for Ann; Alice's is
        homes = {k.split(":")[1] for k in s.exec(select(Outbox.key).where(Outbox.key.startswith("home:")))}
    assert ALICE in homes and ANN not in homes
    news = [text_of(m) for m in sandbox.channel_messages(CONNECT_CHANNEL, thread_ts=top.ts) if not m.files]
    assert any("*Version 2 is agreed by both sides*" in n and "<@U0ACMEANN>" in n for n in news)


def test_a_contact_of_this_workspace_with_the_same_id_is_not_the_external_person(slack, sandbox, db, team, acme):
    """A contact row says whose person it is: one named as this workspace's is not Ann of Acme Corp's."""
    with db.session() as s:
        s.add(Contact(team_id=team, party_id=acme["customer"], user_id=ANN, role="approver", user_team=None,
                      created_at=START, created_by=ALICE))
    top = draft(slack, sandbox, team, acme)
    waive_every_gap(db, team)
    slack.click(Action.AGREEMENT_AGREE, message=top, user=ANN)
    assert "only an approver Acme Corp has named can agree" in text_of(sandbox.last_ephemeral(ANN))
    with Session(db.engine) as s:
        assert s.exec(select(Signoff)).all() == []


def test_an_external_person_is_refused_any_host_role_and_capability(slack, sandbox, db, team, acme):
    name(slack, ANN, "approver")
    # Ann is an admin of Acme Corp's workspace: that makes her nothing here.
    slack.command(f"role grant <@{ANN}> service-manager")
    refused = text_of(sandbox.last_ephemeral(ALICE))
    assert ("belongs to another workspace, so cannot hold a role in this one (they're from Acme Corp's workspace)"
            in refused)
    with Session(db.engine) as s:
        assert s.exec(select(RoleGrant).where(RoleGrant.user_id == ANN)).all() == []

    # Her own attempts: not a member's view of the map, not another customer's requirements, not a grant.
    for typed in ("map", "requirements Payroll", f"role grant <@{ANN}> service-manager", "service add Payroll",
                  "help"):
        slack.command(typed, user=ANN, channel=CONNECT_CHANNEL)
        said = text_of(sandbox.last_ephemeral(ANN))
        assert said.startswith("You're from Acme Corp's workspace: only this workspace's own people can use /slm"), typed
        assert "you can propose changes to your organisation's agreements and agree to them" in said
        assert sandbox.open_modal(team, ANN) is None
    assert "Payroll" not in "".join(text_of(m) for m in sandbox.ephemerals(ANN))  # nothing of the map shown
    with Session(db.engine) as s:
        assert s.exec(select(RoleGrant).where(RoleGrant.user_id == ANN)).all() == []
        assert {e.action for e in s.exec(select(AuditEvent).where(AuditEvent.actor == ANN))} == set()
    # A grant made to her before Slack said where she belongs counts for nothing, and ends.
    with db.session() as s:
        s.add(RoleGrant(team_id=team, user_id=MAX, role="service_manager", created_at=START, created_by=ALICE))
    slack.command("token new grafana", user=MAX, channel=CONNECT_CHANNEL)
    assert "You're from Acme Corp's workspace" in text_of(sandbox.last_ephemeral(MAX))
    with Session(db.engine) as s:
        assert s.exec(select(RoleGrant).where(RoleGrant.user_id == MAX)).all() == []


def test_an_external_requester_answers_the_requirement_dm(slack, sandbox, db, team, acme):
    """A requirement Ann asked for is put to her by DM (Slack allows it: she and the bot share #acme-connect), and
    her Confirm is recorded under this workspace's data, with the workspace she came from."""
    name(slack, ANN, "managerial")
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START)
    with db.session() as s:
        [req] = requirements.record(s, sm, acme["service"], acme["customer"],
                                    requirements.Said(ANN, ContactRole.MANAGERIAL, Source.FORM),
                                    requirements.interview_drafts("managerial", ["good"], {"availability": "99.9%"},
                                                                  default_tz="UTC"))
    slack.command("requirements Payroll")
    slack.click(Action.REQ_MENU, message=sandbox.last_ephemeral(ALICE), value=f"ask:{req.number}")
    assert f"Asked <@U0ACMEANN> to confirm requirement #{req.number}." in text_of(sandbox.last_ephemeral(ALICE))
    [dm] = sandbox.dms(ANN)
    assert slack.click(Action.REQ_CONFIRM, message=dm, user=ANN).ok
    with Session(db.engine) as s:
        confirmed = s.exec(select(AuditEvent).where(AuditEvent.action == "requirement.confirm")).one()
    assert (confirmed.actor, confirmed.team_id, confirmed.detail["actor_team"]) == (ANN, team, CUSTOMER_TEAM)
    assert ":white_check_mark: Confirmed by <@U0ACMEANN>" in text_of(sandbox.dms(ANN)[0])


def test_a_page_button_runs_no_listing_for_an_external_person(slack, sandbox, db, team, acme):
    """A list's Next button carries the command it runs again: pressed by Ann (or crafted), it shows her nothing."""
    from handlers.paging import value

    posted = sandbox._chat_postMessage({"channel": CONNECT_CHANNEL, "text": "a list", "blocks": [
        {"type": "actions", "elements": [{"type": "button", "action_id": Action.LIST_NEXT, "value": value("map", 20),
                                          "text": {"type": "plain_text", "text": "Next"}}]}]})
    message = next(m for m in sandbox.messages if m.ts == posted["ts"])
    slack.click(Action.LIST_NEXT, message=message, user=ANN)
    assert "You're from Acme Corp's workspace: only this workspace's own people can use /slm map here." in \
        text_of(sandbox.last_ephemeral(ANN))
    assert "Payroll" not in "".join(text_of(m) for m in sandbox.messages if m.ephemeral_to == ANN or m.edits)


def test_a_customers_own_person_picked_in_the_party_form_is_recorded_as_of_their_workspace(slack, sandbox, db, team,
                                                                                           acme):
    """The new user's walk: Max (Acme Corp's workspace) picked as approver in *Add a party* was stored as one of this
    workspace's, so his *Agree* was refused. Slack's profile says where he is from: the contact is recorded so."""
    slack.command("party add customer Globex", channel=CONNECT_CHANNEL)
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.PARTY_CHANNEL: CONNECT_CHANNEL,
                                                          Block.CONTACTS_APPROVER: [MAX]}).ok
    assert (MAX, "approver", CUSTOMER_TEAM) in contacts(db)
    with Session(db.engine) as s:
        globex = s.exec(select(Party).where(Party.name == "Globex")).one()
        max_ = Actor(team_id=team, user_id=MAX, roles=frozenset(), now=START, home_team=CUSTOMER_TEAM)
        host = Actor(team_id=team, user_id=MAX, roles=frozenset(), now=START)
        assert service_map.contact_roles(s, max_, globex.id) == {"approver"}
        assert service_map.contact_roles(s, host, globex.id) == set()  # a host person with his id is not him
