"""Renaming and removing what the map holds: kept in the audit trail, refused while anything uses it."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot import requirements, service_map
from bot.errors import Command, DomainError, InvalidInput, NotFound
from bot.service_map import changes
from models import AuditEvent, Category, ContactRole, Service
from tests.unit.people import TEAM, manager, member


@pytest.fixture
def payroll(session):
    return service_map.add_service(session, manager(), name="Payroll")


def test_a_rename_keeps_the_row_and_the_old_name_in_the_audit_trail(session, payroll):
    assert changes.rename(session, manager(), "service", "payroll", "Payroll & Pensions") == (
        "Payroll", "Payroll & Pensions")
    assert session.get(Service, payroll.id).name == "Payroll & Pensions"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "service.rename")).one()
    assert event.detail == {"old_name": "Payroll", "new_name": "Payroll & Pensions"}


def test_a_rename_to_a_taken_name_or_to_nothing_is_refused(session, payroll):
    service_map.add_party(session, manager(), service_map.PartyInput(kind="customer", name="Acme Retail"))
    with pytest.raises(InvalidInput) as refused:
        changes.rename(session, manager(), "service", "Payroll", "ACME retail")
    assert refused.value.errors == {"name": "There is already a party called “ACME retail”; nothing was renamed."}
    with pytest.raises(DomainError) as refused:
        changes.rename(session, manager(), "service", "Payroll", "  ")
    assert Command("service rename “Payroll” New name") in refused.value.parts  # the command as data, not text
    with pytest.raises(NotFound, match="There is no service called “Pensions”"):
        changes.rename(session, manager(), "service", "Pensions", "Annuities")


def test_a_service_in_use_is_not_removed_and_the_refusal_names_what_uses_it(session, payroll):
    acme = service_map.add_party(session, manager(), service_map.PartyInput(kind="customer", name="Acme Retail"))
    requirements.record(session, member("U-ANA"), payroll.id, acme.id,
                        requirements.Said("U-ANA", ContactRole.OPERATIONAL),
                        [requirements.Draft(Category.OTHER, "Pay on time.")])
    with pytest.raises(DomainError) as refused:
        changes.check_removal(session, manager(), "service", "Payroll")
    assert str(refused.value) == ("I can't remove the service “Payroll”: requirement #1 still uses it. "
                                  "Remove or change those first; nothing was removed.")
    assert service_map.list_services(session, TEAM) == [payroll]


def test_an_unused_service_is_removed_after_being_asked(session, payroll):
    removal = changes.check_removal(session, manager(), "service", "PAYROLL")
    assert (removal.value, removal.name) == (f"service:{payroll.id}", "Payroll")
    assert changes.remove(session, manager(), removal.value).name == "Payroll"
    assert service_map.list_services(session, TEAM) == []
    with pytest.raises(NotFound, match="already gone"):
        changes.remove(session, manager(), removal.value)
