"""Slack Connect (issue 16), the reviewer's findings on it: a person of Acme Corp's own workspace (Ann, Max) is never
taken for one of this workspace's people, is never a relationship's owner, rates a review the bot asked them about,
keeps the contact rights named before workspaces were recorded; and the other workspace's name costs one team.info.
Signed requests into the real app, as Slack sends them for such a person (bot/sandbox/connect.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import Session, select

from bot.sandbox.connect import CONNECT_CHANNEL, CUSTOMER_APPROVER, CUSTOMER_MANAGER, CUSTOMER_TEAM
from bot.scheduler import run_all_once
from handlers.flows import contact_names
from handlers.paging import value
from messages.ids import Action, Block
from bot.workspace.actor import Actor
from models import Contact, Member, Party, RoleGrant, SatisfactionAsk, Signoff
from tests.conftest import START
from tests.helpers import text_of
from tests.reviews.thread_world import ALICE, review_world  # noqa: F401  (a fixture)
from tests.slack.test_connect_people import acme, draft, headline, name, waive_every_gap  # noqa: F401  (a fixture)

ANN, MAX = CUSTOMER_APPROVER, CUSTOMER_MANAGER
LONG_AGO = datetime(2000, 1, 1, tzinfo=timezone.utc)  # what migration 0017 leaves on every stored profile


def page_button(sandbox, command: str):
    """A list's Next button in the shared channel, as the bot posts it: pressing it runs `command` again."""
    posted = sandbox._chat_postMessage({"channel": CONNECT_CHANNEL, "text": "a list", "blocks": [
        {"type": "actions", "elements": [{"type": "button", "action_id": Action.LIST_NEXT, "value": value(command, 20),
                                          "text": {"type": "plain_text", "text": "Next"}}]}]})
    return next(m for m in sandbox.messages if m.ts == posted["ts"])


def test_a_profile_stored_before_slack_connect_does_not_make_an_external_person_one_of_ours(slack, sandbox, db, team,
                                                                                           acme):
    """Finding 4: Ann's profile was stored before anyone asked which workspace she belongs to (home_team NULL), with
    a service manager's role granted then; Slack does not answer users.info now. The signed click says she is of
    Acme Corp's workspace: she is refused the map, her grant ends, and her row says where she belongs."""
    with db.session() as s:
        s.add(Member(team_id=team, user_id=ANN, name="Ann Approver", tz="UTC", is_admin=False, fetched_at=LONG_AGO))
        s.add(RoleGrant(team_id=team, user_id=ANN, role="service_manager", created_at=START, created_by=ALICE))
    sandbox.fail_next("users.info")
    slack.click(Action.LIST_NEXT, message=page_button(sandbox, "map"), user=ANN)
    said = text_of(sandbox.last_ephemeral(ANN))
    assert "only this workspace's own people can use /slm map here" in said
    assert "Payroll" not in "".join(text_of(m) for m in sandbox.messages if m.ephemeral_to == ANN)
    with Session(db.engine) as s:
        assert s.exec(select(RoleGrant).where(RoleGrant.user_id == ANN)).all() == []
        assert s.exec(select(Member).where(Member.user_id == ANN)).one().home_team == CUSTOMER_TEAM


def test_the_other_workspaces_name_is_asked_of_slack_once(slack, sandbox, db, team, acme):
    """Finding 14: team.info is only for the refusal's words; Ann's first request asks it, Max's (same workspace)
    and Ann's next, once her profile is stale, do not."""
    before = len(sandbox.calls_of("team.info"))
    for who in (ANN, MAX):
        slack.click(Action.LIST_NEXT, message=page_button(sandbox, "map"), user=who)
        assert "You're from Acme Corp's workspace" in text_of(sandbox.last_ephemeral(who))
    with db.session() as s:  # Ann's profile is read again (stale): the name is known already
        s.get(Member, s.exec(select(Member.id).where(Member.user_id == ANN)).one()).fetched_at = LONG_AGO
    slack.click(Action.LIST_NEXT, message=page_button(sandbox, "map"), user=ANN)
    assert "You're from Acme Corp's workspace" in text_of(sandbox.last_ephemeral(ANN))
    assert len(sandbox.calls_of("team.info")) - before == 1  # Ann's first, not Max's nor Ann's second
    with Session(db.engine) as s:
        assert {m.user_id: m.home_team_name for m in s.exec(select(Member).where(Member.home_team == CUSTOMER_TEAM))} \
            == {ANN: "Acme Corp", MAX: "Acme Corp"}


def test_a_person_of_another_workspace_is_never_an_owner_and_owning_grants_them_nothing(slack, sandbox, db, team,
                                                                                       acme):
    """Finding 5: Ann, named Acme Corp's approver from the shared channel, is not made the relationship's owner;
    and an owner's shortcut (answer a complaint) is not hers, should an older record name her."""
    from bot.complaints import records as complaints
    from models import Complaint

    name(slack, ANN, "approver")
    slack.command(f"party owner Acme Corp <@{ANN}>")
    assert "belongs to another organisation's workspace: an owner is one of this workspace's own people" in \
        text_of(sandbox.last_ephemeral(ALICE))
    with Session(db.engine) as s:
        assert s.get(Party, acme["customer"]).owner_user_id is None
    slack.command(f"party owner Acme Corp <@{ALICE}>")  # one of ours is named as before
    with Session(db.engine) as s:
        assert s.get(Party, acme["customer"]).owner_user_id == ALICE
    # A complaint recorded (before this check) with Ann as its owner: she may not answer it; Alice's own, she may.
    ann = Actor(team_id=team, user_id=ANN, home_team=CUSTOMER_TEAM, home_team_name="Acme Corp", now=START)
    assert not complaints.may_answer(ann, Complaint(team_id=team, number=1, owner_user_id=ANN))
    alice = Actor(team_id=team, user_id=ALICE, now=START)
    assert complaints.may_answer(alice, Complaint(team_id=team, number=2, owner_user_id=ALICE))


def test_a_customers_own_person_rates_the_review_they_were_asked_about(slack, sandbox, db, team, review_world,
                                                                       harness_clean):
    """Finding 6: Ann of Acme Corp's workspace attended the review as the customer's contact: the bot asks her
    to rate it, and her rating is taken."""
    with db.session() as s:
        party = s.exec(select(Party).where(Party.name == "Acme Retail")).one()
        s.add(Contact(team_id=team, party_id=party.id, user_id=ANN, role="approver", user_team=CUSTOMER_TEAM,
                      created_at=START, created_by=ALICE))
    assert slack.click(Action.REVIEW_CLOSE, message=review_world.pack(sandbox), user=ALICE).status == 200
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REVIEW_ATTENDED: [ANN]}).ok
    run_all_once(harness_clean.deps)
    [dm] = [m for m in sandbox.dms(ANN) if "How was" in text_of(m)]
    assert slack.click(f"{Action.SATISFACTION_RATE}_4", message=dm, user=ANN).status == 200
    with Session(db.engine) as s:
        [row] = s.exec(select(SatisfactionAsk)).all()
    assert (row.user_id, row.rating) == (ANN, 4)
    assert not [m for m in sandbox.ephemerals(ANN) if "You're from" in text_of(m)]


def test_an_approver_named_before_workspaces_were_recorded_still_agrees(slack, sandbox, db, team, acme):
    """Finding 11: Ann was named Acme Corp's approver before migration 0017 (user_team NULL, marked by the migration
    as not known): she agrees as before, and naming her again records her workspace."""
    with db.session() as s:
        s.add(Contact(team_id=team, party_id=acme["customer"], user_id=ANN, role="approver", user_team=None,
                      workspace_unknown=True, created_at=START, created_by=ALICE))
    top = draft(slack, sandbox, team, acme)
    waive_every_gap(db, team)
    slack.click(Action.AGREEMENT_AGREE, message=top, user=ALICE)
    slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox), user=ANN)
    with Session(db.engine) as s:
        assert {(x.side, x.user_id, x.user_team) for x in s.exec(select(Signoff))} == {
            ("provider", ALICE, None), ("counterparty", ANN, CUSTOMER_TEAM)}
    name(slack, ANN, "approver")
    with Session(db.engine) as s:
        [row] = s.exec(select(Contact).where(Contact.user_id == ANN)).all()
    assert (row.user_team, row.workspace_unknown) == (CUSTOMER_TEAM, False)


def test_a_colleague_of_another_workspace_of_the_grid_is_learnt_as_one_of_ours(sandbox, db, team, harness_clean):
    """Finding 12: naming a contact learns their name; a colleague whose home workspace is another of the same
    Enterprise Grid, and who is a member of this one, is one of ours (home_team NULL), not an external person."""
    grid = sandbox.add_user("U0GRIDGAIL", "Gail Grid", team_id="T0GRIDHOME")
    grid["enterprise_user"] = {"id": "U0GRIDGAIL", "enterprise_id": "E0GRID", "teams": ["T0GRIDHOME", team]}
    deps = harness_clean.deps
    contact_names.learn(deps, deps.client_for(team) or deps.client, team, ["U0GRIDGAIL"])
    with Session(db.engine) as s:
        gail = s.exec(select(Member).where(Member.user_id == "U0GRIDGAIL")).one()
    assert (gail.name, gail.home_team) == ("Gail Grid", None)
