"""Suppliers' contracts over their life (issue 17; ISO/IEC 20000-1 8.3.4.1): each underpinning contract's (and
OLA's) owner and review cadence, the review reminder and its outcome, what a proposed change would weaken in the
SLAs above it, and disputes with suppliers.

- `care`: owner and cadence as they stand; `ownership`: setting them;
- `reviews`: the reminder (kind `contract.review`), what it shows, the outcome;
- `changes`: the back-to-back check re-run with a proposed version's targets;
- `disputes`: raise, list, close. (The supplier's scorecard in the relationship view is
  bot.reviews.supplier_scorecard, which reads these.)

Importing this package registers the review reminder's handler (bot.reminders).
"""
from __future__ import annotations

from bot.suppliers import care, changes, disputes, ownership, reviews  # noqa: F401

__all__ = ["care", "changes", "disputes", "ownership", "reviews"]
