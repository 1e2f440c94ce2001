"""Drafting and proposing, through the domain services: versions, their differences in words, who may propose."""
from __future__ import annotations

from datetime import date

import pytest

from bot import agreements, service_map
from bot.errors import Command, InvalidInput, PermissionDenied
from bot.workspace.permissions import COUNTERPARTY, PROVIDER
from models import AgreementStatus
from tests.unit.agreements.world import BOB, CAROL, DOCS, EVE, SM, TERM, T, TEAM, person


def draft_input(world, **changes):
    fields = dict(kind=agreements.AgreementKind.SLA, name="Acme Payroll Two", counterparty_id=world.acme,
                  service_ids=[world.payroll], start=TERM[0], end=TERM[1], review_month=4, channel_id="C0ACME")
    return agreements.DraftInput(**{**fields, **changes})


def test_a_draft_is_version_one_with_its_document_and_the_standard_clauses(world):
    with world.db.session() as s:
        drafted = agreements.draft(s, SM, draft_input(world), DOCS)
        assert drafted.agreement.status == AgreementStatus.DRAFT.value
        assert drafted.version.number == 1 and drafted.version.reason == "First draft"
        assert drafted.version.changes == []
        assert len(drafted.version.document_sha256) == 64 and "Acme Payroll Two" in drafted.version.document
        assert drafted.version.content["services"] == ["Payroll"]
        assert drafted.version.content["counterparty"] == "Acme Retail"
        assert set(drafted.agreement.clauses) == set(agreements.CLAUSES)


def test_every_problem_with_a_draft_is_said_at_once_and_nothing_is_written(world):
    with world.db.session() as s:
        before = len(agreements.list_agreements(s, TEAM))
        with pytest.raises(InvalidInput) as err:
            agreements.draft(s, SM, draft_input(world, name="Acme Payroll", counterparty_id=world.network,
                                                service_ids=[], end=TERM[0], review_month=13), DOCS)
        assert err.value.errors == {
            "name": "There is already an agreement called “Acme Payroll”.",
            "counterparty": "Network group is not a customer.",
            "services": "Choose at least one service.",
            "end": "It must end after it starts.",
            "review_month": "Choose a month.",
        }
        assert len(agreements.list_agreements(s, TEAM)) == before


def test_a_draft_with_nowhere_to_negotiate_names_the_command_that_adds_contacts(world):
    with world.db.session() as s:
        lonely = service_map.add_party(s, SM, service_map.PartyInput(kind="customer", name="Lonely Ltd"))
        with pytest.raises(InvalidInput) as err:
            agreements.draft(s, SM, draft_input(world, counterparty_id=lonely.id, channel_id=None), DOCS)
    said = err.value.errors["channel"]
    assert said == ("Choose where to negotiate: Lonely Ltd has no contacts yet for me to open a group DM with (add "
                    "them with /slm party add, or pick a channel).")
    assert Command("party", "add").typed in said


def test_only_a_service_manager_may_draft(world):
    with world.db.session() as s, pytest.raises(PermissionDenied):
        agreements.draft(s, person(CAROL), draft_input(world), DOCS)


def test_a_proposal_is_the_next_version_with_its_difference_in_words(world):
    with world.db.session() as s:
        sla = world.get(s, world.sla)
        before = sla.latest_version
        made = agreements.propose(s, SM, sla, T(key="T1", duration="6h"), "The night shift is smaller", DOCS)
        assert made.version.number == before + 1 == sla.latest_version
        assert made.version.changes == ["T1 P1 resolution: 4h → 6h"]
        assert made.version.reason == "The night shift is smaller"
        assert sla.status == AgreementStatus.NEGOTIATING.value
        assert agreements.diff(agreements.version(s, sla, before).content, made.version.content) == made.version.changes


def test_a_proposal_needs_a_reason_and_a_change(world):
    for change, reason, said in ((T(key="T1", duration="6h"), "  ", {"reason": "Say why; the other side will read it in "
                                                                         "the thread."}),
                                 (T(key="T1", duration="4h"), "No change", {"change": "That changes nothing in version 3."})):
        with pytest.raises(InvalidInput) as err, world.db.session() as s:  # each unit of work rolled back
            agreements.propose(s, SM, world.get(s, world.sla), change, reason, DOCS)
        assert err.value.errors == said
    with world.db.session() as s:
        assert world.get(s, world.sla).latest_version == 3  # the draft and its two targets: nothing new


def test_who_may_propose_and_for_which_side(world):
    with world.db.session() as s:
        sla = world.get(s, world.sla)
        assert agreements.proposing_side(s, SM, sla) == PROVIDER
        assert agreements.proposing_side(s, person(CAROL), sla) == COUNTERPARTY  # Acme's approver
        for stranger in (person(EVE), person(BOB)):  # Bob is a contact of another party
            with pytest.raises(PermissionDenied) as err:
                agreements.proposing_side(s, stranger, sla)
            assert str(err.value) == ("Only a service manager or a contact of Acme Retail can propose a change to "
                                      "Acme Payroll.")


def test_the_negotiators_are_who_drafted_it_and_the_counterpartys_contacts(world):
    with world.db.session() as s:
        assert agreements.negotiators(s, world.get(s, world.sla)) == [SM.user_id, CAROL]


def test_the_thread_posts_keys_and_the_working_term(world):
    assert agreements.headline_key(7) == "agreement:7:headline"
    assert agreements.version_key(9) == "version:9" and agreements.document_key(9) == "version:9:document"
    with world.db.session() as s:
        sla = world.get(s, world.sla)
        agreements.propose(s, SM, sla, T(key=None, kind="response", level="P1", duration="30m"), "Answer sooner", DOCS)
        assert agreements.working_term(sla) == TERM
        sla.pending_term = {"start": "2026-05-01", "end": "2027-04-30", "review_month": 5}
        assert agreements.working_term(sla) == (date(2026, 5, 1), date(2027, 4, 30))
