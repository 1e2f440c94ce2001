"""What a requirement's target measures, and how a typed value of it is read into canonical form.

The interview, the records and the listing all speak of metrics: a metric has a label,
the category of requirement it belongs to, and a kind that says which `bot.parsing`
reader takes its values. The periods, priority levels and the longest statement kept are
shared by all three too.
"""
from __future__ import annotations

from dataclasses import dataclass

from bot import parsing
from models import Category, Requirement

PERIODS = ("weekly", "monthly", "quarterly", "yearly")
LEVELS = ("P1", "P2", "P3", "P4")
STATEMENT_MAX = 3000


# ---- metrics: what a target measures, and how its value is read ------------------------------
@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    category: Category
    kind: str  # percent | duration | hours | quantity | money

    def read(self, text: str, default_tz: str) -> str:
        """The canonical form of a typed value; raises parsing.ParseError with an example."""
        if self.kind == "percent":
            return parsing.format_percentage(parsing.parse_percentage(text))
        if self.kind == "duration":
            return parsing.format_duration(parsing.parse_duration(text))
        if self.kind == "hours":
            return parsing.format_service_hours(parsing.parse_service_hours(text, default_tz))
        if self.kind == "money":
            return parsing.format_money(parsing.parse_money(text))
        return parsing.format_quantity(parsing.parse_quantity(text))


METRICS: dict[str, Metric] = {m.name: m for m in (
    Metric("availability", "Availability", Category.AVAILABILITY, "percent"),
    Metric("service_hours", "Hours the service is needed", Category.AVAILABILITY, "hours"),
    Metric("maintenance_window", "Maintenance windows", Category.AVAILABILITY, "hours"),
    Metric("response_time", "Response time", Category.RESPONSE_TIME, "duration"),
    Metric("resolution_time", "Resolution time", Category.RESOLUTION_TIME, "duration"),
    Metric("support_hours", "Support hours", Category.SUPPORT_HOURS, "hours"),
    Metric("volume", "Volume", Category.CAPACITY, "quantity"),
    Metric("performance", "Performance threshold", Category.CAPACITY, "quantity"),
    Metric("outage_cost", "Cost of an outage", Category.OTHER, "money"),
)}

# For a quoted message: the measurable target each category takes, if any.
CATEGORY_METRIC = {
    Category.AVAILABILITY: "availability", Category.RESPONSE_TIME: "response_time",
    Category.RESOLUTION_TIME: "resolution_time", Category.SUPPORT_HOURS: "support_hours",
    Category.CAPACITY: "performance",
}



def metric_of(req: Requirement) -> Metric | None:
    """What a requirement's target measures: its own metric, or the one its category takes."""
    return METRICS.get(req.metric or CATEGORY_METRIC.get(Category(req.category), ""))

