"""An SLA for the periodic review tests: Acme Retail (Carol its approver) takes Payroll; Alice is the service
manager, Bob a member. The financial year starts in April, so a new SLA is reviewed in March."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session, select

from bot import agreements, service_map
from bot.scheduler import run_all_once
from bot.workspace import roles
from bot.workspace.actor import Actor
from messages.ids import Action
from models import Agreement, ContactRole, Reminder, SlaReview
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
CHANNEL = "C0ACMESLA"
NAME = "Acme Payroll"
DOCS = agreements.DocSettings(provider_name="IT Services", templates_dir=None)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@dataclass
class World:
    team: str
    sla_id: int


def draft(db, team) -> int:
    """Drafted and posted in its channel; not agreed yet. The review month is left to the default."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        roles.grant(s, sm, ALICE, "service_manager")
        payroll = service_map.add_service(s, sm, name="Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(
            kind="customer", name="Acme Retail", channel_id=CHANNEL, contacts={ContactRole.APPROVER: [CAROL]}))
        start, end = date(2026, 4, 1), date(2028, 3, 31)  # two financial years
        drafted = agreements.draft(s, sm, agreements.DraftInput(
            kind=agreements.AgreementKind.SLA, name=NAME, counterparty_id=acme.id, service_ids=[payroll.id],
            start=start, end=end, review_month=None, channel_id=CHANNEL), DOCS)
        return drafted.agreement.id


def headline(sandbox):
    return next(m for m in sandbox.channel_messages(CHANNEL, include_ephemeral=False)
                if m.blocks and m.blocks[0]["type"] == "header")


def thread(sandbox) -> list[str]:
    return [text_of(m) for m in sandbox.channel_messages(CHANNEL, thread_ts=headline(sandbox).ts, include_ephemeral=False)]


@pytest.fixture
def drafted(slack, db, team, harness_clean) -> World:
    assert slack.command("settings financial_year_start April").ok
    sla_id = draft(db, team)
    assert slack.command(f"sla post {NAME}").ok
    return World(team=team, sla_id=sla_id)


@pytest.fixture
def world(slack, sandbox, drafted) -> World:
    """Agreed by both sides with the headline's buttons: the listener plans the review as it records that."""
    for user in (CAROL, ALICE):
        assert slack.click(Action.AGREEMENT_AGREE, message=headline(sandbox), user=user).ok
    return drafted


@pytest.fixture
def tick(harness_clean):
    """Every scheduled job once, at the clock's time (what `slm-bot tick` does)."""
    return lambda: run_all_once(harness_clean.deps)


def reviews(db) -> list[SlaReview]:
    with Session(db.engine) as s:
        return list(s.exec(select(SlaReview).order_by(SlaReview.due_on)))


def pending_reminders(db) -> list[Reminder]:
    with Session(db.engine) as s:
        return list(s.exec(select(Reminder).where(Reminder.kind == "sla_review", Reminder.status == "pending")
                           .order_by(Reminder.due_at, Reminder.key)))


def sla(db) -> Agreement:
    with Session(db.engine) as s:
        return s.exec(select(Agreement)).one()


def review_dms(sandbox, user) -> list:
    return [m for m in sandbox.dms(user) if m.ephemeral_to is None and "annual review" in text_of(m)]
