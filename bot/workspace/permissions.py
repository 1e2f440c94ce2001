"""The one permission table: which workspace roles may do what.

Roles come from two places: Slack itself (workspace admins and owners are
`admin`) and grants made in the bot (`/slm role grant @someone service-manager`).
Everyone in the workspace is `member`. Party-scoped roles (a customer's approver)
are checked by the services that need them, against the party's contacts.
"""
from __future__ import annotations

from enum import StrEnum

from bot.workspace.actor import Actor
from bot.errors import Command, PermissionDenied

ADMIN = "admin"
MEMBER = "member"
SERVICE_MANAGER = "service_manager"


class Capability(StrEnum):
    VIEW_MAP = "view the service map"
    EDIT_MAP = "change the service map"
    GRANT_ROLES = "grant or revoke roles"
    RECORD_REQUIREMENT = "record a service requirement"
    DECIDE_REQUIREMENT = "decline a requirement, or amend someone else's"
    DRAFT_AGREEMENT = "draft agreements and keep calendars"
    RECORD_ACTION = "record an action (an upgrade or a remedial action), or close someone else's"
    CHANGE_SETTINGS = "change the organisation's settings"
    WAIVE_GAP = "waive a gap in cover"
    ACKNOWLEDGE_BREACH = "acknowledge a breach alert"
    ESCALATE_BREACH = "escalate a breach alert"
    MANAGE_API_TOKENS = "make or revoke API tokens"
    RECORD_MEASUREMENT = "record an outage or a ticket by hand"
    MAP_ALERTS = "map alert labels to services"
    ARRANGE_REVIEWS = "propose how an SLA is reviewed, keep its risks, and close its reviews"
    VIEW_AUDIT = "see the audit trail"
    # issue 17, satisfaction: answering the rating the bot asked you for (bot.satisfaction also checks it was you)
    RATE_SERVICE = "rate the service you were asked about"
    # issue 17, suppliers: contracts' owners and reviews, disputes with suppliers
    MANAGE_CONTRACTS = "name a contract's owner and review cadence, or decide a review of a contract you do not own"
    RECORD_DISPUTE = "record a dispute with a supplier, or close one you do not own"
    # Issue 17, complaints slice: complaints, and each party's relationship owner.
    RECORD_COMPLAINT = "record a complaint"
    ANSWER_COMPLAINT = "answer or close a complaint"
    NAME_RELATIONSHIP_OWNER = "name a party's relationship owner"
    # ladders (issue 17): escalation ladders and the priority-raise callback
    SET_LADDER = "set an escalation ladder or its priority callback"
    # issue 17, workload: maintenance windows and agreed exclusions (workload limits are an SLA's terms: DRAFT_AGREEMENT)
    PLAN_MAINTENANCE = "plan or cancel a service's maintenance windows"
    RECORD_EXCLUSION = "record an exclusion agreed with the customer"


PERMISSIONS: dict[Capability, frozenset[str]] = {
    Capability.VIEW_MAP: frozenset({MEMBER}),
    Capability.EDIT_MAP: frozenset({ADMIN, SERVICE_MANAGER}),
    Capability.GRANT_ROLES: frozenset({ADMIN, SERVICE_MANAGER}),
    # Anyone may record what a customer needs: customers' own people included.
    Capability.RECORD_REQUIREMENT: frozenset({MEMBER}),
    Capability.DECIDE_REQUIREMENT: frozenset({ADMIN, SERVICE_MANAGER}),
    Capability.DRAFT_AGREEMENT: frozenset({ADMIN, SERVICE_MANAGER}),
    # Their own refusals, so that pressing *Create remedial action* is not answered about drafting agreements.
    Capability.RECORD_ACTION: frozenset({ADMIN, SERVICE_MANAGER}),
    Capability.CHANGE_SETTINGS: frozenset({ADMIN, SERVICE_MANAGER}),
    # Accepting a gap is the service manager's judgement; being a workspace admin is not enough.
    Capability.WAIVE_GAP: frozenset({SERVICE_MANAGER}),
    # The owning support group's contacts may too: bot.breaches checks them against the party's contacts.
    Capability.ACKNOWLEDGE_BREACH: frozenset({ADMIN, SERVICE_MANAGER}),
    # Escalating goes over the support group's head: the service manager's call.
    Capability.ESCALATE_BREACH: frozenset({SERVICE_MANAGER}),
    # A token lets a machine speak for the whole workspace: those who keep the agreements hand them out.
    Capability.MANAGE_API_TOKENS: frozenset({ADMIN, SERVICE_MANAGER}),
    # What is recorded is measured against the agreements and can raise breach alerts.
    Capability.RECORD_MEASUREMENT: frozenset({ADMIN, SERVICE_MANAGER}),
    # Which service an alert is about decides whose targets it counts against: the map's keepers decide.
    Capability.MAP_ALERTS: frozenset({ADMIN, SERVICE_MANAGER}),
    Capability.ARRANGE_REVIEWS: frozenset({SERVICE_MANAGER}),
    # The trail names who did what to every record, commercial terms and people's roles included: those who answer
    # for the agreements (and admins, who grant the roles) read it; an auditor gets the export from an operator.
    Capability.VIEW_AUDIT: frozenset({ADMIN, SERVICE_MANAGER}),
    # issue 17, satisfaction: anyone asked may answer (customers' own people are members); only the person asked.
    Capability.RATE_SERVICE: frozenset({MEMBER}),
    # issue 17, suppliers: those who keep the agreements keep the contracts' owners and cadences; a contract's owner
    # decides its own reviews and closes their own disputes (bot.suppliers checks the owner before the table).
    Capability.MANAGE_CONTRACTS: frozenset({ADMIN, SERVICE_MANAGER}),
    Capability.RECORD_DISPUTE: frozenset({ADMIN, SERVICE_MANAGER}),
    # Issue 17, complaints slice. Anyone may record a complaint, customers' own people included (like requirements).
    Capability.RECORD_COMPLAINT: frozenset({MEMBER}),
    # The complaint's owner may too: bot.complaints checks them against the complaint (like a breach's contacts).
    Capability.ANSWER_COMPLAINT: frozenset({SERVICE_MANAGER}),
    # Who answers for a customer or supplier is the map's keepers' call.
    Capability.NAME_RELATIONSHIP_OWNER: frozenset({ADMIN, SERVICE_MANAGER}),
    # ladders (issue 17): who is told when, and a POST that raises tickets' priority: those who keep the agreements.
    Capability.SET_LADDER: frozenset({ADMIN, SERVICE_MANAGER}),
    # issue 17, workload. A window is announced to the service's customers: those who keep the map plan them.
    Capability.PLAN_MAINTENANCE: frozenset({ADMIN, SERVICE_MANAGER}),
    # An exclusion takes time out of what an SLA measures: the service manager's call, with the customer's word.
    Capability.RECORD_EXCLUSION: frozenset({SERVICE_MANAGER}),
}

# Agreements have two sides. Who acts for each, by workspace role (provider) or by the
# contact role the counterparty's party gives them (customer, support group, supplier).
PROVIDER, COUNTERPARTY = "provider", "counterparty"
ANY_CONTACT = "any contact"
AGREEMENT_SIDES: dict[str, dict[str, frozenset[str]]] = {
    # Proposing a change: the provider's service managers (and admins), or anyone who speaks for the counterparty.
    "propose": {PROVIDER: frozenset({ADMIN, SERVICE_MANAGER}), COUNTERPARTY: frozenset({ANY_CONTACT})},
    # Agreeing to a version: a service manager for the provider, an approver for the counterparty.
    "agree": {PROVIDER: frozenset({SERVICE_MANAGER}), COUNTERPARTY: frozenset({"approver"})},
}


def sides(actor: Actor, act: str, counterparty_roles: set[str]) -> set[str]:
    """The sides of an agreement this person may `act` for ("propose" or "agree")."""
    rule = AGREEMENT_SIDES[act]
    out = set()
    if rule[PROVIDER] & actor.roles:
        out.add(PROVIDER)
    allowed = rule[COUNTERPARTY]
    if counterparty_roles and (ANY_CONTACT in allowed or allowed & counterparty_roles):
        out.add(COUNTERPARTY)
    return out

ROLE_LABELS = {ADMIN: "workspace admin", SERVICE_MANAGER: "service manager", MEMBER: "member"}


def can(actor: Actor, capability: Capability) -> bool:
    if actor.external:
        # Slack Connect (issue 16): a person from another organisation's workspace holds no role in this one, not
        # even `member`: a member sees the whole map and every customer's records, and they must see only their own
        # party's. What they may do is what their party's contact role allows, checked by the services against the
        # contacts (recognised by user id and workspace): propose and agree (AGREEMENT_SIDES), answer a requirement
        # DM, answer a review reminder; and rate the service when the bot asks them after a review (bot.satisfaction
        # asks the customer's contacts, and answers.py takes a rating only from the person asked).
        return capability in EXTERNAL_CAPABILITIES
    return bool(PERMISSIONS[capability] & (actor.roles | {MEMBER}))


# The capabilities of the table a person of another organisation holds: only those a service further checks is about
# them (a rating: only the person the bot asked gives it).
EXTERNAL_CAPABILITIES = frozenset({Capability.RATE_SERVICE})

# What a person of another organisation may do here, in their words (the refusals say it).
EXTERNAL_CAN = ("propose changes to your organisation's agreements and agree to them (as its approver), answer the "
                "questions I send you about your requirements, answer review reminders, and rate the service when I "
                "ask you to")


def who_can(capability: Capability) -> str:
    """The roles a capability is for, in words ("service manager or workspace admin"), read from the table."""
    return " or ".join(sorted(ROLE_LABELS[r] for r in PERMISSIONS[capability]))


def require(actor: Actor, capability: Capability) -> None:
    if actor.external and not can(actor, capability):
        raise PermissionDenied(f"{actor.from_words}: only this workspace's own people can {capability.value} here. "
                               f"As your organisation's contact you can {EXTERNAL_CAN}.")
    if not can(actor, capability):
        allowed = who_can(capability)
        if ADMIN in actor.roles:  # an admin may grant the role, to others and to themselves
            raise PermissionDenied(f"Only a {allowed} can {capability.value}. As a workspace admin you can grant "
                                   "the role, yourself included: ", Command("role", "grant", "@you", "service-manager"), ".")
        raise PermissionDenied(f"Only a {allowed} can {capability.value}. "
                               f"Ask one of them, or ask a {who_can(Capability.GRANT_ROLES)} to grant you the role.")
