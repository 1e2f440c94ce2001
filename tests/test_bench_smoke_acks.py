"""The ack benchmark at its smoke size, beside the rest of the smoke run (tests/test_bench_smoke.py): a file of its
own, so that `make test`'s workers take the two halves side by side."""
from __future__ import annotations

from tests.test_bench_smoke import ACKS, run_smoke


def test_the_ack_benchmark_runs_at_its_smoke_size(tmp_path):
    run_smoke(tmp_path, ACKS)
