"""Loading the benchmark library: the shipped file plus an organisation's own files, merged into groups.

Each file is checked against `bot.benchmarks.schema`; any problem stops the load with a
:class:`BenchmarkFileError` naming the file, the entry and point, and the problem.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Iterable

import yaml
from pydantic import ValidationError

from bot.benchmarks.library import Benchmark, BenchmarkLibrary, Point, Source
from bot.benchmarks.schema import BenchmarkFile, GroupEntry, PointEntry, problem


class BenchmarkFileError(ValueError):
    """A benchmark YAML file is unreadable or an entry in it is invalid.

    The message names the file, the entry index (0-based, in the file's
    ``benchmarks`` list), the point index where relevant, and the problem.
    """

    def __init__(self, path: Path | str, problem: str, entry: int | None = None, point: int | None = None):
        self.path = str(path)
        self.entry = entry
        self.point = point
        self.problem = problem
        where = self.path
        if entry is not None:
            where += f": entry {entry}"
            if point is not None:
                where += f", point {point}"
        super().__init__(f"{where}: {problem}")


def shipped_benchmarks_path() -> Path:
    """Path of the benchmark file shipped with the bot."""
    try:
        candidate = resources.files("bot").joinpath("data", "benchmarks.yml")
        path = Path(str(candidate))
        if path.is_file():
            return path
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - unusual packaging
        pass
    return Path(__file__).resolve().parents[1] / "data" / "benchmarks.yml"


def _expand(paths: Iterable[Path | str]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".yml", ".yaml")))
        elif path.is_file():
            out.append(path)
        else:
            raise BenchmarkFileError(path, "no such file or directory")
    return out


def _point(raw: object, unit: str, origin: str) -> Point:
    entry = PointEntry.model_validate(raw, context={"unit": unit})
    s = entry.source
    return Point(
        value=entry.value,
        as_stated=" ".join(entry.as_stated.split()),
        source=Source(publisher=s.publisher, document=s.document, year=s.year, url=s.url, dated=s.dated),
        period=entry.period,
        clock=entry.clock,
        note=entry.note,
        origin=origin,
    )


def _group(raw: object, path: Path, index: int) -> Benchmark:
    try:
        entry = GroupEntry.model_validate(raw)
    except ValidationError as exc:
        raise BenchmarkFileError(path, problem(GroupEntry, exc), entry=index) from None
    points = []
    for j, raw_point in enumerate(entry.points):
        try:
            points.append(_point(raw_point, entry.unit, str(path)))
        except ValidationError as exc:
            raise BenchmarkFileError(path, problem(PointEntry, exc), entry=index, point=j) from None
    return Benchmark(metric=entry.metric, tier=entry.tier, priority=entry.priority, unit=entry.unit,
                     period=entry.period, points=tuple(points), notes=entry.notes)


def _read_file(path: Path) -> list[Benchmark]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BenchmarkFileError(path, f"cannot read file: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise BenchmarkFileError(path, f"not valid YAML{where}: {getattr(exc, 'problem', None) or exc}") from None
    try:
        top = BenchmarkFile.model_validate(data)
    except ValidationError:
        raise BenchmarkFileError(path, "expected a top-level mapping with a 'benchmarks' list") from None
    return [_group(raw, path, i) for i, raw in enumerate(top.benchmarks)]


def load_benchmarks(extra_paths: Iterable[Path | str] = (), *, include_shipped: bool = True) -> BenchmarkLibrary:
    """Load the shipped library plus any organisation files or directories.

    Directories contribute their ``*.yml`` / ``*.yaml`` files in name order.
    A later entry with the same metric, tier (case-insensitive) and priority as
    an existing group adds its points to that group; otherwise it is a new
    group.  Raises :class:`BenchmarkFileError` naming the file, entry index and
    problem for any invalid content.
    """
    paths: list[Path] = []
    if include_shipped:
        paths.append(shipped_benchmarks_path())
    paths.extend(_expand(extra_paths))

    merged: dict[tuple[str, str, str | None], Benchmark] = {}
    order: list[tuple[str, str, str | None]] = []
    for path in paths:
        for index, group in enumerate(_read_file(path)):
            existing = merged.get(group.key)
            if existing is None:
                merged[group.key] = group
                order.append(group.key)
                continue
            if existing.period and group.period and existing.period != group.period:
                raise BenchmarkFileError(
                    path,
                    f"period {group.period!r} conflicts with {existing.period!r} of the existing group "
                    f"{existing.metric}/{existing.tier}/{existing.priority}; give points their own 'period' instead",
                    entry=index,
                )
            merged[group.key] = Benchmark(
                metric=existing.metric,
                tier=existing.tier,
                priority=existing.priority,
                unit=existing.unit,
                period=existing.period or group.period,
                points=existing.points + group.points,
                notes=existing.notes or group.notes,
            )
    return BenchmarkLibrary(benchmarks=[merged[k] for k in order], files=[str(p) for p in paths])
