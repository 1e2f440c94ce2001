"""Migration 0015 chains the audit records that exist already: per workspace, in the order they were made, with
a record's "before" and "after" detail moved to the columns made for them; verify finds each chain intact."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic.script import ScriptDirectory

from bot import audit
from bot.audit.verify import verify
from models.types import UTCDateTime
from tests.conftest import START, empty_tables

OLD = sa.table("audit_event", sa.column("team_id", sa.String()), sa.column("at", UTCDateTime()),
               sa.column("actor", sa.String()), sa.column("action", sa.String()), sa.column("entity", sa.String()),
               sa.column("entity_id", sa.Integer()), sa.column("detail", sa.JSON()))


def test_the_records_made_before_it_are_chained_in_order(database):
    empty_tables(database)
    before_it = ScriptDirectory.from_config(database.alembic_config()).get_revision("0015").down_revision
    database.downgrade(before_it)
    try:
        rows = [("T0ONE", 2, "service.add", {"name": "Payroll"}), ("T0TWO", 0, "role.grant", {"role": "x"}),
                ("T0ONE", 1, "setting.set", {"key": "handoff", "before": "15m", "after": "30m"}),
                ("T0ONE", 3, "service.rename", {"old_name": "Payroll", "new_name": "Pay"})]
        with database.engine.begin() as conn:
            conn.execute(sa.insert(OLD), [dict(team_id=t, at=START + timedelta(minutes=m), actor="U0ALICE",
                                               action=a, entity="x", entity_id=None, detail=d) for t, m, a, d in rows])
    finally:
        database.migrate()
    with database.read_session() as s:
        one = audit.trail(s, "T0ONE")
        assert [(e.seq, e.action) for e in one] == [(1, "setting.set"), (2, "service.add"), (3, "service.rename")]
        assert (one[0].detail, one[0].before, one[0].after) == ({"key": "handoff"}, "15m", "30m")
        assert [e.seq for e in audit.trail(s, "T0TWO")] == [1]
        assert verify(s, "T0ONE").intact and verify(s, "T0TWO").intact and verify(s, "T0ONE").records == 3
    empty_tables(database)
