"""A real Prometheus Alertmanager (Debian's `prometheus-alertmanager`) delivering to the bot.

An alert posted to Alertmanager's own API ends as one outage, however often Alertmanager repeats it; its
resolution closes the outage. Alertmanager runs on 127.0.0.1 with clustering off and second-long group timers.
Where the package is not installed the test skips and says so; `.ci/run` installs it.
"""
from __future__ import annotations

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

from tests.alertmanager.support import issue_token, outages, service_named
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
