"""The stand-in's Slack Connect (bot/sandbox/connect.py): Acme Corp's own workspace and #acme-connect, hosted by the
sandbox's workspace and shared with it, answered as Slack answers a bot token; and what Slack sends when one of
Acme Corp's people acts in that channel."""
from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.sandbox.connect import CONNECT_CHANNEL, CUSTOMER_APPROVER, CUSTOMER_MANAGER, CUSTOMER_TEAM
from bot.sandbox.driver import SlackDriver
from bot.sandbox.workspace import BOT_USER, SANDBOX_TEAM, SlackSandbox
from tests.conftest import TEST_BOT_TOKEN


@pytest.fixture
def client(harness_clean):
    return WebClient(token=TEST_BOT_TOKEN, base_url=f"{harness_clean.base_url}/sandbox/api/")


def error_of(call) -> str:
    with pytest.raises(SlackApiError) as err:
        call()
    return err.value.response.data["error"]


def test_the_shared_channel_as_the_host_sees_it(client):
    info = client.conversations_info(channel=CONNECT_CHANNEL)["channel"]
    assert (info["is_shared"], info["is_ext_shared"], info["is_org_shared"]) == (True, True, False)
    assert info["shared_team_ids"] == [SANDBOX_TEAM, CUSTOMER_TEAM]
    assert (info["conversation_host_id"], info["context_team_id"]) == (SANDBOX_TEAM, SANDBOX_TEAM)
    plain = client.conversations_info(channel="C0GENERAL")["channel"]
    assert (plain["is_shared"], plain["is_ext_shared"], "shared_team_ids" in plain) == (False, False, False)
    members = client.conversations_members(channel=CONNECT_CHANNEL)["members"]
    assert {CUSTOMER_APPROVER, CUSTOMER_MANAGER, "U0ALICE", BOT_USER} <= set(members)


def test_an_external_person_is_seen_with_their_own_workspace(client, sandbox):
    ann = client.users_info(user=CUSTOMER_APPROVER)["user"]
    # Their own team, and their own workspace's admin flag (Ann administers Acme Corp's workspace, not ours).
    assert (ann["team_id"], ann["is_admin"], ann.get("is_stranger", False)) == (CUSTOMER_TEAM, True, False)
    assert ann["profile"]["team"] == CUSTOMER_TEAM
    # Someone of Acme Corp's who shares no channel with this workspace is a stranger: only who they are.
    sandbox.add_user("U0ACMEZED", "Zed Hidden", team_id=CUSTOMER_TEAM)
    zed = client.users_info(user="U0ACMEZED")["user"]
    assert zed["is_stranger"] is True and zed["team_id"] == CUSTOMER_TEAM and "real_name" not in zed


def test_a_dm_with_an_external_person_needs_a_channel_in_common(client, sandbox):
    dm = client.conversations_open(users=CUSTOMER_APPROVER)["channel"]
    assert dm["is_im"] and dm["user"] == CUSTOMER_APPROVER
    client.chat_postMessage(channel=CUSTOMER_APPROVER, text="hello")
    assert [m.text for m in sandbox.dms(CUSTOMER_APPROVER)] == ["hello"]
    # Take the bot out of the shared channel: no channel in common, so Slack refuses the DM.
    sandbox.channels[CONNECT_CHANNEL]["members"].remove(BOT_USER)
    assert error_of(lambda: client.conversations_open(users=CUSTOMER_MANAGER)) == "invalid_user_combination"
    assert error_of(lambda: client.chat_postMessage(channel=CUSTOMER_MANAGER, text="x")) == "channel_not_found"


def test_the_customer_workspace_sees_only_what_is_shared_with_it():
    sandbox = SlackSandbox()
    assert sandbox.app_team(CUSTOMER_APPROVER) == SANDBOX_TEAM and sandbox.app_team("U0ALICE") == SANDBOX_TEAM
    assert sandbox.is_external(CUSTOMER_APPROVER, SANDBOX_TEAM) and not sandbox.is_external("U0ALICE", SANDBOX_TEAM)
    seen = [c["id"] for c in sandbox.channels.values() if sandbox._sees(CUSTOMER_TEAM, c)]
    assert seen == [CONNECT_CHANNEL]


class Captured:
    """What the driver sent, read back as the bot would (the transport answers 200 and keeps the request)."""

    def __init__(self, sandbox: SlackSandbox):
        self.bodies: list[dict] = []
        self.driver = SlackDriver(sandbox, "http://bot.invalid/slack/events", "secret")
        self.driver.http = httpx.Client(transport=httpx.MockTransport(self._take))

    def _take(self, request: httpx.Request) -> httpx.Response:
        raw = request.content.decode()
        if request.headers["content-type"].startswith("application/json"):
            self.bodies.append(json.loads(raw))
        else:
            form = {k: v[0] for k, v in parse_qs(raw).items()}
            self.bodies.append(json.loads(form["payload"]) if "payload" in form else form)
        return httpx.Response(200, json={})


def test_what_slack_sends_when_an_external_person_acts_in_the_shared_channel():
    sandbox = SlackSandbox()
    cap = Captured(sandbox)
    host = sandbox.app_team(CUSTOMER_APPROVER)
    cap.driver.command("help", user=CUSTOMER_APPROVER, channel=CONNECT_CHANNEL, team=host)
    command = cap.bodies[-1]
    assert (command["team_id"], command["user_id"], command["channel_id"]) == (SANDBOX_TEAM, CUSTOMER_APPROVER,
                                                                              CONNECT_CHANNEL)
    msg = sandbox._chat_postMessage({"channel": CONNECT_CHANNEL, "text": "x", "blocks": [
        {"type": "actions", "elements": [{"type": "button", "action_id": "go", "text": {"type": "plain_text",
                                                                                        "text": "Go"}}]}]})
    message = next(m for m in sandbox.messages if m.ts == msg["ts"])
    cap.driver.click("go", message=message, user=CUSTOMER_APPROVER, team=host)
    click = cap.bodies[-1]
    assert click["team"]["id"] == SANDBOX_TEAM  # the workspace the app is installed in
    assert click["user"] == {"id": CUSTOMER_APPROVER, "username": "ann", "name": "ann", "team_id": CUSTOMER_TEAM}
    # A modal opened from the shared channel is opened in Ann's own workspace.
    sandbox._views_open({"trigger_id": sandbox.mint_trigger(host, CUSTOMER_APPROVER), "view": {
        "type": "modal", "callback_id": "cb", "title": {"type": "plain_text", "text": "T"},
        "submit": {"type": "plain_text", "text": "OK"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}})
    cap.driver.submit(sandbox.open_modal(host, CUSTOMER_APPROVER))
    submission = cap.bodies[-1]
    assert (submission["team"]["id"], submission["view"]["team_id"]) == (CUSTOMER_TEAM, CUSTOMER_TEAM)
    assert submission["view"]["app_installed_team_id"] == SANDBOX_TEAM and submission["user"]["team_id"] == CUSTOMER_TEAM
    cap.driver.event({"type": "message", "channel": CONNECT_CHANNEL, "user": CUSTOMER_APPROVER, "text": "hi",
                      "ts": "1.000001"}, team=host)
    event = cap.bodies[-1]
    assert event["is_ext_shared_channel"] is True and event["event"]["user_team"] == CUSTOMER_TEAM
    assert event["authorizations"][0]["team_id"] == SANDBOX_TEAM and event["context_team_id"] == SANDBOX_TEAM
    # A host person's click carries the host team for both.
    cap.driver.click("go", message=message, user="U0ALICE")
    assert cap.bodies[-1]["user"]["team_id"] == cap.bodies[-1]["team"]["id"] == SANDBOX_TEAM
