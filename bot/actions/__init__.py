"""Actions: upgrades and remedial or improvement work, followed until done.

One entity (models.Action), whatever its kind:
- `records`: recording an action (numbered per workspace) with where it came from, who may move one along.
- `moves`: open -> in progress -> done | cancelled (with a closing note), and a new due date; each idempotent.
- `origins`: a link back to the Slack message an action arose in.
- `listing`: `/slm actions [mine|<sla>|<party>|overdue]`, a page at a time.
- `upgrades`: the upgrade kind: the open upgrades on a target, accepting one as the plan for its gap.
- `nudges` and `nudging` (issue 13, slice B): the owner's DMs before the due date, on the day and daily once overdue,
  the service managers' weekly ones, and their snoozes.

Actions know nothing of cover: bot.cover reads them (which gap an upgrade is for, whether its plan holds).
"""
from __future__ import annotations

from bot.actions.listing import Filter, Page, page, read_filter
from bot.actions.moves import Moved, close_action, move, move_due, require_may_move
from bot.actions.origins import message_link
from bot.actions.records import (OPEN_STATUSES, add_action, add_by_command, by_number, improvable_targets,
                                 list_actions, may_close, may_move, party_contacts, tell_owner)
from bot.actions.upgrades import Upgrade, accept_plan, any_open_on, open_upgrades_on
# issue 13, slice B (nudges): importing `nudging` registers the nudges' reminder handlers
from bot.actions import nudges, nudging

__all__ = ["nudges", "nudging", "Filter", "Moved", "OPEN_STATUSES", "Page", "Upgrade", "accept_plan", "add_action", "add_by_command",
           "any_open_on", "by_number", "close_action", "improvable_targets", "list_actions", "may_close", "may_move",
           "message_link", "move", "move_due", "open_upgrades_on", "page", "party_contacts", "read_filter",
           "require_may_move", "tell_owner"]
