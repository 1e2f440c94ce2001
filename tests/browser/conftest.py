"""The sandbox page in a real browser: `slm-bot run` in sandbox mode on a free loopback port, Debian's chromium
driven by Playwright, as a person would use it.

Needs the `playwright` package (the test extras) and `/usr/bin/chromium` (`apt-get install chromium`; CI installs
it). Without them these tests are skipped with one message saying so; a browser is never downloaded.
Every screen is photographed into var/screenshots/<test>/ so a failure can be looked at.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.database import Database

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _why_no_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not (os.access(CHROMIUM, os.X_OK) or shutil.which(CHROMIUM)):
        return f"no chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)"
    return None


NO_BROWSER = _why_no_browser()


def pytest_collection_modifyitems(config, items):
    if NO_BROWSER:
        skip = pytest.mark.skip(reason=f"browser tests skipped: {NO_BROWSER}")
        for item in items:
            if "tests/browser/" in str(item.path).replace(os.sep, "/"):
                item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    if NO_BROWSER and any("tests/browser/" in str(r.nodeid) for r in terminalreporter.stats.get("skipped", [])):
        terminalreporter.write_line(f"browser tests skipped: {NO_BROWSER}", yellow=True)


@dataclass
class Running:
    base_url: str
    db: Database
    log: Path

    def ui(self, kind: str, **body) -> dict:
        """What the page itself posts (JSON from its own origin): for setting up what a test does not look at."""
        resp = httpx.post(f"{self.base_url}/sandbox/ui/{kind}", json=body, timeout=30,
                          headers={"Origin": self.base_url})
        data = resp.json()
        assert data.get("ok"), data
        return data

    def state(self, user: str, channel: str | None = None) -> dict:
        params = {"user": user, **({"channel": channel} if channel else {})}
        return httpx.get(f"{self.base_url}/sandbox/ui/state", params=params, timeout=30).json()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory, request):
    """`slm-bot run` with no Slack token: sandbox mode, its own SQLite database (whatever the suite runs on),
    a free loopback port; started in an empty folder, so no developer's .env is read."""
    if NO_BROWSER:
        pytest.skip(f"browser tests skipped: {NO_BROWSER}")
    folder = tmp_path_factory.mktemp("sandbox")
    port = _free_port()
    url = f"sqlite:///{folder / 'sandbox.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    # Sandbox mode keeps a database of its own (SANDBOX_DATABASE_URL); DATABASE_URL too, for the same one.
    env.update(DATABASE_URL=url, SANDBOX_DATABASE_URL=url, HOST="127.0.0.1", PORT=str(port), PYTHONUNBUFFERED="1")
    log = SCREENSHOTS / request.module.__name__.rsplit(".", 1)[-1] / "server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=folder, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if httpx.get(f"{base}/sandbox", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"slm-bot run did not start: see {log}\n{log.read_text()[-2000:]}")
        time.sleep(0.1)
    db = Database(url)
    yield Running(base_url=base, db=db, log=log)
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    db.dispose()


@pytest.fixture(scope="session")
def browser():
    if NO_BROWSER:
        pytest.skip(f"browser tests skipped: {NO_BROWSER}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Screens:
    """Numbered screenshots of one test, in var/screenshots/<module>/<test>/."""

    def __init__(self, page, folder: Path):
        self.page, self.folder, self.n = page, folder, 0
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)

    def __call__(self, name: str) -> Path:
        self.n += 1
        path = self.folder / f"{self.n:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"
        self.page.screenshot(path=str(path))
        return path


@pytest.fixture
def page(browser, app, request):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.screens = Screens(page, SCREENSHOTS / request.module.__name__.rsplit(".", 1)[-1] / request.node.name)
    yield page
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        page.screens("failed")
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    setattr(item, "rep_" + rep.when, rep)
    return rep
