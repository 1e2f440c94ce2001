"""Distributed mode's settings (SLACK_CLIENT_ID: a token per workspace, installed through OAuth): what it needs,
each missing or wrong one named in one line, the scopes read from manifest.yml, and a key that does not decrypt the
stored tokens stopping the bot at start."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.models.installation import Installation

from bot.database import Database
from bot.installs.cipher import TokenCipher
from bot.installs.store import EncryptedInstallationStore
from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[1]
KEY, OLD_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()
NEEDS = {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "test-secret", "SLACK_SIGNING_SECRET": "test-signing",
         "TOKEN_ENCRYPTION_KEY": KEY}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL", "HOST", "SANDBOX",
                 "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEY", "SLACK_REDIRECT_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def test_distributed_mode_is_slack_mode_with_no_one_token(monkeypatch):
    for name, value in {**NEEDS, "HOST": "0.0.0.0"}.items():
        monkeypatch.setenv(name, value)
    s = load_settings()
    assert s.distributed and not s.sandbox and s.bot_token is None
    assert s.signing_secret == "test-signing" and s.effective_database_url == s.database_url
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text())
    assert s.bot_scopes == manifest["oauth_config"]["scopes"]["bot"]


@pytest.mark.parametrize("name,value,message", [
    ("TOKEN_ENCRYPTION_KEY", "", "setting TOKEN_ENCRYPTION_KEY: is required in distributed mode"),
    ("TOKEN_ENCRYPTION_KEY", "not-a-key", "setting TOKEN_ENCRYPTION_KEY: must be a Fernet key"),
    ("SLACK_CLIENT_SECRET", "", "setting SLACK_CLIENT_SECRET: required in distributed mode"),
    ("SLACK_SIGNING_SECRET", "", "setting SLACK_SIGNING_SECRET: required in distributed mode"),
    ("SLACK_BOT_TOKEN", "xoxb-test-1", "setting SLACK_BOT_TOKEN: distributed mode (SLACK_CLIENT_ID) keeps a token"),
    ("SANDBOX", "1", "setting SANDBOX: distributed mode"),
])
def test_what_distributed_mode_needs_is_named(monkeypatch, name, value, message):
    for env, setting in {**NEEDS, name: value}.items():
        monkeypatch.setenv(env, setting)
    with pytest.raises(SettingsError) as err:
        load_settings()
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def check(tmp_path, key: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **NEEDS, "TOKEN_ENCRYPTION_KEY": key,
           "DATABASE_URL": f"sqlite:///{tmp_path}/d.sqlite3"}
    return subprocess.run([sys.executable, "-m", "bot.cli", "check"], capture_output=True, text=True, env=env,
                          cwd=str(ROOT), timeout=120)


def test_a_key_that_does_not_decrypt_the_stored_tokens_stops_the_start(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/d.sqlite3")
    db.migrate()
    store = EncryptedInstallationStore(NEEDS["SLACK_CLIENT_ID"], db.engine, TokenCipher(OLD_KEY))
    store.save(Installation(app_id="A1", team_id="T1", user_id="U1", bot_token="xoxb-1-2-secret", bot_id="B1",
                            bot_user_id="U0BOT"))
    db.dispose()
    wrong = check(tmp_path, KEY)
    assert wrong.returncode == 2
    assert wrong.stderr.strip().splitlines() == [
        "slm-bot: setting TOKEN_ENCRYPTION_KEY: the workspaces' stored tokens do not decrypt with it (was it changed? "
        "list the old key after the new one, comma-separated)"]
    rotated = check(tmp_path, f"{KEY},{OLD_KEY}")  # the new key first, the old one still listed: it starts
    assert rotated.returncode == 0, rotated.stderr
