"""Breaches (competency 6.4): a target at risk or missed becomes one alert to whoever owns it, followed until resolved.

`sweep` takes the evaluation's states (`bot.measurements.states.TargetState`) and moves each breach forward:
warning, breached, acknowledged, resolved (a reopened ticket opens it again). Each move edits every copy of the
alert in place and adds a line to its thread, all through the once-only outbox: the alert is stored before it is
sent, and its edits follow it (`parent_key`), in order, whatever Slack does in between. An alert nobody
acknowledges within the time set for its priority is escalated to the service managers by DM.

Modules: `alerts` (a breach's life and its messages), `routing` (who hears it), `escalation` (when it goes up),
`jobs` (the sweep the scheduler runs). Errors carry plain words; the messages are rendered from templates with
the context `alert_context` builds.
"""
from __future__ import annotations

from bot.breaches.words import left_beside, left_text
from bot.breaches.alerts import (
    ALERT,
    NOTE,
    ESCALATED,
    OPEN,
    post_key,
    alert_context,
    by_key,
    apply,
    sweep,
    get,
    REMEDY_REFUSED,
    may_act_on,
    acknowledge,
    escalate,
    escalate_by_hand,
    key_prefix,
    open_breaches,
)
from bot.breaches.remedies import add_remedial_action, improvable_targets

__all__ = [
    "ALERT",
    "NOTE",
    "ESCALATED",
    "OPEN",
    "post_key",
    "left_beside",
    "left_text",
    "alert_context",
    "by_key",
    "apply",
    "sweep",
    "get",
    "REMEDY_REFUSED",
    "may_act_on",
    "acknowledge",
    "escalate",
    "escalate_by_hand",
    "improvable_targets",
    "key_prefix",
    "add_remedial_action",
    "open_breaches",
]
