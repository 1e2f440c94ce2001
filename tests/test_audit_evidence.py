"""The audit trail as evidence (issue 15): actions done through signed Slack requests come out of
`slm-bot audit export` exactly, in order, with their before and after values; `slm-bot audit verify` finds the
chain intact, and names the record an attacker with database access altered, removed, or removed from the end."""
from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot import audit
from bot.workspace.actor import Actor
from models import audit_guard
from tests.conftest import START

ALICE, BOB = "U0ALICE", "U0BOB"
DAY = START.date().isoformat()


def act_in_slack(slack) -> None:
    """Five changes, as people make them in Slack."""
    slack.command("service add Payroll")
    assert slack.submit(values={}).ok
    slack.command("service rename Payroll Pay run")
    slack.command("role grant <@U0BOB|bob> service-manager")
    slack.command("settings handoff 30m")
    slack.command("token new Monitoring")


def as_attacker(db, statement: str) -> None:
    """What someone with the database's owner rights can do: drop the triggers, change the trail, put them back."""
    dialect = "sqlite" if db.is_sqlite else "postgresql"
    with db.engine.begin() as conn:
        for sql in audit_guard.drop(dialect):
            conn.execute(text(sql))
        conn.execute(text(statement))
        for sql in audit_guard.create(dialect):
            conn.execute(text(sql))


def test_the_export_is_exactly_what_was_done_in_order_with_before_and_after(slack, slm_bot, team, tmp_path):
    act_in_slack(slack)
    code, _, err = slm_bot("audit", "export", "--from", DAY, "--to", DAY, "--team", team, "--format", "jsonl",
                           "--out", "trail.jsonl")
    assert code == 0 and "5 audit records" in err
    rows = [json.loads(line) for line in (tmp_path / "trail.jsonl").read_text().splitlines()]
    assert [(r["seq"], r["actor"], r["action"], r["entity"]) for r in rows] == [
        (1, ALICE, "service.add", "service"), (2, ALICE, "service.rename", "service"),
        (3, ALICE, "role.grant", "member"), (4, ALICE, "setting.set", "workspace"),
        (5, ALICE, "api_token.create", "api_token")]
    add, rename, grant, setting, token = rows
    assert add["before"] is None and add["after"]["name"] == "Payroll" and add["after"]["created_by"] == ALICE
    assert (rename["before"], rename["after"]) == ({"name": "Payroll"}, {"name": "Pay run"})
    assert grant["detail"] == {"user_id": BOB, "role": "service_manager"}
    assert (setting["detail"]["key"], setting["before"], setting["after"]) == ("handoff", "15m", "30m")
    assert token["detail"] == {"name": "Monitoring"} and "xoxb" not in json.dumps(token)
    assert all(r["at"] == START.isoformat(timespec="microseconds") for r in rows)  # ISO, with its zone
    assert [r["prev_hash"] for r in rows[1:]] == [r["hash"] for r in rows[:-1]]

    code, _, _ = slm_bot("audit", "export", "--from", DAY, "--to", DAY, "--out", "trail.csv")
    lines = (tmp_path / "trail.csv").read_text().splitlines()
    assert code == 0 and lines[0] == "team,seq,at,actor,action,entity,entity_id,detail,before,after,prev_hash,hash"
    assert len(lines) == 6 and '"{""name"": ""Payroll""}"' in lines[2]
    day_after = (START + timedelta(days=1)).date().isoformat()
    assert slm_bot("audit", "export", "--from", day_after, "--to", day_after, "--out", "none.csv")[0] == 0
    assert len((tmp_path / "none.csv").read_text().splitlines()) == 1  # the header: nothing happened that day
    code, _, err = slm_bot("audit", "export", "--from", day_after, "--to", DAY)
    assert code == 2 and "is after --to" in err


def test_verify_finds_the_chain_intact(slack, slm_bot, team):
    act_in_slack(slack)
    assert slm_bot("audit", "verify") == (0, f"slm-bot: {team}: 5 records, intact\n", "")
    assert slm_bot("audit", "verify", "--team", "T0NOBODY")[:2] == (
        0, "slm-bot: T0NOBODY: 0 records, intact\n")


def test_verify_names_the_record_that_was_altered(slack, slm_bot, db, team):
    act_in_slack(slack)
    as_attacker(db, f"UPDATE audit_event SET actor = '{BOB}' WHERE seq = 3")
    code, out, _ = slm_bot("audit", "verify")
    assert code == 1 and f"{team}: BROKEN: record #3 " in out and "role.grant" in out and "altered" in out


def test_verify_names_a_record_removed_from_the_middle(slack, slm_bot, db, team):
    act_in_slack(slack)
    as_attacker(db, "DELETE FROM audit_event WHERE seq = 2")
    code, out, _ = slm_bot("audit", "verify", "--team", team)
    assert code == 1 and "record #2 removed: a gap before record #3" in out


def test_verify_says_when_the_newest_records_were_removed(slack, slm_bot, db, team):
    act_in_slack(slack)
    as_attacker(db, "DELETE FROM audit_event WHERE seq = 5")
    code, out, _ = slm_bot("audit", "verify")
    assert code == 1 and "record #5 removed: the head is at #5, the last record is #4" in out


def test_verify_says_when_a_record_was_replaced(slack, slm_bot, db, team):
    """A record rewritten whole, its own hash made to fit: the next record's link to it no longer holds."""
    act_in_slack(slack)
    with db.read_session() as s:
        event = audit.trail(s, team)[1]
    event.detail = {"name": "Forged"}
    event.hash = audit.chain.digest_of(event)
    as_attacker(db, f"UPDATE audit_event SET detail = '{{\"name\": \"Forged\"}}', hash = '{event.hash}' "
                    f"WHERE seq = 2")
    code, out, _ = slm_bot("audit", "verify")
    assert code == 1 and "record #3" in out and "does not follow record #2" in out


def test_the_database_refuses_to_update_or_delete_a_record(slack, db):
    act_in_slack(slack)
    for statement in ("UPDATE audit_event SET actor = 'U0EVE'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement))


def test_writers_appending_at_once_make_one_chain(db, slm_bot, team):
    """Two connections (two replicas, as far as the database can tell) appending at the same moment: the head's
    lock puts every record in one chain, numbered without a gap or a repeat."""
    each, ready = 15, threading.Barrier(2)
    failures: list[BaseException] = []

    def append(user: str) -> None:
        try:
            ready.wait()
            for i in range(each):
                with db.session() as s:
                    audit.record(s, Actor(team_id=team, user_id=user, now=START), "test.append", "test", i)
        except BaseException as err:  # noqa: BLE001 (said by the test below)
            failures.append(err)

    threads = [threading.Thread(target=append, args=(user,)) for user in (ALICE, BOB)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with db.read_session() as s:
        assert [e.seq for e in audit.trail(s, team)] == list(range(1, 2 * each + 1))
    assert slm_bot("audit", "verify")[:2] == (0, f"slm-bot: {team}: {2 * each} records, intact\n")
