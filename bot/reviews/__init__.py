"""Service reviews (competency 6.5): the agreed cadence, each review's reminders, pack, thread and minutes, and the
periodic review of the SLA itself."""

# The review's thread (slice H4): decisions and remedial actions from its messages, known risks, and closing it.
from bot.reviews import notes  # noqa: E402  (the docstring first)
from bot.reviews import closing  # noqa: E402
from bot.reviews.closing import AlreadyClosed, Closed, close_review, render_minutes  # noqa: E402
from bot.reviews.notes import add_risk, close_risk, open_risks, record_note, review_of_message  # noqa: E402

# Reminding (slice H2): each review's reminders as rows (importing this registers their handlers), the answers to
# them, and snoozes.
from bot.reviews import attendance, reminding  # noqa: E402
from bot.reviews.attendance import SNOOZES, answer, snooze  # noqa: E402
from bot.reviews.offsets import Offset, due_before, parse_offset  # noqa: E402
from bot.reviews.reminding import cancel_review, reminder_times, schedule_review  # noqa: E402

__all__ = [
    # slice H4: the thread
    "notes", "closing", "AlreadyClosed", "Closed", "close_review", "render_minutes", "add_risk", "close_risk",
    "open_risks", "record_note", "review_of_message",
    # slice H2: reminding
    "attendance", "reminding", "SNOOZES", "answer", "snooze", "Offset", "due_before", "parse_offset",
    "cancel_review", "reminder_times", "schedule_review",
]

# ---- the cadence slice (H1): the arrangement agreed between the sides, and the reviews it plans ----
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
from bot.reviews.offsets import due_at, is_working_day
from bot.reviews.planning import period_under_review, plan_next, replan

__all__ += [
    # the cadence slice (H1)
    "Answered", "CadenceInput", "StaleAnswer", "accept", "check_may_counter", "counter", "defaults", "propose",
    "standing", "support_parties", "waits_for", "who_may", "get_arrangement", "arrangement_of", "due_at",
    "is_working_day", "period_under_review", "plan_next", "replan",
]
# The periodic SLA review (slice H5): imported here so its reminder handler is registered wherever reviews are.
from bot.reviews import sla_review  # noqa: E402

__all__ += ["sla_review"]
