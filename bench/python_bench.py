"""Python: agentphone-rs vs the official `agentphone` SDK vs bare httpx, against one sandbox.

Usage: python python_bench.py <sandbox-url> <metrics.json> [--quick]   (bench/run.sh sets everything up)
Prints a Markdown table: medians (and mins for start-up) with the ratio ours/official, and writes
the figures the targets are judged on to <metrics.json>. --quick takes fewer samples and leaves
out the 100,000-call memory slope.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
import timeit
import os
import threading
import urllib.request
from typing import Any, Callable, Dict, List

URL = sys.argv[1]
METRICS_FILE = sys.argv[2]
QUICK = "--quick" in sys.argv
KEY = "sk_test_bench_python"
ROWS: List[List[str]] = []
METRICS: Dict[str, float] = {}
SCALE = 5 if QUICK else 1  # --quick: a fifth of the samples


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


def row(name: str, ours: float, official: float, bare: float, unit: str, metric: str = "") -> None:
    if metric:
        METRICS[f"{metric}_ours"], METRICS[f"{metric}_official"], METRICS[f"{metric}_bare"] = ours, official, bare
    ratio = ours / official if official else float("nan")
    ROWS.append([name, f"{ours:,.1f} {unit}", f"{official:,.1f} {unit}", f"{bare:,.1f} {unit}" if bare == bare else "–", f"{ratio:.2f}"])


def logging_rows(agentphone_rs: Any, agent_id: str, n: int) -> None:
    """The cost of request logging: off (the default; the logging module not even consulted) and
    on at INFO into a handler that drops the records."""
    import logging

    off = agentphone_rs.AgentPhone(KEY, base_url=URL)  # made before the logger is enabled: logging is off
    logger = logging.getLogger("agentphone_rs")
    logger.addHandler(logging.NullHandler())
    logger.setLevel(logging.INFO)
    logger.propagate = False
    on = agentphone_rs.AgentPhone(KEY, base_url=URL)
    logger.setLevel(logging.NOTSET)
    for client in (off, on):
        for _ in range(50):
            client.agents.get(agent_id)
    # Interleaved rounds, so that drift on a shared machine hits both alike.
    offs, ons = [], []
    for _ in range(5):
        offs.append(median_us(lambda: off.agents.get(agent_id), n // 5))
        ons.append(median_us(lambda: on.agents.get(agent_id), n // 5))
    METRICS["logging_off"], METRICS["logging_on"] = statistics.median(offs), statistics.median(ons)
    ROWS.append([f"agents.get, logging off / on at INFO ({n} calls each)", f"{METRICS['logging_off']:,.1f} µs/call", "–", f"{METRICS['logging_on']:,.1f} µs/call (on)", "–"])


def sandbox_control(method: str, path: str, body: Any) -> None:
    request = urllib.request.Request(URL + path, method=method, data=json.dumps(body).encode(), headers={"authorization": f"Bearer {KEY}", "content-type": "application/json"})
    urllib.request.urlopen(request).read()


def thread_rows(agentphone: Any, agentphone_rs: Any, agent_id: str) -> None:
    """8 threads of sync calls against answers that take 20 ms: the GIL is released while waiting."""
    calls = 40 if QUICK else 100

    def rate(get: Callable[[], object], threads: int) -> float:
        sandbox_control("POST", "/sandbox/faults", {"operation": "get_agent", "latency_ms": 20, "count": calls * threads + 10})
        get()  # warm
        started = time.perf_counter()
        workers = [threading.Thread(target=lambda: [get() for _ in range(calls)]) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        rps = calls * threads / (time.perf_counter() - started)
        sandbox_control("DELETE", "/sandbox/faults", {})
        return rps

    ours = agentphone_rs.AgentPhone(KEY, base_url=URL)
    official = agentphone.AgentPhone(api_key=KEY, base_url=URL)
    one, eight = rate(lambda: ours.agents.get(agent_id), 1), rate(lambda: ours.agents.get(agent_id), 8)
    official_one, official_eight = rate(lambda: official.agents.get(agent_id), 1), rate(lambda: official.agents.get(agent_id), 8)
    METRICS["threads_scaling_ours"], METRICS["threads_scaling_official"] = eight / one, official_eight / official_one
    ROWS.append([f"8 threads vs 1, answers taking 20 ms ({calls} calls a thread)", f"{eight:,.0f} vs {one:,.0f} req/s = {eight / one:.1f}x", f"{official_eight:,.0f} vs {official_one:,.0f} req/s = {official_eight / official_one:.1f}x", "–", f"{(eight / one) / (official_eight / official_one):.2f}"])


MEMORY_SCRIPT = """
import os, sys, time
def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
url, key, which, total = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if which == "ours":
    import agentphone_rs
    client = agentphone_rs.AgentPhone(key, base_url=url)
else:
    import agentphone
    client = agentphone.AgentPhone(api_key=key, base_url=url)
agent_id = client.agents.create(name="Mem").id
marks = []
for i in range(1, total + 1):
    client.agents.get(agent_id)
    if i == 1000 or (i > 1000 and i % (total // 10) == 0):
        marks.append((i, rss_kb()))
print(" ".join(f"{i}:{kb}" for i, kb in marks))
"""


def memory_rows() -> None:
    """Resident memory after import + one client + 1,000 calls, and its growth over many more
    (a least-squares slope over ten marks)."""
    total = 1000 if QUICK else 100_000
    results = {}
    for which in ("ours", "official"):
        out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, URL, KEY, which, str(total)], check=True, capture_output=True, text=True).stdout
        marks = [tuple(int(x) for x in mark.split(":")) for mark in out.split()]
        after_1000 = marks[0][1]
        later = marks[1:] or marks
        xs, ys = [m[0] for m in later], [m[1] for m in later]
        mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
        var = sum((x - mean_x) ** 2 for x in xs)
        slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / var if var else 0.0
        results[which] = (after_1000, slope * 10_000)
    METRICS["rss_ours"], METRICS["rss_official"] = results["ours"][0], results["official"][0]
    ROWS.append(["resident memory after import + client + 1,000 calls", f"{results['ours'][0] / 1024:,.1f} MiB", f"{results['official'][0] / 1024:,.1f} MiB", "–", f"{results['ours'][0] / results['official'][0]:.2f}"])
    if not QUICK:
        METRICS["rss_slope_ours"], METRICS["rss_slope_official"] = results["ours"][1], results["official"][1]
        ROWS.append([f"memory growth over {total:,} calls (slope)", f"{results['ours'][1]:+,.1f} KiB / 10k calls", f"{results['official'][1]:+,.1f} KiB / 10k calls", "–", "–"])


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
    n = 2000 // SCALE
    row(
        f"sequential agents.get ({n} calls)",
        median_us(lambda: ours.agents.get(agent_id), n),
        median_us(lambda: official.agents.get(agent_id), n),
        median_us(lambda: bare.get(f"/v1/agents/{agent_id}").json(), n),
        "µs/call",
        "get",
    )
    logging_rows(agentphone_rs, agent_id, n)
    thread_rows(agentphone, agentphone_rs, agent_id)
    memory_rows()

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
        METRICS["async_rps_ours"], METRICS["async_rps_official"] = results[0], results[1]

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

    row("decode a 100-call page with transcripts", median_us(ours_decode, 300 // SCALE), median_us(official_decode, 300 // SCALE), median_us(lambda: json.loads(body), 300 // SCALE), "µs", "decode")

    secret = "whsec_bench"
    event = json.dumps({"event": "agent.message", "channel": "sms", "timestamp": "2025-01-15T12:00:00Z", "agentId": "agt_1", "data": {"messageId": "m", "from": "+14155550100", "to": "+14155550101", "message": "hi"}}).encode()
    stamp = int(time.time())
    signature = agentphone_rs.webhooks.sign_webhook(event, secret=secret, timestamp=stamp)
    headers = {"x-webhook-signature": signature, "x-webhook-timestamp": str(stamp)}
    row(
        "webhook verify + parse",
        median_us(lambda: agentphone_rs.construct_event(event, headers, secret=secret), 3000 // SCALE),
        median_us(lambda: agentphone.construct_event(event, signature, secret, str(stamp)), 3000 // SCALE),
        float("nan"),
        "µs",
        "webhook",
    )

    print("| Python | agentphone-rs | official 0.20.3 | bare httpx | ours/official |")
    print("|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")
    with open(METRICS_FILE, "w") as out:
        json.dump(METRICS, out)


if __name__ == "__main__":
    main()
