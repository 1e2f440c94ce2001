"""`POST /api/v1/alertmanager` over HTTP, as Alertmanager calls it: firing opens an outage, resolved closes it,
repeats and retries never open a second, bad tokens and bad bodies are refused with nothing stored."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from models import ApiToken
from tests.alertmanager.support import alert, issue_token, outages, service_named, webhook
from tests.servers import TLS_CONTEXT

URL = "/api/v1/alertmanager"
RESOLVED_AT = "2026-03-02T09:40:00Z"


@pytest.fixture
def api(harness_clean, slack, sandbox):
    service_named(slack, "Payroll")
    token = issue_token(slack, sandbox)
    with httpx.Client(verify=TLS_CONTEXT, base_url=harness_clean.base_url, headers={"Authorization": f"Bearer {token}"}) as client:
        yield client


def test_firing_opens_an_outage_and_resolved_closes_it(api, db, clock):
    answer = api.post(URL, json=webhook(alert("firing")))
    assert answer.status_code == 200, answer.text
    [outage] = outages(db)
    assert answer.json() == {"opened": [outage.id], "closed": [], "repeats": 0, "unmapped": []}
    assert outage.source == "alertmanager" and outage.impact == "full" and outage.ended_at is None
    assert outage.started_at == datetime(2026, 3, 2, 8, 55, 0, 123456, tzinfo=timezone.utc)
    assert outage.summary == "Payroll is down"

    clock.advance(minutes=45)
    answer = api.post(URL, json=webhook(alert("resolved", ends=RESOLVED_AT)))
    assert answer.json()["closed"] == [outage.id]
    [closed] = outages(db)
    assert closed.ended_at == datetime(2026, 3, 2, 9, 40, tzinfo=timezone.utc)
    assert closed.updated_at == clock.now()


def test_repeated_notifications_and_retries_never_open_a_second_outage(api, db):
    for _ in range(3):  # repeat_interval, and a retry after a lost answer
        assert api.post(URL, json=webhook(alert("firing"))).status_code == 200
    assert len(outages(db)) == 1
    assert api.post(URL, json=webhook(alert("firing"))).json()["repeats"] == 1
    # The resolution sent twice closes once; a firing repeat that arrives after it does not reopen it.
    assert api.post(URL, json=webhook(alert("resolved", ends=RESOLVED_AT))).json()["closed"] == [outages(db)[0].id]
    again = api.post(URL, json=webhook(alert("resolved", ends=RESOLVED_AT))).json()
    late = api.post(URL, json=webhook(alert("firing"))).json()
    assert (again["closed"], again["repeats"], late["opened"], late["repeats"]) == ([], 1, [], 1)
    [outage] = outages(db)
    assert outage.ended_at is not None


def test_the_same_start_written_in_another_zone_is_the_same_alert(api, db):
    api.post(URL, json=webhook(alert("firing", starts="2026-03-02T08:55:00Z")))
    api.post(URL, json=webhook(alert("resolved", starts="2026-03-02T08:55:00Z", ends=RESOLVED_AT)))
    again = api.post(URL, json=webhook(alert("resolved", starts="2026-03-02T09:55:00+01:00", ends=RESOLVED_AT)))
    assert again.json()["repeats"] == 1
    assert len(outages(db)) == 1


def test_the_same_alert_from_two_alertmanagers_at_once_is_one_outage(api, db, harness_clean):
    """A high-availability pair without gossip: both send the same alert at the same moment."""
    body = webhook(alert("firing"))
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: api.post(URL, json=body), range(4)))
    assert [a.status_code for a in answers] == [200] * 4
    assert len(outages(db)) == 1
    assert sum(len(a.json()["opened"]) for a in answers) == 1


def test_an_alert_that_fires_again_after_resolution_is_a_new_outage(api, db):
    api.post(URL, json=webhook(alert("firing")))
    api.post(URL, json=webhook(alert("resolved", ends=RESOLVED_AT)))
    api.post(URL, json=webhook(alert("firing", starts="2026-03-02T11:00:00Z")))
    first, second = outages(db)
    assert first.ended_at is not None and second.ended_at is None
    assert second.started_at == datetime(2026, 3, 2, 11, 0, tzinfo=timezone.utc)


def test_a_resolution_whose_firing_never_arrived_records_the_whole_window(api, db):
    answer = api.post(URL, json=webhook(alert("resolved", ends=RESOLVED_AT))).json()
    [outage] = outages(db)
    assert answer["opened"] == answer["closed"] == [outage.id]
    assert (outage.started_at.hour, outage.ended_at.hour, outage.ended_at.minute) == (8, 9, 40)


def test_several_alerts_in_one_group_each_find_their_service(api, db, slack):
    service_named(slack, "Payments Gateway")
    answer = api.post(URL, json=webhook(
        alert("firing", fingerprint="f1", service="payroll"),  # a service's name, case aside
        alert("firing", fingerprint="f2", service="payments gateway", labels={"impact": "degraded"}),
        alert("firing", fingerprint="f3", service="billing"),
        alert("firing", fingerprint="f4", labels={"service": ""}),
    ))
    assert answer.status_code == 200
    body = answer.json()
    assert len(body["opened"]) == 2
    assert [u["fingerprint"] for u in body["unmapped"]] == ["f3", "f4"]
    assert "billing" in body["unmapped"][0]["reason"] and "service" in body["unmapped"][1]["reason"]
    assert sorted(o.impact for o in outages(db)) == ["degraded", "full"]


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Basic c2xtOnNsbQ==", "Bearer"])
def test_a_missing_or_wrong_token_is_refused_and_nothing_stored(api, db, authorization):
    headers = {"Authorization": authorization} if authorization is not None else {}
    with httpx.Client(verify=TLS_CONTEXT, base_url=str(api.base_url), headers=headers) as client:
        answer = client.post(URL, json=webhook(alert("firing")))
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert outages(db) == []


def test_a_revoked_token_is_refused(api, db, slack):
    slack.command("token revoke alertmanager")
    assert api.post(URL, json=webhook(alert("firing"))).status_code == 401
    assert outages(db) == []


def test_the_token_notes_its_last_use(api, db, clock):
    api.post(URL, json=webhook(alert("firing")))
    with Session(db.engine) as s:
        assert s.exec(select(ApiToken)).one().last_used_at == clock.now()


@pytest.mark.parametrize("breaks, field", [
    (lambda b: b.update(version="3"), ["body", "version"]),
    (lambda b: b["alerts"][1].update(startsAt="yesterday"), ["body", "alerts", 1, "startsAt"]),
    (lambda b: b["alerts"][1].pop("fingerprint"), ["body", "alerts", 1, "fingerprint"]),
    (lambda b: b["alerts"][0].update(status="pending"), ["body", "alerts", 0, "status"]),
    (lambda b: b["alerts"][1].update(status="resolved", endsAt="2026-03-01T00:00:00Z"), ["body", "alerts", 1]),
    (lambda b: b.update(alerts=[]), ["body", "alerts"]),
])
def test_a_malformed_body_gets_422_naming_the_field_and_nothing_is_stored(api, db, breaks, field):
    body = webhook(alert("firing", fingerprint="good"), alert("firing", fingerprint="bad"))
    breaks(body)
    answer = api.post(URL, json=body)
    assert answer.status_code == 422, answer.text
    assert field in [d["loc"] for d in answer.json()["detail"]]
    assert outages(db) == []


def test_a_body_that_is_not_json_is_422(api, db):
    answer = api.post(URL, content=b"{not json", headers={"Content-Type": "application/json"})
    assert answer.status_code == 422
    assert outages(db) == []


def test_a_huge_body_is_refused(api, db):
    answer = api.post(URL, content=b"x" * (4 * 1024 * 1024 + 1), headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert outages(db) == []


def test_a_token_speaks_for_its_own_workspace_only(api, db, slack, sandbox):
    """Another workspace's token opens nothing for this one: its services are its own."""
    sandbox.add_team("T0OTHER", "Other Co")
    sandbox.add_user("U0OTTO", "Otto Other", team_id="T0OTHER", is_admin=True)
    other = issue_token(slack, sandbox, user="U0OTTO", team="T0OTHER")
    with httpx.Client(verify=TLS_CONTEXT, base_url=str(api.base_url), headers={"Authorization": f"Bearer {other}"}) as client:
        body = client.post(URL, json=webhook(alert("firing"))).json()
    assert body["opened"] == [] and len(body["unmapped"]) == 1
    assert outages(db) == []


def test_the_readme_curl_example_opens_an_outage(api, db):
    """README's hand-made webhook is one the endpoint takes."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme[readme.index("### Alertmanager"):]
    body = re.search(r"-d '(\{.*?\})'\n", section, re.S).group(1)
    answer = api.post(URL, content=body.encode(), headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    [outage] = outages(db)
    assert outage.summary == "Payroll answers 503"


def test_the_openapi_document_describes_what_the_endpoint_takes(api, harness_clean):
    document = httpx.get(f"{harness_clean.base_url}/api/openapi.json").json()
    post = document["paths"]["/v1/alertmanager"]["post"]
    assert post["security"] == [{"ApiToken": []}] and {"200", "401", "413", "422"} <= set(post["responses"])
    schemas = document["components"]["schemas"]
    assert set(schemas["AlertmanagerWebhook"]["required"]) == {"version", "status", "alerts"}
    assert schemas["AlertmanagerWebhook"]["properties"]["version"]["const"] == "4"
    assert set(schemas["AlertmanagerAlert"]["required"]) == {"status", "labels", "startsAt", "fingerprint"}
    # What it leaves out is left out by the server too: an alert without annotations or endsAt is taken.
    bare = alert("firing")
    del bare["annotations"], bare["endsAt"], bare["generatorURL"]
    assert api.post(URL, json={"version": "4", "status": "firing", "alerts": [bare]}).status_code == 200


def test_a_malformed_alert_is_named_as_a_person_reads_it(api):
    body = webhook(alert("firing"), alert("firing", starts="yesterday"))
    assert list(api.post(URL, json=body).json()["errors"]) == ["alerts[1].startsAt"]
