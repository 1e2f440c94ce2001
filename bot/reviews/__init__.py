"""Service reviews (competency 6.5): the agreed cadence, each review's reminders, pack, thread and minutes, and the
periodic review of the SLA itself."""
# Reminding (slice H2): each review's reminders as rows (importing this registers their handlers), the answers to
# them, and snoozes.
from bot.reviews import attendance, reminding
from bot.reviews.attendance import SNOOZES, answer, snooze
from bot.reviews.offsets import Offset, due_before, parse_offset
from bot.reviews.reminding import cancel_review, reminder_times, schedule_review

__all__ = [
    # reminding (H2)
    "attendance", "reminding", "SNOOZES", "answer", "snooze", "Offset", "due_before", "parse_offset",
    "cancel_review", "reminder_times", "schedule_review",
]
