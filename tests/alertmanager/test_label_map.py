"""`/slm alerts`: the label that names the service and the values mapped to services, through signed Slack
requests; and what the mapping does to the alerts that arrive over HTTP afterwards."""
from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from messages import render_message
from messages.ids import Action
from models import AlertServiceMap, AuditEvent, Service
from tests.alertmanager.support import alert, issue_token, outages, service_named, webhook
from tests.helpers import assert_valid_blocks, text_of
from tests.servers import TLS_CONTEXT

ALICE = "U0ALICE"  # a workspace admin
BOB = "U0BOB"      # a member
URL = "/api/v1/alertmanager"


@pytest.fixture
def post(harness_clean, slack, sandbox):
    """Post a webhook with the workspace's API token; its answer."""
    token = issue_token(slack, sandbox)

    def send(body: dict) -> dict:
        with httpx.Client(verify=TLS_CONTEXT, base_url=harness_clean.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
            answer = client.post(URL, json=body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    return send


def test_a_mapped_label_value_sends_its_alerts_to_the_service(slack, sandbox, post, db):
    service_named(slack, "Acme Payroll")
    assert post(webhook(alert("firing", service="payroll-api")))["unmapped"]

    slack.command("alerts map payroll-api Acme Payroll")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "“payroll-api” now names Acme Payroll" in shown and "`payroll-api` → Acme Payroll" in shown

    body = post(webhook(alert("firing", service="payroll-api")))
    assert len(body["opened"]) == 1 and body["unmapped"] == []
    with Session(db.engine) as s:
        payroll = s.exec(select(Service).where(Service.name == "Acme Payroll")).one()
        assert [a.action for a in s.exec(select(AuditEvent).where(AuditEvent.action.startswith("alert_label")))] \
            == ["alert_label.map"]
    assert outages(db)[0].service_id == payroll.id


def test_mapping_again_moves_the_value_and_says_where_it_was(slack, sandbox):
    service_named(slack, "Payroll")
    service_named(slack, "Payments")
    slack.command('alerts map "pay svc" Payroll')
    slack.command("alerts map 'pay svc' payments")
    shown = text_of(sandbox.last_ephemeral(ALICE))
    assert "“pay svc” now names Payments (it named Payroll)." in shown
    assert "`pay svc` → Payments" in shown and "→ Payroll" not in shown


def test_unmap_forgets_the_value(slack, sandbox, post, db):
    service_named(slack, "Payroll")
    slack.command("alerts map pr Payroll")
    slack.command("alerts unmap pr")
    assert "“pr” no longer names Payroll." in text_of(sandbox.last_ephemeral(ALICE))
    assert post(webhook(alert("firing", service="pr")))["unmapped"]
    slack.command("alerts unmap pr")
    assert "“pr” is not mapped to a service." in text_of(sandbox.last_ephemeral(ALICE))


def test_an_outage_opened_through_a_mapping_closes_after_the_mapping_is_gone(slack, sandbox, post, db):
    service_named(slack, "Payroll")
    slack.command("alerts map pr Payroll")
    [opened] = post(webhook(alert("firing", service="pr")))["opened"]
    slack.command("alerts unmap pr")
    assert post(webhook(alert("resolved", service="pr", ends="2026-03-02T09:30:00Z")))["closed"] == [opened]
    assert outages(db)[0].ended_at is not None


def test_an_unknown_service_is_said_and_nothing_is_mapped(slack, sandbox, db):
    slack.command("alerts map pr Nosuch")
    assert "There is no service called “Nosuch” on the service map." in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("alerts map")
    assert "Say which label value" in text_of(sandbox.last_ephemeral(ALICE))
    with Session(db.engine) as s:
        assert s.exec(select(AlertServiceMap)).all() == []


def test_a_member_cannot_map_alerts(slack, sandbox, db):
    service_named(slack, "Payroll")
    slack.command("alerts map pr Payroll", user=BOB)
    assert "Only a service manager or workspace admin can map alert labels to services" \
        in text_of(sandbox.last_ephemeral(BOB))
    with Session(db.engine) as s:
        assert s.exec(select(AlertServiceMap)).all() == []
    slack.command("alerts", user=BOB)  # anyone may look
    assert "No label values mapped yet" in text_of(sandbox.last_ephemeral(BOB))


def test_the_workspace_chooses_which_label_names_the_service(slack, sandbox, post, db):
    service_named(slack, "Payroll")
    slack.command("settings alert_label app")
    assert "`alert_label` app" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("alerts")
    assert "in the label `app`" in text_of(sandbox.last_ephemeral(ALICE))
    body = post(webhook(alert("firing", service="Nosuch", labels={"app": "payroll"})))
    assert len(body["opened"]) == 1
    slack.command("settings alert_label app-name")
    assert "not a Prometheus label name" in text_of(sandbox.last_ephemeral(ALICE))


def test_a_removed_service_takes_its_mappings_with_it(slack, sandbox, post, db):
    service_named(slack, "Payroll")
    slack.command("alerts map pr Payroll")
    slack.command("service remove Payroll")
    slack.click(Action.REMOVE_CONFIRM, message=sandbox.last_ephemeral(ALICE))
    with Session(db.engine) as s:
        assert s.exec(select(Service)).all() == [] and s.exec(select(AlertServiceMap)).all() == []
    assert "pr" in post(webhook(alert("firing", service="pr")))["unmapped"][0]["reason"]


HOSTILE = "<!channel> *bold* _pay_ ~roll~ `tick` <https://evil.example|x> & " + "x" * 3000


def test_the_mapping_message_renders_hostile_text_within_slack_limits():
    from bot.measurements.alert_labels import Mapping

    many = [Mapping(f"{HOSTILE[:190]}{i}", HOSTILE[:120]) for i in range(60)]
    message = render_message("alerts.yml.j2", label="service", mappings=many, changed=HOSTILE)
    assert_valid_blocks(message)
    assert "…and 15 more" in text_of(message)
    assert len(message["blocks"]) <= 50
    assert_valid_blocks(render_message("alerts.yml.j2", label="service", mappings=[], changed=None))
