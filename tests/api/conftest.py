"""The HTTP API as senders meet it: a real token made in Slack, requests over HTTP to the harness's server."""
from __future__ import annotations

import re

import httpx
import pytest

from bot import service_map
from bot.workspace.actor import Actor
from tests.conftest import START
from tests.helpers import text_of
from tests.servers import TLS_CONTEXT

ALICE, BOB = "U0ALICE", "U0BOB"
TOKEN = re.compile(r"slm_[A-Za-z0-9_-]{20,}")


def make_token(slack, sandbox, name: str = "grafana", *, user: str = ALICE) -> str:
    """`/slm token new <name>` as a person types it; the token as the bot shows it, once."""
    slack.command(f"token new {name}", user=user)
    shown = text_of(sandbox.last_ephemeral(user))
    found = TOKEN.search(shown)
    assert found, shown
    return found.group()


@pytest.fixture
def services(db, team):
    """Payroll and Email on the map, and the Network group that supports them."""
    admin = Actor(team_id=team, user_id=ALICE, roles=frozenset({"admin"}), now=START)
    with db.session() as s:
        service_map.add_service(s, admin, name="Payroll")
        service_map.add_service(s, admin, name="Email")
        service_map.add_party(s, admin, service_map.PartyInput(kind="support_group", name="Network group"))


@pytest.fixture
def token(slack, sandbox, services) -> str:
    return make_token(slack, sandbox)


@pytest.fixture
def api(harness_clean, token):
    with httpx.Client(verify=TLS_CONTEXT, base_url=f"{harness_clean.base_url}/api", headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as client:
        yield client


@pytest.fixture
def anonymous(harness_clean):
    with httpx.Client(verify=TLS_CONTEXT, base_url=f"{harness_clean.base_url}/api", timeout=30) as client:
        yield client
