"""Actions: upgrades and remedial or improvement work, followed until done.

One entity (models.Action), whatever its kind:
- `records`: recording an action (numbered per workspace), listing them, who may close one, closing it.
- `upgrades`: the upgrade kind: the open upgrades on a target, accepting one as the plan for its gap.
- `nudges` and `nudging` (issue 13, slice B): the owner's DMs before the due date, on the day and daily once overdue,
  the service managers' weekly ones, and their snoozes.

Actions know nothing of cover: bot.cover reads them (which gap an upgrade is for, whether its plan holds).
"""
from __future__ import annotations

from bot.actions.records import add_action, close_action, list_actions, may_close
from bot.actions.upgrades import Upgrade, accept_plan, any_open_on, open_upgrades_on
# issue 13, slice B (nudges): importing `nudging` registers the nudges' reminder handlers
from bot.actions import nudges, nudging

__all__ = ["nudges", "nudging",
           "Upgrade", "accept_plan", "add_action", "any_open_on", "close_action", "list_actions", "may_close",
           "open_upgrades_on"]
