"""A distributed-mode bot (SLACK_CLIENT_ID: installed per workspace through OAuth) on a port of its own, against
the stand-in with a second workspace, on the session's database; and a browser-like install through HTTP."""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import httpx
from cryptography.fernet import Fernet

from bot.app import Deps, create_bolt_app, create_http_app
from bot.clock import FrozenClock
from bot.pacing import ChannelPacer
from bot.sandbox.driver import SlackDriver
from bot.sandbox.executor import TrackedExecutor
from bot.sandbox.workspace import SlackSandbox
from bot.settings import Settings

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret-not-real"
SIGNING_SECRET = "test-oauth-signing-secret"
KEY = Fernet.generate_key().decode()
TEAM_A, TEAM_B = "T0SANDBOX", "T0BETA"
ERIN = "U0ERIN"
BETA_GENERAL = "C0BGENERAL"


@dataclass
class World:
    sandbox: SlackSandbox
    deps: Deps
    base_url: str
    clock: FrozenClock
    wait_idle: object

    def driver(self) -> SlackDriver:
        return SlackDriver(self.sandbox, f"{self.base_url}/slack/events", SIGNING_SECRET, wait_idle=self.wait_idle)


def distributed_settings(base_url: str, database_url: str) -> Settings:
    return Settings(_env_file=None, slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET,
                    slack_signing_secret=SIGNING_SECRET, token_encryption_key=KEY, database_url=database_url,
                    slack_api_url=f"{base_url}/sandbox/api/", slack_authorize_url=f"{base_url}/sandbox/oauth/authorize")


def build(sandbox: SlackSandbox, base_url: str, db, clock: FrozenClock, retries) -> tuple[object, World]:
    deps = Deps(settings=distributed_settings(base_url, db.url), db=db, clock=clock, slack_retry_handlers=retries,
                channel_pacer=ChannelPacer.instant())
    executor = TrackedExecutor()
    app = create_http_app(deps, bolt_app=create_bolt_app(deps, listener_executor=executor), sandbox=sandbox,
                          sandbox_page=False, wait_idle=executor.wait_idle)
    return app, World(sandbox=sandbox, deps=deps, base_url=base_url, clock=clock, wait_idle=executor.wait_idle)


def second_workspace(sandbox: SlackSandbox) -> None:
    sandbox.enable_oauth(CLIENT_ID, CLIENT_SECRET)
    sandbox.add_workspace(TEAM_B, "Beta Ltd", users={ERIN: "Erin Beta", "U0FRANK": "Frank Beta"},
                          channels={BETA_GENERAL: "general"})


def links_of(page: str) -> list[str]:
    return [unescape(u) for u in re.findall(r'<a href="([^"]+)"', page)]


def to_the_redirect(browser: httpx.Client, team: str) -> str:
    """Open /slack/install, click Add to Slack, allow it into `team` on the stand-in's page: the URL Slack sends
    the browser back to (the redirect, with its code and state), not yet followed. Bolt's state cookie is `Secure`:
    a browser sends it back to http://127.0.0.1 (a secure context), httpx only over https, so it is kept by hand."""
    page = browser.get("/slack/install")
    assert page.status_code == 200, page.text
    name, _, value = page.headers["set-cookie"].split(";")[0].partition("=")
    browser.headers["cookie"] = f"{name}={value}"
    to_slack = browser.get(links_of(page.text)[0])  # the stand-in's authorize page: a link per workspace
    chosen = next(u for u in links_of(to_slack.text) if f"team={team}" in u)
    back = browser.get(chosen, follow_redirects=False)
    assert back.status_code == 302, back.text
    return back.headers["location"]


def install(world: World, team: str) -> httpx.Response:
    """As a person does, in a browser of its own: the redirect followed, the bot's answer page."""
    with httpx.Client(base_url=world.base_url) as browser:
        return browser.get(to_the_redirect(browser, team))
