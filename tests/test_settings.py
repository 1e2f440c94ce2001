"""Settings and the `slm-bot` command: a bad setting stops the start with one line naming it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from bot.settings import SANDBOX_BOT_TOKEN, SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL", "PORT", "SLACK_API_URL",
                 "HOST", "SANDBOX", "SANDBOX_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout


def test_no_token_means_sandbox():
    s = load_settings()
    assert s.sandbox and s.bot_token == SANDBOX_BOT_TOKEN
    assert s.database_url == "sqlite:///var/slm-bot.sqlite3"


def test_http_mode_needs_a_signing_secret(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-123")
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET is required"):
        load_settings()
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test-1")
    assert load_settings().slack_app_token == "xapp-test-1"  # Socket Mode needs none


@pytest.mark.parametrize("name,value,message", [
    ("SLACK_BOT_TOKEN", "xoxp-test-user", "setting SLACK_BOT_TOKEN: must be a bot token starting with xoxb-"),
    ("PORT", "http", "setting PORT: Input should be a valid integer"),
    ("PORT", "70000", "setting PORT: Input should be less than or equal to 65535"),
    ("DATABASE_URL", "mysql://x", "setting DATABASE_URL: must be a sqlite:/// or postgresql:// URL"),
])
def test_bad_settings_are_named(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith(message)


def test_postgres_urls_get_the_psycopg_dialect(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert load_settings().database_url == "postgresql+psycopg://u@h/db"


def test_the_command_stops_with_one_line(monkeypatch):
    env = {"PATH": "/usr/bin:/bin", "PORT": "nope", "HOME": "/tmp"}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "check"], capture_output=True, text=True, env=env,
                          cwd=str(__import__("pathlib").Path(__file__).parents[1]), timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == ["slm-bot: setting PORT: Input should be a valid integer, unable to parse string as an integer"]


def test_check_migrates_and_reports(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "check"], capture_output=True, text=True, env=env,
                          cwd=str(__import__("pathlib").Path(__file__).parents[1]), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "settings are valid" in proc.stdout and "mode: sandbox" in proc.stdout
    assert f"{tmp_path}/x.sqlite3" in proc.stdout


def test_tick_says_when_no_sandbox_answers_at_its_port(tmp_path):
    """Started with `PORT=3917 make run`, the sandbox is not found by a bare `slm-bot tick` (port 3000): it says so,
    in words, and still runs the jobs (what they post waits in the outbox)."""
    import socket

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PORT": str(port),
           "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "tick"], capture_output=True, text=True, env=env,
                          cwd=str(__import__("pathlib").Path(__file__).parents[1]), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (f"slm-bot: no sandbox answers at http://127.0.0.1:{port}: start it with `make run`, and run tick with "
            "the same PORT (and HOST) as it.") in proc.stderr
    assert "running breaches.sweep" in proc.stderr  # the jobs ran all the same


def test_socket_mode_without_a_secret_serves_no_events_endpoint():
    from bot.app import Deps, create_http_app
    from bot.clock import Clock
    from bot.database import Database

    settings = load_settings(slack_bot_token="xoxb-test-1", slack_app_token="xapp-test-1", slack_signing_secret=None)
    assert settings.signing_secret is None  # the sandbox's embedded secret is never used outside sandbox mode
    app = create_http_app(Deps(settings=settings, db=Database("sqlite://"), clock=Clock()))
    paths = {route.path for route in app.routes}
    assert "/healthz" in paths and "/slack/events" not in paths
