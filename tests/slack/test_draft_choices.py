"""A draft that chooses between conflicting asks says which it took and why; a proposal keeps response before
resolution (issue 9, item 5)."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot import requirements, service_map
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from messages.ids import Block
from models import ContactRole, Source, Target
from tests.conftest import START
from tests.helpers import text_of
from tests.slack.test_agreements import CHANNEL, draft, propose, versions

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"


@pytest.fixture
def acme(db, team):
    """Carol "should" have P1 resolution in 1h, Bob "must" have it in 4h; both "must" have a P1 response, 30 min
    and 15 min."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        members.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id=CHANNEL,
            contacts={ContactRole.MANAGERIAL: [CAROL], ContactRole.APPROVER: [CAROL], ContactRole.OPERATIONAL: [BOB]}))
        for who, role, answers, priority in (
                (CAROL, ContactRole.MANAGERIAL, {"p1_resolution": "1h", "p1_response": "30 min"}, None),
                (BOB, ContactRole.OPERATIONAL, {"p1_resolution": "4h"}, "must"),
                (BOB, ContactRole.OPERATIONAL, {"p1_response": "15 min"}, "must")):
            drafts = requirements.interview_drafts("operational", ["incidents"], answers, default_tz="UTC")
            if who == CAROL:
                drafts[1].priority = requirements.Priority.SHOULD  # the resolution time is only a "should"
            requirements.record(s, sm, payroll.id, acme.id, requirements.Said(who, role, Source.FORM), drafts)
    return {"service": payroll.id, "customer": acme.id}


def test_the_draft_says_which_ask_it_took_and_why(slack, sandbox, db, team, acme):
    _, replies = draft(slack, sandbox, team, acme)
    with Session(db.engine) as s:
        taken = {(t.kind, t.duration) for t in s.exec(select(Target))}
    assert taken == {("response", "15m"), ("resolution", "4h")}
    note = text_of(replies[0])
    assert "#1 P1 incidents: response within 30m. _(T1 takes #4's 15m (must) instead of 30m (must): the stricter of " \
           "2 “must” asks)_" in note
    assert "#2 P1 incidents: resolution within 1h. _(T2 takes #3's 4h (must) instead of 1h (should): a “must” comes " \
           "before a “should”)_" in note


def test_a_proposal_keeps_response_before_resolution(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    outcome = propose(slack, sandbox, team, ALICE, {Block.PROP_DURATION: "8h", Block.PROP_REASON: "Fewer staff"})
    assert outcome.errors == {f"{Block.PROP_DURATION}.T1": "A P1 response of 8h would come after the P1 resolution of 4h: a "
                                                          "ticket is responded to before it is resolved. (T2 says 4h.)"}
    outcome = propose(slack, sandbox, team, ALICE, {Block.PROP_DURATION: "10 min", Block.PROP_REASON: "Tighter"},
                      change="target:T2")
    assert outcome.errors == {f"{Block.PROP_DURATION}.T2": "A P1 response of 15m would come after the P1 resolution of 10m: a "
                                                          "ticket is responded to before it is resolved. (T1 says 15m.)"}
    assert [v.number for v in versions(db)] == [1]


def test_a_contract_renewal_date_before_its_start_or_in_the_past_is_refused(slack, sandbox, db, team, acme):
    with db.session() as s:
        sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)
        service_map.add_party(s, sm, service_map.PartyInput(kind="supplier", name="Carrier X"))
    slack.command("uc new Carrier X")
    modal = sandbox.open_modal(team, ALICE)
    values = {Block.AGR_NAME: "Carrier X 2026", Block.AGR_SERVICES: [str(acme["service"])],
              Block.AGR_START: "2026-04-01", Block.AGR_END: "2027-03-31"}
    outcome = slack.submit(modal, {**values, Block.AGR_RENEWAL_DATE: "2026-03-15"})
    assert outcome.errors == {Block.AGR_RENEWAL_DATE: "The renewal date comes before the contract starts (2026-04-01); "
                                                      "choose a date on or after it."}
    outcome = slack.submit(modal, {**values, Block.AGR_START: "2026-01-01", Block.AGR_RENEWAL_DATE: "2026-02-01"})
    assert outcome.errors == {Block.AGR_RENEWAL_DATE: "The renewal date has passed; choose today or later."}
    assert versions(db) == []
    assert slack.submit(modal, {**values, Block.AGR_RENEWAL_DATE: "2027-01-01"}).ok
