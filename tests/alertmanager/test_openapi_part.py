"""The endpoint's part of the API's OpenAPI document comes from the models it validates with."""
from __future__ import annotations

import json

from bot.api.alertmanager import PATH, openapi_paths_and_schemas


def test_every_reference_resolves_and_the_required_fields_are_the_ones_enforced():
    paths, schemas = openapi_paths_and_schemas()
    refs = {r.rsplit("/", 1)[1] for r in _refs(json.dumps(paths) + json.dumps(schemas))}
    assert refs <= set(schemas), refs - set(schemas)
    assert set(schemas["AlertmanagerWebhook"]["required"]) == {"version", "status", "alerts"}
    assert set(schemas["AlertmanagerAlert"]["required"]) == {"status", "labels", "startsAt", "fingerprint"}
    assert schemas["AlertmanagerWebhook"]["properties"]["version"]["const"] == "4"
    assert set(paths[PATH]["post"]["responses"]) == {"200", "401", "413", "422"}


def _refs(text: str) -> list[str]:
    found, key = [], '"$ref": "'
    start = text.find(key)
    while start >= 0:
        end = text.index('"', start + len(key))
        found.append(text[start + len(key):end])
        start = text.find(key, end)
    return found
