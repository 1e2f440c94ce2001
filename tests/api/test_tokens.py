"""Issue 11: API tokens. Made in Slack and shown once, stored hashed, revoked; anything else is a 401."""
from __future__ import annotations

import hashlib

import pytest

from sqlmodel import select

from messages import render_message
from models.measurements import ApiToken, Ticket
from tests.api.conftest import ALICE, BOB, TOKEN, make_token
from tests.api.test_ingest import opened
from tests.helpers import assert_valid_blocks, text_of
from tests.test_request_limits import RawHTTP


def test_a_token_is_shown_once_and_kept_only_as_its_hash(slack, sandbox, db, token):
    with db.session() as s:
        row = s.exec(select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(row.model_dump()) and token.startswith(row.prefix)
    slack.command("tokens")
    listed = text_of(sandbox.last_ephemeral(ALICE))
    assert "grafana" in listed and "never" in listed and token not in listed


def test_no_token_a_wrong_one_or_a_revoked_one_gets_401(slack, sandbox, db, api, anonymous, token):
    assert anonymous.post("/v1/ticket-events", json=opened()).status_code == 401
    wrong = anonymous.post("/v1/ticket-events", json=opened(), headers={"Authorization": "Bearer slm_not-a-token"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    basic = anonymous.post("/v1/ticket-events", json=opened(), headers={"Authorization": f"Basic {token}"})
    assert basic.status_code == 401
    # A malformed body from someone without a token learns nothing about the schema.
    assert anonymous.post("/v1/batch", content=b"{not json", headers={"Content-Type": "application/json"}
                          ).status_code == 401
    assert anonymous.post("/v1/batch", json={"ticket_events": [{"kind": "nonsense"}]}).status_code == 401
    assert api.post("/v1/ticket-events", json=opened()).status_code == 200
    slack.command("token revoke grafana")
    assert "revoked" in text_of(sandbox.last_ephemeral(ALICE))
    assert api.post("/v1/ticket-events", json=opened("e2")).status_code == 401
    with db.session() as s:
        assert len(s.exec(select(Ticket)).all()) == 1


@pytest.mark.parametrize("authorization", ["", "Authorization: Bearer slm_not-a-token\r\n"])
def test_a_request_without_a_valid_token_is_refused_before_its_body_is_read(harness_clean, authorization):
    """A stranger cannot make the server read and parse a body: the 401 comes with most of it still unsent."""
    raw = RawHTTP(harness_clean.base_url)
    host = harness_clean.base_url.split("//", 1)[1]
    try:
        raw.send((f"POST /api/v1/batch HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                  f"{authorization}Content-Length: 3000000\r\n\r\n").encode() + b'{"ticket_events": [' + b" " * 4096)
        assert raw.status(timeout=5) == 401
    finally:
        raw.close()


def test_tokens_list_their_last_use(slack, sandbox, api, clock):
    api.post("/v1/ticket-events", json=opened())
    slack.command("tokens")
    listed = text_of(sandbox.last_ephemeral(ALICE))
    assert "last used <!date^" in listed and "never" not in listed


def test_a_token_speaks_for_its_own_workspace_only(slack, sandbox, db, anonymous, team, token):
    sandbox.add_team("T0OTHER", "Other Co")
    sandbox.add_user("U0OTTO", "Otto Other", team_id="T0OTHER", is_admin=True)
    slack.command("token new grafana", user="U0OTTO", team="T0OTHER")
    other = TOKEN.search(text_of(sandbox.last_ephemeral("U0OTTO"))).group()
    refused = anonymous.post("/v1/ticket-events", json=opened(), headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 422  # Payroll is on the sandbox workspace's map, not on Other Co's
    assert refused.json()["errors"] == {"service": "There is no service called “Payroll” on the service map."}
    ours = anonymous.post("/v1/ticket-events", json=opened(), headers={"Authorization": f"Bearer {token}"})
    assert ours.status_code == 200
    with db.session() as s:
        assert [t.team_id for t in s.exec(select(Ticket))] == [team]


def test_only_a_service_manager_or_an_admin_makes_or_revokes_tokens(slack, sandbox, token):
    slack.command("token new mine", user=BOB)
    assert "Only a" in text_of(sandbox.last_ephemeral(BOB))
    slack.command("token revoke grafana", user=BOB)
    assert "Only a" in text_of(sandbox.last_ephemeral(BOB))
    slack.command("tokens", user=BOB)  # which senders there are, and their tokens' first characters: not for all
    assert "Only a" in text_of(sandbox.last_ephemeral(BOB)) and "grafana" not in text_of(sandbox.last_ephemeral(BOB))


def test_a_name_in_use_is_refused_and_a_revoked_name_can_be_used_again(slack, sandbox, token):
    slack.command("token new grafana")
    assert "already a token called" in text_of(sandbox.last_ephemeral(ALICE))
    slack.command("token revoke grafana")
    again = make_token(slack, sandbox, "grafana")
    assert again != token


def test_the_token_messages_show_hostile_names_as_typed():
    from datetime import datetime, timezone

    hostile = "<!channel> *bold* `tick` _pay_ ~roll~ " + "x" * 3000
    assert_valid_blocks(render_message("token_created.yml.j2", name=hostile, token="slm_" + "A" * 43))
    assert_valid_blocks(render_message("token_revoked.yml.j2", name=hostile))
    now = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    rows = [ApiToken(team_id="T", name=f"{hostile[:80]}{i}", token_hash="h", prefix="slm_<!here>", created_by="U0A",
                     created_at=now, last_used_at=now if i % 2 else None, revoked_at=now if i % 3 == 0 else None,
                     revoked_by="U0B") for i in range(60)]
    message = render_message("tokens.yml.j2", rows=rows, shown=40)
    assert_valid_blocks(message)
    assert "and 20 more" in text_of(message)
