"""Where the sandbox's and the tests' listeners run: bot.listener_threads, under the name the tests know.

The stand-in and the tests wait on it (`wait_idle`) so that what they read afterwards is
what every listener finished, its work after the ack included.
"""
from __future__ import annotations

from bot.listener_threads import ListenerThreads


class TrackedExecutor(ListenerThreads):
    def __init__(self, work_slots: int = 2, backlog: int = 200):
        super().__init__(work_slots=work_slots, backlog=backlog)
