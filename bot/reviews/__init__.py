"""Service reviews (competency 6.5): the agreed cadence, each review's reminders, pack, thread and minutes, and the
periodic review of the SLA itself."""

# The periodic SLA review (slice H5): imported here so its reminder handler is registered wherever reviews are.
from bot.reviews import sla_review  # noqa: E402

__all__ = ["sla_review"]
