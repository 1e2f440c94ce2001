"""Service reviews (competency 6.5): the agreed cadence, each review's reminders, pack, thread and minutes, and the
periodic review of the SLA itself.

- cadence, planning: how often, how and with whom an SLA is reviewed (proposed, countered, accepted), and the next
  review planned from it, with the period it looks back on;
- reminding, attendance, offsets, reminder_keys: each review's reminders as bot.reminders rows (the attendees' DMs,
  the channel's notice), the answers to them, and snoozes;
- pack, pack_period, pack_preview, pack_document, pack_posting, chart: the review pack, its service credits, chart
  and document, posted the day before and on demand;
- notes, closing: the thread's decisions and actions, known risks, and closing with the minutes;
- sla_review: the SLA's own periodic review, with the financial year;
- verification, relationship (issue 13): whether an action's target recovered after it was done, and one
  party's relationship across its agreements.

- home (issue 13, the App Home): what is each person's own, one question per function, and a service manager's SLAs.

Importing this package registers every reminder handler of reviews (bot.jobs imports it).
"""
from bot.reviews import attendance, closing, home, notes, planning, reminding, sla_review, verification
from bot.reviews.attendance import SNOOZES, answer, snooze
from bot.reviews.cadence import (
    Answered,
    CadenceInput,
    StaleAnswer,
    accept,
    check_may_counter,
    counter,
    defaults,
    propose,
    standing,
    support_parties,
    waits_for,
    who_may,
)
from bot.reviews.cadence import get as get_arrangement
from bot.reviews.cadence import of as arrangement_of
from bot.reviews.closing import AlreadyClosed, Closed, close_review, render_minutes
from bot.reviews.notes import add_risk, close_risk, open_risks, record_note, review_of_message
from bot.reviews.offsets import Offset, due_at, due_before, is_working_day, parse_offset
from bot.reviews.pack import Pack, agreed_content, build_pack
from bot.reviews.pack_period import PeriodProblem, last_whole_period, parse_period
from bot.reviews.pack_posting import on_demand_key, pack_key, queue_pack
from bot.reviews.planning import period_under_review, plan_next, replan
from bot.reviews.reminding import cancel_review, reminder_times, schedule_review
# issue 13, slice D (relation): verification of actions and the relationship view
from bot.reviews.verification import plan_missing as plan_missing_verifications
from bot.reviews.verification import plan_verification

__all__ = [
    # modules
    "attendance", "closing", "notes", "planning", "reminding", "sla_review",
    # the cadence and planning
    "Answered", "CadenceInput", "StaleAnswer", "accept", "check_may_counter", "counter", "defaults", "propose",
    "standing", "support_parties", "waits_for", "who_may", "get_arrangement", "arrangement_of",
    "period_under_review", "plan_next", "replan",
    # reminders and answers
    "SNOOZES", "answer", "snooze", "Offset", "due_at", "due_before", "is_working_day", "parse_offset",
    "cancel_review", "reminder_times", "schedule_review",
    # the pack
    "Pack", "agreed_content", "build_pack", "PeriodProblem", "last_whole_period", "parse_period",
    "on_demand_key", "pack_key", "queue_pack",
    # the thread and closing
    "AlreadyClosed", "Closed", "close_review", "render_minutes", "add_risk", "close_risk", "open_risks",
    "record_note", "review_of_message",
    # issue 13, slice D (relation): verification of actions and the relationship view
    "verification", "plan_missing_verifications", "plan_verification",
    # issue 13, the App Home slice
    "home",
]
