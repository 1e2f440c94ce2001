"""The back-to-back check's time rule as main computed it before issue 14, kept as the oracle of the tests and the
baseline of the benchmarks (tests/unit/test_backtoback_calc.py, tests/bench/test_bench_coverage.py).

`every_ticket` is the definition (simulate every sample with `BusinessCalendar.deadline`, one at a time);
`tightest_ticket_by_halving` is main's method: simulate the ends of runs of samples and halve the runs until both
ends map alike (`BusinessCalendar.deadline_piece`), the time to spare being a straight line between them.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.calendars import BusinessCalendar
from bot.cover.arithmetic import chain_finish
from bot.parsing import Duration


def every_ticket(samples, sla_calendar, sla_duration, stages, handoff):
    """The definition: simulate every sample, keep the least spare (the earliest of equals)."""
    tightest = None
    for start in samples:
        due = sla_calendar.deadline(start, sla_duration)
        finish, slowest = chain_finish(start, stages, handoff, sla_calendar)
        if tightest is None or due - finish < tightest[0]:
            tightest = (due - finish, start, due, finish, slowest)
    return tightest


def tightest_ticket_by_halving(
    samples: Sequence[datetime],
    sla_calendar: BusinessCalendar,
    sla_duration: Duration,
    stages: Sequence[Sequence[tuple[BusinessCalendar, Duration]]],
    handoff: Duration,
) -> tuple[timedelta, datetime, datetime, datetime, list[int]]:
    """Of tickets raised at ``samples`` (sorted), the one with least time to spare: (spare, start, due, finish,
    slowest leg of each stage); of equally tight ones, the earliest. As if every sample were simulated.

    Not every sample is simulated. Between two samples whose every step (the SLA's deadline, each leg's, each
    hand-off) lies on the same piece of its calendar's map (``BusinessCalendar.deadline_piece``) and with the same
    slowest leg in each stage, the due time and the finish each move with the start or stay put, so the time
    to spare is a straight line there: its least is at one end. Runs are halved until their ends agree.
    """
    memo: dict[int, tuple[datetime, datetime, list[int], tuple]] = {}

    def simulate(k: int) -> tuple[datetime, datetime, list[int], tuple]:
        if k not in memo:
            start = samples[k]
            due, due_piece = sla_calendar.deadline_piece(start, sla_duration)
            now, pieces, slowest = start, [due_piece], []
            for i, stage in enumerate(stages):
                if i:
                    now, piece = sla_calendar.deadline_piece(now, handoff)
                    pieces.append(piece)
                ends = []
                for cal, duration in stage:
                    end, piece = cal.deadline_piece(now, duration)
                    ends.append(end)
                    pieces.append(piece)
                now = max(ends)
                slowest.append(ends.index(now))
            memo[k] = (due, now, slowest, (tuple(pieces), tuple(slowest)))
        return memo[k]

    ends_kept: set[int] = set()
    runs = [(0, len(samples) - 1)]
    while runs:
        lo, hi = runs.pop()
        if hi - lo <= 1 or simulate(lo)[3] == simulate(hi)[3]:
            ends_kept.update((lo, hi))
        else:
            mid = (lo + hi) // 2
            runs += [(lo, mid), (mid, hi)]
    tightest = None
    for k in sorted(ends_kept):
        due, finish, slowest, _ = simulate(k)
        # Strictly less: of equally tight tickets, the earliest is named.
        if tightest is None or due - finish < tightest[0]:
            tightest = (due - finish, samples[k], due, finish, slowest)
    assert tightest is not None, "no samples"
    return tightest
