"""Recording requirements and deciding on them, through the services with a real database session."""
from __future__ import annotations

import pytest
from sqlmodel import select

from bot import requirements, service_map
from bot.errors import Command, DomainError, InvalidInput, NotFound, PermissionDenied, Person
from bot.requirements import asks
from models import AuditEvent, Category, ContactRole, PartyKind, Requirement, Source, Status
from tests.unit.people import TEAM, manager, member

ANA, BOB = "U-ANA", "U-BOB"  # Acme's operational and managerial contacts


@pytest.fixture
def acme(session):
    """Payroll, its customer Acme Retail (Ana operational, Bob managerial) and a supplier."""
    boss = manager()
    payroll = service_map.add_service(session, boss, name="Payroll")
    customer = service_map.add_party(session, boss, service_map.PartyInput(
        kind="customer", name="Acme Retail",
        contacts={ContactRole.OPERATIONAL: [ANA], ContactRole.MANAGERIAL: [BOB]}))
    supplier = service_map.add_party(session, boss, service_map.PartyInput(kind="supplier", name="Carrier X"))
    return payroll, customer, supplier


def ask(session, payroll, customer, who: str = ANA, target: str = "4h", level: str = "P1") -> Requirement:
    """`who` asks for a resolution time, through the interview."""
    drafts = requirements.interview_drafts("operational", ["incidents"], {f"{level.lower()}_resolution": target},
                                           default_tz="UTC")
    [req] = requirements.record(session, member(who), payroll.id, customer.id,
                                requirements.Said(who, ContactRole.OPERATIONAL), drafts)
    return req


def test_requirements_are_numbered_in_their_workspace_and_keep_who_asked(session, acme):
    payroll, customer, _ = acme
    first, second = ask(session, payroll, customer), ask(session, payroll, customer, BOB, "8h")
    assert (first.number, second.number) == (1, 2)
    assert (first.said_by, first.said_role, first.source, first.target) == (ANA, "operational", Source.FORM.value, "4h")
    assert first.status == Status.CAPTURED.value and first.confirmed_by is None
    assert requirements.get(session, TEAM, 2).id == second.id
    other = manager(team_id="T-OTHER")
    elsewhere = service_map.add_service(session, other, name="Payroll")
    client = service_map.add_party(session, other, service_map.PartyInput(kind="customer", name="Acme Retail"))
    [theirs] = requirements.record(session, member(ANA, "T-OTHER"), elsewhere.id, client.id,
                                   requirements.Said(ANA, ContactRole.OPERATIONAL),
                                   [requirements.Draft(Category.OTHER, "Be nice.")])
    assert theirs.number == 1  # each workspace counts its own


def test_a_requirement_is_about_a_known_service_and_a_customer(session, acme):
    payroll, _, supplier = acme
    said = requirements.Said(ANA, ContactRole.OPERATIONAL)
    draft = [requirements.Draft(Category.OTHER, "Be nice.")]
    with pytest.raises(InvalidInput) as refused:
        requirements.record(session, member(ANA), 999, None, said, draft)
    assert refused.value.errors == {"service": "That service no longer exists.",
                                    "customer": "Choose the customer asking for it."}
    with pytest.raises(InvalidInput) as refused:
        requirements.record(session, member(ANA), payroll.id, supplier.id, said, draft)
    assert refused.value.errors == {"customer": "Carrier X is not a customer."}
    assert session.exec(select(Requirement)).all() == []


def test_an_unknown_number_is_not_found(session, acme):
    with pytest.raises(NotFound, match=r"There is no requirement #7\."):
        requirements.get(session, TEAM, 7)


def test_only_the_requester_confirms_and_the_refusal_names_them(session, acme):
    req = ask(session, *acme[:2])
    with pytest.raises(PermissionDenied) as refused:
        requirements.confirm(session, manager(), req.number)
    assert Person(ANA) in refused.value.parts  # the handler makes the mention; the domain names the person
    confirmed = requirements.confirm(session, member(ANA), req.number)
    assert (confirmed.status, confirmed.confirmed_by) == (Status.CLARIFIED.value, ANA)


def test_the_requester_correcting_confirms_and_the_target_is_read(session, acme):
    req = ask(session, *acme[:2])
    fixed = requirements.correct(session, member(ANA), req.number, statement=" P1 fixed within 2 hours ",
                                 target="120 minutes", default_tz="UTC")
    assert (fixed.statement, fixed.target, fixed.metric) == ("P1 fixed within 2 hours", "2h", "resolution_time")
    assert (fixed.status, fixed.confirmed_by) == (Status.CLARIFIED.value, ANA)
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "requirement.correct")).one()
    assert audit.before == {"statement": "P1 incidents: resolution within 4h.", "target": "4h"}


def test_a_manager_rewording_leaves_it_for_the_requester_to_confirm(session, acme):
    req = ask(session, *acme[:2])
    requirements.confirm(session, member(ANA), req.number)
    reworded = requirements.correct(session, manager(), req.number, statement="P1 restored within 4h",
                                    target="4h", default_tz="UTC")
    assert (reworded.confirmed_by, reworded.confirmed_at) == (None, None)
    with pytest.raises(PermissionDenied):  # a member who did not ask for it may not reword it
        requirements.correct(session, member("U-EVE"), req.number, statement="x", target="1h", default_tz="UTC")


def test_an_unreadable_correction_changes_nothing(session, acme):
    req = ask(session, *acme[:2])
    with pytest.raises(InvalidInput) as refused:
        requirements.correct(session, member(ANA), req.number, statement="", target="soonish", default_tz="UTC")
    assert set(refused.value.errors) == {"statement", "target"}
    assert (req.statement, req.target) == ("P1 incidents: resolution within 4h.", "4h")


def test_declining_takes_a_manager_and_a_reason_and_then_it_is_closed(session, acme):
    req = ask(session, *acme[:2])
    with pytest.raises(PermissionDenied):
        requirements.decline(session, member(ANA), req.number, "no")
    with pytest.raises(InvalidInput) as refused:
        requirements.decline(session, manager(), req.number, "   ")
    assert set(refused.value.errors) == {"reason"}
    declined = requirements.decline(session, manager(), req.number, "We cannot staff nights.")
    assert (declined.status, declined.status_reason) == (Status.DECLINED.value, "We cannot staff nights.")
    with pytest.raises(DomainError, match="already declined; record it again if it still stands"):
        requirements.check_correctable(member(ANA), declined)


def test_an_answered_requirement_cannot_be_declined(session, acme):
    req = ask(session, *acme[:2])
    req.status = Status.ACCEPTED.value
    with pytest.raises(DomainError, match="already answered by an SLA"):
        requirements.decline(session, manager(), req.number, "late")


def test_the_role_a_person_answers_in_comes_from_the_map_first(session, acme):
    _, customer, _ = acme
    assert requirements.resolve_role(session, TEAM, BOB, customer.id, "operational") is ContactRole.MANAGERIAL
    assert requirements.resolve_role(session, TEAM, "U-NEW", customer.id, "operational") is ContactRole.OPERATIONAL
    with pytest.raises(InvalidInput):
        requirements.resolve_role(session, TEAM, "U-NEW", customer.id, None)
    assert [p.name for p in requirements.customers_of(session, TEAM, ANA)] == ["Acme Retail"]
    assert service_map.list_parties(session, TEAM, PartyKind.CUSTOMER) == [customer]


def test_asking_about_a_gone_requirement_suggests_the_command_as_data(session, acme):
    with pytest.raises(NotFound) as refused:
        asks.record_ask(session, member(ANA), [42])
    assert Command("requirements") in refused.value.parts  # no command text built in the domain
    assert str(refused.value) == "That requirement is not there any more: see `/slm requirements`."
