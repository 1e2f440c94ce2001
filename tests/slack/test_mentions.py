"""People named in what the bot sends are mentions made from their ids: never escaped text, never escaped twice."""
from __future__ import annotations

import json
from datetime import date

from bot import actions, requirements, service_map
from bot.workspace import roles as members
from bot.workspace.actor import Actor
from messages.ids import Action, Block, Callback
from models import ActionKind, ContactRole, Source
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
BROKEN = ("&lt;@", "&amp;lt;", "&amp;gt;", "&amp;amp;")


def everything_sent(sandbox) -> str:
    """Every Web API call and response_url message the bot made, as JSON: what reached Slack."""
    return json.dumps([c["args"] for c in sandbox.calls] + sandbox.responses, ensure_ascii=False)


def test_owners_requesters_and_refusals_name_people_as_mentions(slack, sandbox, db, team):
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START, tz="Europe/London")
    with db.session() as s:
        members.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        payroll_id = payroll.id
        acme = service_map.add_party(s, sm, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id="C0ACMESLA", contacts={ContactRole.MANAGERIAL: [CAROL]}))
        ops = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name="R&D <Ops>"))
        requirements.record(s, sm, payroll.id, acme.id, requirements.Said(CAROL, ContactRole.MANAGERIAL, Source.FORM),
                            requirements.interview_drafts("operational", ["incidents"], {"p1_resolution": "4h"},
                                                          default_tz="UTC"))
        actions.add_action(s, sm, kind=ActionKind.UPGRADE, title="Raise <P1> cover & test it", owner_party_id=ops.id,
                            owner_user_id=BOB, due=date(2026, 3, 20))

    slack.command("actions")
    listed = text_of(sandbox.last_ephemeral(ALICE))
    assert "owner <@U0BOB> · agreed with R&amp;D &lt;Ops&gt;" in listed and "Raise &lt;P1&gt; cover &amp; test it" in listed

    slack.command("requirements Payroll")
    menu_message = sandbox.last_ephemeral(ALICE)
    slack.click(Action.REQ_MENU, message=menu_message, value="ask:1")
    assert "Asked <@U0CAROL> to confirm requirement #1." in text_of(sandbox.last_ephemeral(ALICE))
    dm = sandbox.dms(CAROL)[-1]
    slack.click(Action.REQ_CONFIRM, message=dm, user=BOB)  # someone else presses Carol's button
    assert "Only <@U0CAROL>, who asked for it, can confirm requirement #1." in text_of(sandbox.messages[-1])

    slack.click(Action.REQ_MENU, message=menu_message, value="decline:1")
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_REASON: "Not <this> year"}).ok
    assert "<@U0ALICE> declined your requirement #1. The reason:" in text_of(sandbox.dms(CAROL)[-1])

    # A quoted message keeps the people it names: shown as mentions, not as escaped markup.
    message = slack.post_as_user("C0ACMESLA", "Payslips by the 25th & <@U0BOB> agrees", user=CAROL)
    slack.message_shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, message, user=ALICE)
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_SERVICE: str(payroll_id)}).ok
    assert slack.submit(sandbox.open_modal(team, ALICE), {Block.REQ_CATEGORY: "other"}).ok
    slack.command("requirements Payroll")
    assert "*#2* Payslips by the 25th &amp; <@U0BOB> agrees" in text_of(sandbox.last_ephemeral(ALICE))

    sent = everything_sent(sandbox)
    assert "<@U0BOB>" in sent and "<@U0CAROL>" in sent
    for broken in BROKEN:
        assert broken not in sent, f"{broken} reached Slack: a mention or a name escaped where it should not be"
