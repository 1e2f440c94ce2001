"""Settings, read once at start from the environment and an optional `.env` file.

With no `SLACK_BOT_TOKEN` (and no `SLACK_CLIENT_ID`) the bot runs in sandbox mode: it talks to the built-in
stand-in for Slack (see `bot/sandbox/`) with embedded, obviously fake credentials,
so a newcomer can try it without a workspace. Because anyone who can reach a sandbox
acts as any of its users, sandbox mode listens only on a loopback address (unless
`SANDBOX=1` says a shared demo host is meant) and keeps its own database: a deployment
that forgot its token (or its client id) refuses to start rather than open the real data to everyone.

Three modes, by what is set:
- Slack, one workspace: `SLACK_BOT_TOKEN` (and `SLACK_SIGNING_SECRET`, or `SLACK_APP_TOKEN` for Socket Mode).
- Slack, distributed: `SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `SLACK_SIGNING_SECRET` and `TOKEN_ENCRYPTION_KEY`,
  no bot token: any number of workspaces install the bot through Slack's OAuth flow (bot/installs), each with a
  token of its own, kept encrypted in the bot's database. This is not sandbox mode: it uses DATABASE_URL and
  listens where HOST says, like the one-workspace mode.
- Sandbox: neither a bot token nor a client id.
"""
from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Embedded sandbox credentials. They only ever authenticate against the local stand-in.
SANDBOX_BOT_TOKEN = "xoxb-sandbox-not-a-real-token"
SANDBOX_SIGNING_SECRET = "sandbox-signing-secret-not-a-real-secret"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_SANDBOX_DATABASE_URL = "sqlite:///var/sandbox.sqlite3"
DEFAULT_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"
MANIFEST = Path(__file__).resolve().parents[1] / "manifest.yml"  # the scopes asked for on install: one source
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: reachable from this machine only."""
    host = host.strip().removeprefix("[").removesuffix("]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # any other name may resolve to anything
        return False


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False,
                                      populate_by_name=True)

    slack_bot_token: str | None = Field(default=None, description="Bot token (xoxb-...). Unset: sandbox mode.")
    slack_signing_secret: str | None = Field(default=None, description="Signing secret, for HTTP mode.")
    slack_app_token: str | None = Field(default=None, description="App-level token (xapp-...): Socket Mode.")
    slack_api_url: str = Field(default=DEFAULT_SLACK_API_URL, description="Base URL of the Slack Web API.")
    slack_client_id: str | None = Field(default=None, description="Distributed mode: the app's client id (OAuth).")
    slack_client_secret: str | None = Field(default=None, description="Distributed mode: the app's client secret.")
    token_encryption_key: str | None = Field(
        default=None, description="Distributed mode: Fernet key(s), comma-separated, the first encrypting; "
                                  "workspaces' tokens are stored encrypted with it.")
    slack_redirect_uri: str | None = Field(default=None, description="Distributed mode: the OAuth redirect URL "
                                                                     "(https://<host>/slack/oauth_redirect), if the "
                                                                     "app has several.")
    slack_authorize_url: str = Field(default=DEFAULT_AUTHORIZE_URL,
                                     description="Where the install link sends people (Slack's; tests: the stand-in).")
    database_url: str = Field(default="sqlite:///var/slm-bot.sqlite3", description="SQLAlchemy URL.")
    sandbox_opt_in: bool = Field(default=False, validation_alias="sandbox",
                                 description="SANDBOX=1: run sandbox mode on a non-loopback address (a shared demo host).")
    sandbox_database_url: str | None = Field(default=None, description="The sandbox's own database (sandbox mode only).")
    host: str = Field(default="127.0.0.1", description="Address the HTTP server listens on.")
    port: int = Field(default=3000, ge=1, le=65535, description="Port the HTTP server listens on.")
    log_level: str = Field(default="INFO", description="Python logging level.")
    benchmarks_dir: Path | None = Field(default=None, description="Folder of the organisation's own benchmark files.")
    templates_dir: Path | None = Field(default=None, description="Folder of the organisation's own document templates.")
    provider_name: str = Field(default="IT Services", description="The provider's name, as agreements print it.")
    timezone: str = Field(default="UTC", description="The organisation's time zone: the day agreements start and end.")
    after_ack_workers: int = Field(default=2, ge=1, le=64,
                                   description="Listeners doing their work after the ack at once (the rest wait).")
    listener_backlog: int = Field(default=200, ge=1, le=5000,
                                  description="Listeners alive at once, waiting for a work slot included, and requests "
                                              "waiting for their ack on a dispatch thread; past it a request is "
                                              "answered busy (a command in its answer, anything else 503) rather "
                                              "than queued without end.")
    ladder_callback_allow_private: bool = Field(
        default=False, description="Tests and the sandbox only: a ladder's priority callback may be plain http to a "
                                   "private or local address (a receiver on this machine). Off: https to public "
                                   "addresses only.")
    scheduler: Literal["child", "off"] = Field(
        default="child", description="child: `slm-bot run` runs the scheduled jobs in a child process of its own; "
                                     "off: it runs none (a separate `slm-bot worker` process does).")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {v!r}; use an IANA name such as Europe/London") from None
        return v

    @field_validator("benchmarks_dir", "templates_dir")
    @classmethod
    def _benchmarks_dir_exists(cls, v: Path | None) -> Path | None:
        if v is not None and not v.exists():
            raise ValueError(f"{v} does not exist")
        return v

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not v.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return v

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not v.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return v

    @field_validator("database_url", "sandbox_database_url")
    @classmethod
    def _database_url_shape(cls, v: str | None, info: ValidationInfo) -> str | None:
        if not v and info.field_name == "sandbox_database_url":
            return None
        if v.startswith("postgres://"):  # Heroku-style URLs; SQLAlchemy wants the dialect named
            v = "postgresql://" + v[len("postgres://"):]
        if v.startswith("postgresql://"):
            v = "postgresql+psycopg://" + v[len("postgresql://"):]
        if not (v.startswith("sqlite:") or v.startswith("postgresql+psycopg:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return v

    @field_validator("slack_client_id", "slack_client_secret", "token_encryption_key", "slack_redirect_uri")
    @classmethod
    def _blank_is_unset(cls, v: str | None) -> str | None:
        return v or None

    @model_validator(mode="after")
    def _mode_needs(self) -> "Settings":
        if self.slack_client_id:
            self._distributed_needs()
        if self.slack_bot_token and not self.slack_app_token and not self.slack_signing_secret:
            raise ValueError("SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)")
        if self.slack_app_token and not self.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN is required when SLACK_APP_TOKEN is set")
        if self.sandbox_opt_in and self.slack_bot_token:
            raise ValueError("setting SANDBOX: SANDBOX=1 runs the built-in stand-in for Slack, which a bot token "
                             "contradicts; unset SANDBOX for Slack mode, or SLACK_BOT_TOKEN for the sandbox")
        if self.sandbox and not self.sandbox_opt_in and not is_loopback(self.host):
            raise ValueError(f"setting SLACK_BOT_TOKEN: required to listen on {self.host} (sandbox mode only listens "
                             "on 127.0.0.1; set SANDBOX=1 to run the sandbox on a shared demo host)")
        return self

    def _distributed_needs(self) -> None:
        from bot.installs.cipher import parse_keys

        if self.slack_bot_token:
            raise ValueError("setting SLACK_BOT_TOKEN: distributed mode (SLACK_CLIENT_ID) keeps a token per "
                             "workspace; unset SLACK_BOT_TOKEN, or SLACK_CLIENT_ID for one workspace")
        for name in ("slack_client_secret", "slack_signing_secret"):
            if not getattr(self, name):
                raise ValueError(f"setting {name.upper()}: required in distributed mode (SLACK_CLIENT_ID set)")
        if self.sandbox_opt_in:
            raise ValueError("setting SANDBOX: distributed mode (SLACK_CLIENT_ID) is Slack mode; unset SANDBOX")
        try:
            parse_keys(self.token_encryption_key or "")
        except ValueError as err:
            raise ValueError(f"setting TOKEN_ENCRYPTION_KEY: {err}") from None

    @property
    def distributed(self) -> bool:
        """Installed into workspaces through Slack's OAuth flow, a token per workspace (bot/installs)."""
        return self.slack_client_id is not None

    @property
    def sandbox(self) -> bool:
        return self.slack_bot_token is None and not self.distributed

    @property
    def bot_scopes(self) -> list[str]:
        """The bot scopes an install asks for: manifest.yml's."""
        import yaml

        return list(yaml.safe_load(MANIFEST.read_text())["oauth_config"]["scopes"]["bot"])

    @property
    def sandbox_exposed(self) -> bool:
        """A sandbox others can reach: only ever with SANDBOX=1."""
        return self.sandbox and not is_loopback(self.host)

    @property
    def sandbox_base_url(self) -> str:
        """Where the sandbox's own server answers, as the bot and the page reach it."""
        host = "127.0.0.1" if self.host in WILDCARD_HOSTS else self.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def effective_database_url(self) -> str:
        """Where this run keeps its data: the sandbox has its own, never DATABASE_URL (a real deployment's)."""
        if self.sandbox:
            return self.sandbox_database_url or DEFAULT_SANDBOX_DATABASE_URL
        return self.database_url

    @property
    def ignored_database_url(self) -> bool:
        """DATABASE_URL was set, but this is sandbox mode and it is not used."""
        return self.sandbox and "database_url" in self.model_fields_set

    @property
    def bot_token(self) -> str | None:
        """The one token (one workspace, or the sandbox's); None in distributed mode, where each has its own."""
        if self.distributed:
            return None
        return self.slack_bot_token or SANDBOX_BOT_TOKEN

    @property
    def signing_secret(self) -> str | None:
        """The secret requests are verified with; the embedded one only ever in sandbox mode."""
        if self.sandbox:
            return SANDBOX_SIGNING_SECRET
        return self.slack_signing_secret


def load_settings(**overrides) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err.get("loc", ()))
        msg = err["msg"].removeprefix("Value error, ")
        if field:
            raise SettingsError(f"setting {field.upper()}: {msg}") from None
        raise SettingsError(msg) from None
