"""What arrives at `POST /slack/events` is checked before it is read: its size, then its signature, then its shape.

- Size: Slack's own payloads are far below MAX_BODY_BYTES. A larger Content-Length is refused (413) before a
  byte of the body is read, and a body without one is counted as it streams in and refused once it passes
  the limit, so a huge upload is never held in memory.
- Signature: Slack signs every request (X-Slack-Signature over the timestamp and the raw body, with the app's
  signing secret, within five minutes). It is checked on the raw bytes with slack_sdk's SignatureVerifier
  before anything is parsed; a missing or wrong one, or a timestamp that is not a plain number, is a 401.
  Only then is the body handed to Bolt, which therefore does not verify it again (nor log it on failure).
- Shape: a signed body that is not what Slack sends (bad form or JSON, a payload that is not an object) is a
  400, never a 500.

Nothing here logs a request's body: a refusal is logged with its reason only.
"""
from __future__ import annotations

import logging
import re
from urllib.parse import parse_qs

from slack_bolt.request import BoltRequest
from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # 1 MiB: Slack's largest payloads (a full modal's state) are tens of kilobytes
TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds in ASCII digits; anything else cannot be Slack's
SSL_CHECK_MAX_BYTES = 256


class Refused(Exception):
    """The request is answered with `status` and goes no further."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


async def read_body(request: Request) -> bytes:
    """The raw body, at most MAX_BODY_BYTES of it."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isascii() or not declared.isdigit():
            raise Refused(400, "bad Content-Length")
        if int(declared) > MAX_BODY_BYTES:
            raise Refused(413, "body too large")
    chunks, size = [], 0
    async for chunk in request.stream():  # counted as it arrives: a chunked body declares no length
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Refused(413, "body too large")
        chunks.append(chunk)
    return b"".join(chunks)


def is_ssl_check(raw: bytes) -> bool:
    """Slack's periodic certificate check for slash commands (`ssl_check=1&token=...`), which Slack does not sign.

    It is answered 200 and dispatched nowhere, as Bolt itself does; nothing else passes unsigned.
    """
    if len(raw) > SSL_CHECK_MAX_BYTES or not raw.startswith(b"ssl_check=1"):
        return False
    try:
        fields = parse_qs(raw.decode("ascii"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return False
    return fields.get("ssl_check") == ["1"] and set(fields) <= {"ssl_check", "token"}


def verified_text(raw: bytes, request: Request, verifier: SignatureVerifier) -> str:
    """The body as text, once its signature is right."""
    timestamp = request.headers.get("x-slack-request-timestamp", "")
    signature = request.headers.get("x-slack-signature", "")
    if not signature or not TIMESTAMP.fullmatch(timestamp):
        raise Refused(401, "missing or malformed signature")
    try:
        text = raw.decode("utf-8")  # Slack signs UTF-8 text; other bytes cannot carry its signature
    except UnicodeDecodeError:
        raise Refused(401, "invalid signature") from None
    if not verifier.is_valid(body=text, timestamp=timestamp, signature=signature):
        raise Refused(401, "invalid signature")
    return text


def bolt_request(text: str, request: Request) -> BoltRequest:
    """The signed body as Bolt reads it; a body Bolt cannot read is refused here rather than failing inside it."""
    try:
        parsed = BoltRequest(body=text, query=request.query_params, headers=request.headers)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, RecursionError):
        raise Refused(400, "malformed body") from None  # json's errors are ValueErrors; a list has no .get()
    if not isinstance(parsed.body, dict):
        raise Refused(400, "malformed body")
    return parsed
