"""Review finding 8: the leg warnings (every 5 minutes) read the open tickets a group holds through the partial index
ix_ticket_open_group (team_id, assigned_group_id WHERE resolved_at IS NULL), on SQLite and on PostgreSQL, so the
cost follows the open tickets, not every ticket the workspace ever sent; and a workspace's tickets are still found."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, text

from bot.breaches import leg_warnings
from models import Party, Ticket
from tests.conftest import START
from tests.retention_world import World


def test_the_open_tickets_a_group_holds_are_read_through_their_partial_index(db, team):
    with db.session() as s:
        w = World(s, team, START)
        groups = []
        for name in ("Service desk", "Network group", "Database group"):
            party = Party(team_id=team, kind="support_group", name=name, name_key=name.lower(), channel_id=None,
                          created_at=START, created_by="U0ALICE")
            s.add(party)
            s.flush()
            groups.append(party.id)
        service_id = w.service.id
    # Eight months of tickets: 6,000, of which every 100th (60) is still open; spread across the three groups.
    with db.engine.begin() as conn:
        conn.execute(insert(Ticket.__table__), [
            {"team_id": team, "external_id": f"INC{i:06d}", "service_id": service_id, "priority": "P1", "title": "",
             "requester": None, "assigned_group_id": groups[i % 3], "opened_at": START - timedelta(hours=i),
             "resolved_at": None if i % 100 == 0 else START - timedelta(hours=i) + timedelta(minutes=30),
             "source": "api", "updated_at": START, "evaluated_at": None} for i in range(6_000)])
        # Another workspace on the same database, with open tickets of its own: 6,000, every 10th (600) open.
        conn.execute(insert(Ticket.__table__), [
            {"team_id": "T0OTHER", "external_id": f"INC{i:06d}", "service_id": service_id, "priority": "P1",
             "title": "", "requester": None, "assigned_group_id": None, "opened_at": START - timedelta(hours=i),
             "resolved_at": None if i % 10 == 0 else START - timedelta(hours=i) + timedelta(minutes=30),
             "source": "api", "updated_at": START, "evaluated_at": None} for i in range(6_000)])
    if not db.is_sqlite:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE ticket"))
    query = leg_warnings.open_tickets_query(team, groups[:2]).compile(db.engine,
                                                                       compile_kwargs={"literal_binds": True})
    with db.engine.connect() as conn:
        plan = " ".join(" ".join(str(c) for c in row)
                        for row in conn.execute(text(("EXPLAIN QUERY PLAN " if db.is_sqlite else "EXPLAIN ")
                                                     + str(query))))
    assert "ix_ticket_open_group" in plan, plan
    with db.session() as s:
        found = list(s.exec(leg_warnings.open_tickets_query(team, groups[:2])))
    # The open ones are i = 0, 100, ..., 5900 (60); i % 3 picks the group: of 0..59 hundreds, i % 3 == (k*100) % 3
    # == k % 3, so 20 are each group's; the first two groups hold 40.
    assert len(found) == 40 and all(t.resolved_at is None and t.assigned_group_id in groups[:2] for t in found)
