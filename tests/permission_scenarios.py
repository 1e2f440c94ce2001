"""One scenario per row of the permission table (bot/workspace/permissions.py), for tests/test_permission_table.py.

A scenario is something a person does through a signed Slack request (a slash command, a button, a modal
submission): the person the rule allows does it and it is done; the person it does not allow does the same and is
refused, in words that name the rule. The people and their roles are tests/permission_world.py's; the breach
scenarios use tests/breach_world.py's world (Alice its service manager, Bob a contact of the Network group)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bot.measurements.states import Level
from bot.workspace.permissions import AGREEMENT_SIDES, Capability
from messages.ids import Action, Block, Callback
from tests.helpers import text_of
from tests.permission_world import (ACME_CHANNEL, ALICE, BOB, CAROL, DAVE, EVE, NETWORK_CHANNEL, OLA, SLA, headline,
                                    post)


@dataclass
class Ctx:
    slack: object
    sandbox: object
    db: object
    team: str
    world: object
    sweep: Callable | None = None


@dataclass(frozen=True)
class Scenario:
    world: str  # the fixture that builds its world: "perm_world" or "breach_world"
    allowed: str  # who may, by the role the world gives them
    refused: str | None  # who may not: None where the rule is everyone's (a member may)
    act: Callable[[Ctx, str], None]  # the person does it, through signed requests
    done: str  # what the reply (or the message it edits) says once it is done
    rule: str  # what the refusal says: the rule, in words
    prepare: Callable[[Ctx], None] = lambda ctx: None  # what has to exist first (through signed requests too)
    changes: bool = True  # False for a capability that only shows (nothing in the database changes)


def said(ctx: Ctx, user: str) -> str:
    """What this person was told last: the ephemeral reply, or the modal's inline errors."""
    return text_of(ctx.sandbox.last_ephemeral(user))


def command(text: str, form: dict | None = None, channel: str = "C0GENERAL"):
    """`/slm <text>`; when it opens a form, the form is submitted with `form` (values by block_id)."""
    def act(ctx: Ctx, user: str) -> None:
        before = ctx.sandbox.open_modal(ctx.team, user)
        ctx.slack.command(text, user=user, channel=channel)
        modal = ctx.sandbox.open_modal(ctx.team, user)
        if modal is not None and modal is not before:
            ctx.slack.submit(modal, (form(ctx, modal) if callable(form) else form) or {})
    return act


def option(modal, block_id: str, shown: str) -> str:
    element = next(b for b in modal.view["blocks"] if b.get("block_id") == block_id)["element"]
    return next(o["value"] for o in element["options"] if o["text"]["text"] == shown)


# ---- acts that need more than one command ------------------------------------------------------------------------
def quote_as_requirement(ctx: Ctx, user: str) -> None:
    message = ctx.slack.post_as_user(ACME_CHANNEL, "We need P1 incidents fixed within 4 hours", user=CAROL)
    ctx.slack.message_shortcut(Callback.SHORTCUT_REQUIREMENT_FROM_MESSAGE, message, user=user)
    who = ctx.sandbox.open_modal(ctx.team, user)
    values = {Block.REQ_SERVICE: str(ctx.world.service_id), Block.REQ_CUSTOMER: str(ctx.world.customer_id)}
    if any(b.get("block_id") == Block.REQ_ROLE for b in who.view["blocks"]):
        values[Block.REQ_ROLE] = "managerial"
    ctx.slack.submit(who, values)
    ctx.slack.submit(ctx.sandbox.open_modal(ctx.team, user), {Block.REQ_TARGET: "4h", Block.REQ_LEVEL: "P1"})


def decline_carols_requirement(ctx: Ctx, user: str) -> None:
    ctx.slack.command("requirements Payroll", user=user)
    ctx.slack.click(Action.REQ_MENU, message=ctx.sandbox.last_ephemeral(user), value="decline:1", user=user)
    modal = ctx.sandbox.open_modal(ctx.team, user)
    if modal is not None:
        ctx.slack.submit(modal, {Block.REQ_REASON: "The network cannot carry it"})


def waive_the_gap(ctx: Ctx, user: str) -> None:
    ctx.slack.command(f"tree {SLA}", user=BOB)  # the service manager's tree, with its Waive button
    ctx.slack.click(Action.COVER_WAIVE, message=ctx.sandbox.last_ephemeral(BOB), user=user)
    modal = ctx.sandbox.open_modal(ctx.team, user)
    if modal is not None:
        ctx.slack.submit(modal, {Block.COV_REASON: "Nights are covered by the on-call engineer"})


def breach(ctx: Ctx) -> None:
    ctx.sweep(ctx.world.state(Level.BREACHED, 101, "4h2m of 4h used"))


def alert(ctx: Ctx):
    [message] = ctx.sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    return message


def press(action_id: str):
    def act(ctx: Ctx, user: str) -> None:
        ctx.slack.click(action_id, message=alert(ctx), user=user)
    return act


def two_service_managers(ctx: Ctx) -> None:
    """Escalating needs someone to escalate to: Dave becomes a second service manager."""
    assert ctx.slack.command(f"role grant <@{DAVE}> service-manager", user=ALICE).ok
    breach(ctx)


def propose_charges(ctx: Ctx, user: str) -> None:
    ctx.slack.click(Action.AGREEMENT_PROPOSE, message=headline(ctx.sandbox, ACME_CHANNEL), user=user)
    modal = ctx.sandbox.open_modal(ctx.team, user)
    if modal is None:
        return
    ctx.slack.click(Action.INPUT, view=modal, value="clause:charges", block_id=Block.PROP_CHANGE, user=user)
    ctx.slack.submit(ctx.sandbox.open_modal(ctx.team, user), {f"{Block.PROP_CLAUSE_TEXT}.charges": "£12,000 per month.",
                                                              Block.PROP_REASON: "Finance asked"})


def agree_to_the_ola(ctx: Ctx, user: str) -> None:
    ctx.slack.click(Action.AGREEMENT_AGREE, message=headline(ctx.sandbox, NETWORK_CHANNEL), user=user)


# ---- issue 17, satisfaction: a person asked for a rating answers it ------------------------------------------------
def ask_for_a_rating(ctx: Ctx) -> None:
    """Eve was asked to rate her resolved ticket: the ask as the sweep stores it, and its DM as the outbox sends it
    (the sweep and the delivery are tests/api/test_satisfaction.py's)."""
    from datetime import datetime, timezone

    from bot.satisfaction import message_key
    from messages import render_message
    from models import Outbox, SatisfactionAsk
    at = datetime(2026, 3, 2, 12, tzinfo=timezone.utc)
    with ctx.db.session() as s:
        row = SatisfactionAsk(team_id=ctx.team, key="ticket:perm", kind="ticket", outcome="asked", subject="INC7",
                              user_id=EVE, rated_for=at, created_at=at)
        s.add(row)
        s.flush()
        ask_id = row.id
    shown = {"ask_id": ask_id, "kind": "ticket", "subject": "INC7", "agreement": "", "rating": None,
             "commented": False}
    _status, _headers, body = ctx.sandbox.call(
        "chat.postMessage", {"channel": EVE, **render_message("satisfaction_ask.yml.j2", ctx=shown)},
        "xoxb-test-not-a-real-token")
    with ctx.db.session() as s:  # as the outbox records it once sent: its edits follow it
        s.add(Outbox(team_id=ctx.team, key=message_key(ask_id), channel=EVE, template="satisfaction_ask.yml.j2",
                     context={"ctx": shown}, status="sent", created_at=at, sent_at=at, message_ts=body["ts"]))


def rate_four(ctx: Ctx, user: str) -> None:
    [dm] = [m for m in ctx.sandbox.dms(EVE) if "How did we do?" in text_of(m)][-1:]
    ctx.slack.click(f"{Action.SATISFACTION_RATE}_4", message=dm, user=user)


def a_supplier(ctx: Ctx) -> None:
    """Carrier X on the map (issue 17, suppliers: a dispute is with a supplier), added by the admin."""
    ctx.slack.command("party add supplier Carrier X", user=ALICE)
    assert ctx.slack.submit(ctx.sandbox.open_modal(ctx.team, ALICE), {}).ok


# Issue 17, complaints slice
def record_a_complaint(ctx: Ctx, user: str) -> None:
    command("complaint", {Block.COMPLAINT_CUSTOMER: str(ctx.world.customer_id), Block.COMPLAINT_COMPLAINANT: CAROL,
                          Block.COMPLAINT_TEXT: "Payslips were late again this month"})(ctx, user)


def answer_the_complaint(ctx: Ctx, user: str) -> None:
    ctx.slack.command("complaints open", user=BOB)  # the service manager's listing, with its Answer… button
    ctx.slack.click(Action.COMPLAINT_ANSWER, message=ctx.sandbox.last_ephemeral(BOB), user=user)
    modal = ctx.sandbox.open_modal(ctx.team, user)
    if modal is not None:
        ctx.slack.submit(modal, {Block.COMPLAINT_ANSWER: "The payroll run now starts a day earlier"})


REFUSED_BY_THE_TABLE = "Only a {who} can {what}"  # bot.workspace.permissions.require's words


def rule(capability: Capability, who: str) -> str:
    return REFUSED_BY_THE_TABLE.format(who=who, what=capability.value)


SM_OR_ADMIN = "service manager or workspace admin"

SCENARIOS: dict[Capability, Scenario] = {
    Capability.VIEW_MAP: Scenario(
        "perm_world", EVE, None, command("map"), done="Payroll", rule="", changes=False),
    Capability.EDIT_MAP: Scenario(
        "perm_world", ALICE, EVE, command("service rename Payroll Payslips"), done="Payslips",
        rule=rule(Capability.EDIT_MAP, SM_OR_ADMIN)),
    Capability.GRANT_ROLES: Scenario(
        "perm_world", BOB, CAROL, command(f"role grant <@{EVE}> service-manager"), done="service manager",
        rule=rule(Capability.GRANT_ROLES, SM_OR_ADMIN)),
    Capability.RECORD_REQUIREMENT: Scenario(
        "perm_world", EVE, None, quote_as_requirement, done="#1", rule=""),
    Capability.DECIDE_REQUIREMENT: Scenario(
        "perm_world", BOB, EVE, decline_carols_requirement, done="declined",
        rule=rule(Capability.DECIDE_REQUIREMENT, SM_OR_ADMIN),
        prepare=lambda ctx: quote_as_requirement(ctx, CAROL)),
    Capability.DRAFT_AGREEMENT: Scenario(
        "perm_world", ALICE, CAROL, command(f"sla retire {SLA}"), done="retired",
        rule=rule(Capability.DRAFT_AGREEMENT, SM_OR_ADMIN)),
    Capability.RECORD_ACTION: Scenario(
        "perm_world", BOB, DAVE, command("action new", {Block.COV_TITLE: "Second on-call for payroll nights",
                                                       Block.COV_OWNER_USER: DAVE, Block.COV_DUE: "2026-03-20"}),
        done="#1", rule=rule(Capability.RECORD_ACTION, SM_OR_ADMIN)),
    Capability.CHANGE_SETTINGS: Scenario(
        "perm_world", ALICE, EVE, command("settings escalate_p1 2h"), done="2h",
        rule=rule(Capability.CHANGE_SETTINGS, SM_OR_ADMIN)),
    # A workspace admin is refused: accepting a gap is the service manager's judgement.
    Capability.WAIVE_GAP: Scenario(
        "perm_world", BOB, ALICE, waive_the_gap, done="Waived T1's ownership gap", rule=rule(Capability.WAIVE_GAP, "service manager")),
    # The owning support group's contact may (Bob speaks for the Network group); the customer's approver may not.
    Capability.ACKNOWLEDGE_BREACH: Scenario(
        "breach_world", BOB, CAROL, press(Action.BREACH_ACKNOWLEDGE), done="Acknowledged by <@U0BOB>",
        rule="can acknowledge this alert", prepare=breach),
    Capability.ESCALATE_BREACH: Scenario(
        "breach_world", ALICE, BOB, press(Action.BREACH_ESCALATE), done="escalated to the service managers by",
        rule=rule(Capability.ESCALATE_BREACH, "service manager"), prepare=two_service_managers),
    Capability.MANAGE_API_TOKENS: Scenario(
        "perm_world", BOB, CAROL, command("token new grafana"), done="grafana",
        rule=rule(Capability.MANAGE_API_TOKENS, SM_OR_ADMIN)),
    Capability.RECORD_MEASUREMENT: Scenario(
        "perm_world", ALICE, DAVE, command("record outage", lambda ctx, modal: {
            Block.REC_SERVICE: option(modal, Block.REC_SERVICE, "Payroll"), Block.REC_START_DATE: "2026-03-02",
            Block.REC_START_TIME: "08:15", Block.REC_IMPACT: "degraded", Block.REC_REFERENCE: "pay-slow",
            Block.REC_SUMMARY: "Payroll slow"}),
        done="Recorded the degradation", rule=rule(Capability.RECORD_MEASUREMENT, SM_OR_ADMIN)),
    Capability.MAP_ALERTS: Scenario(
        "perm_world", ALICE, CAROL, command("alerts map payroll-api Payroll"), done="payroll-api",
        rule=rule(Capability.MAP_ALERTS, SM_OR_ADMIN)),
    # A workspace admin is refused: the reviews are kept by the service managers.
    Capability.ARRANGE_REVIEWS: Scenario(
        "perm_world", BOB, ALICE, command(f"review risk {SLA} The carrier's renewal may slip"), done="risk",
        rule=rule(Capability.ARRANGE_REVIEWS, "service manager")),
    Capability.VIEW_AUDIT: Scenario(
        "perm_world", BOB, EVE, command("audit Payroll"), done="Payroll", rule=rule(Capability.VIEW_AUDIT, SM_OR_ADMIN),
        changes=False),
    # issue 17: everyone may answer the rating they were asked for (bot.satisfaction checks it is theirs)
    Capability.RATE_SERVICE: Scenario(
        "perm_world", EVE, None, rate_four, done="You rated it *4 of 5*", rule="", prepare=ask_for_a_rating),
    # issue 17, suppliers
    Capability.MANAGE_CONTRACTS: Scenario(
        "perm_world", BOB, EVE, command(f"ola owner {OLA} <@{DAVE}>"), done="is owned by",
        rule=rule(Capability.MANAGE_CONTRACTS, SM_OR_ADMIN)),
    Capability.RECORD_DISPUTE: Scenario(
        "perm_world", BOB, EVE, command("dispute Carrier X Invoice 114 charges the credit twice"), done="Dispute #1",
        rule=rule(Capability.RECORD_DISPUTE, SM_OR_ADMIN), prepare=a_supplier),
    # Issue 17, complaints slice: anyone records a complaint (a customer's own people too); its owner or a service
    # manager answers it (Eve, a member who does not own it, is refused); the map's keepers name relationship owners.
    Capability.RECORD_COMPLAINT: Scenario(
        "perm_world", EVE, None, record_a_complaint, done="Complaint #1 is recorded", rule=""),
    Capability.ANSWER_COMPLAINT: Scenario(
        "perm_world", BOB, EVE, answer_the_complaint, done="Complaint #1 is answered",
        rule="can answer or close a complaint", prepare=lambda ctx: record_a_complaint(ctx, CAROL)),
    Capability.NAME_RELATIONSHIP_OWNER: Scenario(
        "perm_world", ALICE, EVE, command(f"party owner Acme Retail <@{CAROL}>"),
        done="owns the relationship with Acme Retail", rule=rule(Capability.NAME_RELATIONSHIP_OWNER, SM_OR_ADMIN)),
    # ladders (issue 17): a target's own escalation ladder.
    Capability.SET_LADDER: Scenario(
        "perm_world", BOB, EVE, command(f"ladder {SLA} T1 50% group; breach; +30m service-managers"), done="T1",
        rule=rule(Capability.SET_LADDER, SM_OR_ADMIN)),
    # issue 17, workload
    Capability.PLAN_MAINTENANCE: Scenario(
        "perm_world", BOB, EVE, command("maintenance add Payroll 2027-06-05 22:00-02:00 Europe/London"),
        done="planned", rule=rule(Capability.PLAN_MAINTENANCE, SM_OR_ADMIN)),
    Capability.RECORD_EXCLUSION: Scenario(
        "perm_world", BOB, ALICE,
        command(f'exclusion add "{SLA}" 2026-12-03 08:00-14:00 UTC force majeure agreed by <@{CAROL}>'),
        done="recorded", rule=rule(Capability.RECORD_EXCLUSION, "service manager")),
}

# The agreement's sides (AGREEMENT_SIDES): a party contact acts for the counterparty.
SIDE_SCENARIOS: dict[str, Scenario] = {
    # Anyone who speaks for the customer may propose; a member who does not is refused.
    "propose": Scenario(
        "perm_world", CAROL, EVE, propose_charges, done="Version 3",
        rule=f"Only a service manager or a contact of Acme Retail can propose a change to {SLA}",
        prepare=lambda ctx: post(ctx.slack, ctx.sandbox, "sla", SLA, ACME_CHANNEL)),
    # The group's approver agrees for the group; a workspace admin is not a service manager, so agrees for nobody.
    "agree": Scenario(
        "perm_world", DAVE, ALICE, agree_to_the_ola, done="agreed",
        rule=f"Only an approver of Network group or the provider's service manager can agree to {OLA}", prepare=lambda ctx: post(ctx.slack, ctx.sandbox, "ola", OLA, NETWORK_CHANNEL)),
}

# Rows whose scenario is still to come (a branch that adds a row before its scenario); the completeness test fails
# on a row in neither this nor SCENARIOS.
PENDING: frozenset[str] = frozenset()

assert set(SIDE_SCENARIOS) <= set(AGREEMENT_SIDES)
