"""Settings, read once at start from the environment and an optional `.env` file.

With no `SLACK_BOT_TOKEN` the bot runs in sandbox mode: it talks to the built-in
stand-in for Slack (see `bot/sandbox/`) with embedded, obviously fake credentials,
so a newcomer can try it without a workspace.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Embedded sandbox credentials. They only ever authenticate against the local stand-in.
SANDBOX_BOT_TOKEN = "xoxb-sandbox-not-a-real-token"
SANDBOX_SIGNING_SECRET = "sandbox-signing-secret-not-a-real-secret"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class SettingsError(Exception):
    """A setting is missing or wrong; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    slack_bot_token: str | None = Field(default=None, description="Bot token (xoxb-...). Unset: sandbox mode.")
    slack_signing_secret: str | None = Field(default=None, description="Signing secret, for HTTP mode.")
    slack_app_token: str | None = Field(default=None, description="App-level token (xapp-...): Socket Mode.")
    slack_api_url: str = Field(default=DEFAULT_SLACK_API_URL, description="Base URL of the Slack Web API.")
    database_url: str = Field(default="sqlite:///var/slm-bot.sqlite3", description="SQLAlchemy URL.")
    host: str = Field(default="127.0.0.1", description="Address the HTTP server listens on.")
    port: int = Field(default=3000, ge=1, le=65535, description="Port the HTTP server listens on.")
    log_level: str = Field(default="INFO", description="Python logging level.")
    benchmarks_dir: Path | None = Field(default=None, description="Folder of the organisation's own benchmark files.")
    templates_dir: Path | None = Field(default=None, description="Folder of the organisation's own document templates.")
    provider_name: str = Field(default="IT Services", description="The provider's name, as agreements print it.")
    timezone: str = Field(default="UTC", description="The organisation's time zone: the day agreements start and end.")

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

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, v: str) -> str:
        if v.startswith("postgres://"):  # Heroku-style URLs; SQLAlchemy wants the dialect named
            v = "postgresql://" + v[len("postgres://"):]
        if v.startswith("postgresql://"):
            v = "postgresql+psycopg://" + v[len("postgresql://"):]
        if not (v.startswith("sqlite:") or v.startswith("postgresql+psycopg:")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return v

    @model_validator(mode="after")
    def _mode_needs(self) -> "Settings":
        if self.slack_bot_token and not self.slack_app_token and not self.slack_signing_secret:
            raise ValueError("SLACK_SIGNING_SECRET is required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)")
        if self.slack_app_token and not self.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN is required when SLACK_APP_TOKEN is set")
        return self

    @property
    def sandbox(self) -> bool:
        return self.slack_bot_token is None

    @property
    def bot_token(self) -> str:
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
