"""schemathesis against the ingestion API's own OpenAPI document, over real HTTP to the harness's server.

With a valid token: no 5xx; every answer is one the document describes (status, content type, body schema);
a refusal (4xx) says which field (`errors`) and wrote nothing. With no token, or a wrong one: 401, whatever the
body. Generated from the document FastAPI serves at /api/openapi.json, both valid and invalid bodies.
"""
from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (content_type_conformance, not_a_server_error, response_schema_conformance,
                                 status_code_conformance)

from bot import service_map
from bot.workspace.actor import Actor
from tests.api.conftest import make_token
from tests.conftest import START
from tests.fuzz.conftest import SCALE, SEED, row_counts

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ = settings(max_examples=25 * SCALE, deadline=None, derandomize=SEED is None, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.fixture
def api_schema(harness_clean):
    document = httpx.get(f"{harness_clean.base_url}/api/openapi.json", timeout=30).json()
    config = schemathesis.Config()
    config.projects.default.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    return schemathesis.openapi.from_dict(document, config=config)


@pytest.fixture
def api_token(slack, sandbox, db, team) -> str:
    admin = Actor(team_id=team, user_id="U0ALICE", roles=frozenset({"admin"}), now=START)
    with db.session() as s:  # names the generated bodies may hit now and then
        service_map.add_service(s, admin, name="Payroll")
        service_map.add_party(s, admin, service_map.PartyInput(kind="support_group", name="Network group"))
    return make_token(slack, sandbox)


PATHS = ["/v1/alertmanager", "/v1/batch", "/v1/metric-samples", "/v1/outages", "/v1/ticket-events"]


def test_every_route_of_the_document_is_fuzzed(api_schema):
    assert sorted(api_schema.raw_schema["paths"]) == PATHS


@pytest.fixture(params=[None, "Bearer slm_not_a_token_made_in_slack_at_all", "Basic eDp5"],
                ids=["no token", "a wrong token", "no bearer"])
def authorization(request) -> str | None:
    return request.param


@pytest.mark.parametrize("path", PATHS)
def test_the_api_answers_every_request_as_its_document_says(path, api_schema, api_token, harness_clean, db):
    @FUZZ
    @given(case=api_schema[path]["POST"].as_strategy())
    def run(case):
        before = row_counts(db)
        response = case.call(base_url=f"{harness_clean.base_url}/api",
                             headers={"Authorization": f"Bearer {api_token}"}, timeout=30)
        case.validate_response(response, checks=CHECKS)
        if 400 <= response.status_code < 500:
            assert row_counts(db) == before, f"refused ({response.status_code}) but wrote rows: {case.body!r}"
        if response.status_code == 422:
            errors = response.json().get("errors")
            assert errors and all(field and message for field, message in errors.items()), response.text

    run()


@pytest.mark.parametrize("path", PATHS)
def test_a_request_without_a_valid_token_is_refused_whatever_it_says(path, authorization, api_schema, harness_clean,
                                                                    db):
    @settings(FUZZ, max_examples=8 * SCALE)
    @given(case=api_schema[path]["POST"].as_strategy())
    def run(case):
        before = row_counts(db)
        headers = {"Authorization": authorization} if authorization else {}
        response = case.call(base_url=f"{harness_clean.base_url}/api", headers=headers, timeout=30)
        assert response.status_code == 401, (response.status_code, response.text[:300])
        assert row_counts(db) == before

    run()


def test_a_nul_character_is_refused_naming_its_field(api_token, harness_clean, db):
    """Found by schemathesis on PostgreSQL (whose text holds no NUL): a 500 at the insert; now a 422 naming it."""
    response = httpx.post(f"{harness_clean.base_url}/api/v1/outages", timeout=30,
                          headers={"Authorization": f"Bearer {api_token}"},
                          json={"id": "o\u00001", "service": "Payroll", "start": "2026-03-02T09:00:00Z"})
    assert response.status_code == 422, response.text
    assert "NUL" in response.json()["errors"]["id"]
