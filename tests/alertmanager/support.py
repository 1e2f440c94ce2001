"""What the Alertmanager tests share: a workspace's API token, a service, and webhook bodies as Alertmanager sends them."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from sqlmodel import Session, select

from models import ApiToken, Outage
from tests.slack.test_service_map import add_service

TOKEN = "slm-test-not-a-real-api-token"


def issue_token(db, team: str, token: str = TOKEN, name: str = "alertmanager") -> str:
    """An API token for `team`, stored as the token commands store it (its SHA-256 only).

    Until `/slm token new` is on this branch the row is written here; the endpoint reads it through the
    real check.
    """
    with Session(db.engine) as s:
        s.add(ApiToken(team_id=team, name=name, token_hash=hashlib.sha256(token.encode()).hexdigest(),
                       prefix=token[:8], created_by="U0ALICE", created_at=datetime.now(timezone.utc)))
        s.commit()
    return token


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
