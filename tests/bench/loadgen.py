"""An open-loop load generator for /slack/events, run in a process of its own (asyncio + httpx).

    python -m tests.bench.loadgen plan.json result.json

The plan names the server (`base_url`), the signing secret, the rate (requests a second) and how long, and a
mix of request kinds, each a template captured from the real Slack driver (bot.sandbox.driver): a slash command's
form fields, or a view_submission / block_actions payload. Request i is of kind mix[i % len(mix)] and is sent at
start + i / rate whatever became of the ones before (open loop: a slow server gets more requests in flight, not
fewer, as with Slack). Each is signed as Slack signs (v0, HMAC-SHA256 over "v0:<timestamp>:<body>") and carries
a trigger_id never used before (the bot takes a repeated one for a replay; tests/bench/serve_bot.py lets the
Slack stand-in honour them).

An optional `ingest` stream sends POST /api/v1/batch of ticket events with a bearer token alongside, at its
own rate (the ingestion burst of the busy phase).

Latency is counted from the moment a request was due, not from when it went out, so a generator that falls
behind cannot hide a slow server (no coordinated omission); how far it fell behind is reported as `send_lag_max`.
The result, per kind: count, p50, p99, max (seconds), over_1s, over_3s, non_200 (404s, 5xx, timeouts and refused
connections all count), and the status codes seen.
"""
from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
import secrets
import sys
import time
from urllib.parse import urlencode

import httpx

TIMEOUT = 5.0  # seconds; Slack gives up after 3, so an answer later than this is no answer (status 0)
CLIENTS = 16  # requests are spread over this many connection pools: one pool of a thousand open connections
# costs the generator more per request than the server it measures (httpcore walks its pool on every request)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of `values`; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-int(round(q * len(ordered) * 1000)) // 1000))  # ceil(q * n), robust to float noise
    return ordered[min(rank, len(ordered)) - 1]


def summarise(samples: list[tuple[float, int]]) -> dict:
    """samples: (latency seconds, status; 0 for no answer)."""
    latencies = [lat for lat, _status in samples]
    statuses: dict[str, int] = {}
    for _lat, status in samples:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {"count": len(samples), "p50": percentile(latencies, 0.50), "p99": percentile(latencies, 0.99),
            "max": max(latencies, default=0.0), "over_1s": sum(lat > 1.0 for lat in latencies),
            "over_3s": sum(lat > 3.0 for lat in latencies),
            "non_200": sum(status != 200 for _lat, status in samples), "statuses": statuses}


def signed_headers(secret: str, body: str, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def _here(response_url: str, base_url: str) -> str:
    """A response_url of the stand-in the template was captured from, as the same path on the server under test."""
    return base_url + "/sandbox/" + response_url.split("/sandbox/", 1)[-1]


def build_body(kind: dict, n: int, base_url: str) -> tuple[str, str]:
    """The body of request n of this kind: its template with a fresh trigger_id, and its response_url pointed at
    the server under test."""
    trigger = f"{n}.{secrets.token_hex(4)}.{kind['team']}.{kind['user']}.loadgen"
    if kind["type"] == "command":
        fields = dict(kind["template"])
        fields["trigger_id"] = trigger
        fields["response_url"] = _here(fields["response_url"], base_url)
        return urlencode(fields), "application/x-www-form-urlencoded"
    payload = copy.deepcopy(kind["template"])
    payload["trigger_id"] = trigger
    if "response_url" in payload:
        payload["response_url"] = _here(payload["response_url"], base_url)
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


async def _one(client: httpx.AsyncClient, due: float, url: str, send, out: list, lag: list) -> None:
    started = time.perf_counter()
    lag.append(started - due)
    try:
        status = (await send(client, url)).status_code
    except httpx.HTTPError:
        status = 0
    out.append((time.perf_counter() - due, status))


async def _stream(client: list[httpx.AsyncClient], rate: float, seconds: float, make, results: dict, lag: list, t0: float) -> None:
    """Open loop: request i goes at t0 + i / rate, as a task of its own."""
    tasks = []
    total = int(rate * seconds)
    for i in range(total):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        name, url, send = make(i)
        tasks.append(asyncio.create_task(_one(client[i % len(client)], due, url, send, results.setdefault(name, []),
                                              lag)))
    await asyncio.gather(*tasks)


async def run(plan: dict) -> dict:
    base = plan["base_url"].rstrip("/")
    mix, secret = plan["mix"], plan["signing_secret"]
    events_url = base + "/slack/events"

    def slack_request(i: int):
        kind = mix[i % len(mix)]
        body, content_type = build_body(kind, i, base)

        async def send(client, url):
            return await client.post(url, content=body.encode(), headers=signed_headers(secret, body, content_type))
        return kind["name"], events_url, send

    ingest = plan.get("ingest")

    def ingest_request(i: int):
        batch = {"ticket_events": [
            {"id": f"lg-{plan.get('run_id', 'run')}-{i}-{j}", "ticket": f"LG-{i}-{j}", "kind": "opened",
             "at": "2026-11-02T09:00:00+00:00", "priority": "P2", "service": ingest["services"][(i + j) % len(ingest["services"])]}
            for j in range(ingest["batch_size"])]}
        headers = {"Authorization": f"Bearer {ingest['token']}"}

        async def send(client, url):
            return await client.post(url, json=batch, headers=headers)
        return "ingest batch", base + "/api/v1/batch", send

    limits = httpx.Limits(max_connections=500, max_keepalive_connections=50)
    results: dict[str, list] = {}
    lag: list[float] = []
    clients = [httpx.AsyncClient(timeout=TIMEOUT, limits=limits) for _ in range(CLIENTS)]
    try:
        t0 = time.perf_counter() + 0.2
        streams = [_stream(clients, plan["rate"], plan["seconds"], slack_request, results, lag, t0)]
        if ingest:
            streams.append(_stream(clients[:1], ingest["rate"], plan["seconds"], ingest_request, results, [], t0))
        await asyncio.gather(*streams)
    finally:
        for c in clients:
            await c.aclose()
    return {"kinds": {name: summarise(samples) for name, samples in results.items()},
            "send_lag_max": max(lag, default=0.0), "send_lag_p99": percentile(lag, 0.99), "rate": plan["rate"],
            "seconds": plan["seconds"]}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    with open(args[0]) as f:
        plan = json.load(f)
    result = asyncio.run(run(plan))
    with open(args[1], "w") as f:
        json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
