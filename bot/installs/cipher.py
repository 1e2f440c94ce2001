"""Tokens at rest: Fernet (AES-128-CBC and HMAC-SHA256) with TOKEN_ENCRYPTION_KEY.

The setting may hold several keys, comma-separated: the first encrypts, every one decrypts. A key is rotated by
putting the new one first; tokens are written with it as workspaces install (or reinstall) the app, and the old key
stays listed until no stored token needs it (a token that decrypts with no listed key stops the bot at start).
A stored value says it is ciphertext ("enc1:" and the Fernet token), so it is never encrypted twice.
"""
from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

PREFIX = "enc1:"


class WrongKey(Exception):
    """A stored token does not decrypt with TOKEN_ENCRYPTION_KEY."""


def parse_keys(value: str) -> list[Fernet]:
    """The keys of the setting, first the one that encrypts; ValueError names what is wrong."""
    keys = [k.strip() for k in (value or "").split(",") if k.strip()]
    if not keys:
        raise ValueError("is required in distributed mode (SLACK_CLIENT_ID set)")
    try:
        return [Fernet(k.encode()) for k in keys]
    except (ValueError, TypeError):
        raise ValueError("must be a Fernet key (32 url-safe base64-encoded bytes), or several comma-separated; "
                         "make one with: python -c \"from cryptography.fernet import Fernet; "
                         "print(Fernet.generate_key().decode())\"") from None


class TokenCipher:
    def __init__(self, setting: str):
        self._fernet = MultiFernet(parse_keys(setting))

    def seal(self, value: str | None) -> str | None:
        if value is None or value == "" or value.startswith(PREFIX):
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if not value or not value.startswith(PREFIX):
            return value or None
        try:
            return self._fernet.decrypt(value[len(PREFIX):].encode()).decode()
        except InvalidToken:
            raise WrongKey("a stored Slack token does not decrypt with TOKEN_ENCRYPTION_KEY") from None
