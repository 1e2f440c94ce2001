"""The actions' services on a real database session, without Slack: recording one (every wrong field at once), moving
it along (open -> in progress -> done | cancelled, each move made twice harmless), a new due date, and who may."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot import actions
from bot.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from models import ActionKind, ActionStatus, AuditEvent, Reminder
from tests.unit.agreements.world import BOB, CAROL, DAVE, EVE, SM, TEAM, person

TODAY = SM.today()
DUE = TODAY + timedelta(days=14)


def record(s, world, *, owner=DAVE, party=None, title="Ask Carrier X for a weekend rota"):
    return actions.add_action(s, SM, kind=ActionKind.REMEDIAL, title=title, owner_party_id=party,
                              owner_user_id=owner, due=DUE)


def pending_nudges(s, row) -> list[Reminder]:
    return list(s.exec(select(Reminder).where(Reminder.team_id == TEAM, Reminder.subject_id == row.id,
                                              Reminder.status == "pending")))


def test_an_action_is_numbered_per_workspace_and_its_owner_is_nudged(world):
    with world.db.session() as s:
        first, second = record(s, world), record(s, world, title="  Second   one ")
        assert (first.number, second.number) == (1, 2)
        assert (second.title, second.status, second.kind) == ("Second one", "open", "remedial")
        assert pending_nudges(s, first), "an open action's nudges are planned when it is recorded"


def test_every_wrong_field_is_named_at_once_and_nothing_is_recorded(world):
    with world.db.session() as s:
        with pytest.raises(InvalidInput) as refused:
            actions.add_action(s, SM, kind=ActionKind.REMEDIAL, title="  ", owner_party_id=None, owner_user_id=None,
                               due=TODAY - timedelta(days=1))
        assert set(refused.value.errors) == {"title", "due", "owner_user"}
        assert actions.list_actions(s, TEAM, open_only=False) == []


def test_recording_is_for_service_managers_unless_the_caller_permits_it(world):
    with world.db.session() as s:
        with pytest.raises(PermissionDenied):
            actions.add_action(s, person(EVE), kind=ActionKind.REMEDIAL, title="x", owner_party_id=None,
                               owner_user_id=EVE, due=DUE)
        # a breach's owning group records its own remedy: the caller has decided it may
        row = actions.add_action(s, person(BOB), kind=ActionKind.REMEDIAL, title="x", owner_party_id=world.network,
                                 owner_user_id=None, due=DUE, permitted=True)
        assert row.created_by == BOB


def test_an_action_moves_on_and_a_move_made_twice_changes_nothing(world):
    with world.db.session() as s:
        number = record(s, world).number
    with world.db.session() as s:
        started = actions.move(s, person(DAVE), number, ActionStatus.IN_PROGRESS)  # its owner, with no role
        assert (started.changed, started.status_words) == (True, "in progress")
        assert actions.move(s, person(DAVE), number, ActionStatus.IN_PROGRESS).changed is False
    with world.db.session() as s:
        done = actions.move(s, person(DAVE), number, ActionStatus.DONE, "Rota agreed from April")
        assert (done.changed, done.action.closing_note, done.action.closed_by) == (True, "Rota agreed from April", DAVE)
        assert done.action.done_at == SM.at()
        assert pending_nudges(s, done.action) == [], "a closed action's nudges are forgotten"
        assert actions.move(s, person(DAVE), number, ActionStatus.DONE).changed is False
        with pytest.raises(DomainError, match=f"Action #{number} is done already; it cannot be cancelled now."):
            actions.move(s, SM, number, ActionStatus.CANCELLED, "changed my mind")
        kinds = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.team_id == TEAM)
                                          .order_by(AuditEvent.id)) if e.action.startswith("action.")]
        assert kinds == ["action.add", "action.in_progress", "action.done"]


def test_cancelling_needs_a_note_and_nothing_goes_back_to_open(world):
    with world.db.session() as s:
        number = record(s, world).number
        with pytest.raises(InvalidInput) as refused:
            actions.move(s, SM, number, ActionStatus.CANCELLED, "   ")
        assert list(refused.value.errors) == ["note"]
        actions.move(s, SM, number, ActionStatus.IN_PROGRESS)
        with pytest.raises(DomainError, match="does not go back to open"):
            actions.move(s, SM, number, ActionStatus.OPEN)
        cancelled = actions.move(s, SM, number, ActionStatus.CANCELLED, "Carrier X replaced")
        assert (cancelled.action.status, cancelled.action.done_at) == ("cancelled", None)


def test_who_may_move_an_action_along(world):
    with world.db.session() as s:
        mine = record(s, world, owner=DAVE).number
        groups = record(s, world, owner=None, party=world.network).number  # Bob speaks for the Network group
    with world.db.session() as s:
        with pytest.raises(PermissionDenied):
            actions.move(s, person(EVE), mine, ActionStatus.IN_PROGRESS)
        with pytest.raises(PermissionDenied):
            actions.move(s, person(CAROL), groups, ActionStatus.IN_PROGRESS)
        assert actions.move(s, person(BOB), groups, ActionStatus.IN_PROGRESS).changed
        assert actions.move(s, SM, mine, ActionStatus.IN_PROGRESS).changed  # a service manager may move any
        with pytest.raises(NotFound, match="There is no action #99."):
            actions.move(s, SM, 99, ActionStatus.DONE)


def test_a_new_due_date_plans_the_nudges_again_and_a_closed_action_keeps_its_date(world):
    with world.db.session() as s:
        row = record(s, world)
        before = {r.due_at for r in pending_nudges(s, row)}
        later = DUE + timedelta(days=7)
        moved = actions.move_due(s, person(DAVE), row.number, later)
        assert moved.changed and moved.action.due == later
        assert {r.due_at for r in pending_nudges(s, row)} != before, "the nudges follow the new date"
        assert actions.move_due(s, SM, row.number, later).changed is False
        with pytest.raises(InvalidInput) as refused:
            actions.move_due(s, SM, row.number, TODAY - timedelta(days=1))
        assert list(refused.value.errors) == ["due"]
        actions.move(s, SM, row.number, ActionStatus.DONE)
        with pytest.raises(DomainError, match="its date no longer matters"):
            actions.move_due(s, SM, row.number, later + timedelta(days=1))


def test_action_new_wants_a_person_and_an_sla_target_of_this_workspace(world):
    with world.db.session() as s:
        ola_target = world.target(s, world.ola, "T1").id
        with pytest.raises(InvalidInput) as refused:
            actions.add_by_command(s, SM, title="Faster P1s", description=None, owner_user_id=None,
                                   owner_party_id=world.acme, due=DUE, target_id=ola_target)
        assert set(refused.value.errors) == {"owner_user", "target"}
        sla_target = world.target(s, world.sla, "T1")
        row = actions.add_by_command(s, SM, title="Faster P1s", description=" weekly check ", owner_user_id=BOB,
                                     owner_party_id=world.acme, due=DUE, target_id=sla_target.id)
        assert (row.kind, row.origin, row.agreement_id, row.target_id, row.detail) == (
            "improvement", "command", world.sla, sla_target.id, "weekly check")
