"""`/slm actions [mine|<sla>|<party>|overdue|#N]` through signed requests: the filters, paging within Slack's
limits, and the buttons that move an action along (Start, Done with a note…, Cancel…), pressed twice, and refused
to whoever may not move it."""
from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from bot import actions
from bot.workspace.actor import Actor
from messages.ids import Action, Block, Callback
from models import Action as ActionRow
from models import ActionKind
from tests.breach_world import ALICE, BOB, CAROL, DAVE, world  # noqa: F401  (world is a fixture)
from tests.conftest import START
from tests.helpers import assert_valid_blocks, text_of


def sm(team):
    return Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START, tz="Europe/London")


def add(db, team, title, *, owner=None, party=None, due=date(2026, 3, 20), target=None, agreement=None):
    with db.session() as s:
        return actions.add_action(s, sm(team), kind=ActionKind.IMPROVEMENT, title=title, owner_party_id=party,
                                  owner_user_id=owner, due=due, target_id=target, agreement_id=agreement).number


def row(db, number) -> ActionRow:
    with db.session() as s:
        return s.exec(select(ActionRow).where(ActionRow.number == number)).one()


def listed(sandbox, user) -> tuple[str, object]:
    message = sandbox.last_ephemeral(user)
    assert_valid_blocks({"blocks": message.blocks})
    return text_of(message), message


def test_the_filters_list_what_they_say(slack, sandbox, db, team, world, clock):
    bobs = add(db, team, "Bob's own", owner=BOB, due=date(2026, 3, 5))
    networks = add(db, team, "Network group's", party=world.network_id, due=date(2026, 3, 10))
    on_sla = add(db, team, "On the SLA", owner=DAVE, target=world.resolution, agreement=world.sla_id)
    everything = {bobs, networks, on_sla}

    slack.command("actions", user=BOB)
    shown, _ = listed(sandbox, BOB)
    assert all(f"*#{n}*" in shown for n in everything)
    slack.command("actions mine", user=BOB)
    shown, _ = listed(sandbox, BOB)
    assert "Your open actions" in shown and f"*#{bobs}* Bob's own" in shown and f"*#{networks}*" not in shown
    slack.command("actions acme payroll", user=BOB)  # an SLA's name, any case
    shown, _ = listed(sandbox, BOB)
    assert f"*#{on_sla}* On the SLA" in shown and "to improve T1 (Acme Payroll)" in shown
    assert f"*#{bobs}*" not in shown
    slack.command("actions Network group", user=BOB)  # a party's name
    shown, _ = listed(sandbox, BOB)
    assert f"*#{networks}* Network group's" in shown and f"*#{bobs}*" not in shown
    slack.command("actions overdue", user=BOB)
    assert "No open actions." in listed(sandbox, BOB)[0]

    clock.advance(days=6)  # 8 March: Bob's (due the 5th) is overdue, and flagged so everywhere
    slack.command("actions overdue", user=BOB)
    shown, _ = listed(sandbox, BOB)
    assert f"*#{bobs}* Bob's own" in shown and ":warning: overdue" in shown and f"*#{networks}*" not in shown
    slack.command("actions #2", user=BOB)
    assert f"*#{networks}* Network group's" in listed(sandbox, BOB)[0]

    slack.command("actions Nowhere", user=BOB)
    refusal = text_of(sandbox.last_ephemeral(BOB))
    assert "“Nowhere” is neither an SLA nor a party (SLAs: Acme Payroll;" in refusal
    assert "`/slm actions mine`" in refusal


def test_a_long_list_comes_a_page_at_a_time_within_slacks_limits(slack, sandbox, db, team, world):
    for i in range(40):
        add(db, team, f"Step {i + 1:02d}", owner=BOB, due=date(2026, 3, 3) + timedelta(days=i))
    slack.command("actions", user=BOB)
    shown, first = listed(sandbox, BOB)
    assert len(first.blocks) <= 50
    assert "*#1* Step 01" in shown and "*#15* Step 15" in shown and "*#16* " not in shown
    assert "Showing 1–15 of 40, soonest due first: …and 25 more." in shown
    assert slack.click(Action.ACTIONS_NEXT, message=first, user=BOB).ok
    shown, second = listed(sandbox, BOB)  # the same message, replaced by the next page
    assert "*#16* Step 16" in shown and "*#30* Step 30" in shown and "*#1* " not in shown and "…and 10 more" in shown
    assert slack.click(Action.ACTIONS_NEXT, message=second, user=BOB).ok
    shown, last = listed(sandbox, BOB)
    assert "*#40* Step 40" in shown and Action.ACTIONS_NEXT not in str(last.blocks)


def test_start_done_with_a_note_and_cancel_move_an_action_once(slack, sandbox, db, team, world):
    first = add(db, team, "Second on-call rota", owner=BOB)
    second = add(db, team, "Replace the old router", party=world.network_id)  # Bob speaks for the Network group
    slack.command("actions", user=BOB)
    _, message = listed(sandbox, BOB)
    moves = f"action_moves_{first}"

    assert slack.click(Action.ACTION_START, message=message, block_id=moves, user=BOB).ok
    assert row(db, first).status == "in_progress"
    assert f"Action #{first} is in progress" in text_of(sandbox.last_ephemeral(BOB))
    assert slack.click(Action.ACTION_START, message=message, block_id=moves, user=BOB).ok  # pressed twice
    assert "already in progress; nothing was changed" in text_of(sandbox.last_ephemeral(BOB))
    slack.command("actions mine", user=BOB)
    shown, message = listed(sandbox, BOB)
    assert "in progress · owner <@U0BOB>" in shown

    assert slack.click(Action.ACTION_FINISH, message=message, block_id=moves, user=BOB).ok
    form = sandbox.open_modal(team, BOB)
    assert form.callback_id == Callback.ACTION_CLOSE_FORM
    assert slack.submit(form, {Block.ACTION_NOTE: "Rota agreed with the night team"}).ok
    done = row(db, first)
    assert (done.status, done.closing_note, done.closed_by, done.done_at) == (
        "done", "Rota agreed with the night team", BOB, START)
    assert f"Action #{first} is done" in text_of(sandbox.last_ephemeral(BOB))
    assert slack.submit(form, {Block.ACTION_NOTE: "Again"}).ok  # the form submitted twice
    assert row(db, first).closing_note == "Rota agreed with the night team"
    assert "done already; nothing was changed" in text_of(sandbox.last_ephemeral(BOB))
    slack.click(Action.ACTION_FINISH, message=message, block_id=moves, user=BOB)  # the old listing's button
    assert "is done already" in text_of(sandbox.last_ephemeral(BOB))

    slack.command("actions", user=BOB)
    shown, message = listed(sandbox, BOB)
    assert f"*#{first}*" not in shown  # closed: no longer listed
    assert slack.click(Action.ACTION_CANCEL, message=message, block_id=f"action_moves_{second}", user=BOB).ok
    form = sandbox.open_modal(team, BOB)
    refused = slack.submit(form, {})
    assert refused.errors == {Block.ACTION_NOTE: "Say why it is cancelled: the note stays on its record."}
    assert row(db, second).status == "open"
    assert slack.submit(form, {Block.ACTION_NOTE: "The router is retired instead"}).ok
    cancelled = row(db, second)
    assert (cancelled.status, cancelled.closing_note, cancelled.closed_by) == (
        "cancelled", "The router is retired instead", BOB)
    slack.command(f"actions #{second}", user=BOB)  # one action's entry: closed ones too, with their note
    assert "cancelled: The router is retired instead" in listed(sandbox, BOB)[0]


def test_whoever_may_not_move_an_action_gets_no_buttons_and_is_refused(slack, sandbox, db, team, world):
    number = add(db, team, "Second on-call rota", owner=BOB)
    slack.command("actions", user=CAROL)  # the customer: sees it, may not move it
    shown, message = listed(sandbox, CAROL)
    assert f"*#{number}* Second on-call rota" in shown and "Start" not in shown and "Cancel…" not in shown
    slack.command("actions", user=BOB)
    _, bobs = listed(sandbox, BOB)
    for button in (Action.ACTION_START, Action.ACTION_FINISH, Action.ACTION_CANCEL, Action.ACTION_DONE):
        assert slack.click(button, message=bobs, user=CAROL).ok  # an old button, pressed by someone else
        assert "can move it along" in text_of(sandbox.last_ephemeral(CAROL)) or \
            "close someone else's" in text_of(sandbox.last_ephemeral(CAROL))
        assert sandbox.open_modal(team, CAROL) is None
    assert row(db, number).status == "open"
    slack.command("actions", user=ALICE)  # a service manager moves anyone's
    _, alices = listed(sandbox, ALICE)
    assert slack.click(Action.ACTION_DONE, message=alices, user=ALICE).ok
    assert (row(db, number).status, row(db, number).closed_by) == ("done", ALICE)
