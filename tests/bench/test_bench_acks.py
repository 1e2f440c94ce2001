"""Benchmark (issue 14, "ack latency"): how fast the bot answers Slack under load, beside bare Bolt in the same run.

100 requests a second for 30 s, open loop, from tests/bench/loadgen.py in a process of its own, a mix of
`/slm help`, `/slm map` (1k services), a view submission (the "Add a service" form, refused inline as a duplicate
name, so every phase meets the same world) and a button (the App Home's "Add a service", which opens the form);
against, each in its own process, in this order:
1. bare Bolt (tests/bench/bare_bolt.py): listeners that only ack, behind the same Starlette route;
2. the bot in sandbox mode, idle (tests/bench/serve_bot.py: `slm-bot run`), its database seeded at the 1k scale;
3. the bot again while the cover recheck runs in it (its own scheduler, started at once and back to back) and an
   ingestion burst of ticket events comes in through POST /api/v1/batch with a token.
Target, for every kind, idle and busy: p99 <= 1.3x bare Bolt's p99, none over 1 s, no 404.
The request templates are captured from the real Slack driver against the test harness, so they are exactly what
the tests send. BENCH_SMOKE=1: the smoke scale, 20 requests a second for 1 s.
"""
from __future__ import annotations

import os
import time

import httpx
import pytest
from sqlalchemy import func, select

from bot.database import Database
from bot.measurements import tokens
from bot.sandbox.driver import Outcome, SlackDriver
from bot.settings import SANDBOX_SIGNING_SECRET
from bot.workspace.actor import Actor
from messages.ids import Action, Block
from models import CoverageState
from tests.bench.loadgen import TIMEOUT
from tests.bench.processes import load, server
from tests.bench.seed import SCALES, seed, service_name
from tests.conftest import START

pytestmark = pytest.mark.bench
SMOKE = bool(os.environ.get("BENCH_SMOKE"))
RATE, SECONDS = (20, 1) if SMOKE else (100, 30)
SCALE = SCALES["smoke" if SMOKE else "1k"]
INGEST = {"rate": 2 if SMOKE else 5, "batch_size": 20 if SMOKE else 200}  # 1,000 ticket events a second at full size
TEAM, USER = "T0SANDBOX", "U0ALICE"
TARGET = "p99 <= 1.3x bare Bolt's p99; none over 1 s; no 404"
BASELINE = "bare Bolt, same route, same run"
# What the profile showed (py-spy, every thread and then the GIL's holder, and a timing of each step, the bot at
# 100/s on branch perf, 2026-12-01, a shared 2-core machine at load 5-10), and what would meet it.
PROFILE = ("Profile: nothing before an ack waits long now (a thread for the dispatch: p99 0.05-0.07 s; the actor's "
           "read: 0.05-0.08 s; a command's, a button's and an event's replay claim after the ack). Idle, the after-ack "
           "work cannot keep up with 75 requests a second: each takes a work slot for 20-45 ms of the GIL (/slm map's "
           "page render and ORM rows: 42% of the GIL's time; the responses to the Slack stand-in, served by the same "
           "process), so the listener backlog (LISTENER_BACKLOG, 200) fills and a new request waits "
           "ROOM_WAIT_SECONDS (1 s) for room, then is answered busy; four slots instead of two did no better (the "
           "GIL). Busy, on SQLite: the after-ack claims and a modal's claim wait for the write lock the cover recheck "
           "holds through each SLA's check, and ingestion's writes. To meet it: after-ack work in processes of its "
           "own (or several web processes, on PostgreSQL), a cheaper map page, and the recheck computing each check in "
           "a read transaction and writing its result in a short one.")


class _Recorder(SlackDriver):
    """The Slack driver, keeping what it would send instead of sending it: the load generator's templates."""

    captured: dict

    def _post_form(self, fields, **kw) -> Outcome:
        self.captured = {"type": "command", "template": fields}
        return Outcome(200, "")

    def _post_payload(self, payload, **kw) -> Outcome:
        self.captured = {"type": "payload", "template": payload}
        return Outcome(200, "")


def _templates(slack, sandbox) -> list[dict]:
    rec = _Recorder(sandbox, slack.events_url, SANDBOX_SIGNING_SECRET)
    mix = []

    def keep(name: str) -> None:
        mix.append({"name": name, "team": TEAM, "user": USER, **rec.captured})

    rec.command("help", channel="C0GENERAL")
    keep("/slm help")
    rec.command("map", channel="C0GENERAL")
    keep(f"/slm map ({SCALE.services} services)")
    slack.command("service add", channel="C0GENERAL")  # the real form, opened in the harness's stand-in
    rec.submit(sandbox.open_modal(TEAM, USER), {Block.SERVICE_NAME: service_name(0)})
    keep("view submission (Add a service, refused inline)")
    slack.open_home(user=USER)
    rec.click(Action.HOME_ADD_SERVICE, view=sandbox.home(TEAM, USER))
    keep("button (App Home: Add a service)")
    return mix


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """An SQLite database at the scale, as the sandbox keeps its own, with a token for the ingestion burst."""
    folder = tmp_path_factory.mktemp("acks")
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    db = Database(url)
    db.migrate()
    seed(db, TEAM, SCALE)
    with db.session() as s:
        token = tokens.create(s, Actor(team_id=TEAM, user_id=USER, roles=frozenset({"admin"}), now=START),
                              "loadgen").token
    db.dispose()
    return {"url": url, "folder": folder, "token": token,
            "services": [service_name(i) for i in range(min(SCALE.services, 50))]}


def _plan(base: str, mix: list[dict], run_id: str, ingest: dict | None = None) -> dict:
    return {"base_url": base, "signing_secret": SANDBOX_SIGNING_SECRET, "rate": RATE, "seconds": SECONDS,
            "mix": mix, "ingest": ingest, "run_id": run_id}


def _warm(base: str, mix: list[dict], folder, name: str) -> None:
    """A few of each kind first: imports, caches and connections made before the clock starts."""
    if SMOKE:
        return
    load({**_plan(base, mix, name + "-warm"), "rate": 8, "seconds": 1}, folder, name + "-warm")


def _settle(base: str, mix: list[dict], folder, name: str, limit: float = 180.0) -> float:
    """Wait until the server has worked through what an earlier phase left queued (requests a client gave up on are
    still worked on): until a `/slm help` is answered within a second. How long that took, in seconds."""
    began = time.monotonic()
    while not SMOKE and time.monotonic() - began < limit:
        probe = load({**_plan(base, mix[:1], name), "rate": 1, "seconds": 1}, folder, name)
        kind = probe["kinds"][mix[0]["name"]]
        if kind["non_200"] == 0 and kind["max"] < 1.0:
            break
        time.sleep(2)
    return time.monotonic() - began


def test_acks_under_load_beside_bare_bolt(slack, sandbox, world, figures):
    mix, folder = _templates(slack, sandbox), world["folder"]
    with server("tests.bench.bare_bolt", log=folder / "bare.log") as base:
        _warm(base, mix, folder, "bare")
        bare = load(_plan(base, mix, "bare"), folder, "bare")
    ingest = {**INGEST, "token": world["token"], "services": world["services"]}
    with server("tests.bench.serve_bot", "--database-url", world["url"], log=folder / "bot.log") as base:
        _warm(base, mix, folder, "bot")
        idle = load(_plan(base, mix, "idle"), folder, "idle")
        drained = _settle(base, mix, folder, "settle")
        assert httpx.post(base + "/bench/recheck", timeout=30).status_code == 200
        busy = load(_plan(base, mix, "busy", ingest), folder, "busy")
    db = Database(world["url"])
    with db.engine.connect() as conn:
        rechecked = conn.execute(select(func.count()).select_from(CoverageState.__table__)).scalar()
    db.dispose()

    for kind in mix:
        name, b = kind["name"], bare["kinds"][kind["name"]]
        assert b["non_200"] == 0, f"bare Bolt refused {name}: the template or its signature is wrong: {b}"
        for phase, result in (("idle", idle), ("busy: cover recheck + ingestion", busy)):
            k = result["kinds"][name]
            assert k["count"] == b["count"], (name, phase, k, b)
            if phase == "idle":  # the template works on the bot; busy, a refusal is a figure, not a broken bench
                assert k["statuses"].get("200"), f"the bot never answered {name} with 200 ({phase}): {k}"
            not_found = k["statuses"].get("404", 0)
            ratio = k["p99"] / b["p99"] if b["p99"] else None
            met = ratio is not None and ratio <= 1.3 and k["over_1s"] == 0 and not_found == 0
            figures.record(f"ack p99, {name}, {RATE}/s, {phase}", measured=k["p99"], unit="s", target=TARGET,
                           met=met, baseline=b["p99"], baseline_name=BASELINE,
                           note="" if met else _miss(k, not_found, SECONDS, result["send_lag_p99"]),
                           p50=k["p50"], max=k["max"], over_1s=k["over_1s"], over_3s=k["over_3s"],
                           non_200=k["non_200"], statuses=k["statuses"], bare_p50=b["p50"], count=k["count"])
    missed = [row for row in figures.rows if row.name.startswith("ack p99") and row.met is False]
    if missed:  # the profile once, on the first miss
        missed[0].note += " " + PROFILE
    ingested = busy["kinds"].get("ingest batch")
    if ingested:
        figures.record(f"ingestion during the busy phase, {INGEST['batch_size']}-event batches at "
                       f"{INGEST['rate']}/s, p99", measured=ingested["p99"], unit="s", target="(context)",
                       non_200=ingested["non_200"], statuses=ingested["statuses"], count=ingested["count"],
                       sla_targets_rechecked=rechecked, send_lag_max=busy["send_lag_max"],
                       idle_backlog_drained_after=drained)


def _miss(k: dict, not_found: int, seconds: float, generator_lag: float) -> str:
    others = {s: n for s, n in k["statuses"].items() if s not in ("200", "404")}
    unanswered = others.pop("0", 0)
    return (f"{k['over_1s']} of {k['count']} over 1 s, {k['over_3s']} over 3 s, {not_found} 404, {unanswered} "
            f"unanswered within {TIMEOUT:g} s" + "".join(f", {n} {s}" for s, n in sorted(others.items()))
            + f" in {seconds:g} s (p50 {k['p50']:.3f} s, max {k['max']:.2f} s; the generator sent its p99 request "
            f"{generator_lag:.2f} s late).")
