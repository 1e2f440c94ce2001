"""The benchmark library as the bot reads it: sourced points grouped by metric, tier and priority.

Pure Python: it imports nothing from Slack or the database. Loading and checking the
YAML files is `bot.benchmarks.loading` (with the file schema in `bot.benchmarks.schema`).
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Iterator

from bot.benchmarks.vocabulary import LOWER_IS_STRICTER, METRICS, normalise_priority, normalise_text, resolve_metric


# -------------------------------------------------------------------- data model


@dataclass(frozen=True)
class Source:
    publisher: str
    document: str
    year: int
    url: str
    #: What the document says about its own date ("Last Updated: ...") or that
    #: it is undated and the year is estimated.
    dated: str | None = None

    def cite(self) -> str:
        return f"{self.publisher}, {self.document} ({self.year}), {self.url}"


@dataclass(frozen=True)
class Point:
    value: Decimal
    as_stated: str
    source: Source
    #: Measurement period if it differs from the group's (e.g. quarterly uptime).
    period: str | None = None
    #: "24x7" or "business_hours" when the source says which clock applies.
    clock: str | None = None
    note: str | None = None
    #: File the point was loaded from (shipped library or an organisation file).
    origin: str = ""


@dataclass(frozen=True)
class Benchmark:
    """A comparison class (metric + tier + priority) and its sourced points."""

    metric: str
    tier: str
    priority: str | None
    unit: str
    period: str | None
    points: tuple[Point, ...]
    notes: str | None = None

    # -- numbers -------------------------------------------------------------
    @property
    def values(self) -> list[Decimal]:
        return sorted(p.value for p in self.points)

    @property
    def low(self) -> Decimal:
        """Numeric minimum of the points' values (see :attr:`strictest`)."""
        return min(p.value for p in self.points)

    @property
    def high(self) -> Decimal:
        """Numeric maximum of the points' values (see :attr:`loosest`)."""
        return max(p.value for p in self.points)

    @property
    def typical(self) -> Decimal:
        """Median of the points' values (mean of the middle two for an even count)."""
        return Decimal(statistics.median(self.values))

    @property
    def lower_is_stricter(self) -> bool:
        return self.metric in LOWER_IS_STRICTER

    @property
    def strictest(self) -> Decimal:
        """Most demanding published value: the minimum for times, else the maximum."""
        return self.low if self.lower_is_stricter else self.high

    @property
    def loosest(self) -> Decimal:
        """Least demanding published value: the maximum for times, else the minimum."""
        return self.high if self.lower_is_stricter else self.low

    # -- sources -------------------------------------------------------------
    @property
    def sources(self) -> list[Source]:
        seen: dict[tuple[str, str, int, str], Source] = {}
        for p in self.points:
            key = (p.source.publisher, p.source.document, p.source.year, p.source.url)
            seen.setdefault(key, p.source)
        return list(seen.values())

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.metric, self.tier.casefold(), self.priority)

    def summary(self) -> str:
        """One line for a chat reply, e.g. ``P1 response_time, ...: 15-60 minutes (typical 30, n=6)``."""
        label = f"{self.priority} {self.metric}" if self.priority else self.metric
        return (
            f"{label}, {self.tier}: {_fmt(self.low)}-{_fmt(self.high)} {self.unit} "
            f"(typical {_fmt(self.typical)}, strictest {_fmt(self.strictest)}, n={len(self.points)})"
        )


def _fmt(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


# ------------------------------------------------------------------------ library


@dataclass
class BenchmarkLibrary:
    benchmarks: list[Benchmark] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def __iter__(self) -> Iterator[Benchmark]:
        return iter(self.benchmarks)

    def __len__(self) -> int:
        return len(self.benchmarks)

    @property
    def points(self) -> list[Point]:
        return [p for b in self.benchmarks for p in b.points]

    def metrics(self) -> list[str]:
        """Metrics that have at least one group, in canonical order."""
        present = {b.metric for b in self.benchmarks}
        return [m for m in METRICS if m in present]

    def tiers(self, metric: str | None = None) -> list[str]:
        wanted = resolve_metric(metric) if metric else None
        out: list[str] = []
        for b in self.benchmarks:
            if (wanted is None or b.metric == wanted) and b.tier not in out:
                out.append(b.tier)
        return out

    def find(self, metric: str, priority: str | None = None, tier: str | None = None) -> list[Benchmark]:
        """Groups for ``metric`` (canonical name or alias).

        ``priority`` ("P1" / "p1" / 1) keeps only groups of that priority;
        ``tier`` keeps groups whose tier contains that text (case-insensitive).
        Unknown metric -> empty list.  Results keep the file order.
        """
        canonical = resolve_metric(metric)
        if canonical is None:
            return []
        wanted_priority = None
        if priority is not None:
            try:
                wanted_priority = normalise_priority(priority)
            except ValueError:
                return []
        needle = normalise_text(tier) if tier else None
        out = []
        for b in self.benchmarks:
            if b.metric != canonical:
                continue
            if wanted_priority is not None and b.priority != wanted_priority:
                continue
            if needle is not None and needle not in normalise_text(b.tier):
                continue
            out.append(b)
        return out
