"""Tests for the sourced benchmark library (bot/benchmarks/, bot/data/benchmarks.yml)."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from bot.benchmarks import (
    METRICS,
    PRIORITIES,
    UNITS,
    BenchmarkFileError,
    load_benchmarks,
    metric_aliases,
    resolve_metric,
    shipped_benchmarks_path,
)

ORG_FILE = """
benchmarks:
  # adds a point to the shipped P1 business-tier group (tier matched case-insensitively)
  - metric: response_time
    tier: "vendor technical support, business/production tier"
    priority: p1
    unit: minutes
    points:
      - value: 30
        as_stated: "Gold contract: Priority 1 incidents answered within 30 minutes, 24x7."
        source:
          publisher: "Example Hosting Ltd"
          document: "Managed Hosting Service Description v3"
          year: 2025
          url: "https://example.com/service-description-v3.pdf"
  # a new group
  - metric: resolution_time
    tier: "Internal IT, desktop support"
    priority: P3
    unit: minutes
    period: monthly
    points:
      - value: 2400
        as_stated: "P3 incidents resolved within 5 business days (40 business hours)."
        source:
          publisher: "Example Corp IT"
          document: "Desktop Support OLA"
          year: 2024
          url: "https://intranet.example.com/ola/desktop"
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def library():
    return load_benchmarks()


# ------------------------------------------------------------------- shipped file


def test_shipped_file_exists_and_loads(library):
    assert shipped_benchmarks_path().is_file()
    assert len(library) > 0
    assert 25 <= len(library.points) <= 80
    assert set(library.metrics()) >= {"availability", "response_time", "support_hours"}
    assert library.metrics() == [m for m in METRICS if m in library.metrics()]


def test_every_point_has_a_full_source_with_https_url_and_year(library):
    for bench in library:
        for point in bench.points:
            src = point.source
            assert src.publisher.strip() and src.document.strip(), point
            assert src.url.startswith("https://") and len(src.url) > len("https://"), point
            assert isinstance(src.year, int) and 1990 <= src.year <= 2100, point
            assert point.as_stated.strip(), point


def test_every_group_is_ordered_low_typical_high(library):
    for bench in library:
        assert bench.points
        assert bench.low <= bench.typical <= bench.high, bench.summary()
        assert all(isinstance(v, Decimal) for v in (bench.low, bench.typical, bench.high))


def test_units_match_metrics_and_priorities_are_valid(library):
    for bench in library:
        assert bench.unit == UNITS[bench.metric]
        assert bench.priority is None or bench.priority in PRIORITIES
        if bench.metric == "availability":
            assert bench.priority is None
            assert all(Decimal(0) < p.value <= Decimal(100) for p in bench.points)


def test_group_keys_are_unique(library):
    keys = [b.key for b in library]
    assert len(keys) == len(set(keys))


def test_strictest_and_loosest_follow_the_metric_direction(library):
    [resp] = library.find("response_time", priority="P1", tier="enterprise")
    assert resp.lower_is_stricter
    assert resp.strictest == resp.low and resp.loosest == resp.high
    [multi_zone] = library.find("availability", tier="multi-zone")
    assert not multi_zone.lower_is_stricter
    assert multi_zone.strictest == multi_zone.high and multi_zone.loosest == multi_zone.low


# ---------------------------------------------------------------------- find()


def test_find_by_metric_and_priority(library):
    p1 = library.find("response_time", priority="P1")
    assert p1 and all(b.metric == "response_time" and b.priority == "P1" for b in p1)
    assert library.find("response_time", priority="p1") == p1
    p2 = library.find("response_time", priority="P2")
    assert p2 and not set(b.key for b in p1) & set(b.key for b in p2)

    every_response = library.find("response_time")
    assert {b.priority for b in every_response} >= {"P1", "P2"}

    availability = library.find("uptime")
    assert availability and all(b.metric == "availability" for b in availability)

    assert library.find("availability", tier="MULTI-ZONE")[0].tier == "IaaS compute, multi-zone deployment"
    assert library.find("no such metric") == []
    assert library.find("response_time", priority="P9") == []


def test_typical_is_the_median():
    lib = load_benchmarks()
    [group] = lib.find("response_time", priority="P1", tier="enterprise")
    values = sorted(p.value for p in group.points)
    n = len(values)
    expected = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    assert group.typical == expected


# ------------------------------------------------------------ organisation files


def test_extra_org_file_adds_points_and_a_new_group(tmp_path, library):
    org = write(tmp_path, "org.yml", ORG_FILE)
    merged = load_benchmarks([org])

    [before] = library.find("response_time", priority="P1", tier="business/production")
    [after] = merged.find("response_time", priority="P1", tier="business/production")
    assert len(after.points) == len(before.points) + 1
    assert after.tier == before.tier  # shipped label kept
    assert after.low == Decimal(30)
    assert after.points[-1].origin == str(org)

    [new] = merged.find("fix time", priority="P3", tier="Internal IT")
    assert new.metric == "resolution_time" and new.tier == "Internal IT, desktop support"
    assert new.typical == Decimal(2400)
    assert "resolution_time" in merged.metrics()
    assert len(merged) == len(library) + 1
    assert str(org) in merged.files


def test_extra_directory_is_read(tmp_path):
    d = tmp_path / "benchmarks.d"
    d.mkdir()
    write(d, "a.yaml", ORG_FILE)
    (d / "readme.txt").write_text("ignored", encoding="utf-8")
    merged = load_benchmarks([d])
    assert merged.find("resolution_time")


def test_org_only_library(tmp_path):
    lib = load_benchmarks([write(tmp_path, "org.yml", ORG_FILE)], include_shipped=False)
    assert len(lib) == 2


BROKEN_CASES = [
    pytest.param(
        """
        benchmarks:
          - metric: mttr
            tier: "x"
            priority: null
            unit: minutes
            points: []
        """,
        ["entry 0", "unknown metric 'mttr'"],
        id="unknown-metric",
    ),
    pytest.param(
        """
        benchmarks:
          - metric: availability
            tier: "ok"
            priority: null
            unit: percent
            points:
              - value: 99.9
                as_stated: "fine"
                source: {publisher: "P", document: "D", year: 2024, url: "https://example.com/"}
          - metric: availability
            tier: "x"
            priority: null
            unit: percent
            points:
              - value: 99.9
                as_stated: "says so"
                source: {publisher: "P", document: "D", year: 2024}
        """,
        ["entry 1", "point 0", "missing source field 'url'"],
        id="missing-source-field",
    ),
    pytest.param(
        """
        benchmarks:
          - metric: response_time
            tier: "x"
            priority: P1
            unit: minutes
            points:
              - value: "about an hour"
                as_stated: "fast"
                source: {publisher: "P", document: "D", year: 2024, url: "https://example.com/"}
        """,
        ["entry 0", "not numeric"],
        id="non-numeric-value",
    ),
    pytest.param(
        """
        benchmarks:
          - metric: availability
            tier: "x"
            priority: null
            unit: minutes
            points:
              - value: 99.9
                as_stated: "says so"
                source: {publisher: "P", document: "D", year: 2024, url: "https://example.com/"}
        """,
        ["entry 0", "unit 'minutes' does not match metric 'availability'"],
        id="unit-mismatch",
    ),
    pytest.param(
        """
        benchmarks:
          - metric: availability
            tier: "x"
            priority: null
            unit: percent
            points:
              - value: 99.9
                as_stated: "says so"
                source: {publisher: "P", document: "D", year: 2024, url: "http://example.com/"}
        """,
        ["https URL"],
        id="plain-http-url",
    ),
    pytest.param("benchmarks: [\n  - {metric: availability\n", ["not valid YAML"], id="bad-yaml"),
    pytest.param("just: text\n", ["'benchmarks' list"], id="no-benchmarks-list"),
]


@pytest.mark.parametrize(("text", "expected"), BROKEN_CASES)
def test_broken_extra_file_names_file_and_problem(tmp_path, text, expected):
    bad = write(tmp_path, "broken.yml", text)
    with pytest.raises(BenchmarkFileError) as info:
        load_benchmarks([bad])
    message = str(info.value)
    assert str(bad) in message
    for fragment in expected:
        assert fragment in message
    assert info.value.path == str(bad)


def test_missing_extra_path_is_an_error(tmp_path):
    with pytest.raises(BenchmarkFileError, match="no such file"):
        load_benchmarks([tmp_path / "nope.yml"])


def test_conflicting_period_is_rejected(tmp_path):
    bad = write(
        tmp_path,
        "period.yml",
        """
        benchmarks:
          - metric: availability
            tier: "IaaS compute, multi-zone deployment"
            priority: null
            unit: percent
            period: yearly
            points:
              - value: 99.95
                as_stated: "annual commitment"
                source: {publisher: "P", document: "D", year: 2024, url: "https://example.com/"}
        """,
    )
    with pytest.raises(BenchmarkFileError, match="period 'yearly' conflicts"):
        load_benchmarks([bad])


# --------------------------------------------------------------------- aliases


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("availability", "availability"),
        ("Uptime", "availability"),
        ("response", "response_time"),
        ("response time", "response_time"),
        ("First  Response", "response_time"),
        ("response_time", "response_time"),
        ("resolution", "resolution_time"),
        ("resolution time", "resolution_time"),
        ("fix time", "resolution_time"),
        ("support hours", "support_hours"),
        ("hours", "support_hours"),
        ("support-hours", "support_hours"),
    ],
)
def test_resolve_metric_aliases(text, metric):
    assert resolve_metric(text) == metric


@pytest.mark.parametrize("text", ["", None, "latency", "price", "   "])
def test_resolve_metric_unknown(text):
    assert resolve_metric(text) is None


def test_alias_table_points_at_known_metrics():
    assert set(metric_aliases.values()) <= set(METRICS)


# ------------------------------------------------- the schema's problems, in the library's words

GOOD_SOURCE = '{publisher: "P", document: "D", year: 2024, url: "https://example.com/"}'


def entry(extra: str = "", point: str = "", source: str = GOOD_SOURCE, value: str = "value: 99.9") -> str:
    return f"""
        benchmarks:
          - metric: availability
            tier: "x"
            priority: null
            unit: percent{extra}
            points:
              - {value}
                as_stated: "says so"
                source: {source}{point}
        """


SCHEMA_CASES = [
    pytest.param(entry(extra="\n            colour: red\n            flavour: sweet"),
                 "entry 0: unknown field(s): colour, flavour", id="unknown-entry-fields"),
    pytest.param(entry(point="\n                weight: 3"), "entry 0, point 0: unknown point field(s): weight",
                 id="unknown-point-field"),
    pytest.param(entry(source='{publisher: "P", document: "D", year: 2024, url: "https://e.com/", isbn: 1}'),
                 "entry 0, point 0: unknown source field(s): isbn", id="unknown-source-field"),
    pytest.param(entry(value="as_stated_first: 1"), "unknown point field(s): as_stated_first", id="unknown-before-missing"),
    pytest.param(entry(source='{publisher: 7, document: "D", year: 2024}'), "missing source field 'url'",
                 id="missing-before-wrong-type"),
    pytest.param(entry(source='{publisher: 7, document: "D", year: 2024, url: "https://e.com/"}'),
                 "source field 'publisher' must be text, got int", id="source-text-type"),
    pytest.param(entry(source='{publisher: "P", document: "D", year: "2024", url: "https://e.com/"}'),
                 "source year '2024' must be a four-digit year", id="year-as-text"),
    pytest.param(entry(source="just text"), "missing source (a mapping with publisher, document, year, url)",
                 id="source-not-a-mapping"),
    pytest.param(entry(point="\n                clock: sometimes"), "clock 'sometimes' is not one of 24x7, business_hours",
                 id="unknown-clock"),
    pytest.param(entry(value="value: 100.5"), "value 100.5 is outside (0, 100] for unit 'percent'", id="out-of-range"),
    pytest.param(entry().replace("priority: null", "priority: P1"), "availability entries take no priority (use null)",
                 id="availability-priority"),
    pytest.param(entry().replace("points:\n", "points: []\n            unused:\n"), "entry 0: unknown field(s): unused",
                 id="unknown-before-points"),
    pytest.param("benchmarks:\n  - just text\n", "entry 0: entry must be a mapping", id="entry-not-a-mapping"),
]


@pytest.mark.parametrize(("text", "expected"), SCHEMA_CASES)
def test_schema_problems_keep_their_words(tmp_path, text, expected):
    bad = write(tmp_path, "broken.yml", text)
    with pytest.raises(BenchmarkFileError) as info:
        load_benchmarks([bad], include_shipped=False)
    assert str(info.value).endswith(expected)
