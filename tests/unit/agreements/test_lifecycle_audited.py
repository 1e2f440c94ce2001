"""The audit trail of an agreement's life: each side's signoff, the version coming into force with the values it
changed, and the statuses the hourly job rolls, recorded as the bot's own doing."""
from __future__ import annotations

from bot import agreements, audit
from tests.conftest import START
from tests.unit.agreements.world import CAROL, SM, TERM, person


def passes(session, actor, agreement):
    """A gate that lets everything through."""


def test_agreeing_and_the_days_rolling_are_in_the_trail_with_before_and_after(world):
    with world.db.session() as s:
        for actor in (SM, person(CAROL)):
            agreements.agree(s, actor, world.get(s, world.sla), 3, gate=passes)
    with world.db.session() as s:
        agreements.roll_statuses(s, TERM[0], START)
    with world.db.read_session() as s:
        sla = world.get(s, world.sla)
        events = audit.trail(s, sla.team_id, "agreement", sla.id)[-4:]
    agreed_by_us, agreed_by_them, in_force, rolled = events
    assert (agreed_by_us.action, agreed_by_us.after["side"], agreed_by_us.after["user_id"]) == (
        "agreement.agree", "provider", SM.user_id)
    assert (agreed_by_them.after["side"], agreed_by_them.actor) == ("counterparty", CAROL)
    assert in_force.action == "agreement.in_force" and in_force.before["agreed_version"] is None
    assert (in_force.after["agreed_version"], in_force.after["status"]) == (3, "agreed")
    assert (rolled.action, rolled.actor, rolled.before, rolled.after) == (
        "agreement.active", "slm-bot", {"status": "agreed"}, {"status": "active"})
    assert rolled.at == START
