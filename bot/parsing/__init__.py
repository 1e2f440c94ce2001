"""Reading what people type into Slack modal fields.

Service level targets arrive as free text ("4 business hours", "99,9 %",
"Mon-Fri 9am-5pm America/New_York"), so this module turns that text into
exact values, prints values back in one canonical spelling, and, when it
cannot read something, raises :class:`ParseError` whose message is a full
sentence for the user that names what they typed and shows an example that
works.

Rules every parser here follows:

* ``parse_x(format_x(v)) == v`` for every valid value ``v`` (the tests check
  this with Hypothesis), so the canonical form can be echoed back to the user
  and stored safely.
* On any ``str`` input the parsers raise nothing but :class:`ParseError`
  (``None``, as Slack sends for an empty optional field, counts as empty).
* Numbers are exact (``int``/``Decimal``); floats never appear, because an
  SLA of 99.9% must not become 99.90000000000001%.

This module is deliberately pure: standard library plus ``zoneinfo`` only, no
Slack, database or project imports, so it can be used (and tested) anywhere.
"""

from bot.parsing._common import ParseError
from bot.parsing.durations import (
    Duration,
    duration_within,
    format_duration,
    parse_duration,
    response_after_resolution,
)
from bot.parsing.money import Money, format_money, parse_money
from bot.parsing.hours import ServiceHours, format_days, format_service_hours, merge_spans, parse_service_hours
from bot.parsing.percentages import format_percentage, parse_percentage
from bot.parsing.quantities import Quantity, format_quantity, parse_quantity

__all__ = [
    "ParseError",
    "Duration",
    "parse_duration",
    "format_duration",
    "duration_within",
    "response_after_resolution",
    "parse_percentage",
    "format_percentage",
    "ServiceHours",
    "parse_service_hours",
    "format_service_hours",
    "format_days",
    "merge_spans",
    "Money",
    "parse_money",
    "format_money",
    "Quantity",
    "parse_quantity",
    "format_quantity",
]
