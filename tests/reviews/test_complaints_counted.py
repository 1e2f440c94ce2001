"""Complaints counted in the review pack and the relationship view (issue 17), against figures worked out by hand,
for tests/reviews/pack_world.py's SLA "Acme Payroll" (its customer "Acme Payroll customer"), asked on 4 Nov 2026:
the pack looks back on October 2026, the relationship view on May to October 2026. Both through signed requests.

The complaints (each about Payroll, so the SLA's; answers due five working days on, Monday to Friday):
  A recorded Mon 28 Sep 09:00, due Mon 5 Oct 09:00, answered Tue 6 Oct: late, answered in October
  B recorded Mon 5 Oct 09:00, due Mon 12 Oct 09:00, answered Wed 7 Oct: in time
  C recorded Wed 14 Oct 09:00, due Wed 21 Oct 09:00, answered Fri 23 Oct: late
  D recorded Wed 28 Oct 09:00, due Wed 4 Nov 09:00, answered Mon 2 Nov: after October, so open at its end
  E recorded Tue 20 Oct 09:00, closed Thu 22 Oct without an answer: not open at the end
October's pack: received B, C, D, E = 4; answered late in October A, C = 2; open at 1 Nov: D = 1.
The relationship view, May-October: received A-E = 5; answered late A, C = 2; open at 1 Nov: D = 1.
"""
from __future__ import annotations

from datetime import datetime, timezone

from bot import complaints, service_map
from bot.workspace.actor import Actor
from models import Party
from tests.helpers import text_of
from tests.reviews.pack_world import NOW, build

UTC = timezone.utc
CHANNEL = "C0GENERAL"
CUSTOMER = "Acme Payroll customer"
OWNER = "U0DAVE"


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


def complaints_of_the_autumn(db, team, service_id: int) -> None:
    def actor(when: datetime) -> Actor:
        return Actor(team_id=team, user_id="U0ALICE", roles=frozenset({"admin", "service_manager"}), now=when)

    with db.session() as s:
        customer = s.exec(Party.__table__.select().where(Party.name == CUSTOMER)).first()
        service_map.owners.set_owner(s, actor(at(9, 1)), customer.id, OWNER)
        for recorded, answered, closed in ((at(9, 28), at(10, 6), None), (at(10, 5), at(10, 7), None),
                                           (at(10, 14), at(10, 23), None), (at(10, 28), at(11, 2), None),
                                           (at(10, 20), None, at(10, 22))):
            row = complaints.record(s, actor(recorded), complaints.ComplaintInput(
                customer_id=customer.id, service_id=service_id, complainant="U0CUSTOMER", text="Late again"))
            if answered:
                complaints.answer(s, actor(answered), row.number, "Sorry: fixed")
            if closed:
                complaints.close(s, actor(closed), row.number, "Withdrawn by the customer")


def test_the_pack_counts_the_periods_complaints(slack, sandbox, db, team, clock):
    world = build(db, team)
    complaints_of_the_autumn(db, team, world.service_id)
    with db.session() as s:
        assert {c.agreement_id for c in s.exec(complaints.listing.Complaint.__table__.select())} == {world.agreement_id}
    clock.set(NOW)
    slack.command("review pack Acme Payroll", channel=CHANNEL)  # October
    [parent] = [m for m in sandbox.channel_messages(CHANNEL, include_ephemeral=False)
                if m.text.startswith("Review pack")]
    assert "*Complaints* in the period: 4 received, 2 answered overdue, 1 open at its end." in text_of(parent)


def test_the_relationship_view_shows_the_owner_and_the_complaints(slack, sandbox, db, team, clock):
    world = build(db, team)
    complaints_of_the_autumn(db, team, world.service_id)
    clock.set(NOW)
    slack.command(f"relationship customer {CUSTOMER}", channel=CHANNEL)
    [parent] = [m for m in sandbox.channel_messages(CHANNEL, include_ephemeral=False)
                if m.text.startswith("Relationship")]
    shown = text_of(parent)
    assert f"*Relationship owner*: <@{OWNER}>" in shown
    assert "*Complaints* in May–Oct 2026: 5 received, 2 answered overdue, 1 open at its end" in shown
