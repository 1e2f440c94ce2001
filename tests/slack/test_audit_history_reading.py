"""`/slm audit` read as a person reads it (issue 15 walk), through signed Slack requests: only what changed, old →
new; people as mentions; bookkeeping columns left out; an unchanged before/after not shown; long values visibly
cut; each time with its zone named."""
from __future__ import annotations

from sqlmodel import select

from bot import audit
from bot.workspace.actor import Actor
from models import Service
from tests.conftest import START
from tests.slack.test_audit_history import ALICE, add_service, shown


def test_a_history_reads_as_changes_with_people_and_zones(slack, sandbox, db, team):
    assert add_service(slack, "Payroll").ok
    slack.command("service rename Payroll Pay run")
    with db.session() as s:
        service = s.exec(select(Service)).one()
        who = Actor(team_id=team, user_id=ALICE, now=START)
        audit.record(s, who, "service.review", "service", service.id, before={"status": "negotiating"},
                     after={"status": "negotiating"})
        audit.record(s, who, "service.describe", "service", service.id, before={"description": ""},
                     after={"description": "x" * 400, "owner_user_id": "U0BOB"})
    slack.command("audit Pay run")
    text, message = shown(sandbox)
    assert "name: Payroll → Pay run" in text
    for kept_out in ("created_at", "created_by", "team_id", "name_key", "\nid: ", '{"'):
        assert kept_out not in text, kept_out
    assert "negotiating → negotiating" not in text and "status:" not in text
    assert "description: " + "x" * 119 + "…" in text and "x" * 121 not in text
    assert "owner_user_id: <@U0BOB>" in text
    assert START.strftime("%Y-%m-%d %H:%M UTC") in text and "<!date" not in str(message.blocks)


def test_a_role_grant_names_the_person_as_a_mention(slack, sandbox):
    slack.command("role grant <@U0BOB|bob> service-manager")
    slack.command("audit <@U0ALICE|alice>")
    text, _ = shown(sandbox)
    assert "user_id: <@U0BOB>" in text and "role: service_manager" in text
