"""The audit trail's head (issue 15 review): it only moves forward, the export prints it for the auditor to keep,
and `slm-bot audit verify` reads it first, so that records appended while it walks are not taken for removals."""
from __future__ import annotations

import pytest
from sqlalchemy import event, inspect, text
from sqlmodel import Session

from bot import audit
from bot.workspace.actor import Actor
from models import AuditEvent, AuditHead
from tests.conftest import START
from tests.test_audit_evidence import DAY, act_in_slack


@pytest.mark.parametrize("statement", ["UPDATE audit_head SET seq = 4", "DELETE FROM audit_head",
                                       "UPDATE audit_head SET seq = 0, hash = 'x'"])
def test_the_head_is_never_rewound_or_deleted(slack, db, team, statement):
    """Deleting the newest records and rewinding the head to match would pass verify: the database refuses it."""
    act_in_slack(slack)
    with pytest.raises(Exception, match="only moves forward"):
        with db.engine.begin() as conn:
            conn.execute(text(statement))
    with db.read_session() as s:
        assert s.get(AuditHead, team).seq == 5


def test_the_export_prints_the_head_to_keep_outside_the_database(slack, slm_bot, db, team):  # noqa: F811
    act_in_slack(slack)
    with db.read_session() as s:
        head = s.get(AuditHead, team)
    code, _, err = slm_bot("audit", "export", "--from", DAY, "--to", DAY, "--out", "trail.csv")
    assert code == 0 and f"{team}: head #5 {head.hash}" in err


def _append_once_before(db, team, wanted):
    """Append one record from another connection just before the verifying session's first `wanted` query."""
    done: list[int] = []

    def hook(state) -> None:
        if done or not state.is_select or state.session.info.get("appender"):
            return
        if wanted not in {d.get("entity") for d in state.statement.column_descriptions}:
            return
        with Session(db.engine) as other:
            other.info["appender"] = True
            audit.record(other, Actor(team_id=team, user_id="U0CAROL", now=START), "test.append", "test", 1)
            other.commit()
        done.append(1)

    event.listen(Session, "do_orm_execute", hook)
    return done, lambda: event.remove(Session, "do_orm_execute", hook)


@pytest.mark.parametrize("wanted", [AuditHead, AuditEvent])
def test_verify_stays_intact_while_records_are_appended(slack, slm_bot, db, team, wanted):  # noqa: F811
    """A live bot appends while an operator verifies: read at READ COMMITTED, a head read after the walk was
    ahead of the records walked and verify said the newest were removed."""
    act_in_slack(slack)
    done, stop = _append_once_before(db, team, wanted)
    try:
        code, out, _ = slm_bot("audit", "verify", "--team", team)
    finally:
        stop()
    assert done and code == 0 and "intact" in out, out
    assert slm_bot("audit", "verify", "--team", team)[:2] == (0, f"slm-bot: {team}: 6 records, intact\n")


def test_a_persons_and_a_things_history_are_read_through_an_index(db):
    indexes = {i["name"]: i["column_names"] for i in inspect(db.engine).get_indexes("audit_event")}
    assert indexes["ix_audit_event_actor"] == ["team_id", "actor", "seq"]
    assert indexes["ix_audit_event_thing"] == ["team_id", "entity", "entity_id", "seq"]
