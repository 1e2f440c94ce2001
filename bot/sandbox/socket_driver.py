"""The driver (bot/sandbox/driver.py) over Socket Mode: what a person does reaches the bot as an envelope on its
WebSocket, not as a signed POST.

Every request the HTTP driver builds goes through `post`; here that body becomes the envelope's payload, parsed as
Slack parses it before sending (a slash command's form fields as a JSON object of strings, an interaction's
`payload` field as itself, an event as is), and the ack's payload is read as the HTTP answer's body would be.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qsl

from bot.sandbox.driver import Outcome, SlackDriver
from bot.sandbox.workspace import SlackSandbox

NO_ACK = 0  # Outcome.status when no ack came in time (Slack then tells the person the app did not answer)


def envelope_of(body: str, content_type: str) -> tuple[str, dict]:
    """(envelope type, payload) for what Slack would have POSTed as `body` over HTTP."""
    if content_type.startswith("application/json"):
        return "events_api", json.loads(body)
    fields = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in fields:
        return "interactive", json.loads(fields["payload"])
    return "slash_commands", fields


class SocketModeDriver(SlackDriver):
    def __init__(self, sandbox: SlackSandbox, *, wait_idle=None, ack_timeout: float = 10.0):
        super().__init__(sandbox, events_url="(Socket Mode)", signing_secret="", wait_idle=wait_idle)
        self.stand_in = sandbox.socket_mode
        self.ack_timeout = ack_timeout
        # False: `post` sends and returns at once (status 202), the envelope kept in `in_flight`; `answers()`
        # then waits for every ack. For putting several envelopes in flight before a fault.
        self.wait_for_ack = True
        self.in_flight = []

    def post(self, body: str, content_type: str, **_signing) -> Outcome:
        """No signature over Socket Mode: the connection, opened with the app-level token, authenticates it."""
        envelope = self.stand_in.deliver(*envelope_of(body, content_type))
        if not self.wait_for_ack:
            self.in_flight.append(envelope)
            return Outcome(202, "")
        return self._answer(envelope)

    def answers(self) -> list[Outcome]:
        """Wait for the acks of every envelope sent with `wait_for_ack` off."""
        sent, self.in_flight = self.in_flight, []
        return [self._answer(envelope) for envelope in sent]

    def _answer(self, envelope) -> Outcome:
        ack = self.stand_in.wait_ack(envelope, self.ack_timeout)
        # A copy delivered again while the first was being acked is still to reach the bot: wait for its ack too,
        # or its work would land in the next test.
        if ack is not None and not self.stand_in.wait_answered(self.ack_timeout):
            raise AssertionError("the bot did not ack every delivery of what it was sent")
        if self.wait_idle is not None and not self.wait_idle():
            raise AssertionError("the bot's listeners were still running 30 s after the envelope")
        if ack is None:
            return Outcome(NO_ACK, "")
        return Outcome(200, json.dumps(ack) if ack else "", ack or None)
