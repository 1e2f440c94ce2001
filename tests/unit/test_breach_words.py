"""How far gone a breach is, in the words its alert uses."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.breaches import left_beside, left_text
from bot.measurements.states import Level, Subject, TargetState


def test_time_left_and_time_over():
    assert left_text(timedelta(minutes=48)) == "48m left"
    assert left_text(timedelta(hours=1, minutes=5)) == "1h5m left"
    assert left_text(timedelta(minutes=-5)) == "over by 5m"
    assert left_text(timedelta(days=2, hours=3)) == "2d3h left"
    assert left_text(timedelta(0)) == "over by 0m"  # the clock is at 100%: breached
    assert left_text(None) == ""


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_every_whole_minute_reads_back(minutes):
    said = left_text(timedelta(minutes=minutes))
    number = said.removeprefix("over by ").removesuffix(" left")
    days, _, rest = number.rpartition("d")
    hours, _, rest = rest.rpartition("h")
    total = int(days or 0) * 1440 + int(hours or 0) * 60 + int(rest.removesuffix("m") or 0)
    assert total == abs(minutes)
    assert said.endswith(" left") == (minutes > 0)


def _state(summary: str, remaining: timedelta) -> TargetState:
    return TargetState(team_id="T1", key="ticket:1:target:1", target_id=1, agreement_id=1, subject=Subject.TICKET,
                       level=Level.BREACHED, percent_used=100.0, summary=summary, remaining=remaining)


def test_over_by_is_said_once_however_long_ago():
    """A clock's summary that says how far over it is needs no second "over by" beside it (a day over, the two
    used to read "over by 1d 17h (1d 21h of 4h), over by 1d17h2m")."""
    assert left_beside(_state("over by 1d 17h (1d 21h of 4h)", -timedelta(days=1, hours=17, minutes=2))) == ""
    assert left_beside(_state("3h12m of 4h used", timedelta(minutes=48))) == "48m left"
    assert left_beside(_state("99.2% so far", -timedelta(minutes=5))) == "over by 5m"
