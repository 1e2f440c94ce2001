"""Issue 11: `/api/openapi.json` describes exactly what the server accepts."""
from __future__ import annotations

import pytest

from tests.api.test_ingest import opened

KINDS = {"opened": "TicketOpened", "responded": "TicketResponded", "assigned": "TicketAssigned",
         "paused": "TicketPaused", "resumed": "TicketResumed", "resolved": "TicketResolved",
         "reopened": "TicketReopened"}


@pytest.fixture
def document(anonymous):
    answer = anonymous.get("/openapi.json")  # public: a sender reads it before it has a token
    assert answer.status_code == 200
    return answer.json()


def test_the_document_names_each_route_where_it_is_served(document, api):
    assert document["servers"] == [{"url": "/api"}]
    assert set(document["paths"]) == {"/v1/ticket-events", "/v1/outages", "/v1/metric-samples", "/v1/batch",
                                      "/v1/alertmanager"}
    assert document["components"]["securitySchemes"]["ApiToken"] == {
        "type": "http", "scheme": "bearer", "description": "An API token made in Slack with `/slm token new <name>`."}
    for path, methods in document["paths"].items():
        assert set(methods) == {"post"}
        assert methods["post"]["security"] == [{"ApiToken": []}]
        assert {"200", "401", "413", "422"} <= set(methods["post"]["responses"])
        # served where the document says: a GET is answered 405 by the route, not 404
        assert api.get(document["servers"][0]["url"].removeprefix("/api") + path).status_code == 405


def test_each_event_kind_requires_what_the_server_requires(document, api):
    schemas = document["components"]["schemas"]
    body = document["paths"]["/v1/ticket-events"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["discriminator"]["propertyName"] == "kind"
    assert set(body["discriminator"]["mapping"]) == set(KINDS)
    example = {"id": "e1", "ticket": "INC1", "at": "2026-03-02T09:00:00Z", "priority": "P1", "service": "Payroll",
               "group": "Network group", "reason": "awaiting customer"}
    for kind, name in KINDS.items():
        schema = schemas[name]
        assert schema["additionalProperties"] is False  # an unknown field is refused, and the schema says so
        required = set(schema["required"])
        item = {k: v for k, v in example.items() if k in schema["properties"]} | {"kind": kind}
        for field in required - {"kind"}:
            answer = api.post("/v1/ticket-events", json={k: v for k, v in item.items() if k != field})
            assert answer.status_code == 422 and list(answer.json()["errors"]) == [field], (kind, field, answer.text)
        extra = {"group", "reason", "priority", "service"} - set(schema["properties"])
        if extra:
            answer = api.post("/v1/ticket-events", json=item | {next(iter(sorted(extra))): "x"})
            assert answer.status_code == 422, (kind, answer.text)


def test_the_documented_example_of_each_route_is_accepted(api):
    assert api.post("/v1/ticket-events", json=opened()).status_code == 200
    assert api.post("/v1/outages", json={"id": "o1", "service": "Payroll", "start": "2026-03-02T09:00:00Z"}
                    ).status_code == 200
    assert api.post("/v1/metric-samples", json={"id": "m1", "service": "Payroll", "metric": "p95", "value": 1,
                                                "at": "2026-03-02T09:00:00Z"}).status_code == 200
    assert api.post("/v1/batch", json={}).json() == {"stored": 0, "corrected": 0, "unchanged": 0, "items": []}
