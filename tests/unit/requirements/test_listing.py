"""Reading requirements back: grouped by category, for a service or a customer, with the conflicts between people."""
from __future__ import annotations

import pytest

from bot import requirements, service_map
from models import Category, ContactRole
from tests.unit.people import TEAM, manager, member


@pytest.fixture
def two_customers(session):
    boss = manager()
    payroll = service_map.add_service(session, boss, name="Payroll")
    acme = service_map.add_party(session, boss, service_map.PartyInput(kind="customer", name="Acme Retail"))
    bolt = service_map.add_party(session, boss, service_map.PartyInput(kind="customer", name="Bolt Bikes"))
    return payroll, acme, bolt


def record(session, service, customer, who: str, answers: dict[str, str], topics=("incidents",)):
    drafts = requirements.interview_drafts("operational", list(topics), answers, default_tz="UTC")
    return requirements.record(session, member(who), service.id, customer.id,
                               requirements.Said(who, ContactRole.OPERATIONAL), drafts)


def test_a_service_lists_its_requirements_by_category_with_names(session, two_customers):
    payroll, acme, bolt = two_customers
    record(session, payroll, acme, "U-ANA", {"support_hours": "24x7"}, topics=("support_hours",))
    record(session, payroll, acme, "U-ANA", {"p1_response": "15m", "p1_resolution": "4h"})
    record(session, payroll, bolt, "U-BEA", {"p2_resolution": "1 business day"})
    listing = requirements.listing(session, TEAM, payroll)
    assert listing.title == "Payroll"
    assert [(cat, [r.number for r in rs]) for cat, rs in listing.by_category] == [
        (Category.RESPONSE_TIME, [2]), (Category.RESOLUTION_TIME, [3, 4]), (Category.SUPPORT_HOURS, [1])]
    assert listing.customers == {acme.id: "Acme Retail", bolt.id: "Bolt Bikes"}
    assert listing.services == {payroll.id: "Payroll"}
    assert listing.conflicts == []


def test_a_customer_lists_only_what_it_asked(session, two_customers):
    payroll, acme, bolt = two_customers
    record(session, payroll, acme, "U-ANA", {"p1_resolution": "4h"})
    record(session, payroll, bolt, "U-BEA", {"p1_resolution": "8h"})
    listing = requirements.listing(session, TEAM, bolt)
    assert [r.target for _cat, rs in listing.by_category for r in rs] == ["8h"]
    assert listing.conflicts == []  # different customers may want different things


def test_two_people_of_one_customer_asking_differently_conflict(session, two_customers):
    payroll, acme, _ = two_customers
    record(session, payroll, acme, "U-ANA", {"p1_resolution": "4h"})
    record(session, payroll, acme, "U-BOB", {"p1_resolution": "240 minutes"})  # the same ask, written differently
    record(session, payroll, acme, "U-CAT", {"p1_resolution": "2h"})
    [conflict] = requirements.listing(session, TEAM, payroll).conflicts
    assert conflict.label == "P1 resolution time"
    assert [r.said_by for r in conflict.requirements] == ["U-ANA", "U-BOB", "U-CAT"]


def test_a_declined_requirement_no_longer_conflicts(session, two_customers):
    payroll, acme, _ = two_customers
    record(session, payroll, acme, "U-ANA", {"p1_resolution": "4h"})
    [late] = record(session, payroll, acme, "U-BOB", {"p1_resolution": "2h"})
    assert len(requirements.listing(session, TEAM, payroll).conflicts) == 1
    requirements.decline(session, manager(), late.number, "Bob asked for Ana's team; Ana's figure stands.")
    assert requirements.listing(session, TEAM, payroll).conflicts == []
