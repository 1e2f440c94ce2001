"""The clauses the pack's credits are reckoned from, as a person proposes them (signed requests into the real app):
any credit wording is allowed, and the modal's hint says which forms compute; the Charges clause must state the
monthly charge."""
from __future__ import annotations

from messages.ids import Action, Block
from tests.slack.test_agreements import ALICE, acme, draft, propose, thread, versions  # noqa: F401  (acme: a fixture)


def _credit_hint(sandbox, team) -> str:
    modal = sandbox.open_modal(team, ALICE)
    [block] = [b for b in modal.view["blocks"] if b.get("block_id", "").startswith(Block.PROP_SERVICE_CREDIT)]
    return block["hint"]["text"]


def test_a_credit_that_does_not_compute_is_kept_and_the_hint_says_so(slack, sandbox, db, team, acme):
    headline, _ = draft(slack, sandbox, team, acme)
    slack.click(Action.AGREEMENT_PROPOSE, message=headline, user=ALICE)
    hint = _credit_hint(sandbox, team)
    assert "not computable" not in hint.split(".")[0]
    assert "“5% of the monthly charge per 0.1% under”; “10% of the monthly charge”; “£500 per breach”" in hint
    modal = sandbox.open_modal(team, ALICE)
    outcome = slack.submit(modal, {f"{Block.PROP_SERVICE_CREDIT}.T1": "credits as the provider sees fit",
                                   Block.PROP_REASON: "Finance asked"})
    assert outcome.ok, outcome.errors
    assert versions(db)[-1].content["targets"][0]["service_credit"] == "credits as the provider sees fit"
    headline, _ = thread(sandbox)
    slack.click(Action.AGREEMENT_PROPOSE, message=headline, user=ALICE)
    assert _credit_hint(sandbox, team).startswith("The clause as it stands is not computable. The review pack")


def test_the_charges_clause_states_the_monthly_charge(slack, sandbox, db, team, acme):
    draft(slack, sandbox, team, acme)
    outcome = propose(slack, sandbox, team, ALICE, {f"{Block.PROP_CLAUSE_TEXT}.charges": "about twelve grand",
                                                    Block.PROP_REASON: "Finance asked"}, change="clause:charges")
    assert not outcome.ok
    assert "State the monthly charge once" in " ".join(outcome.errors.values())
    outcome = propose(slack, sandbox, team, ALICE, {f"{Block.PROP_CLAUSE_TEXT}.charges": "£12,000 per month.",
                                                    Block.PROP_REASON: "Finance asked"}, change="clause:charges")
    assert outcome.ok, outcome.errors
    assert versions(db)[-1].changes == ["Clause “Charges” reworded"]
    assert "**Charges:** £12,000 per month." in versions(db)[-1].document
