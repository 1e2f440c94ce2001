"""What the Alertmanager tests share: a workspace's API token, a service, and webhook bodies as Alertmanager sends them."""
from __future__ import annotations

from sqlmodel import Session, select

from models import Outage
from tests.api.conftest import TOKEN
from tests.helpers import text_of
from tests.slack.test_service_map import add_service

def issue_token(slack, sandbox, name: str = "alertmanager", *, user: str = "U0ALICE", team: str | None = None) -> str:
    """`/slm token new <name>` as a service manager types it; the token as the bot shows it, once."""
    slack.command(f"token new {name}", user=user, **({"team": team} if team else {}))
    found = TOKEN.search(text_of(sandbox.last_ephemeral(user)))
    assert found, text_of(sandbox.last_ephemeral(user))
    return found.group()


def outages(db) -> list[Outage]:
    with Session(db.engine) as s:
        return list(s.exec(select(Outage).order_by(Outage.id)))


def service_named(slack, name: str) -> None:
    outcome = add_service(slack, name)
    assert outcome.status == 200


def alert(status: str, *, service: str = "Payroll", fingerprint: str = "a1b2c3d4e5f60718",
          starts: str = "2026-03-02T08:55:00.123456789Z", ends: str = "0001-01-01T00:00:00Z",
          labels: dict | None = None, summary: str = "Payroll is down") -> dict:
    return {"status": status,
            "labels": {"alertname": "PayrollDown", "service": service, **(labels or {})},
            "annotations": {"summary": summary}, "startsAt": starts, "endsAt": ends,
            "generatorURL": "http://prometheus.example/graph", "fingerprint": fingerprint}


def webhook(*alerts: dict) -> dict:
    status = "firing" if any(a["status"] == "firing" for a in alerts) else "resolved"
    return {"version": "4", "groupKey": '{}:{alertname="PayrollDown"}', "truncatedAlerts": 0, "status": status,
            "receiver": "slm-bot", "groupLabels": {"alertname": "PayrollDown"}, "commonLabels": {},
            "commonAnnotations": {}, "externalURL": "http://alertmanager.example:9093", "alerts": list(alerts)}
