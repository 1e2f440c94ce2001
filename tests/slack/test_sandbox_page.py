"""The sandbox web page and its JSON endpoints, served by the same server as the bot."""
from __future__ import annotations

import re

import httpx
import pytest

from bot.sandbox.workspace import BOT_USER, Message
from tests.slack.test_agreements import acme  # noqa: F401  (a fixture: Payroll, Acme Retail, its requirements)
from tests.servers import TLS_CONTEXT


@pytest.fixture
def client(harness_clean):
    with httpx.Client(verify=TLS_CONTEXT, base_url=harness_clean.base_url, timeout=30) as c:
        yield c


def test_page_is_html_with_a_composer_and_its_assets(client):
    resp = client.get("/sandbox")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/html")
    assert 'id="composer"' in resp.text and 'id="composer-input"' in resp.text
    assert "http://" not in resp.text and "https://" not in resp.text  # nothing fetched from the internet
    for asset, kind in (("app.js", "javascript"), ("app.css", "css")):
        got = client.get(f"/sandbox/static/{asset}")
        assert got.status_code == 200 and kind in got.headers["content-type"]
    assert client.get("/sandbox/static/..%2Fweb.py").status_code == 404
    assert client.get("/sandbox/static/nope.js").status_code == 404


def test_page_names_its_own_icon_so_the_browser_asks_for_no_favicon(client):
    head = client.get("/sandbox").text.split("</head>", 1)[0]
    assert '<link rel="icon" href="data:,">' in head  # else the browser asks for /favicon.ico: a 404 in its console


def test_state_lists_users_channels_and_what_the_user_may_see(client, sandbox):
    with sandbox._lock:
        parent = Message(channel="C0GENERAL", ts=sandbox._new_ts(), user="U0BOB", text="hello *all*", blocks=[])
        mine = Message(channel="C0GENERAL", ts=sandbox._new_ts(), user=BOT_USER, text="just for Alice", blocks=[],
                       ephemeral_to="U0ALICE", via="chat.postEphemeral")
        theirs = Message(channel="C0GENERAL", ts=sandbox._new_ts(), user=BOT_USER, text="secret for Carol",
                         blocks=[], ephemeral_to="U0CAROL", via="chat.postEphemeral")
        reply = Message(channel="C0GENERAL", ts=sandbox._new_ts(), user="U0ALICE", text="hi Bob", blocks=[],
                        thread_ts=parent.ts)
        elsewhere = Message(channel="C0SERVICEDE", ts=sandbox._new_ts(), user="U0BOB", text="other channel", blocks=[])
        sandbox.messages += [parent, mine, theirs, reply, elsewhere]

    resp = client.get("/sandbox/ui/state", params={"user": "U0ALICE", "channel": "C0GENERAL"})
    assert resp.status_code == 200
    state = resp.json()
    assert state["user"] == "U0ALICE" and state["channel"] == "C0GENERAL"
    assert {u["id"]: u["real_name"] for u in state["users"]}["U0BOB"] == "Bob Ops"
    assert {u["id"] for u in state["users"]} == set(sandbox.users)
    names = {c["id"]: c["name"] for c in state["channels"]}
    assert names["C0GENERAL"] == "general" and names["C0SERVICEDE"] == "service-desk"
    dm = [c for c in state["channels"] if c["is_im"]]
    assert dm == [{"id": sandbox.dm_channel("U0ALICE")["id"], "name": "slm-bot (DM)", "is_im": True, "is_private": True}]

    texts = [m["text"] for m in state["messages"]]
    assert texts == ["hello *all*", "just for Alice"]
    assert "secret for Carol" not in resp.text
    assert state["messages"][0]["replies"][0]["text"] == "hi Bob"
    assert state["messages"][1]["ephemeral"] is True and state["messages"][0]["ephemeral"] is False
    assert state["modal"] is None and state["home"] is None
    assert isinstance(state["shortcuts"], list)

    carol = client.get("/sandbox/ui/state", params={"user": "U0CAROL", "channel": "C0GENERAL"}).json()
    assert [m["text"] for m in carol["messages"]] == ["hello *all*", "secret for Carol"]
    assert [c["id"] for c in carol["channels"] if c["is_im"]] != [c["id"] for c in dm]


def test_state_shows_the_open_modal_and_the_home_view(client, sandbox):
    modal = {"type": "modal", "callback_id": "x", "title": {"type": "plain_text", "text": "Add a service"},
             "submit": {"type": "plain_text", "text": "Add"},
             "blocks": [{"type": "input", "block_id": "name", "label": {"type": "plain_text", "text": "Name"},
                         "element": {"type": "plain_text_input", "action_id": "input"}}]}
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Welcome*"}}]}
    with sandbox._lock:
        ov = sandbox._new_view("T0SANDBOX", "U0ALICE", modal)
        sandbox.modal_stacks[("T0SANDBOX", "U0ALICE")] = [ov.id]
        hv = sandbox._new_view("T0SANDBOX", "U0ALICE", home)
        sandbox.home_views[("T0SANDBOX", "U0ALICE")] = hv.id

    state = client.get("/sandbox/ui/state", params={"user": "U0ALICE"}).json()
    assert state["modal"]["id"] == ov.id
    assert (state["modal"]["title"], state["modal"]["submit"], state["modal"]["close"]) == ("Add a service", "Add", "Cancel")
    assert state["modal"]["blocks"][0]["block_id"] == "name"
    assert state["home"] == {"id": hv.id, "blocks": home["blocks"]}
    assert client.get("/sandbox/ui/state", params={"user": "U0BOB"}).json()["modal"] is None


def test_state_with_an_unknown_user_is_a_400(client):
    resp = client.get("/sandbox/ui/state", params={"user": "U0NOBODY"})
    assert resp.status_code == 400 and resp.json()["field"] == "user"


@pytest.mark.parametrize("path, body, missing", [
    ("command", {"channel": "C0GENERAL", "text": "help"}, "user"),
    ("command", {"user": "U0ALICE", "text": "help"}, "channel"),
    ("command", {"user": "U0ALICE", "channel": "C0GENERAL"}, "text"),
    ("click", {"user": "U0ALICE", "message_ts": "1.2"}, "action_id"),
    ("submit", {"user": "U0ALICE", "values": {}}, "view_id"),
    ("close", {"user": "U0ALICE"}, "view_id"),
    ("post", {"user": "U0ALICE", "channel": "C0GENERAL"}, "text"),
    ("shortcut", {"user": "U0ALICE"}, "callback_id"),
    ("home", {}, "user"),
])
def test_a_missing_field_is_a_400_naming_it(client, path, body, missing):
    resp = client.post(f"/sandbox/ui/{path}", json=body)
    assert resp.status_code == 400
    data = resp.json()
    assert data["ok"] is False and data["field"] == missing and missing in data["error"]


def test_bad_bodies_and_unknown_ids_are_refused(client):
    assert client.post("/sandbox/ui/post", content=b"not json", headers={"content-type": "application/json"}).status_code == 400
    assert client.post("/sandbox/ui/post", json=["a list"]).status_code == 400
    unknown_user = client.post("/sandbox/ui/post", json={"user": "U0NOBODY", "channel": "C0GENERAL", "text": "hi"})
    assert unknown_user.status_code == 400 and unknown_user.json()["field"] == "user"
    unknown_view = client.post("/sandbox/ui/submit", json={"user": "U0ALICE", "view_id": "V404", "values": {}})
    assert unknown_view.status_code == 404 and unknown_view.json()["field"] == "view_id"
    no_target = client.post("/sandbox/ui/click", json={"user": "U0ALICE", "action_id": "x"})
    assert no_target.status_code == 400


def test_posting_as_a_person_needs_no_bot(client, sandbox):
    resp = client.post("/sandbox/ui/post", json={"user": "U0BOB", "channel": "C0GENERAL", "text": "morning"})
    assert resp.status_code == 200
    body = resp.json()
    assert body["ok"] is True and body["errors"] == {}
    posted = sandbox.channel_messages("C0GENERAL")[-1]
    assert (posted.user, posted.text, posted.ts) == ("U0BOB", "morning", body["ts"])
    reply = client.post("/sandbox/ui/post", json={"user": "U0ALICE", "channel": "C0GENERAL", "text": "hi",
                                                  "thread_ts": posted.ts})
    assert reply.status_code == 200
    state = client.get("/sandbox/ui/state", params={"user": "U0CAROL", "channel": "C0GENERAL"}).json()
    assert state["messages"][-1]["replies"][0]["text"] == "hi"


def test_a_click_acts_on_the_element_in_the_block_it_names(client, slack, sandbox, acme):
    """Three requirements, each with a ⋯ menu of the same action_id: the page names the block, the stand-in
    tells the blocks apart (Slack gives a block_id to every block sent without one), the right one opens."""
    from messages.ids import Action

    slack.command("requirements Payroll", user="U0ALICE", channel="C0ACMESLA")
    listing = sandbox.last_ephemeral("U0ALICE")
    menus = [b for b in listing.blocks if b.get("accessory", {}).get("action_id") == Action.REQ_MENU]
    assert len(menus) >= 3 and len({b["block_id"] for b in listing.blocks}) == len(listing.blocks)
    third = menus[2]
    value = next(o["value"] for o in third["accessory"]["options"] if o["value"].startswith("decline:"))
    resp = client.post("/sandbox/ui/click", json={"user": "U0ALICE", "channel": "C0ACMESLA", "message_ts": listing.ts,
                                                  "action_id": Action.REQ_MENU, "block_id": third["block_id"],
                                                  "value": value})
    assert resp.status_code == 200 and resp.json()["ok"], resp.json()
    modal = sandbox.open_modal("T0SANDBOX", "U0ALICE")
    assert modal is not None and modal.view["title"]["text"] == f"Decline #{value.split(':')[1]}"


def test_every_emoji_the_bot_sends_is_drawn_by_the_page():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    script = (root / "bot" / "sandbox" / "static" / "app.js").read_text()
    table = script[script.index("const EMOJI = {"):script.index("};", script.index("const EMOJI = {"))]
    drawn = set(re.findall(r'"?([a-z0-9_+-]+)"?: "', table))
    used = {name for path in (root / "messages").rglob("*.j2")
            for name in re.findall(r":([a-z][a-z0-9_]+):", path.read_text())}
    assert used and used <= drawn, sorted(used - drawn)
