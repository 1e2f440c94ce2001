"""The state of one measured thing against one SLA target, as evaluation hands it to the breaches domain.

This is the contract between `bot.measurements` (which computes states) and `bot.breaches` (which turns a state
that warns or breaches into one alert, updated in place as the state moves). Plain data, no Slack.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"    # the target's warning_percent of its clock or budget is used, or a burn-rate alert fires
    BREACHED = "breached"  # 100% used: the target is missed


class Subject(StrEnum):
    TICKET = "ticket"              # a response or resolution clock of one ticket
    AVAILABILITY = "availability"  # a period's availability goal
    METRIC = "metric"              # a period's metric goal
    BUDGET = "budget"              # the error budget burning too fast (burn-rate alert), before the breach


@dataclass(frozen=True)
class TargetState:
    team_id: str
    # Stable for the thing measured, so a later evaluation of the same thing finds the same alert:
    # "ticket:<ticket id>:target:<target id>", "period:<target id>:<period start ISO date>",
    # "burn:<target id>:<period start ISO date>".
    key: str
    target_id: int          # the SLA (or OLA/UC) target measured
    agreement_id: int
    subject: Subject
    level: Level
    percent_used: float     # of the clock, or of the period's error budget (may exceed 100)
    summary: str            # plain words, no markup: "3h12m of 4h used", "at this rate this month's 99.9% is gone in 2 days"
    ticket_id: int | None = None
    ticket_ref: str | None = None          # the sender's ticket id, as people know it
    assigned_group_id: int | None = None   # the support group the ticket is assigned to (a party id)
    used: timedelta | None = None          # ticket clocks: business time counted so far
    allowed: timedelta | None = None       # ticket clocks: the target's duration, as business time
    remaining: timedelta | None = None     # to the breach (negative: over by)
    warned_at: datetime | None = None      # when it crossed the warning level
    breached_at: datetime | None = None    # when it crossed 100%
    period_start: datetime | None = None
    period_end: datetime | None = None
    achieved: float | None = None          # period goals: the achieved percentage so far
    goal: float | None = None              # period goals: the agreed percentage
    ended: bool = False                    # the clock stopped (ticket resolved / period over): no further change
