"""Servers and the load generator as processes of their own, for the ack benchmark: the bot (tests/bench/serve_bot.py),
bare Bolt (tests/bench/bare_bolt.py) and tests/bench/loadgen.py, each started with this interpreter from the repo."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import httpx

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0  # the bot migrates and imports everything first; a loaded machine is slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(module: str, *args: str, log: Path) -> Iterator[str]:
    """`python -m <module> --port <free port> <args>` until the block ends; yields its base URL once /healthz
    answers (a 503, the database busy, is an answer too). Its output goes to `log`, which a failure to start
    quotes."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", module, "--port", str(port), *args], cwd=REPO, stdout=out,
                                stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{module} did not start:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(base + "/healthz", timeout=5.0).status_code in (200, 503):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()  # only the process started here
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load(plan: dict, workdir: Path, name: str) -> dict:
    """Run the load generator in its own process on `plan`; its result (see loadgen.run)."""
    plan_file, result_file = workdir / f"{name}.plan.json", workdir / f"{name}.result.json"
    plan_file.write_text(json.dumps(plan))
    done = subprocess.run([sys.executable, "-m", "tests.bench.loadgen", str(plan_file), str(result_file)], cwd=REPO,
                          capture_output=True, text=True, timeout=plan["seconds"] + 120)
    if done.returncode != 0:
        raise RuntimeError(f"the load generator failed:\n{done.stderr[-3000:]}")
    return json.loads(result_file.read_text())
