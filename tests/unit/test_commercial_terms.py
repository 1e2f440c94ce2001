"""What a rendering leaves out of an agreement in a public channel (bot.agreements.terms), without Slack."""
from __future__ import annotations

import copy

import pytest

from bot import agreements
from bot.agreements import documents, terms
from bot.channel_privacy import public_in
from tests.unit.test_documents import CONTENT

PRICED = {**copy.deepcopy(CONTENT), "clauses": {**CONTENT["clauses"], "charges": "£12,000 per month."}}


def render(content: dict) -> str:
    context = agreements.document_context(content, 2, "Example IT")
    return documents.render_source(documents.SHIPPED.read_text(), "agreement.md.j2", context)


@pytest.mark.parametrize("kind, public, setting, withhold, warn", [
    ("sla", True, "hide", True, False), ("sla", True, "show", False, True),
    ("sla", False, "hide", False, False), ("sla", False, "show", False, False),
    # An OLA's and a UC's terms are internal: never shown in a public channel, whatever the setting.
    ("uc", True, "show", True, False), ("ola", True, "show", True, False), ("uc", False, "show", False, False),
])
def test_what_a_channel_shows(kind, public, setting, withhold, warn):
    decided = terms.decide(kind, public, setting)
    assert (decided.public, decided.withhold, decided.warn) == (public, withhold, warn)


def test_a_document_without_terms_leaves_out_credits_charges_and_the_contract_reference():
    content = {**copy.deepcopy(PRICED), "contract_ref": "CX-200"}
    before = copy.deepcopy(content)
    assert terms.present(content) == ["service credits", "charges", "the contract reference"]
    shown = terms.withheld(content)
    assert content == before  # the version's own content is untouched
    assert terms.present(shown) == [] and shown["contract_ref"] is None
    full, public = render(content), render(shown)
    assert "5% of the monthly charge" in full and "£12,000" in full
    assert "5% of the monthly charge" not in public and "£12,000" not in public and "**Charges:**" not in public
    assert "| not shown in this channel |" in public
    # Every target reads the same, those without a credit too: the document does not tell which carry one.
    rows = [line for line in public.splitlines() if line.startswith("| T")]
    assert len(rows) == 4 and all(row.endswith("| not shown in this channel |") for row in rows)


def test_nothing_to_leave_out_of_an_agreement_without_terms():
    plain = copy.deepcopy(CONTENT)
    for t in plain["targets"]:
        t["service_credit"] = ""
    assert terms.present(plain) == [] and terms.present(terms.withheld(plain)) == []


def test_changes_stating_a_credit_are_left_out_and_the_rest_kept():
    changes = ["T1 P1 resolution: 4h → 5h", "T1 P1 resolution service credit: none → 5% of the monthly charge",
               "Clause “Charges” reworded"]
    assert terms.public_changes(changes) == ["T1 P1 resolution: 4h → 5h", "Clause “Charges” reworded",
                                             "Commercial terms changed (not shown in this public channel)"]
    assert terms.public_changes(changes[:1]) == changes[:1]  # nothing left out: nothing said


def test_what_was_left_out_in_words():
    assert terms.left_out(["service credits"]) == "Service credits are"
    assert terms.left_out(["service credits", "charges"]) == "Service credits and charges are"
    assert terms.left_out(["the contract reference"]) == "The contract reference is"


@pytest.mark.parametrize("answer, public", [
    ({"is_channel": True, "is_private": False}, True), ({"is_channel": False, "is_private": True}, False),
    ({"is_channel": True, "is_private": True}, False),  # a private channel made since Slack's 2021 conversion
    ({"is_im": True}, False), ({"is_mpim": True, "is_private": True}, False), ({"is_group": True}, False),
])
def test_public_is_what_slack_says_of_the_channel(answer, public):
    assert public_in(answer) is public


def test_only_the_terms_a_document_states_count():
    """The shipped template leaves a contract reference out: nothing to withhold for it (an organisation's
    template that prints it has it withheld)."""
    content = {**copy.deepcopy(PRICED), "contract_ref": "CX-200"}
    full = render(content)
    assert terms.present(content, full) == ["service credits", "charges"]
    assert terms.present(content, full + "\nContract CX-200") == ["service credits", "charges", "the contract reference"]
    assert terms.present(terms.withheld(content), render(terms.withheld(content))) == []
