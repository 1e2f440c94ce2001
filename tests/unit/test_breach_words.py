"""How far gone a breach is, in the words its alert uses."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.breaches import left_text


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
