"""The sandbox never meets real data and never answers another site (issue 8, section 1).

Start-up refusals run the real `slm-bot` command in a subprocess; the page's checks go
over HTTP to the test server (a Slack-mode app wired to the stand-in and its page) or
to a second app built in sandbox mode.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import httpx
from tests.servers import TLS_CONTEXT
import pytest
import uvicorn
from sqlalchemy import create_engine, inspect
from sqlmodel import Session, select

from bot import cli, outbox
from bot.app import Deps, create_http_app
from bot.clock import Clock
from bot.sandbox.workspace import SlackSandbox
from bot.settings import SANDBOX_SIGNING_SECRET, SettingsError, load_settings
from models import Outbox

REPO = Path(__file__).parents[1]
TOKEN_REQUIRED = ("slm-bot: setting SLACK_BOT_TOKEN: required to listen on 0.0.0.0 (sandbox mode only listens on "
                  "127.0.0.1; set SANDBOX=1 to run the sandbox on a shared demo host)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str, cwd: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    """`slm-bot ARGS` with only the given settings (no .env: cwd is a fresh folder)."""
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], capture_output=True, text=True, cwd=str(cwd),
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env}, timeout=timeout)


# ---- 1. sandbox mode listens on loopback only --------------------------------------------------
def test_a_public_address_without_a_token_refuses_to_start(tmp_path):
    proc = _cli("run", cwd=tmp_path, timeout=30, HOST="0.0.0.0", PORT=str(_free_port()),
                DATABASE_URL=f"sqlite:///{tmp_path}/real.sqlite3")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [TOKEN_REQUIRED]
    assert proc.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no database touched, nothing listened


def test_sandbox_opt_in_with_a_token_is_contradictory(tmp_path):
    proc = _cli("run", cwd=tmp_path, timeout=30, SANDBOX="1", SLACK_BOT_TOKEN="xoxb-test-1",
                SLACK_SIGNING_SECRET="test-secret")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("slm-bot: setting SANDBOX: SANDBOX=1 runs the built-in stand-in")


@pytest.mark.parametrize("host,allowed", [
    ("127.0.0.1", True), ("127.0.0.53", True), ("localhost", True), ("::1", True), ("[::1]", True),
    ("0.0.0.0", False), ("::", False), ("10.0.0.7", False), ("slm.example.com", False),
])
def test_which_addresses_a_sandbox_may_listen_on(host, allowed):
    if allowed:
        assert load_settings(_env_file=None, host=host).sandbox
    else:
        with pytest.raises(SettingsError, match="setting SLACK_BOT_TOKEN: required to listen on"):
            load_settings(_env_file=None, host=host)
        assert load_settings(_env_file=None, host=host, sandbox_opt_in=True).sandbox_exposed
    assert not load_settings(_env_file=None, host=host, slack_bot_token="xoxb-test-1",
                             slack_signing_secret="test-secret").sandbox  # Slack mode listens anywhere


def test_a_shared_demo_sandbox_says_so_and_keeps_its_own_database(tmp_path):
    port = _free_port()
    real = tmp_path / "real.sqlite3"
    proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=str(tmp_path), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "SANDBOX": "1", "HOST": "0.0.0.0",
                                 "PORT": str(port), "DATABASE_URL": f"sqlite:///{real}", "LOG_LEVEL": "WARNING"})
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "the sandbox did not start"
            time.sleep(0.1)
        assert httpx.get(f"{base}/sandbox").status_code == 200
        rebound = httpx.get(f"{base}/sandbox/ui/state", headers={"Host": f"attacker.example:{port}"})
        assert rebound.status_code == 400
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=15)
    assert "SANDBOX=1: the sandbox listens on 0.0.0.0" in out  # the banner
    assert any(" WARNING " in line and "SANDBOX=1" in line and "Never give it real data" in line
               for line in err.splitlines())
    assert ("slm-bot: sandbox mode keeps its own database at sqlite:///var/sandbox.sqlite3; DATABASE_URL is ignored"
            in err)
    assert not real.exists() and (tmp_path / "var" / "sandbox.sqlite3").exists()


# ---- 2. sandbox mode keeps its own database ----------------------------------------------------
@pytest.fixture
def forgotten_token(monkeypatch, tmp_path):
    """The environment of a deployment that forgot SLACK_BOT_TOKEN (the command runs in this process)."""
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "HOST", "PORT",
                 "SANDBOX", "SANDBOX_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env; the sandbox's own database lands in tmp_path/var
    return monkeypatch


def test_a_sandbox_tick_leaves_a_real_databases_outbox_alone(db, tmp_path, forgotten_token, capsys):
    now = datetime.now(timezone.utc)
    with db.session() as s:
        assert outbox.enqueue(s, "T0REAL", "real-notice", "U0ALICE", "req_status.yml.j2", {"sentence": "Hi"}, now)
    forgotten_token.setenv("DATABASE_URL", db.url)
    assert cli.main(["tick"]) == 0
    assert "DATABASE_URL is ignored" in capsys.readouterr().err
    with Session(db.engine) as s:
        row = s.exec(select(Outbox).where(Outbox.key == "real-notice")).one()
        assert (row.status, row.attempts, row.claimed_at, row.sent_at) == ("pending", 0, None, None)
    assert (tmp_path / "var" / "sandbox.sqlite3").exists()


def test_migrate_acts_on_the_sandbox_database(tmp_path, forgotten_token, capsys):
    own, real = tmp_path / "own.sqlite3", tmp_path / "real.sqlite3"
    forgotten_token.setenv("DATABASE_URL", f"sqlite:///{real}")
    forgotten_token.setenv("SANDBOX_DATABASE_URL", f"sqlite:///{own}")
    assert cli.main(["migrate"]) == 0
    assert "database is up to date" in capsys.readouterr().out
    assert "outbox" in inspect(create_engine(f"sqlite:///{own}")).get_table_names()
    assert not real.exists()


# ---- 3. the embedded secret never authenticates in Slack mode ----------------------------------
def test_the_sandbox_secret_is_refused_in_slack_mode(slack, sandbox, harness_clean):
    assert not harness_clean.deps.settings.sandbox
    assert slack.command("help", secret=SANDBOX_SIGNING_SECRET).status == 401
    assert sandbox.calls == []
    assert slack.command("help").status == 200  # the same request, signed with the real secret


# ---- 4. the page and the stand-in answer only their own page and address -----------------------
@pytest.fixture
def page(harness_clean):
    with httpx.Client(verify=TLS_CONTEXT, base_url=harness_clean.base_url, timeout=30) as c:
        yield c


def test_the_page_takes_only_json(page, sandbox):
    body = '{"user": "U0ALICE", "channel": "C0GENERAL", "text": "/slm help"}'
    for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None):
        headers = {"Content-Type": ctype} if ctype else {}
        resp = page.post("/sandbox/ui/command", content=body, headers=headers)
        assert resp.status_code == 415, ctype
        assert resp.json()["error"] == "the request body must be application/json"
    assert sandbox.calls == [] and sandbox.messages == []
    ok = page.post("/sandbox/ui/command", content=body, headers={"Content-Type": "application/json; charset=utf-8"})
    assert ok.status_code == 200 and ok.json()["ok"]


def test_a_cross_site_origin_is_refused(page, sandbox, harness_clean):
    body = {"user": "U0ALICE", "channel": "C0GENERAL", "text": "/slm help"}
    for origin in ("http://attacker.example", "null", f"{harness_clean.base_url}.attacker.example"):
        resp = page.post("/sandbox/ui/command", json=body, headers={"Origin": origin})
        assert resp.status_code == 403, origin
    assert sandbox.calls == []
    assert page.post("/sandbox/ui/command", json=body, headers={"Origin": harness_clean.base_url}).status_code == 200


def test_a_foreign_host_is_refused_everywhere_in_the_sandbox(page, sandbox, harness_clean):
    port = harness_clean.base_url.rsplit(":", 1)[1]
    foreign = {"Host": f"attacker.example:{port}"}  # a name re-pointed at 127.0.0.1 (DNS rebinding)
    assert page.get("/sandbox", headers=foreign).status_code == 400
    assert page.get("/sandbox/ui/state", params={"user": "U0ALICE"}, headers=foreign).status_code == 400
    assert page.post("/sandbox/ui/home", json={"user": "U0ALICE"}, headers=foreign).status_code == 400
    api = page.post("/sandbox/api/chat.postMessage", headers=foreign,
                    data={"token": harness_clean.deps.settings.bot_token, "channel": "C0GENERAL", "text": "hi"})
    assert api.status_code == 400
    assert page.get("/sandbox/ui/state", params={"user": "U0ALICE"}, headers={"Host": "127.0.0.1"}).status_code == 400
    assert sandbox.calls == [] and sandbox.messages == []
    # its own names, and the stand-in's Web API with the form body the bot sends
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert page.get("/sandbox/ui/state", params={"user": "U0ALICE"}, headers={"Host": host}).status_code == 200
    api = page.post("/sandbox/api/chat.postMessage",
                    data={"token": harness_clean.deps.settings.bot_token, "channel": "C0GENERAL", "text": "hi"})
    assert api.status_code == 200 and api.json()["ok"]


@contextmanager
def _serving(app, sock: socket.socket):
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


def _listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def test_slack_mode_serves_no_sandbox_page(database):
    sock = _listening()
    port = sock.getsockname()[1]
    settings = load_settings(_env_file=None, slack_bot_token="xoxb-test-1", slack_signing_secret="test-secret",
                             port=port)
    stand_in = SlackSandbox(base_url=f"http://127.0.0.1:{port}")  # even with the stand-in wired in
    app = create_http_app(Deps(settings=settings, db=database, clock=Clock()), sandbox=stand_in)
    with _serving(app, sock) as base, httpx.Client(verify=TLS_CONTEXT, base_url=base, timeout=10) as c:
        assert c.get("/sandbox").status_code == 404
        assert c.get("/sandbox/ui/state").status_code == 404
        assert c.post("/sandbox/ui/command", json={"user": "U0ALICE", "text": "help"}).status_code == 404


def test_a_shared_demo_sandbox_also_answers_to_its_configured_host(database):
    sock = _listening()
    port = sock.getsockname()[1]
    settings = load_settings(_env_file=None, sandbox_opt_in=True, host="demo.internal", port=port)
    stand_in = SlackSandbox(base_url=settings.sandbox_base_url)
    app = create_http_app(Deps(settings=settings, db=database, clock=Clock()), sandbox=stand_in)
    with _serving(app, sock) as base, httpx.Client(verify=TLS_CONTEXT, base_url=base, timeout=10) as c:
        assert c.get("/sandbox", headers={"Host": f"demo.internal:{port}"}).status_code == 200
        assert c.get("/sandbox/ui/state", headers={"Host": f"DEMO.internal:{port}"}).status_code == 200
        assert c.get("/sandbox/ui/state").status_code == 200  # 127.0.0.1
        assert c.get("/sandbox/ui/state", headers={"Host": f"other.internal:{port}"}).status_code == 400
        assert c.get("/sandbox/ui/state", headers={"Host": "demo.internal:1"}).status_code == 400


# ---- 5. a database that is down at start: one line, no traceback ------------------------------
def test_a_database_that_is_down_at_start_is_one_line(tmp_path):
    port = _free_port()  # nothing listens there
    url = f"postgresql://root:hunter2@127.0.0.1:{port}/x"
    slack_mode = {"SLACK_BOT_TOKEN": "xoxb-test-1", "SLACK_SIGNING_SECRET": "test-secret", "DATABASE_URL": url}
    runs = {  # side by side: each start pays for its imports
        command: subprocess.Popen([sys.executable, "-m", "bot.cli", command], cwd=str(tmp_path), text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PORT": str(_free_port()), **env})
        for command, env in (("run", slack_mode), ("check", slack_mode), ("migrate", {"SANDBOX_DATABASE_URL": url}))
    }
    for command, proc in runs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 1, command
        assert err.strip().splitlines() == [
            f"slm-bot: database postgresql://root:***@127.0.0.1:{port}/x: could not connect (Connection refused)"]
        assert "hunter2" not in out + err
