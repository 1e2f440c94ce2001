"""A dispute with a supplier through to its closure, through signed requests: `/slm dispute` records it (owned by
the contract's owner when it names a contract, else by whoever raised it), `/slm disputes` lists it with Close…,
whose form records the outcome; every change audited."""
from __future__ import annotations

from sqlmodel import select

from messages.ids import Action, Block
from models import AuditEvent, SupplierDispute
from tests.helpers import assert_valid_blocks, text_of
from tests.suppliers.world import ALICE, DANA, EVE, UC, world  # noqa: F401  (a fixture)


def disputes(db) -> list[tuple]:
    with db.session() as s:
        return [(d.number, d.agreement_id is not None, d.what, d.owner_user_id, d.status, d.outcome, d.closed_by)
                for d in s.exec(select(SupplierDispute).order_by(SupplierDispute.number))]


def test_a_dispute_from_record_to_closure(slack, sandbox, db, team, world):
    assert slack.command(f"uc owner {UC} <@{DANA}>", user=ALICE).ok
    assert slack.command(f"dispute Carrier X {UC} Invoice 114 charges the P1 credit twice", user=ALICE).ok
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert f"Dispute #1 with Carrier X about {UC} is open, owned by <@{DANA}>" in said
    assert "Invoice 114 charges the P1 credit twice" in said
    assert slack.command("dispute carrier x: the March report came late", user=ALICE).ok  # no contract: Alice owns it
    assert disputes(db) == [
        (1, True, "Invoice 114 charges the P1 credit twice", DANA, "open", None, None),
        (2, False, "the March report came late", ALICE, "open", None, None)]

    assert slack.command("disputes open", user=EVE).ok  # any member may read them
    listed = sandbox.last_ephemeral(EVE)
    shown = text_of(listed)
    assert "Open disputes" in shown and shown.index("#2") < shown.index("#1")  # newest first
    assert_valid_blocks({"text": listed.text, "blocks": listed.blocks})

    slack.click(Action.DISPUTE_CLOSE, message=listed, value="1", user=EVE)  # neither its owner nor a manager
    assert "Only a service manager or workspace admin can record a dispute" in text_of(sandbox.last_ephemeral(EVE))
    assert sandbox.open_modal(team, EVE) is None

    assert slack.command("disputes Carrier X", user=DANA).ok
    mine = sandbox.last_ephemeral(DANA)
    close_1 = next(b for b in mine.blocks if b.get("accessory", {}).get("value") == "1")
    slack.click(Action.DISPUTE_CLOSE, message=mine, block_id=close_1["block_id"], user=DANA)  # its owner may
    form = sandbox.open_modal(team, DANA)
    assert "Dispute #1" in text_of(form)
    refused = slack.submit(form, {Block.DISPUTE_OUTCOME: ""})  # refused inline: the outcome is required
    assert refused.errors == {Block.DISPUTE_OUTCOME: "Say how it ended: what was agreed, credited or dropped."}
    assert disputes(db)[0][4] == "open"
    assert slack.submit(sandbox.open_modal(team, DANA), {Block.DISPUTE_OUTCOME: "Credit note CN-9 for £900"}).ok
    # confirmed to her after the form closes, as `/slm dispute close` confirms it
    told = [text_of(m) for m in sandbox.messages if m.ephemeral_to == DANA or m.channel == sandbox.dms(DANA)[-1].channel]
    assert "Dispute #1 is closed: “Credit note CN-9 for £900”" in told[-1]  # an ephemeral where she was, else a DM
    assert disputes(db)[0] == (1, True, "Invoice 114 charges the P1 credit twice", DANA, "closed",
                               "Credit note CN-9 for £900", DANA)

    assert slack.command("dispute close 1 again", user=ALICE).ok
    assert "Dispute #1 was closed already" in text_of(sandbox.last_ephemeral(ALICE))
    assert slack.command("dispute close 2 Report now due on the 5th", user=ALICE).ok
    assert slack.command("disputes open", user=ALICE).ok
    assert "None." in text_of(sandbox.last_ephemeral(ALICE))
    assert slack.command("disputes", user=ALICE).ok
    everything = text_of(sandbox.last_ephemeral(ALICE))
    assert "closed" in everything and "Outcome:_ Credit note CN-9 for £900" in everything
    with db.session() as s:
        trail = [(e.action, e.actor, (e.before or {}).get("status"), (e.after or {}).get("status"))
                 for e in s.exec(select(AuditEvent).where(AuditEvent.entity == "supplier_dispute")
                                 .order_by(AuditEvent.seq))]
    assert trail == [("dispute.raise", ALICE, None, "open"), ("dispute.raise", ALICE, None, "open"),
                     ("dispute.close", DANA, "open", "closed"), ("dispute.close", ALICE, "open", "closed")]


def test_help_lists_the_suppliers_commands(slack, sandbox, world):
    assert slack.command("help", user=EVE).ok
    shown = text_of(sandbox.last_ephemeral(EVE))
    group = shown[shown.index("Suppliers' contracts"):]
    for usage in ("/slm uc owner <name> @person", "/slm uc review-every <name> <n> months",
                  "/slm dispute <supplier> [contract] <what>", "/slm dispute close <number> <outcome>",
                  "/slm disputes [open|<supplier>]"):
        assert usage.replace("<", "&lt;").replace(">", "&gt;") in group or usage in group, usage


def test_a_dispute_names_a_supplier(slack, sandbox, db, world):
    slack.command("dispute Acme Retail the invoice", user=ALICE)  # a customer, not a supplier
    assert "Start with the supplier's name (the suppliers are: Carrier X)" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("dispute Carrier X", user=ALICE)
    assert "Say what is disputed" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("dispute Carrier X overcharged", user=EVE)
    assert "Only a service manager or workspace admin can record a dispute" in text_of(sandbox.last_ephemeral(EVE))
    assert disputes(db) == []


def test_a_number_too_long_to_be_a_dispute_is_a_usage_error(slack, sandbox, db, team, world):
    # Past an INTEGER column's range (PostgreSQL refuses it in a query), and "²", a digit to str.isdigit() but no
    # number to int(): both are said to be no dispute number, not a server error.
    for number in ("99999999999", "²"):
        assert slack.command(f"dispute close {number} settled", user=ALICE).ok
        assert "Say which dispute and how it ended" in text_of(sandbox.last_ephemeral(ALICE))
    assert disputes(db) == []
