"""When an action's nudges fall due: the setting (`/slm settings action_nudge_before`), working days across a weekend,
09:00 in the recipient's zone across a change of clocks, and whose zone when Slack has not told us theirs."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from bot import actions, service_map
from bot.actions import nudges
from bot.workspace import roles
from bot.workspace.actor import Actor
from bot.workspace import settings
from models import Action, ActionKind, Reminder
from tests.conftest import START
from tests.helpers import text_of

ALICE, BOB = "U0ALICE", "U0BOB"
UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def planned(db, team: str, due: date, *, owner: str | None = BOB, tz: str | None = None,
            party: str | None = None) -> dict[str, datetime]:
    """Record an action due `due` (as Alice, the service manager) and plan its nudges; {key tail: due time}."""
    sm = Actor(team_id=team, user_id=ALICE, roles=frozenset({"service_manager"}), now=START, org_tz="Europe/London")
    with db.session() as s:
        if not roles.roles_of(s, team, ALICE):
            roles.grant(s, Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START), ALICE,
                        "service_manager")
        group = service_map.add_party(s, sm, service_map.PartyInput(kind="support_group", name=party)) if party else None
        row = actions.add_action(s, sm, kind=ActionKind.IMPROVEMENT, title="Tidy the runbook",
                                 owner_party_id=group.id if group else None,
                                 owner_user_id=owner, due=due)
        nudges.plan(s, row, START, tz=tz)
        return {r.key.split(":", 3)[3]: r.due_at
                for r in s.exec(select(Reminder).where(Reminder.subject_id == row.id,
                                                       Reminder.status == "pending"))}


def test_two_working_days_before_a_tuesday_is_the_friday_before_at_nine_in_the_owners_zone(db, team):
    with db.session() as s:
        roles.remember(s, team, BOB, name="Bob", tz="Europe/Paris", is_admin=False, now=START)
    assert planned(db, team, date(2026, 3, 10), tz="Europe/London") == {
        "before": utc(2026, 3, 6, 8), "due": utc(2026, 3, 10, 8),
        f"overdue_manager:1:{ALICE}": utc(2026, 3, 11, 9)}  # Alice: not known to Slack yet, the organisation's zone


def test_the_setting_in_days_counts_every_day_and_the_clocks_change_keeps_nine_local(slack, db, team):
    assert slack.command("settings action_nudge_before 1 week", user=ALICE).ok  # Slack tells us Alice's zone
    with db.session() as s:
        roles.remember(s, team, BOB, name="Bob", tz="Europe/Paris", is_admin=False, now=START)
    times = planned(db, team, date(2026, 4, 2), tz="Europe/London")  # Paris goes to summer time on 29 March
    assert times["before"] == utc(2026, 3, 26, 8)  # 09:00 CET
    assert times["due"] == utc(2026, 4, 2, 7)  # 09:00 CEST
    assert times[f"overdue_manager:1:{ALICE}"] == utc(2026, 4, 3, 8)  # 09:00 BST


def test_the_setting_refuses_hours_in_the_users_words(slack, sandbox):
    slack.command("settings action_nudge_before 3h", user=ALICE)
    assert "Give working days or days before the due date" in text_of(sandbox.last_ephemeral(ALICE))


def test_without_zones_known_nor_given_the_recorders_then_utc(db, team):
    with db.session() as s:
        roles.remember(s, team, ALICE, name="Alice", tz="America/New_York", is_admin=True, now=START)
    times = planned(db, team, date(2026, 3, 17))  # due Tuesday; Bob unknown: Alice's zone (New York, EDT in March)
    assert times["before"] == utc(2026, 3, 13, 13) and times["due"] == utc(2026, 3, 17, 13)


def test_nudged_soon_after_it_is_recorded_only_what_is_still_ahead(db, team):
    assert set(planned(db, team, date(2026, 3, 3), tz="UTC")) == {"due", f"overdue_manager:1:{ALICE}"}
    assert set(planned(db, team, date(2026, 3, 2), tz="UTC")) == {"overdue:1", f"overdue_manager:1:{ALICE}"}


def test_an_action_owned_by_a_party_alone_is_raised_to_the_managers_only(db, team):
    assert set(planned(db, team, date(2026, 3, 10), owner=None, tz="UTC",
                       party="Network group")) == {f"overdue_manager:1:{ALICE}"}


@pytest.mark.parametrize("due, n_working, expected", [
    (date(2026, 3, 9), 1, date(2026, 3, 6)),    # Monday: the Friday before
    (date(2026, 3, 11), 2, date(2026, 3, 9)),   # Wednesday: Monday
    (date(2026, 3, 16), 5, date(2026, 3, 9)),   # a working week
])
def test_working_days_skip_the_weekend(db, team, due, n_working, expected):
    with db.session() as s:
        s.add(Action(team_id=team, number=99, kind="improvement", title="x", due=due, created_at=START,
                     created_by=ALICE))
        settings.set_value(s, Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START),
                           "action_nudge_before", f"{n_working} working days")
        row = s.exec(select(Action)).one()
        assert nudges.before_day(s, row) == expected


def test_a_bank_holiday_in_the_organisations_working_calendar_moves_the_first_nudge_a_working_day_earlier(
        slack, sandbox, db, team):
    """Due Tue 5 May 2026, 2 working days before. Monday to Friday: Mon 4, Fri 1 May: nudged Fri 1 May. In "UK office"
    (GB-ENG holidays), Mon 4 May is the Early May bank holiday: Fri 1, Thu 30 Apr: nudged Thu 30 Apr, 09:00 BST."""
    from bot.calendars import records as calendar_records
    due = date(2026, 5, 5)
    with db.session() as s:
        roles.remember(s, team, BOB, name="Bob", tz="Europe/London", is_admin=False, now=START)
    assert planned(db, team, due, tz="Europe/London")["before"] == utc(2026, 5, 1, 8)
    keeper = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin", "service_manager"}), now=START)
    with db.session() as s:
        calendar_records.add(s, keeper, name="UK office", hours="Mon-Fri 09:00-17:30 Europe/London",
                             holidays_country="GB", holidays_subdiv="ENG")
    assert slack.command("settings working_calendar UK office", user=ALICE).ok
    said = text_of(sandbox.last_ephemeral(ALICE))
    assert "an action's first nudge" in said
    assert planned(db, team, due, tz="Europe/London")["before"] == utc(2026, 4, 30, 8)
