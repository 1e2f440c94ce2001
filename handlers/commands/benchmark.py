import re
from decimal import Decimal

from bot import parsing
from bot.benchmarks import resolve_metric
from handlers import registry
from handlers.commands.router import SlashRequest
from messages import render_message

LEVEL = re.compile(r"\bp([1-4])\b", re.IGNORECASE)


def _formatter(unit: str):
    if unit == "percent":
        return lambda v: parsing.format_percentage(Decimal(v).normalize())
    if unit == "minutes":
        return lambda v: parsing.format_duration(parsing.Duration(minutes=max(1, int(v))))
    return lambda v: f"{Decimal(v).normalize():f}h a week"


@registry.command("benchmark", "/slm benchmark <metric> [P1-P4]",
                  "Comparable published targets (availability, response time, resolution time, support hours), with sources")
def show_benchmark(req: SlashRequest) -> None:
    library = req.deps.benchmarks
    level = LEVEL.search(req.args)
    words = LEVEL.sub("", req.args).strip()
    metric = resolve_metric(words) if words else None
    priority = f"P{level.group(1)}" if level else None
    groups = library.find(metric, priority=priority) if metric else []
    if metric and not groups:
        metric = None
    fmt = _formatter(groups[0].unit) if groups else None
    req.respond(**render_message("benchmark.yml.j2", metric=metric, priority=priority, groups=groups, fmt=fmt,
                                 asked=req.args, metrics=library.metrics()))
