"""Slack's pace, kept by the outbox: about one message a second in each channel, every Retry-After honoured for the
whole channel, and a busy channel never holding up the others. Time is the pacer's own clock, moved when it is
slept on, so nothing here waits for real."""
from __future__ import annotations

import dataclasses
import time
from datetime import timedelta

from sqlmodel import Session, select

from bot import outbox
from bot.delivery import deliver_pending
from bot.pacing import ChannelPacer
from models import Outbox
from tests.conftest import START

CHANNELS = ("C0ACMESLA", "C0NETWORKTE")


class RecordingPacer(ChannelPacer):
    """The instant pacer, noting when (on its clock) each channel was given a slot."""

    def __init__(self):
        moment = [0.0]
        super().__init__(monotonic=lambda: moment[0], sleep=lambda s: moment.__setitem__(0, moment[0] + s))
        self.slots: list[tuple[str, float]] = []

    def take(self, channel: str) -> bool:
        taken = super().take(channel)
        if taken:
            self.slots.append((channel, self.now()))
        return taken


def queue(db, team, channel: str, n: int) -> None:
    with db.session() as s:
        for i in range(n):
            outbox.enqueue(s, team, f"{channel}:{i}", channel, "req_status.yml.j2", {"sentence": f"{channel} {i}"},
                           START)


def posted(sandbox, channel: str) -> list[str]:
    return [m.text for m in sandbox.channel_messages(channel, include_ephemeral=False)]


def test_each_channel_takes_one_message_a_second_and_channels_go_side_by_side(db, team, sandbox, harness_clean):
    pacer = RecordingPacer()
    deps = dataclasses.replace(harness_clean.deps, channel_pacer=pacer)
    for channel in CHANNELS:
        queue(db, team, channel, 3)
    began = time.monotonic()
    assert deliver_pending(deps, deps.client) == 6
    assert time.monotonic() - began < 5  # nobody slept for real
    for channel in CHANNELS:
        assert posted(sandbox, channel) == [f"{channel} {i}" for i in range(3)]  # in the order queued
        moments = [at for c, at in pacer.slots if c == channel]
        assert [b - a for a, b in zip(moments, moments[1:])] == [1.0, 1.0]
    assert pacer.now() == 2.0  # the two channels shared each second: three seconds' slots, not six


def test_a_retry_after_holds_its_channel_and_not_the_others(db, team, sandbox, harness_clean, clock):
    deps = dataclasses.replace(harness_clean.deps, channel_pacer=RecordingPacer())
    for channel in CHANNELS:
        queue(db, team, channel, 2)
    sandbox.fail_next("chat.postMessage", 429, retry_after=30)  # the first post: into CHANNELS[0]
    began = time.monotonic()
    assert deliver_pending(deps, deps.client) == 2
    assert time.monotonic() - began < 5
    assert posted(sandbox, CHANNELS[0]) == [] and len(posted(sandbox, CHANNELS[1])) == 2
    with Session(db.engine) as s:
        held = s.exec(select(Outbox).where(Outbox.channel == CHANNELS[0])).all()
    assert {(r.status, r.attempts, r.next_attempt_at) for r in held} == {("pending", 0, START + timedelta(seconds=30))}
    assert len(sandbox.calls_of("chat.postMessage")) == 3  # the held channel's second row was never tried
    clock.advance(seconds=29)
    assert deliver_pending(deps, deps.client) == 0
    clock.advance(seconds=1)
    assert deliver_pending(deps, deps.client) == 2
    assert posted(sandbox, CHANNELS[0]) == [f"{CHANNELS[0]} {i}" for i in range(2)]


def test_a_huge_retry_after_holds_its_channel_minutes_not_years(db, team, sandbox, harness_clean, clock):
    """A Retry-After holds the whole channel: one gone wrong (a proxy's, a garbled header) is taken as at most
    MOST_RETRY_AFTER seconds, so the channel's messages still go once that has passed."""
    from bot.delivery import MOST_RETRY_AFTER

    deps = dataclasses.replace(harness_clean.deps, channel_pacer=RecordingPacer())
    queue(db, team, CHANNELS[0], 2)
    sandbox.fail_next("chat.postMessage", 429, retry_after=10**12)
    assert deliver_pending(deps, deps.client) == 0
    with Session(db.engine) as s:
        held = s.exec(select(Outbox).where(Outbox.channel == CHANNELS[0])).all()
    assert {r.next_attempt_at for r in held} == {START + timedelta(seconds=MOST_RETRY_AFTER)}
    clock.advance(seconds=MOST_RETRY_AFTER)
    assert deliver_pending(deps, deps.client) == 2
