"""The benchmarks cannot rot silently: `make test` runs the whole of tests/bench at its smoke size (BENCH_SMOKE=1:
tiny scales, one round, a second of load) in a subprocess, as `make bench` would, and it must pass.

In two runs, this file's and tests/test_bench_smoke_acks.py's (the ack benchmark alone: its servers and load
generators are processes of their own, half the smoke run's time), so that `make test`'s workers (`--dist loadfile`:
a file stays on one worker) take them side by side. A benchmark file added to tests/bench runs here."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ACKS = "tests/bench/test_bench_acks.py"  # run by tests/test_bench_smoke_acks.py


def run_smoke(tmp_path: Path, *selection: str) -> None:
    env = {**os.environ, "BENCH_SMOKE": "1"}
    env.pop("TEST_DATABASE_URL", None)  # SQLite: the smoke run checks the benchmarks work, not the database
    done = subprocess.run(
        [sys.executable, "-m", "pytest", *selection, "-m", "bench", "-p", "no:randomly", "-q", "-x",
         "--benchmark-disable", f"--basetemp={tmp_path / 'bench'}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_benchmark_suite_runs_at_its_smoke_size(tmp_path):
    run_smoke(tmp_path, "tests/bench", f"--ignore={ACKS}")
