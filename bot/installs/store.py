"""Bolt's SQLAlchemy installation and state stores on the bot's own engine, tokens written encrypted and read
decrypted. Their tables are the migrations' (models/installs.py): `create_tables` is never called."""
from __future__ import annotations

import copy

from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.installs.cipher import TokenCipher, WrongKey

BOT_SECRETS = ("bot_token", "bot_refresh_token")
INSTALLATION_SECRETS = BOT_SECRETS + ("user_token", "user_refresh_token")
COLUMN_WIDTH = 200  # slack_sdk's token columns: String(200)


class TokenTooLong(ValueError):
    """A token whose ciphertext does not fit slack_sdk's column (one of more than 79 characters; Slack's bot tokens are about 55)."""


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    def __init__(self, client_id: str, engine: Engine, cipher: TokenCipher):
        super().__init__(client_id=client_id, engine=engine)
        self.cipher = cipher

    def _sealed(self, obj, fields):
        sealed = copy.copy(obj)
        for name in fields:
            value = self.cipher.seal(getattr(sealed, name, None))
            if value is not None and len(value) > COLUMN_WIDTH:  # PostgreSQL would refuse it; SQLite would not
                raise TokenTooLong(f"the {name} is too long to store encrypted")
            setattr(sealed, name, value)
        return sealed

    def _opened(self, obj, fields):
        if obj is not None:
            for name in fields:
                setattr(obj, name, self.cipher.open(getattr(obj, name, None)))
        return obj

    def save(self, installation: Installation):
        super().save(self._sealed(installation, INSTALLATION_SECRETS))  # its to_bot() is sealed already

    def save_bot(self, bot: Bot):
        super().save_bot(self._sealed(bot, BOT_SECRETS))

    def find_bot(self, *, enterprise_id, team_id, is_enterprise_install=False) -> Bot | None:
        return self._opened(super().find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                             is_enterprise_install=is_enterprise_install), BOT_SECRETS)

    def find_installation(self, *, enterprise_id, team_id, user_id=None, is_enterprise_install=False):
        return self._opened(super().find_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
                                                      is_enterprise_install=is_enterprise_install),
                            INSTALLATION_SECRETS)

    def installed_teams(self) -> set[str]:
        """The workspaces with a bot token stored: the ones the bot may send into."""
        c = self.bots.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.team_id).where(c.client_id == self.client_id, c.bot_token.is_not(None))
                                .distinct())
            return {team for (team,) in rows if team}

    def check_key(self) -> None:
        """Raise WrongKey when a stored token does not decrypt (the key changed, or was mistyped)."""
        with self.engine.connect() as conn:
            token = conn.execute(select(self.bots.c.bot_token).where(self.bots.c.bot_token.is_not(None))
                                 .order_by(self.bots.c.id.desc()).limit(1)).scalar()
        self.cipher.open(token)


def key_problem(settings, engine: Engine) -> str | None:
    """At start (bot.cli): one line naming TOKEN_ENCRYPTION_KEY when the stored tokens do not decrypt with it."""
    store = EncryptedInstallationStore(settings.slack_client_id, engine, TokenCipher(settings.token_encryption_key))
    try:
        store.check_key()
    except WrongKey:
        return ("setting TOKEN_ENCRYPTION_KEY: the workspaces' stored tokens do not decrypt with it (was it changed? "
                "list the old key after the new one, comma-separated)")
    return None


def state_store(engine: Engine, expiration_seconds: int = 600) -> SQLAlchemyOAuthStateStore:
    """The install flow's one-time states (ten minutes to finish installing)."""
    return SQLAlchemyOAuthStateStore(expiration_seconds=expiration_seconds, engine=engine)


__all__ = ["EncryptedInstallationStore", "TokenTooLong", "WrongKey", "key_problem", "state_store"]
