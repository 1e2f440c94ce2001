"""OpenSLO through `slm-bot openslo export|import`: the round trip, and a bad file refused whole."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
import yaml

from bot import agreements, cli, service_map
from bot.agreements import targets
from models import Agreement, AgreementKind
from tests.evaluation.world import DOCS, manager, sla_in_force

UTC = timezone.utc
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def shell(db, monkeypatch, tmp_path):
    """The environment `slm-bot` runs in, on the test database (sandbox mode: no Slack token)."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "HOST", "PORT",
                 "SANDBOX", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SANDBOX_DATABASE_URL", db.url)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def goals(T, office):
    return [T(key=None, kind="availability", goal="99.9%", period="monthly", calendar_id=office.id),
            T(key=None, kind="metric", metric_name="p95 page load", threshold="2 s", period="quarterly"),
            T(key=None, kind="resolution", level="P1", duration="4h", goal="95%")]


def draft(db, team, name):
    sm = manager(team, NOW)
    with db.session() as s:
        payroll = service_map.find(s, team, "Payroll")
        customer = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name=f"{name} customer"))
        return agreements.draft(s, sm, agreements.DraftInput(
            kind=AgreementKind.SLA, name=name, counterparty_id=customer.id, service_ids=[payroll.id],
            start=date(2027, 1, 1), end=date(2027, 12, 31), review_month=4, channel_id="C0ACME"), DOCS).agreement.id


def described(db, agreement_id):
    with db.session() as s:
        return sorted(targets.as_dict(t, None, None)["description"] + f" {t.period} {t.calendar_id}"
                      for t in agreements.targets_of(s, s.get(Agreement, agreement_id)))


def test_the_openslo_round_trip(db, team, shell, capsys):
    world = sla_in_force(db, team, NOW, goals)
    assert cli.main(["openslo", "export", "Acme Payroll", "--team", team]) == 0
    exported = capsys.readouterr().out
    docs = list(yaml.safe_load_all(exported))
    assert [d["kind"] for d in docs] == ["SLO"] * 3 and all(d["apiVersion"] == "openslo/v1" for d in docs)
    availability = docs[0]["spec"]
    assert availability["objectives"][0]["target"] == 0.999 and availability["budgetingMethod"] == "Timeslices"
    assert availability["timeWindow"][0] == {"duration": "1M", "isRolling": False,
                                             "calendar": {"startTime": "2026-01-01 00:00:00", "timeZone": "Europe/London"}}
    assert docs[1]["spec"]["objectives"][0]["op"] == "lte" and docs[1]["spec"]["timeWindow"][0]["duration"] == "1Q"
    (shell / "slos.yaml").write_text(exported)

    new = draft(db, team, "Acme Payroll 2027")
    assert cli.main(["openslo", "import", "Acme Payroll 2027", str(shell / "slos.yaml"), "--team", team]) == 0
    assert "Availability 99.9%" in capsys.readouterr().out
    assert described(db, new) == described(db, world["agreement_id"])


def test_a_plain_openslo_file_from_elsewhere_becomes_availability_and_metric_targets(db, team, shell, capsys):
    sla_in_force(db, team, NOW, lambda T, office: [])
    new = draft(db, team, "Checkout")
    (shell / "team.yaml").write_text("""
apiVersion: openslo/v1
kind: Service
metadata: {name: checkout}
spec: {description: the shop}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-availability, displayName: Checkout availability}
spec:
  service: checkout
  indicatorRef: checkout-errors
  timeWindow: [{duration: 28d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{displayName: SLO, target: 0.995}]
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-latency, displayName: Checkout p99 latency}
spec:
  service: checkout
  indicator:
    metadata: {name: latency}
    spec: {thresholdMetric: {metricSource: {type: Prometheus, spec: {query: x, unit: ms}}}}
  timeWindow: [{duration: 1w, isRolling: false}]
  budgetingMethod: Occurrences
  objectives: [{op: lte, value: 300, target: 0.99}]
""")
    assert cli.main(["openslo", "import", "Checkout", str(shell / "team.yaml"), "--team", team]) == 0
    assert described(db, new) == ["Availability 99.5% monthly None", "Checkout p99 latency under 300 ms weekly None"]


def test_a_bad_file_is_refused_whole_naming_the_field(db, team, shell, capsys):
    sla_in_force(db, team, NOW, lambda T, office: [])
    new = draft(db, team, "Checkout")
    (shell / "bad.yaml").write_text("""
apiVersion: openslo/v1
kind: SLO
metadata: {name: fine}
spec: {timeWindow: [{duration: 1M}], objectives: [{target: 0.99}]}
---
apiVersion: openslo/v1
kind: SLO
metadata: {name: broken}
spec: {timeWindow: [{duration: 1M}], objectives: [{target: 99.5}]}
""")
    assert cli.main(["openslo", "import", "Checkout", str(shell / "bad.yaml"), "--team", team]) == 1
    assert "document 2: spec.objectives.0.target" in capsys.readouterr().err
    assert described(db, new) == []
    (shell / "odd.yaml").write_text("apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: odd}\n"
                                    "spec: {timeWindow: [{duration: 5d}], objectives: [{target: 0.9}]}\n")
    assert cli.main(["openslo", "import", "Checkout", str(shell / "odd.yaml"), "--team", team]) == 1
    assert "“5d” is no period" in capsys.readouterr().err
    assert cli.main(["openslo", "import", "Acme Payroll", str(shell / "odd.yaml"), "--team", team]) == 1
    assert "import SLOs into a draft" in capsys.readouterr().err
