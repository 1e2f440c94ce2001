"""Actions created where they arise, each confirmed there with a way back to its entry: the breach alert's
*Create remedial action* (its thread, an ephemeral confirmation naming the owner and a DM to them), and
`/slm action new` (an ephemeral confirmation and a DM to the owner), with its inline errors and its refusal."""
from __future__ import annotations

from sqlmodel import select

from bot.measurements.states import Level
from messages.ids import Action, Block, Callback
from models import Action as ActionRow
from models import Agreement, Breach
from tests.breach_world import ALICE, BOB, CAROL, DAVE, NETWORK_CHANNEL, sweep, world  # noqa: F401  (fixtures)
from tests.helpers import assert_valid_blocks, text_of

SITE = "https://acme-it.slack.com"


def only_action(db) -> ActionRow:
    with db.session() as s:
        [row] = s.exec(select(ActionRow)).all()
        return row


def test_a_breachs_remedial_action_is_confirmed_in_the_alerts_thread_and_links_back(slack, sandbox, db, world,
                                                                                   sweep, team):
    with db.session() as s:  # the SLA's own message in Slack: where the bot learns the workspace's address
        s.get(Agreement, world.sla_id).permalink = f"{SITE}/archives/C0ACME/p1772442000000100"
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert slack.click(Action.BREACH_REMEDIAL, message=alert, user=BOB).ok
    modal = sandbox.open_modal(team, BOB)
    assert slack.submit(modal, {Block.COV_TITLE: "Second on-call for payroll nights", Block.COV_DUE: "2026-03-20",
                                Block.COV_OWNER_USER: BOB}).ok
    row = only_action(db)
    with db.session() as s:
        breach = s.exec(select(Breach)).one()
    assert (row.origin, row.origin_id, row.kind) == ("breach", breach.id, "remedial")
    assert row.origin_link == f"{SITE}/archives/{NETWORK_CHANNEL}/p{alert.ts.replace('.', '')}"  # the alert itself
    thread = [text_of(m) for m in sandbox.channel_messages(NETWORK_CHANNEL, thread_ts=alert.ts,
                                                           include_ephemeral=False)]
    assert "#1, due 2026-03-20" in thread[-1] and "(`/slm actions #1`)" in thread[-1]
    slack.command("actions #1", user=BOB)  # where the thread points: the entry, with where it came from
    entry = text_of(sandbox.last_ephemeral(BOB))
    assert "*#1* Second on-call for payroll nights" in entry
    assert f"_remedial_ <{row.origin_link}|from a breach alert>" in entry


def test_a_breachs_remedial_action_tells_its_owner_by_dm_and_its_confirmation_names_them(slack, sandbox, db, world,
                                                                                         sweep, team):
    """Walk finding: the remedial action's owner heard nothing, while `/slm action new` DMs its owner."""
    sweep(world.state(Level.BREACHED, 101, "4h2m of 4h used"))
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert slack.click(Action.BREACH_REMEDIAL, message=alert, user=BOB).ok
    modal = sandbox.open_modal(team, BOB)
    assert slack.submit(modal, {Block.COV_TITLE: "Second on-call for payroll nights", Block.COV_DUE: "2026-03-20",
                                Block.COV_OWNER_USER: DAVE, Block.COV_OWNER_PARTY: str(world.network_id)}).ok
    said = text_of(sandbox.last_ephemeral(BOB))
    assert ("Recorded remedial action #1 for <@U0DAVE> (Network group), due 2026-03-20; they have a DM about it "
            "(`/slm actions #1` shows it):") in said, said
    [dm] = [m for m in sandbox.dms(DAVE) if "recorded action" in text_of(m)]
    assert_valid_blocks({"blocks": dm.blocks})
    assert ("<@U0BOB> recorded action *#1* for you, due 2026-03-20, agreed with Network group, to improve T1 "
            "(Acme Payroll): “Second on-call for payroll nights”") in text_of(dm), text_of(dm)
    assert "Remedial, after the alert on" in text_of(dm)


def test_action_new_asks_again_in_the_persons_words_then_confirms_and_tells_the_owner(slack, sandbox, db, world,
                                                                                     team):
    slack.command("action new", user=ALICE)
    form = sandbox.open_modal(team, ALICE)
    assert form.callback_id == Callback.ACTION_NEW_FORM
    assert_valid_blocks(form.view, view=True)
    targets = {o["text"]["text"]: o["value"] for b in form.view["blocks"] if b.get("block_id") == Block.BREACH_TARGET
               for o in b["element"]["options"]}
    assert list(targets) == ["T1 (Acme Payroll)", "T2 (Acme Payroll)"]

    refused = slack.submit(form, {Block.COV_TITLE: "  ", Block.COV_DUE: "2026-03-01"})
    assert refused.errors == {Block.COV_TITLE: "Say what is to be done.",
                              Block.COV_DUE: "The due date has passed; choose today or later.",
                              Block.COV_OWNER_USER: "Choose the person who owns it."}
    with db.session() as s:
        assert s.exec(select(ActionRow)).all() == []

    values = {Block.COV_TITLE: "Shorten P1 hand-over <!here>", Block.ACTION_DESCRIPTION: "Agreed with *Acme* on Monday",
              Block.COV_OWNER_USER: BOB, Block.COV_OWNER_PARTY: str(world.network_id), Block.COV_DUE: "2026-03-27",
              Block.BREACH_TARGET: targets["T1 (Acme Payroll)"]}
    assert slack.submit(form, values).ok
    row = only_action(db)
    assert (row.origin, row.kind, row.owner_user_id, row.owner_party_id, row.target_id, row.agreement_id,
            row.detail, row.status) == ("command", "improvement", BOB, world.network_id, world.resolution,
                                        world.sla_id, "Agreed with *Acme* on Monday", "open")
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "Recorded action #1 for <@U0BOB>, due 2026-03-27" in said and "`/slm actions #1`" in said
    [dm] = sandbox.dms(BOB)
    assert_valid_blocks({"blocks": dm.blocks})
    assert "<@U0ALICE> recorded action *#1* for you, due 2026-03-27, agreed with Network group" in text_of(dm)
    assert "to improve T1 (Acme Payroll)" in text_of(dm) and "<!here>" not in text_of(dm)

    assert slack.submit(form, values).ok  # submitted twice: Slack's retry, or a double click
    assert only_action(db).number == 1 and len(sandbox.dms(BOB)) == 1


def test_action_new_is_refused_before_the_form_to_whoever_may_not_record_actions(slack, sandbox, world, team):
    slack.command("action new", user=CAROL)
    assert "record an action" in text_of(sandbox.last_ephemeral(CAROL))
    assert sandbox.open_modal(team, CAROL) is None
