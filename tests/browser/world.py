"""The world the page tests start from, made through the sandbox page's own JSON endpoints as the page would post
them: Payroll for a customer, linked, a requirement (P1-P3 resolution) and an SLA "Acme Payroll" drafted from it
into the customer's channel. tests/browser/test_page.py (Acme Retail, #acme-sla) and test_connect_page.py (Acme
Corp, in the channel shared with its workspace) each start from it."""
from __future__ import annotations

from typing import Callable

from messages.ids import Block

ALICE = "U0ALICE"  # the service manager who sets it up


def option(modal: dict, block_id: str, text: str) -> str:
    """The value of the option of `block_id` whose text holds `text` (option groups too)."""
    block = next(b for b in modal["blocks"] if b.get("block_id") == block_id)
    el = block["element"]
    options = (el.get("options") or []) + [o for g in el.get("option_groups") or [] for o in g["options"]]
    return next(o["value"] for o in options if text in o["text"]["text"])


def submit(app, values_of: Callable[[dict], dict]) -> None:
    """Submit Alice's open modal with the values `values_of` picks from it; it must be accepted."""
    modal = app.state(ALICE)["modal"]
    assert modal, "no modal is open"
    data = app.ui("submit", user=ALICE, view_id=modal["id"], values=values_of(modal))
    assert not data["errors"], data


def payroll_sla(app, customer: str, channel: str, party_form: dict, commands_after_party: tuple[str, ...] = ()):
    """The world, for `customer` (its party form's further values: `party_form`), every command typed in `channel`;
    `commands_after_party` are typed once the party is added (naming its contacts)."""
    def command(text):
        app.ui("command", user=ALICE, channel=channel, text=text)

    command("/slm role grant <@U0ALICE|alice> service-manager")
    command("/slm service add Payroll")
    submit(app, lambda m: {})
    command(f"/slm party add customer {customer}")
    submit(app, lambda m: party_form)
    for text in commands_after_party:
        command(text)
    command("/slm link Payroll")
    submit(app, lambda m: {Block.LINK_PARTY: option(m, Block.LINK_PARTY, customer),
                           Block.LINK_ACTIVITIES: [option(m, Block.LINK_ACTIVITIES, "incident handling")]})
    command("/slm require Payroll")
    submit(app, lambda m: {Block.REQ_CUSTOMER: option(m, Block.REQ_CUSTOMER, customer), Block.REQ_ROLE: "operational"})
    submit(app, lambda m: {})
    submit(app, lambda m: {Block.REQ_P1_RESOLUTION: "4h", Block.REQ_P2_RESOLUTION: "8h",
                           Block.REQ_P3_RESOLUTION: "2 business days"})
    command(f"/slm sla new {customer}")
    submit(app, lambda m: {Block.AGR_NAME: "Acme Payroll", Block.AGR_CHANNEL: channel,
                           Block.AGR_SERVICES: [option(m, Block.AGR_SERVICES, "Payroll")]})
    return app
