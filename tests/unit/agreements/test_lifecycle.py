"""Agreeing (both sides, the gate its caller gives), retiring, and statuses rolling with time."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot import agreements
from bot.errors import DomainError, PermissionDenied, Person
from models import Agreement, AgreementStatus, Signoff
from tests.conftest import START
from tests.unit.agreements.world import CAROL, DOCS, EVE, SM, TERM, T, person


class Refused(DomainError):
    pass


def passes(session, actor, agreement):
    """A gate that lets everything through (what the cover gate does for an OLA or a contract)."""


def refuses(session, actor, agreement):
    raise Refused(f"{agreement.name} is refused by the gate.")


def signoffs(world):
    with world.db.session() as s:
        return [(x.version, x.side, x.user_id) for x in s.exec(select(Signoff).order_by(Signoff.id))]


def test_both_sides_agreeing_put_the_version_in_force(world):
    with world.db.session() as s:
        sla = world.get(s, world.sla)
        first = agreements.agree(s, SM, sla, 3, gate=passes)
        assert (first.side, first.now_agreed, first.waiting_for) == ("provider", False, "an approver of Acme Retail")
        assert sla.agreed_version is None and agreements.status_line(sla) == "negotiating (v3)"
    with world.db.session() as s:
        sla = world.get(s, world.sla)
        second = agreements.agree(s, person(CAROL), sla, 3, gate=passes)
        assert (second.side, second.now_agreed, second.waiting_for) == ("counterparty", True, None)
        assert sla.agreed_version == 3
        assert sla.status == AgreementStatus.AGREED.value  # it starts on 1 April
        assert second.signoff.document_sha256 == agreements.version(s, sla, 3).document_sha256
    assert signoffs(world) == [(3, "provider", SM.user_id), (3, "counterparty", CAROL)]


def test_a_gate_refusing_records_nothing(world):
    with pytest.raises(Refused, match="Acme Payroll is refused by the gate."), world.db.session() as s:
        agreements.agree(s, SM, world.get(s, world.sla), 3, gate=refuses)
    assert signoffs(world) == []


def test_the_gate_is_asked_last_after_every_other_check(world):
    asked = []

    def gate(session, actor, agreement):
        asked.append(actor.user_id)

    with world.db.session() as s:
        sla = world.get(s, world.sla)
        with pytest.raises(DomainError, match="Version 3 of Acme Payroll has been proposed since version 2"):
            agreements.agree(s, SM, sla, 2, gate=gate)
        with pytest.raises(PermissionDenied, match="Only an approver of Acme Retail or the provider's service"):
            agreements.agree(s, person(EVE), sla, 3, gate=gate)
        assert asked == []
        agreements.agree(s, SM, sla, 3, gate=gate)
        assert asked == [SM.user_id]


def test_one_person_agrees_once_and_a_side_once(world):
    other_manager = person("U0FRANK", "service_manager")
    with world.db.session() as s:
        agreements.agree(s, SM, world.get(s, world.sla), 3, gate=passes)
    with world.db.session() as s:
        with pytest.raises(DomainError, match="You have already agreed to version 3"):
            agreements.agree(s, SM, world.get(s, world.sla), 3, gate=passes)
        with pytest.raises(DomainError) as err:
            agreements.agree(s, other_manager, world.get(s, world.sla), 3, gate=passes)
    assert err.value.parts == ("Your side already agreed to version 3 (", Person(SM.user_id), ").")


def test_a_version_whose_term_has_passed_cannot_be_agreed(world):
    late = person(SM.user_id, "service_manager", now=START.replace(year=2027, month=4, day=2))
    with pytest.raises(DomainError, match="ends on 2027-03-31, which has passed; propose a new term first."):
        with world.db.session() as s:
            agreements.agree(s, late, world.get(s, world.sla), 3, gate=passes)


def test_retiring_and_what_a_retired_agreement_refuses(world):
    with world.db.session() as s:
        sla = agreements.retire(s, SM, world.get(s, world.sla))
        assert sla.status == AgreementStatus.RETIRED.value
    with world.db.session() as s:
        sla = world.get(s, world.sla)
        with pytest.raises(DomainError, match="Acme Payroll is already retired."):
            agreements.retire(s, SM, sla)
        with pytest.raises(DomainError, match="Acme Payroll is retired."):
            agreements.agree(s, SM, sla, 3, gate=passes)
        with pytest.raises(DomainError, match="Acme Payroll is retired; draft a new agreement instead."):
            agreements.propose(s, SM, sla, T(key="T1", duration="6h"), "why not", DOCS)
        with pytest.raises(PermissionDenied):
            agreements.retire(s, person(CAROL), sla)


def test_statuses_roll_with_the_days(world):
    with world.db.session() as s:
        for actor in (SM, person(CAROL)):
            agreements.agree(s, actor, world.get(s, world.sla), 3, gate=passes)
    with world.db.session() as s:
        assert agreements.roll_statuses(s, TERM[0] - timedelta(days=1)) == []
        [(row, before)] = agreements.roll_statuses(s, TERM[0])
        assert (row.name, before, row.status) == ("Acme Payroll", "agreed", "active")
        assert agreements.status_line(row) == "active (v3)"
        [(row, before)] = agreements.roll_statuses(s, TERM[1] + timedelta(days=1))
        assert (before, row.status) == ("active", "expired")
        assert agreements.roll_statuses(s, TERM[1] + timedelta(days=2)) == []  # drafts never roll


def test_terms_in_words_and_dates():
    assert agreements.default_term(date(2026, 3, 2)) == (date(2026, 4, 1), date(2027, 3, 31))
    row = Agreement(review_month=4, end_date=date(2027, 3, 31), status="active",
                    latest_version=4, agreed_version=3)
    assert agreements.next_review(row, date(2026, 3, 2)) == date(2026, 4, 1)
    assert agreements.next_review(row, date(2026, 4, 2)) == date(2027, 3, 31)  # the term ends before next April
    assert agreements.status_line(row) == "active (v3 in force; v4 under negotiation)"
