"""A requirement's status follows the agreed target that answers it (issue 9, item 2)."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from bot import requirements, service_map
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from messages.ids import Action, Block
from models import ContactRole, Requirement, Source, Target
from tests.conftest import START
from tests.helpers import text_of
from tests.slack.test_agreements import CHANNEL, draft, propose, thread, waive_every_gap

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"


@pytest.fixture
def acme(db, team):
    """Carol asks P1 resolution within 1h; Bob, for the same customer, asks 4h."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        members.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id=CHANNEL,
            contacts={ContactRole.MANAGERIAL: [CAROL], ContactRole.APPROVER: [CAROL], ContactRole.OPERATIONAL: [BOB]}))
        numbers = {}
        for who, role, asked in ((CAROL, ContactRole.MANAGERIAL, "1h"), (BOB, ContactRole.OPERATIONAL, "4h")):
            [req] = requirements.record(s, sm, payroll.id, acme.id, requirements.Said(who, role, Source.FORM),
                                        requirements.interview_drafts("operational", ["incidents"],
                                                                      {"p1_resolution": asked}, default_tz="UTC"))
            numbers[asked] = req.number
    return {"service": payroll.id, "customer": acme.id, **numbers}


def statuses(db) -> dict[str, tuple[str, str]]:
    with Session(db.engine) as s:
        return {r.target: (r.status, r.status_reason) for r in s.exec(select(Requirement))}


def test_the_requirement_a_target_answers_follows_the_value_agreed(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    with Session(db.engine) as s:
        [t1] = s.exec(select(Target)).all()
        assert s.get(Requirement, t1.requirement_id).target == "1h"  # drafted from the stricter ask
    assert propose(slack, sandbox, team, ALICE, {Block.PROP_DURATION: "4h", Block.PROP_REASON: "Nights are thin"}).ok
    with Session(db.engine) as s:
        [t1] = s.exec(select(Target)).all()
        assert s.get(Requirement, t1.requirement_id).number == acme["4h"]  # T1 now answers the 4h ask

    waive_every_gap(db, team)
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)
    found = statuses(db)
    assert found["4h"] == ("accepted", "")
    assert found["1h"] == ("not met", "asked 1h; Acme Retail: Payroll version 2 agrees 4h (T1)")

    slack.command("requirements Payroll")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert f"*#{acme['1h']}*" in shown
    assert "not met by the agreement: asked 1h; Acme Retail: Payroll version 2 agrees 4h (T1)" in shown

    # Tightened again and agreed: both asks are met.
    assert propose(slack, sandbox, team, ALICE, {Block.PROP_DURATION: "45 min", Block.PROP_REASON: "New rota"}).ok
    waive_every_gap(db, team)
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=CAROL)
    slack.click(Action.AGREEMENT_AGREE, message=headline, user=ALICE)
    assert statuses(db) == {"1h": ("accepted", ""), "4h": ("accepted", "")}
