"""A cap on the size of what a sender may send: refused with 413 before it is held in memory.

A batch holds at most 1,000 items of each kind (bot.measurements.items.MAX_BATCH), well under MAX_BODY_BYTES;
larger histories go in several batches or through the CSV import. A larger Content-Length is refused before a
byte is read; a body without one is counted as it streams in, and refused once past the limit.
"""
from __future__ import annotations

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 4 * 1024 * 1024
TOO_LARGE = {"detail": f"The body is larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB: send it in several batches."}


class BodySizeLimit:
    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await JSONResponse(TOO_LARGE, status_code=413)(scope, receive, send)
            return
        # Read here (the app would read it whole anyway), so that a body past the limit is answered 413 by us
        # rather than failing inside FastAPI's body parsing, which turns any error there into a 400.
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await JSONResponse(TOO_LARGE, status_code=413)(scope, receive, send)
                return
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
