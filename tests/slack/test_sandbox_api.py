"""The Slack stand-in answers as Slack does: what the bot's client meets when it gets things wrong."""
from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.conftest import TEST_BOT_TOKEN


@pytest.fixture
def client(harness_clean):
    return WebClient(token=TEST_BOT_TOKEN, base_url=f"{harness_clean.base_url}/sandbox/api/")


def error_of(call) -> dict:
    with pytest.raises(SlackApiError) as err:
        call()
    return err.value.response.data


def test_unknown_method(client):
    assert error_of(lambda: client.api_call("chat.frobnicate"))["error"] == "unknown_method"


def test_missing_and_unknown_arguments(client):
    assert error_of(lambda: client.api_call("chat.postMessage", json={"channel": "C0GENERAL"}))["error"] == "no_text"
    assert error_of(lambda: client.api_call("chat.postMessage", json={"text": "hi"}))["error"] == "channel_not_found"
    body = error_of(lambda: client.api_call("chat.postMessage", json={"channel": "C0GENERAL", "text": "x", "colour": "red"}))
    assert body["error"] == "invalid_arguments"
    assert body["response_metadata"]["messages"] == ["[ERROR] unknown argument: colour"]


def test_bad_token(harness_clean):
    bad = WebClient(token="xoxp-test-user-token", base_url=f"{harness_clean.base_url}/sandbox/api/")
    assert error_of(lambda: bad.auth_test())["error"] == "invalid_auth"


def test_invalid_blocks_are_refused(client):
    body = error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text="x",
                                                    blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "a" * 3001}}]))
    assert body["error"] == "invalid_blocks"
    too_many = [{"type": "divider"}] * 51
    assert error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text="x", blocks=too_many))["error"] == "invalid_blocks"


def test_threads_and_updates(client, sandbox):
    parent = client.chat_postMessage(channel="C0GENERAL", text="parent")
    client.chat_postMessage(channel="C0GENERAL", text="reply", thread_ts=parent["ts"])
    client.chat_update(channel="C0GENERAL", ts=parent["ts"], text="parent, edited")
    client.conversations_join(channel="C0GENERAL")  # a bot reads only where it is a member
    replies = client.conversations_replies(channel="C0GENERAL", ts=parent["ts"])["messages"]
    assert [m["text"] for m in replies] == ["parent, edited", "reply"]
    assert error_of(lambda: client.chat_postMessage(channel="C0GENERAL", text="x", thread_ts="1.2"))["error"] == "thread_not_found"


def test_trigger_ids_are_single_use(client, sandbox):
    trigger = sandbox.mint_trigger("T0SANDBOX", "U0ALICE")
    view = {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": [{"type": "divider"}]}
    client.views_open(trigger_id=trigger, view=view)
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=view))["error"] == "invalid_trigger_id"


def test_file_upload(client, sandbox):
    client.files_upload_v2(channel="C0GENERAL", content="# SLA\n", filename="sla.md", title="SLA v1")
    [msg] = [m for m in sandbox.messages if m.files]
    assert msg.files[0]["title"] == "SLA v1"
    assert sandbox.files[msg.files[0]["id"]]["content"] == b"# SLA\n"


def test_history_keeps_metadata_and_returns_it_only_when_asked(client):
    tag = {"event_type": "slm_bot_post", "event_payload": {"key": "notice:1"}}
    first = client.chat_postMessage(channel="C0GENERAL", text="tagged", metadata=tag)
    client.chat_postMessage(channel="C0GENERAL", text="reply", thread_ts=first["ts"], metadata=tag)
    later = client.chat_postMessage(channel="C0GENERAL", text="later")
    client.conversations_join(channel="C0GENERAL")
    plain = client.conversations_history(channel="C0GENERAL")["messages"]
    assert [m["text"] for m in plain] == ["later", "tagged"] and not any("metadata" in m for m in plain)
    asked = client.conversations_history(channel="C0GENERAL", include_all_metadata=True)["messages"]
    assert asked[1]["metadata"] == tag
    replies = client.conversations_replies(channel="C0GENERAL", ts=first["ts"], include_all_metadata=True)["messages"]
    assert [m.get("metadata") for m in replies] == [tag, tag]
    since = client.conversations_history(channel="C0GENERAL", oldest=first["ts"])["messages"]
    assert [m["ts"] for m in since] == [later["ts"]]  # oldest is exclusive unless inclusive


def test_a_bot_reads_back_only_a_channel_it_is_in(client):
    posted = client.chat_postMessage(channel="C0GENERAL", text="posted unjoined")  # chat:write.public
    assert error_of(lambda: client.conversations_history(channel="C0GENERAL"))["error"] == "not_in_channel"
    assert error_of(lambda: client.conversations_replies(channel="C0GENERAL", ts=posted["ts"]))["error"] == \
        "not_in_channel"
    client.conversations_join(channel="C0GENERAL")
    assert [m["text"] for m in client.conversations_history(channel="C0GENERAL")["messages"]] == ["posted unjoined"]


def test_history_pages_newest_first(client):
    for i in range(5):
        client.chat_postMessage(channel="C0GENERAL", text=f"m{i}")
    client.conversations_join(channel="C0GENERAL")
    page = client.conversations_history(channel="C0GENERAL", limit=2)
    assert [m["text"] for m in page["messages"]] == ["m4", "m3"] and page["has_more"]
    rest = client.conversations_history(channel="C0GENERAL", limit=10, cursor=page["response_metadata"]["next_cursor"])
    assert [m["text"] for m in rest["messages"]] == ["m2", "m1", "m0"] and not rest["has_more"]


def test_a_call_taken_whose_answer_is_lost(client, sandbox):
    sandbox.lose_answer_next("chat.postMessage", "drop")
    with pytest.raises(Exception):
        client.chat_postMessage(channel="C0GENERAL", text="did it arrive?")
    assert [m.text for m in sandbox.channel_messages("C0GENERAL")] == ["did it arrive?"]  # Slack has it
