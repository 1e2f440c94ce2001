"""Distributed mode through HTTP: two workspaces install the bot through the stand-in's OAuth flow, each with a token
of its own, stored encrypted; each sees only its own data and is sent to with its own token; one uninstalls (its
tokens gone, its queued messages cancelled, the other untouched) and installs again."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import text
from sqlmodel import select

from bot import audit, jobs, outbox, reminders
from bot.installs.cipher import PREFIX
from messages.ids import Block
from models import Outbox, OutboxStatus, ReminderStatus
from tests.conftest import NO_WAIT_RETRIES, START, empty_tables
from tests.helpers import text_of
from tests.oauth_world import BETA_GENERAL, ERIN, TEAM_A, TEAM_B, build, install, second_workspace, to_the_redirect
from tests.servers import base_url_of, free_socket, serving
from bot.clock import FrozenClock
from bot.sandbox.workspace import SlackSandbox

ALICE = "U0ALICE"


@pytest.fixture(scope="module")
def served(database):
    sock = free_socket()
    base_url = base_url_of(sock)
    app, world = build(SlackSandbox(base_url=base_url), base_url, database, FrozenClock(START), NO_WAIT_RETRIES)
    with serving(app, sock):
        yield world


@pytest.fixture
def world(served):
    served.sandbox.reset()
    second_workspace(served.sandbox)
    served.clock.set(START)
    empty_tables(served.deps.db)
    served.deps.installs.forget(TEAM_A)
    served.deps.installs.forget(TEAM_B)
    return served


@pytest.fixture
def slack(world):
    driver = world.driver()
    yield driver
    driver.http.close()


def stored_tokens(db) -> list[str]:
    with db.engine.connect() as conn:
        return [t for (t,) in conn.execute(text("SELECT bot_token FROM slack_bots UNION ALL "
                                                "SELECT bot_token FROM slack_installations"))]


def queue(db, team: str, key: str, channel: str) -> None:
    with db.session() as s:
        outbox.enqueue(s, team, key, channel, "req_status.yml.j2", {"sentence": f"Hello {team}"}, START)


def row(db, team: str, key: str) -> Outbox:
    with db.session() as s:
        return s.exec(select(Outbox).where(Outbox.team_id == team, Outbox.key == key)).one()


def test_an_install_stores_the_workspaces_token_encrypted(world):
    done = install(world, TEAM_B)
    assert done.status_code == 200 and "installed in Beta Ltd" in done.text
    [issued] = world.sandbox.tokens_of(TEAM_B)
    stored = stored_tokens(world.deps.db)
    assert stored and all(t.startswith(PREFIX) and issued not in t for t in stored)  # no plaintext at rest
    with world.deps.db.engine.connect() as conn:  # nowhere in the row either
        dumped = " ".join(str(v) for r in conn.execute(text("SELECT * FROM slack_installations")) for v in r)
    assert issued not in dumped
    assert world.deps.client_for(TEAM_B).token == issued  # read back decrypted
    with world.deps.db.session() as s:
        assert [e.action for e in audit.trail(s, TEAM_B)] == ["workspace.install"]


@pytest.mark.parametrize("spoil", ["replayed", "forged", "missing", "expired"])
def test_a_bad_state_is_refused_with_a_clear_page(world, spoil):
    with httpx.Client(base_url=world.base_url) as browser:
        url = httpx.URL(to_the_redirect(browser, TEAM_B))
        if spoil == "replayed":
            assert browser.get(url).status_code == 200
            # the same state and cookie, again (the browser's cookie header is kept)
        elif spoil == "forged":
            url = url.copy_set_param("state", "not-a-state-we-issued")
        elif spoil == "missing":
            del browser.headers["cookie"]
        else:
            with world.deps.db.engine.begin() as conn:
                conn.execute(text("UPDATE slack_oauth_states SET expire_at = '2000-01-01 00:00:00'"))
        refused = browser.get(url)
    assert refused.status_code in (400, 401)
    assert "Not installed" in refused.text and "Nothing was installed" in refused.text
    assert "expired or was already used" in refused.text or "another browser" in refused.text
    if spoil != "replayed":
        assert stored_tokens(world.deps.db) == []


def test_two_workspaces_each_see_only_their_own_data(world, slack):
    install(world, TEAM_A)
    install(world, TEAM_B)
    slack.command("service add Payroll", user=ALICE)
    assert slack.submit(values={Block.SERVICE_DESCRIPTION: "Pays everyone"}, user=ALICE).ok
    slack.command("map", user=ERIN, team=TEAM_B, channel=BETA_GENERAL)
    seen_by_b = text_of(world.sandbox.last_ephemeral(ERIN))
    assert "Payroll" not in seen_by_b
    slack.command("map", user=ALICE)
    assert "Payroll" in text_of(world.sandbox.last_ephemeral(ALICE))
    # Each workspace's people were looked up, and A's form opened, with that workspace's own token.
    assert {c["args"]["user"]: c["team"] for c in world.sandbox.calls_of("users.info")} == {ALICE: TEAM_A,
                                                                                            ERIN: TEAM_B}
    assert [c["team"] for c in world.sandbox.calls_of("views.open")] == [TEAM_A]


def test_the_bots_own_sends_go_with_each_workspaces_token(world):
    install(world, TEAM_A)
    install(world, TEAM_B)
    queue(world.deps.db, TEAM_A, "hello:a", "C0GENERAL")
    queue(world.deps.db, TEAM_B, "hello:b", BETA_GENERAL)
    queue(world.deps.db, TEAM_B, "stray:b", "C0GENERAL")  # B's row naming A's channel: B's token cannot reach it
    jobs.deliver(world.deps)  # the scheduled job
    posts = {c["args"]["channel"]: c["team"] for c in world.sandbox.calls_of("chat.postMessage")
             if c["response"].get("ok")}
    assert posts == {"C0GENERAL": TEAM_A, BETA_GENERAL: TEAM_B}
    [in_b] = world.sandbox.channel_messages(BETA_GENERAL)
    assert "Hello T0BETA" in text_of(in_b)
    assert not any("Hello T0BETA" in text_of(m) for m in world.sandbox.channel_messages("C0GENERAL"))
    assert row(world.deps.db, TEAM_B, "stray:b").last_error == "Slack: channel_not_found"


def test_a_workspace_not_installed_waits(world):
    install(world, TEAM_A)
    queue(world.deps.db, TEAM_B, "hello:b", BETA_GENERAL)
    jobs.deliver(world.deps)
    waiting = row(world.deps.db, TEAM_B, "hello:b")
    assert waiting.status == OutboxStatus.PENDING.value and waiting.attempts == 0
    install(world, TEAM_B)
    world.deps.installs.forget(TEAM_B)
    jobs.deliver(world.deps)
    assert row(world.deps.db, TEAM_B, "hello:b").status == OutboxStatus.SENT.value


def test_uninstall_removes_the_tokens_cancels_the_queue_and_leaves_the_other(world, slack):
    install(world, TEAM_A)
    install(world, TEAM_B)
    queue(world.deps.db, TEAM_A, "later:a", "C0GENERAL")
    queue(world.deps.db, TEAM_B, "later:b", BETA_GENERAL)
    world.sandbox.uninstall(TEAM_A)
    assert slack.event({"type": "app_uninstalled", "event_ts": "1.0"}, team=TEAM_A).status == 200
    world.wait_idle()
    assert world.deps.client_for(TEAM_A) is None
    assert world.deps.installs.installed_teams() == {TEAM_B}
    cancelled = row(world.deps.db, TEAM_A, "later:a")
    assert cancelled.status == OutboxStatus.CANCELLED.value
    with world.deps.db.session() as s:
        [gone] = [e for e in audit.trail(s, TEAM_A) if e.action == "workspace.uninstall"]
        assert gone.actor == "slm-bot" and gone.detail["outbox_cancelled"] == 1
    queue(world.deps.db, TEAM_A, "meanwhile:a", "C0GENERAL")  # as a scheduled job of A's would, after the uninstall
    jobs.deliver(world.deps)
    assert row(world.deps.db, TEAM_A, "later:a").status == OutboxStatus.CANCELLED.value  # not sent
    assert row(world.deps.db, TEAM_A, "meanwhile:a").status == OutboxStatus.CANCELLED.value
    assert not any(c["args"].get("channel") == "C0GENERAL" for c in world.sandbox.calls_of("chat.postMessage"))
    assert row(world.deps.db, TEAM_B, "later:b").status == OutboxStatus.SENT.value
    slack.command("map", user=ERIN, team=TEAM_B, channel=BETA_GENERAL)  # B goes on
    assert world.sandbox.ephemerals(ERIN)
    # Reinstalled: it resumes.
    assert install(world, TEAM_A).status_code == 200
    queue(world.deps.db, TEAM_A, "again:a", "C0GENERAL")
    jobs.deliver(world.deps)
    assert row(world.deps.db, TEAM_A, "again:a").status == OutboxStatus.SENT.value
    slack.command("map", user=ALICE)
    assert world.sandbox.ephemerals(ALICE)


def test_tokens_revoked_for_the_bot_is_an_uninstall(world, slack):
    install(world, TEAM_B)
    queue(world.deps.db, TEAM_B, "later:b", BETA_GENERAL)
    slack.event({"type": "tokens_revoked", "tokens": {"bot": ["U0SLMBOT"]}, "event_ts": "1.0"}, team=TEAM_B)
    world.wait_idle()
    assert world.deps.installs.installed_teams() == set() and world.deps.client_for(TEAM_B) is None
    assert stored_tokens(world.deps.db) == []  # the installation's row went too: no revoked token kept, encrypted
    assert row(world.deps.db, TEAM_B, "later:b").status == OutboxStatus.CANCELLED.value


def test_an_uninstalled_workspaces_reminders_wait_for_its_reinstall(world, slack):
    install(world, TEAM_A)
    with world.deps.db.session() as s:  # due while it is gone (a review's pack; the review is gone: moot once handled)
        reminders.schedule(s, TEAM_A, "review:0:pack", "review.pack", START, "C0GENERAL", START)
    world.sandbox.uninstall(TEAM_A)
    assert slack.event({"type": "app_uninstalled", "event_ts": "1.0"}, team=TEAM_A).status == 200
    world.wait_idle()
    jobs.sweep_reminders(world.deps)  # the scheduled sweep: not spent on a workspace that is gone
    with world.deps.db.session() as s:
        assert reminders.get(s, TEAM_A, "review:0:pack").status == ReminderStatus.PENDING.value
    assert install(world, TEAM_A).status_code == 200
    jobs.sweep_reminders(world.deps)
    with world.deps.db.session() as s:
        assert reminders.get(s, TEAM_A, "review:0:pack").status != ReminderStatus.PENDING.value
