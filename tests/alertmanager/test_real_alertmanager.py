"""A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) delivering to the bot.

An alert posted to Alertmanager's own API ends as one outage, however often Alertmanager repeats it, and as one
breach alert in the channel of the support group that owns the target; its resolution closes both. Alertmanager
runs on 127.0.0.1 with clustering off and second-long group timers. Where the package is not installed the tests
skip and say so; `.ci/run` installs it. The breach alert needs the evaluation and the breaches domain (built
beside this on other branches): until they are merged in, that test skips and says which is missing.
"""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
import yaml

from sqlmodel import select

from tests.alertmanager.support import issue_token, outages, service_named
from tests.helpers import text_of
from tests.servers import free_socket

BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="Prometheus Alertmanager is not installed: `apt-get install -y prometheus-alertmanager` "
                           "(.ci/run installs it) to run the test against a real one")
WAIT = 60  # seconds: how long Alertmanager may take to start and deliver on a loaded machine before the test fails


@dataclass
class RealAlertmanager:
    url: str
    process: subprocess.Popen
    log: Path

    def post_alert(self, labels: dict, starts: datetime, ends: datetime | None = None) -> None:
        item = {"labels": labels, "annotations": {"summary": "Payroll answers 503"}, "startsAt": starts.isoformat(),
                "generatorURL": "http://prometheus.example/graph"}
        if ends is not None:
            item["endsAt"] = ends.isoformat()
        answer = httpx.post(f"{self.url}/api/v2/alerts", json=[item], timeout=10)
        assert answer.status_code == 200, answer.text

    def webhook_deliveries(self) -> int:
        """Notifications Alertmanager has sent to the webhook, from its own metrics."""
        metrics = httpx.get(f"{self.url}/metrics", timeout=10).text
        found = re.search(r'^alertmanager_notifications_total\{integration="webhook"\} (\S+)$', metrics, re.M)
        return int(float(found.group(1))) if found else 0

    def failed_deliveries(self) -> int:
        metrics = httpx.get(f"{self.url}/metrics", timeout=10).text
        found = re.search(r'^alertmanager_notifications_failed_total\{integration="webhook"\} (\S+)$', metrics, re.M)
        return int(float(found.group(1))) if found else 0


def until(what: str, check, am: RealAlertmanager):
    """Wait for another process (Alertmanager) to do something, up to WAIT seconds; the value `check` found."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if am.process.poll() is not None:
            pytest.fail(f"Alertmanager exited ({am.process.returncode}): {am.log.read_text()[-2000:]}")
        found = check()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"waited {WAIT}s for {what}; Alertmanager's log: {am.log.read_text()[-2000:]}")


@pytest.fixture
def alertmanager(harness_clean, slack, sandbox, tmp_path):
    token = issue_token(slack, sandbox)
    config = {
        "route": {"receiver": "slm-bot", "group_by": ["alertname", "service"],
                  "group_wait": "1s", "group_interval": "1s", "repeat_interval": "1s"},
        "receivers": [{"name": "slm-bot", "webhook_configs": [{
            "url": f"{harness_clean.base_url}/api/v1/alertmanager", "send_resolved": True,
            "http_config": {"authorization": {"type": "Bearer", "credentials": token}}}]}],
    }
    (tmp_path / "alertmanager.yml").write_text(yaml.safe_dump(config))
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()  # Alertmanager binds it itself, a moment later
    log = tmp_path / "alertmanager.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [BINARY, f"--config.file={tmp_path / 'alertmanager.yml'}", f"--storage.path={tmp_path / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=", "--log.level=info"],
            stdout=out, stderr=subprocess.STDOUT)
    am = RealAlertmanager(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        until("Alertmanager to be ready", lambda: _ready(am.url), am)
        yield am
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/-/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_an_alert_from_alertmanager_is_one_outage_and_its_resolution_closes_it(alertmanager, slack, db):
    service_named(slack, "Payroll")
    labels = {"alertname": "PayrollDown", "service": "payroll", "severity": "page"}
    starts = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(minutes=3)
    alertmanager.post_alert(labels, starts)

    [outage] = until("the outage", lambda: outages(db), alertmanager)
    assert outage.source == "alertmanager" and outage.ended_at is None
    assert outage.started_at == starts and outage.summary == "Payroll answers 503"

    # Alertmanager repeats the firing alert every second (repeat_interval); each repeat is the same outage.
    seen = alertmanager.webhook_deliveries()
    until("two repeated notifications", lambda: alertmanager.webhook_deliveries() >= seen + 2, alertmanager)
    assert len(outages(db)) == 1

    ends = datetime.now(timezone.utc).replace(microsecond=0)
    alertmanager.post_alert(labels, starts, ends)  # what Prometheus sends when the alert stops firing
    [closed] = until("the outage to close", lambda: [o for o in outages(db) if o.ended_at is not None], alertmanager)
    assert closed.id == outage.id and closed.ended_at == ends
    assert len(outages(db)) == 1
    assert alertmanager.failed_deliveries() == 0


NETWORK_CHANNEL = "C0NETWORKTE"  # the stand-in's #network-team


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _availability_in_force_with_its_owner(db, team, now):
    """Payroll's SLA with Acme promises 99.9% availability a month; the Network group's OLA beneath it promises
    the same, so the group owns the target and hears of its breaches in its own channel."""
    from bot import agreements, cover, service_map
    from bot.agreements import targets
    from bot.workspace import roles
    from bot.workspace.actor import Actor
    from models import Agreement, ContactRole

    sm = Actor(team_id=team, user_id="U0ALICE", roles=frozenset({"admin", "service_manager"}), now=now, tz="UTC")
    docs = agreements.DocSettings(provider_name="IT Services", templates_dir=None)
    with db.session() as s:
        roles.grant(s, sm, "U0ALICE", "service_manager")
        payroll = service_map.find(s, team, "Payroll")
        acme = service_map.add_party(s, sm, service_map.PartyInput(kind="customer", name="Acme Retail"))
        network = service_map.add_party(s, sm, service_map.PartyInput(
            kind="support_group", name="Network group", channel_id=NETWORK_CHANNEL,
            contacts={ContactRole.OPERATIONAL: ["U0BOB"]}))
        made = {}
        for kind, name, party in ((agreements.AgreementKind.SLA, "Acme Payroll", acme),
                                  (agreements.AgreementKind.OLA, "Network OLA", network)):
            drafted = agreements.draft(s, sm, agreements.DraftInput(
                kind=kind, name=name, counterparty_id=party.id, service_ids=[payroll.id],
                start=(now - timedelta(days=60)).date(), end=(now + timedelta(days=365)).date(), review_month=4,
                channel_id="C0ACME"), docs)
            agreements.propose(s, sm, drafted.agreement, targets.TargetChange(key=None, kind="availability",
                                                                              goal="99.9%"), "setup", docs)
            agreement = s.get(Agreement, drafted.agreement.id)  # in force (the sign-off flow is tested elsewhere)
            agreement.status, agreement.agreed_version = "active", agreement.latest_version
            s.add(agreement)
            [made[kind]] = [t.id for t in agreements.targets_of(s, agreement)]
        cover.link(s, sm, sla_target_id=made[agreements.AgreementKind.SLA],
                   leg_target_id=made[agreements.AgreementKind.OLA], stage=1)


@pytest.mark.skipif(not (_has("bot.breaches") and _has("bot.measurements.evaluate")),
                    reason="the evaluation (bot.measurements.evaluate) or the breach alerts (bot.breaches) are not in "
                           "this build: they are merged in beside the Alertmanager receiver")
def test_an_alert_from_alertmanager_is_one_breach_alert_in_the_owning_groups_channel_closed_by_its_resolution(
        alertmanager, harness_clean, slack, sandbox, db, clock, team):
    from bot.scheduler import run_all_once
    from models import Breach

    now = datetime.now(timezone.utc).replace(microsecond=0)
    clock.set(now)  # the bot's clock at Alertmanager's time: the outage is measured as it happens
    service_named(slack, "Payroll")
    _availability_in_force_with_its_owner(db, team, now)
    labels = {"alertname": "PayrollDown", "service": "Payroll"}
    starts = now - timedelta(minutes=10)
    alertmanager.post_alert(labels, starts)
    until("the outage", lambda: outages(db), alertmanager)

    run_all_once(harness_clean.deps)  # the minute's sweep: ten minutes down burns the month's budget far too fast
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)
    assert "Acme Payroll" in text_of(alert) and "Network group" in text_of(alert)
    seen = alertmanager.webhook_deliveries()
    until("a repeated notification", lambda: alertmanager.webhook_deliveries() >= seen + 1, alertmanager)
    clock.advance(minutes=1)
    run_all_once(harness_clean.deps)
    assert len(outages(db)) == 1 and len(sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)) == 1

    ends = datetime.now(timezone.utc).replace(microsecond=0)
    alertmanager.post_alert(labels, starts, ends)
    until("the outage to close", lambda: [o for o in outages(db) if o.ended_at is not None], alertmanager)
    # The burn-rate alerts' windows reach back six hours (6x over 6h and 30m): past them, the budget burns no faster
    # than it may, and the alert is resolved.
    clock.set(ends + timedelta(hours=6, minutes=5))
    run_all_once(harness_clean.deps)
    [alert] = sandbox.channel_messages(NETWORK_CHANNEL, include_ephemeral=False)  # the same message, edited
    assert "Resolved" in text_of(alert) and alert.edits >= 1, text_of(alert)
    assert [o.ended_at for o in outages(db)] == [ends]
    with db.session() as s:
        [breach] = s.exec(select(Breach)).all()
        assert breach.state == "resolved" and breach.message_ts == alert.ts


@pytest.mark.skipif(shutil.which("amtool") is None, reason="amtool (Debian's prometheus-alertmanager) is not installed")
def test_the_readme_receivers_snippet_is_a_configuration_alertmanager_accepts(tmp_path):
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    snippet = re.search(r"```yaml\n(.*?)```", readme[readme.index("### Alertmanager"):], re.S).group(1)
    assert "/api/v1/alertmanager" in snippet and "send_resolved: true" in snippet
    (tmp_path / "alertmanager.yml").write_text(snippet)
    checked = subprocess.run(["amtool", "check-config", str(tmp_path / "alertmanager.yml")], capture_output=True,
                             text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
