"""A person who may not do something is told so before a form opens; a requester is asked at most once a day.

Also: the upgrade-action button holds no database connection while Slack opens its form.
"""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from messages.ids import Action, Callback
from models import Action as ActionRow
from models import AuditEvent
from tests.helpers import text_of
from tests.slack.test_agreements import ALICE, CAROL, NAME, acme, draft  # noqa: F401 (acme: fixture)

BOB = "U0BOB"  # a plain member: no role, recorded nothing


def first_ask(listing) -> str:
    """The "Confirm with requester" choice of the first requirement the listing shows (the stand-in's menus
    are told apart by order only)."""
    menu = next(b["accessory"] for b in listing.blocks if b.get("accessory", {}).get("action_id") == Action.REQ_MENU)
    return next(o["value"] for o in menu["options"] if o["value"].startswith("ask:"))


def asks(db) -> list[AuditEvent]:
    with Session(db.engine) as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == "requirement.ask").order_by(AuditEvent.id)))


@pytest.fixture
def connections_held(monkeypatch, sandbox, db):
    """For each Web API method the stand-in answered: the database connections the bot held at that moment."""
    seen: dict[str, list[int]] = {}
    answer = sandbox.call

    def call(method, args, token):
        seen.setdefault(method, []).append(sum(engine.pool.checkedout() for engine in db.engines))  # reads' pool too
        return answer(method, args, token)

    monkeypatch.setattr(sandbox, "call", call)
    return seen


def test_a_plain_member_is_refused_the_upgrade_action_form(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    slack.command(f"tree {NAME}")  # Bob is shown no buttons; pressed anyway (a forged or stale click), it is refused
    tree = sandbox.last_ephemeral(ALICE)
    slack.click(Action.COVER_UPGRADE, message=tree, user=BOB)
    assert sandbox.open_modal(team, BOB) is None
    assert "can record an action (an upgrade or a remedial action)" in text_of(sandbox.last_ephemeral(BOB))
    with Session(db.engine) as s:
        assert s.exec(select(ActionRow)).all() == []


def test_the_upgrade_action_form_opens_with_no_database_connection_held(slack, sandbox, team, acme, connections_held):
    draft(slack, sandbox, team, acme)
    slack.command(f"tree {NAME}")
    connections_held.clear()
    slack.click(Action.COVER_UPGRADE, message=sandbox.last_ephemeral(ALICE))
    assert sandbox.open_modal(team, ALICE).callback_id == Callback.ACTION_FORM
    assert connections_held["views.open"] == [0]


def test_only_the_recorder_or_a_service_manager_asks_the_requester(slack, sandbox, db, team, acme):
    slack.command("requirements Payroll", user=BOB)
    listing = sandbox.last_ephemeral(BOB)
    ask = first_ask(listing)
    slack.click(Action.REQ_MENU, message=listing, value=ask, user=BOB)
    assert f"Only whoever recorded requirement #{ask[4:]}, or a service manager, can ask <@U0CAROL> to confirm it." \
        in text_of(sandbox.last_ephemeral(BOB))
    assert sandbox.dms(CAROL) == [] and asks(db) == []


def test_a_requester_is_asked_once_a_day(slack, sandbox, db, team, acme, clock):
    slack.command("requirements Payroll")
    listing = sandbox.last_ephemeral(ALICE)
    slack.click(Action.REQ_MENU, message=listing, value=first_ask(listing))
    assert len(sandbox.dms(CAROL)) == 1
    clock.advance(hours=3)
    slack.click(Action.REQ_MENU, message=listing, value=first_ask(listing))
    assert len(sandbox.dms(CAROL)) == 1  # not again
    assert f"<@U0CAROL> was asked to confirm requirement #{first_ask(listing)[4:]} at 09:00 on Mon 2 Mar (Europe/London) by <@U0ALICE>; " \
           "once a day is enough. You can ask again after 09:00 on Tue 3 Mar (Europe/London)." \
        in text_of(sandbox.last_ephemeral(ALICE))
    clock.advance(hours=21, minutes=1)
    slack.click(Action.REQ_MENU, message=listing, value=first_ask(listing))
    assert len(sandbox.dms(CAROL)) == 2
    assert len(asks(db)) == 2


def test_an_ask_slack_could_not_deliver_does_not_count(slack, sandbox, db, team, acme):
    slack.command("requirements Payroll")
    listing = sandbox.last_ephemeral(ALICE)
    sandbox.fail_next("chat.postMessage", 200, body={"ok": False, "error": "channel_not_found"})
    slack.click(Action.REQ_MENU, message=listing, value=first_ask(listing))
    assert sandbox.dms(CAROL) == [] and len(asks(db)) == 1  # the trail is append-only: the ask stays in it,
    with db.read_session() as s:                             # withdrawn by the record that follows it
        [withdrawn] = s.exec(select(AuditEvent).where(AuditEvent.action == "requirement.ask_withdrawn")).all()
    assert withdrawn.detail["ask"] == asks(db)[0].seq
    slack.click(Action.REQ_MENU, message=listing, value=first_ask(listing))
    assert len(sandbox.dms(CAROL)) == 1 and len(asks(db)) == 2


def test_only_the_requester_or_a_service_manager_opens_the_correction_form(slack, sandbox, team, acme):
    slack.command("requirements Payroll")
    listing = sandbox.last_ephemeral(ALICE)
    slack.click(Action.REQ_MENU, message=listing, value=first_ask(listing))
    [dm] = sandbox.dms(CAROL)
    slack.click(Action.REQ_CORRECT, message=dm, user=BOB)
    assert sandbox.open_modal(team, BOB) is None
    assert "can decline a requirement, or amend someone else's" in text_of(sandbox.last_ephemeral(BOB))
    slack.click(Action.REQ_CORRECT, message=dm, user=CAROL)
    assert sandbox.open_modal(team, CAROL).callback_id == Callback.REQ_CORRECT


def test_an_ask_slack_took_but_answered_5xx_is_not_sent_twice(slack, sandbox, db, team, acme):
    slack.command("requirements Payroll")
    listing = sandbox.last_ephemeral(ALICE)
    sandbox.lose_answer_next("chat.postMessage", "5xx")  # Slack delivered the DM, then answered 503
    slack.click(Action.REQ_MENU, message=listing, value=first_ask(listing))
    assert len(sandbox.dms(CAROL)) == 1  # the client does not post it again on a 5xx: once, not twice
