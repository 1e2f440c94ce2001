"""Adding services, parties and links, and reading the map back, through the services with a real database session."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot import service_map
from bot.errors import InvalidInput, PermissionDenied
from models import AuditEvent, ContactRole, Service
from tests.unit.people import TEAM, manager, member


def test_a_service_is_added_once_whatever_the_case_and_a_party_may_not_share_its_name(session):
    payroll = service_map.add_service(session, manager(), name="  Payroll  ", description="Pays people.")
    assert (payroll.name, payroll.description, payroll.created_by) == ("Payroll", "Pays people.", "U-MANAGER")
    with pytest.raises(InvalidInput) as refused:
        service_map.add_service(session, manager(), name="PAYROLL")
    assert refused.value.errors == {"name": "There is already a service called “Payroll”."}
    with pytest.raises(InvalidInput) as refused:
        service_map.add_party(session, manager(), service_map.PartyInput(kind="customer", name="payroll"))
    assert refused.value.errors == {"name": "There is already a service called “Payroll”."}
    assert [s.name for s in service_map.list_services(session, TEAM)] == ["Payroll"]
    assert session.exec(select(AuditEvent.action)).all() == ["service.add"]


def test_only_those_who_may_change_the_map_add_to_it(session):
    with pytest.raises(PermissionDenied, match="change the service map"):
        service_map.add_service(session, member(), name="Payroll")
    assert session.exec(select(Service)).all() == []


def test_a_party_names_every_mistake_at_once_and_keeps_its_contacts(session):
    with pytest.raises(InvalidInput) as refused:
        service_map.add_party(session, manager(), service_map.PartyInput(kind="friend", name="", description="x" * 3001))
    assert set(refused.value.errors) == {"kind", "name", "description"}
    acme = service_map.add_party(session, manager(), service_map.PartyInput(
        kind="customer", name="Acme Retail", contacts={ContactRole.OPERATIONAL: ["U-ANA", "U-ANA", "U-AL"]}))
    contacts = service_map.contacts_of(session, TEAM, acme.id)
    assert contacts[ContactRole.OPERATIONAL] == ["U-ANA", "U-AL"]  # each person once, in the order given
    assert contacts[ContactRole.MANAGERIAL] == []


def test_links_say_who_consumes_supports_and_supplies_a_service(session):
    boss = manager()
    payroll = service_map.add_service(session, boss, name="Payroll")
    acme = service_map.add_party(session, boss, service_map.PartyInput(kind="customer", name="Acme Retail"))
    desk = service_map.add_party(session, boss, service_map.PartyInput(kind="support_group", name="Service Desk"))
    carrier = service_map.add_party(session, boss, service_map.PartyInput(kind="supplier", name="Carrier X"))
    service_map.link(session, boss, service_id=payroll.id, party_id=acme.id, activities=["reporting"])
    service_map.link(session, boss, service_id=payroll.id, party_id=desk.id, activities=["incident handling"])
    service_map.link(session, boss, service_id=payroll.id, party_id=carrier.id, component="Network",
                     activities=service_map.parse_activities(["escalation", "other"], "night shifts, Escalation"))
    [view] = service_map.service_views(session, TEAM)
    assert [lv.party.name for lv in view.consumers] == ["Acme Retail"]
    assert [lv.party.name for lv in view.supporters] == ["Service Desk"]
    assert [(lv.party.name, lv.component, lv.activities) for lv in view.suppliers] == [
        ("Carrier X", "Network", ["escalation", "night shifts"])]
    assert service_map.services_of_party(session, TEAM, carrier.id) == [payroll]
    assert service_map.find(session, TEAM, "carrier  x") == carrier


def test_a_link_is_refused_when_it_is_wrong_or_already_there(session):
    boss = manager()
    payroll = service_map.add_service(session, boss, name="Payroll")
    acme = service_map.add_party(session, boss, service_map.PartyInput(kind="customer", name="Acme Retail"))
    with pytest.raises(InvalidInput) as refused:
        service_map.link(session, boss, service_id=payroll.id, party_id=acme.id, component="Network", activities=[])
    assert set(refused.value.errors) == {"component", "activities"}  # only a supplier supplies a component
    service_map.link(session, boss, service_id=payroll.id, party_id=acme.id, activities=["reporting"])
    with pytest.raises(InvalidInput) as refused:
        service_map.link(session, boss, service_id=payroll.id, party_id=acme.id, activities=["billing"])
    assert refused.value.errors == {"party": "Acme Retail is already linked to Payroll."}
