"""Python: agentphone-rs vs the official `agentphone` SDK vs bare httpx, against one sandbox.

Usage: python python_bench.py <sandbox-url>   (bench/run.sh sets everything up)
Prints a Markdown table: medians (and mins for start-up) with the ratio ours/official.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
import timeit
from typing import Callable, List

URL = sys.argv[1]
KEY = "sk_test_bench_python"
ROWS: List[List[str]] = []


def spawn_ms(code: str, runs: int = 15) -> float:
    """Fastest wall time of a fresh interpreter running `code`, in ms."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def median_us(fn: Callable[[], object], n: int) -> float:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


def row(name: str, ours: float, official: float, bare: float, unit: str) -> None:
    ratio = ours / official if official else float("nan")
    ROWS.append([name, f"{ours:,.1f} {unit}", f"{official:,.1f} {unit}", f"{bare:,.1f} {unit}" if bare == bare else "–", f"{ratio:.2f}"])


def main() -> None:
    import agentphone  # the official SDK
    import agentphone_rs
    import httpx

    baseline = spawn_ms("pass")
    row("import (net of bare startup)", spawn_ms("import agentphone_rs") - baseline, spawn_ms("import agentphone") - baseline, spawn_ms("import httpx") - baseline, "ms")

    row(
        "client construction (sync)",
        timeit.timeit(lambda: agentphone_rs.AgentPhone(KEY, base_url=URL), number=2000) / 2000 * 1e6,
        timeit.timeit(lambda: agentphone.AgentPhone(api_key=KEY, base_url=URL), number=2000) / 2000 * 1e6,
        timeit.timeit(lambda: httpx.Client(base_url=URL), number=200) / 200 * 1e6,
        "µs",
    )
    row(
        "client construction (async)",
        timeit.timeit(lambda: agentphone_rs.AsyncAgentPhone(KEY, base_url=URL), number=2000) / 2000 * 1e6,
        timeit.timeit(lambda: agentphone.AsyncAgentPhone(api_key=KEY, base_url=URL), number=50) / 50 * 1e6,
        timeit.timeit(lambda: httpx.AsyncClient(base_url=URL), number=50) / 50 * 1e6,
        "µs",
    )

    ours = agentphone_rs.AgentPhone(KEY, base_url=URL)
    official = agentphone.AgentPhone(api_key=KEY, base_url=URL)
    bare = httpx.Client(base_url=URL, headers={"authorization": f"Bearer {KEY}"})
    agent_id = ours.agents.create(name="Bench").id
    for client_get in (lambda: ours.agents.get(agent_id), lambda: official.agents.get(agent_id), lambda: bare.get(f"/v1/agents/{agent_id}").json()):
        for _ in range(50):
            client_get()  # warm the connection pools
    n = 500
    row(
        f"sequential agents.get ({n} calls)",
        median_us(lambda: ours.agents.get(agent_id), n),
        median_us(lambda: official.agents.get(agent_id), n),
        median_us(lambda: bare.get(f"/v1/agents/{agent_id}").json(), n),
        "µs/call",
    )

    async def throughput(make_call: Callable[[], object], total: int = 1000, concurrency: int = 20) -> float:
        semaphore = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with semaphore:
                await make_call()  # type: ignore[misc]

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(total)))
        return total / (time.perf_counter() - started)

    async def async_rows() -> None:
        ours_async = agentphone_rs.AsyncAgentPhone(KEY, base_url=URL)
        official_async = agentphone.AsyncAgentPhone(api_key=KEY, base_url=URL)
        bare_async = httpx.AsyncClient(base_url=URL, headers={"authorization": f"Bearer {KEY}"})

        async def bare_list() -> object:
            return (await bare_async.get("/v1/agents", params={"limit": 20})).json()

        results = []
        for make_call in (lambda: ours_async.agents.list(), lambda: official_async.agents.list(), bare_list):
            await throughput(make_call, total=100)
            results.append(await throughput(make_call))
        ROWS.append(["async throughput (1000 lists, 20 at a time)", f"{results[0]:,.0f} req/s", f"{results[1]:,.0f} req/s", f"{results[2]:,.0f} req/s", f"{results[0] / results[1]:.2f}"])

    asyncio.run(async_rows())

    transcripts = [{"id": f"tr_{i}", "transcript": "Hello there", "response": "Hi, how can I help?", "confidence": 0.9, "createdAt": "2025-01-15T14:00:05Z"} for i in range(4)]
    page = {"data": [{"id": f"call_{i}", "agentId": "agt_1", "fromNumber": "+14155550100", "toNumber": "+14155550101", "direction": "outbound",
                      "status": "completed", "startedAt": "2025-01-15T14:00:00Z", "endedAt": "2025-01-15T14:05:30Z", "durationSeconds": 330,
                      "transcripts": transcripts} for i in range(100)], "hasMore": False, "total": 100}
    body = json.dumps(page)

    def ours_decode() -> None:
        for call in agentphone_rs.CallList(json.loads(body)).data:
            (call.id, call.status, call.duration_seconds, [t.transcript for t in call.transcripts])

    def official_decode() -> None:
        from agentphone.models import Call
        for item in json.loads(body)["data"]:
            call = Call.from_dict(item)
            (call.id, call.status, call.duration_seconds, [t.transcript for t in call.transcripts])

    row("decode a 100-call page with transcripts", median_us(ours_decode, 300), median_us(official_decode, 300), median_us(lambda: json.loads(body), 300), "µs")

    secret = "whsec_bench"
    event = json.dumps({"event": "agent.message", "channel": "sms", "timestamp": "2025-01-15T12:00:00Z", "agentId": "agt_1", "data": {"messageId": "m", "from": "+14155550100", "to": "+14155550101", "message": "hi"}}).encode()
    stamp = int(time.time())
    signature = agentphone_rs.webhooks.sign_webhook(event, secret=secret, timestamp=stamp)
    headers = {"x-webhook-signature": signature, "x-webhook-timestamp": str(stamp)}
    row(
        "webhook verify + parse",
        median_us(lambda: agentphone_rs.construct_event(event, headers, secret=secret), 3000),
        median_us(lambda: agentphone.construct_event(event, signature, secret, str(stamp)), 3000),
        float("nan"),
        "µs",
    )

    print("| Python | agentphone-rs | official 0.20.3 | bare httpx | ours/official |")
    print("|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
