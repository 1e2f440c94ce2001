"""Service reviews (competency 6.5): the agreed cadence, each review's reminders, pack, thread and minutes, and the
periodic review of the SLA itself."""
# The review pack (slice H3): figures, service credits, chart, document, and its posting.
from bot.reviews.pack import Pack, agreed_content, build_pack
from bot.reviews.pack_period import PeriodProblem, last_whole_period, parse_period
from bot.reviews.pack_posting import DOCS as PACK_DOCS
from bot.reviews.pack_posting import on_demand_key, pack_key, queue_pack

__all__ = [
    # the review pack (slice H3)
    "Pack", "agreed_content", "build_pack", "PeriodProblem", "last_whole_period", "parse_period", "PACK_DOCS", "on_demand_key",
    "pack_key", "queue_pack",
]
