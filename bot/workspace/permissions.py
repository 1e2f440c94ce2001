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
        # DM, answer a review reminder.
        return False
    return bool(PERMISSIONS[capability] & (actor.roles | {MEMBER}))


# What a person of another organisation may do here, in their words (the refusals say it).
EXTERNAL_CAN = ("propose changes to your organisation's agreements and agree to them (as its approver), answer the "
                "questions I send you about your requirements, and answer review reminders")


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
