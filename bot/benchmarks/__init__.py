"""Benchmark library of comparable, publicly sourced service level targets.

A service manager negotiating targets with a customer can ask the bot "what do
comparable services commit to?" and get low / typical / high values for a
metric, each value traceable to a named public source (publisher, document,
year, URL and what the document states).  The shipped library lives in
``bot/data/benchmarks.yml``; an organisation may add its own YAML files of the
same schema (see the comment at the top of that file).

Pure Python: it imports nothing from Slack or the database.

- `vocabulary`: the metrics, their units, priorities and clocks, and what people call them;
- `library`: sources, points, groups (:class:`Benchmark`) and the :class:`BenchmarkLibrary` to query;
- `schema`: the YAML file's schema (pydantic models), its errors said in the library's words;
- `loading`: reading, checking and merging the files (:func:`load_benchmarks`).

Direction of "better"
---------------------
For ``availability`` and ``support_hours`` a *higher* value is stricter (more
demanding for the provider).  For ``response_time`` and ``resolution_time`` a
*lower* value is stricter.  :attr:`Benchmark.low` / :attr:`Benchmark.high` are
always the numeric minimum / maximum; :attr:`Benchmark.strictest` /
:attr:`Benchmark.loosest` take the direction into account, so callers that want
"the most demanding published target" should use ``strictest``.
"""

from bot.benchmarks.library import Benchmark, BenchmarkLibrary, Point, Source
from bot.benchmarks.loading import BenchmarkFileError, load_benchmarks, shipped_benchmarks_path
from bot.benchmarks.vocabulary import LOWER_IS_STRICTER, METRICS, PRIORITIES, UNITS, metric_aliases, resolve_metric

__all__ = [
    "METRICS",
    "UNITS",
    "PRIORITIES",
    "LOWER_IS_STRICTER",
    "metric_aliases",
    "resolve_metric",
    "BenchmarkFileError",
    "Source",
    "Point",
    "Benchmark",
    "BenchmarkLibrary",
    "load_benchmarks",
    "shipped_benchmarks_path",
]
