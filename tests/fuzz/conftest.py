"""Bounded, reproducible fuzzing: hypothesis settings for tests/fuzz/, and what every fuzzed request must meet.

By default each test runs a fixed number of examples, derandomized (the same examples on every run and machine),
so a failure in CI reproduces on a laptop. `FUZZ_SCALE=20` runs twenty times as many; `FUZZ_SEED=<n>` (or
`FUZZ_SEED=random`) draws fresh examples from that seed instead, printed in pytest's header so a find can be
replayed with the same FUZZ_SEED.
"""
from __future__ import annotations

import logging
import os
import random

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text

SCALE = max(1, int(os.environ.get("FUZZ_SCALE", "1")))
_SEED = os.environ.get("FUZZ_SEED", "")
SEED = random.randrange(2**32) if _SEED == "random" else (int(_SEED) if _SEED else None)

settings.register_profile(
    "fuzz", deadline=None, derandomize=SEED is None, database=None, print_blob=True,
    # A fuzz test keeps one seeded world across its examples (rebuilding it per example would cost the budget).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])


def fuzz_settings(examples: int):
    """The settings of one fuzz test: `examples` chosen so the whole group stays near 90 s on one core."""
    return settings(settings.get_profile("fuzz"), max_examples=examples * SCALE)


def pytest_report_header(config):
    how = "derandomized" if SEED is None else f"FUZZ_SEED={SEED}"
    return f"fuzz: {how}, FUZZ_SCALE={SCALE}"


def pytest_configure(config):
    if SEED is not None:  # what `--hypothesis-seed` does, from the environment (so `make test` can pass it)
        from hypothesis import core

        core.global_force_seed = SEED


class Errors(logging.Handler):
    """Every ERROR the bot logs while a fuzz test runs: "listener failed" is an unexpected exception."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def take(self) -> list[str]:
        found = [f"{r.name}: {r.getMessage()}" + (f" ({r.exc_info[1]!r})" if r.exc_info else "") for r in self.records]
        self.records.clear()
        return found


@pytest.fixture
def logged_errors():
    handler = Errors()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)


# The replay guard's note of each request it let through (handlers/replay_guard.py): written before any of the
# request's work (a modal's before its listener, the rest right after the ack), refused or not; it records no
# change of anything the person asked about.
BOOKKEEPING = {"interaction_seen"}


def row_counts(db) -> dict[str, int]:
    """Rows in every table but the bookkeeping, in one statement: a refused request changes none of them."""
    names = [n for n in db.table_names() if n not in BOOKKEEPING]
    union = " UNION ALL ".join(f"SELECT '{n}', COUNT(*) FROM \"{n}\"" for n in names)
    with db.engine.connect() as conn:
        return {name: count for name, count in conn.execute(text(union))}
