"""How far a breach's clock is from its target, in the words of its alert: "48m left", "over by 1h5m"."""
from __future__ import annotations

from datetime import timedelta

from bot.measurements.states import TargetState


def _hm(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{minutes}m" if minutes or not (days or hours) else ""]
    return "".join(parts)


def left_text(remaining: timedelta | None) -> str:
    """"48m left", "over by 1h5m", or "" when the evaluation gave no clock."""
    if remaining is None:
        return ""
    return f"{_hm(remaining)} left" if remaining > timedelta(0) else f"over by {_hm(remaining)}"


def left_beside(state: TargetState) -> str:
    """The time left or over, unless the clock's summary already says how far over it is."""
    said = left_text(state.remaining)
    return "" if said.startswith("over by") and "over by" in state.summary else said
