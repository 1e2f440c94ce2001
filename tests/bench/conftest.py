"""The benchmark suite's table: every figure measured beside its baseline in the same run.

`make bench` runs `tests/bench` and, at the end, writes `bench/results/<host>-<utc time>.md` and `.json` and
prints the Markdown table. A benchmark reports a figure through the `figures` fixture:

    figures.record("cover check, one 4-target SLA, uncached", measured=0.021, unit="s",
                   baseline=0.25, baseline_name="main's sampled check", target="<= 25 ms", met=True)

`baseline` is what the figure is compared with in the same run (bare Bolt, a raw Core insert, the sweep at 10k rows,
the old algorithm); the table gives the ratio. `met` says whether the issue's target is met; a miss carries `note`,
what the profile showed and what would meet it.
"""
from __future__ import annotations

import json
import os
import platform
import socket
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"


@dataclass
class Figure:
    name: str
    measured: float
    unit: str
    target: str
    met: bool | None = None
    baseline: float | None = None
    baseline_name: str | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.measured / self.baseline


class Figures:
    def __init__(self) -> None:
        self.rows: list[Figure] = []

    def record(self, name: str, measured: float, unit: str, target: str, *, met: bool | None = None,
               baseline: float | None = None, baseline_name: str | None = None, note: str = "", **extra) -> Figure:
        row = Figure(name=name, measured=measured, unit=unit, target=target, met=met, baseline=baseline,
                     baseline_name=baseline_name, note=note, extra=extra)
        self.rows.append(row)
        return row


_FIGURES = Figures()


@pytest.fixture(scope="session")
def figures() -> Figures:
    return _FIGURES


def _machine() -> dict:
    return {"host": socket.gethostname(), "python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count()}


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3g}"


def markdown(rows: list[Figure], machine: dict, when: str) -> str:
    lines = [f"Benchmarks on {machine['host']} ({machine['cpus']} CPUs, Python {machine['python']}), {when}", "",
             "| figure | measured | baseline | ratio | target | met |", "|---|---|---|---|---|---|"]
    for r in rows:
        base = f"{_fmt(r.baseline)} {r.unit} ({r.baseline_name})" if r.baseline is not None else ""
        met = {True: "yes", False: "no", None: ""}[r.met]
        lines.append(f"| {r.name} | {_fmt(r.measured)} {r.unit} | {base} | {_fmt(r.ratio)} | {r.target} | {met} |")
    notes = [f"- {r.name}: {r.note}" for r in rows if r.note]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


def pytest_sessionfinish(session, exitstatus):
    if not _FIGURES.rows or os.environ.get("BENCH_SMOKE"):
        return
    machine = _machine()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%MZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"{machine['host']}-{when}"
    table = markdown(_FIGURES.rows, machine, when)
    stem.with_suffix(".md").write_text(table)
    stem.with_suffix(".json").write_text(json.dumps(
        {"machine": machine, "when": when,
         "figures": [{**asdict(r), "ratio": r.ratio} for r in _FIGURES.rows]}, indent=2))
    print("\n" + table + f"\n(written to {stem}.md and .json)")
