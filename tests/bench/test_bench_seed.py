"""Benchmark (issue 14, "The suite"): the seeding command builds the 10k scale in under a minute.

Measured on a fresh SQLite file, and on PostgreSQL too when BENCH_DATABASE_URL names a database for it (emptied
first: never the test database, which the rest of the session is using),
beside the 1k scale in the same run: a ratio near 10 says the seed grows with the rows, no faster.
BENCH_SMOKE=1: the smoke scale, once.
"""
from __future__ import annotations

import os
import time

import pytest
from sqlalchemy import text

from bot.database import Database
from tests.bench.seed import SCALES, seed

pytestmark = pytest.mark.bench
SMOKE = bool(os.environ.get("BENCH_SMOKE"))
BIG, SMALL = (SCALES["smoke"], SCALES["smoke"]) if SMOKE else (SCALES["10k"], SCALES["1k"])


def _seconds(url: str, scale) -> float:
    db = Database(url)
    try:
        if not db.is_sqlite:  # start from nothing: the seed adds to what is there
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        db.migrate()
        began = time.perf_counter()
        seed(db, "T0BENCH", scale)
        return time.perf_counter() - began
    finally:
        db.dispose()


def _urls(tmp_path) -> list[tuple[str, str, str]]:
    out = [("SQLite", f"sqlite:///{tmp_path / 'big.sqlite3'}", f"sqlite:///{tmp_path / 'small.sqlite3'}")]
    pg = os.environ.get("BENCH_DATABASE_URL")
    if pg:
        pg = pg.replace("postgresql://", "postgresql+psycopg://", 1)
        out.append(("PostgreSQL", pg, pg))
    return out


def test_seed_the_10k_scale(tmp_path, figures):
    for engine, big_url, small_url in _urls(tmp_path):
        big = _seconds(big_url, BIG)
        small = big if SMOKE else _seconds(small_url, SMALL)  # the smoke run only checks that seeding works
        figures.record(f"seed the {BIG.name} scale, {engine}", measured=big, unit="s", target="< 60 s",
                       met=big < 60, baseline=small, baseline_name=f"the {SMALL.name} scale, same run",
                       note="" if big < 60 else "see tests/bench/seed.py: rows per executemany (CHUNK)")
