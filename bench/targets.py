"""The targets of bench/RESULTS.md, judged on one run's figures (the metrics files the bench
scripts wrote): prints a Markdown table, each target met or not with the measured figure.

Usage: python3 bench/targets.py <python.json> <node.json> <rust.json> <wasm.json>
"""

from __future__ import annotations

import json
import sys

py, node, rust, wasm = (json.load(open(path)) for path in sys.argv[1:5])
rows = []


def target(name: str, figure: str, met: bool) -> None:
    rows.append(f"| {name} | {figure} | {'**met**' if met else 'not met'} |")


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


r = ratio(py["decode_ours"], py["decode_official"])
target("page decode at most 0.5x the official Python SDK", f"{py['decode_ours']:,.0f} vs {py['decode_official']:,.0f} µs = {r:.2f}x", r <= 0.5)
r = ratio(py["webhook_ours"], py["webhook_official"])
target("webhook verify + parse at most 0.5x the official Python helper", f"{py['webhook_ours']:.1f} vs {py['webhook_official']:.1f} µs = {r:.2f}x", r <= 0.5)
r = ratio(node["webhook_ours"], node["webhook_official"])
target("webhook verify + parse at most 1.0x node:crypto by hand", f"{node['webhook_ours']:.1f} vs {node['webhook_official']:.1f} µs = {r:.2f}x", r <= 1.0)
for label, figure in (("Python sync", py["get_ours"]), ("Node", node["get_ours"])):
    r = ratio(figure, rust["get_reqwest"])
    target(f"{label} per call at most 1.15x bare reqwest", f"{figure:.1f} vs {rust['get_reqwest']:.1f} µs = {r:.2f}x", r <= 1.15)
for label, figure in (("Python async", py["async_rps_ours"]), ("Node concurrent", node["concurrent_rps_ours"])):
    r = ratio(figure, rust["concurrent_rps_core"])
    target(f"{label} throughput at least 0.8x the Rust core's", f"{figure:,.0f} vs {rust['concurrent_rps_core']:,.0f} req/s = {r:.2f}x", r >= 0.8)
target(
    "8 Python threads at least 6x one thread (20 ms answers)",
    f"{py['threads_scaling_ours']:.1f}x (official {py['threads_scaling_official']:.1f}x)",
    py["threads_scaling_ours"] >= 6,
)
target("wasm build at most 200 KB gzipped (module + glue)", f"{wasm['gzipped'] / 1000:.1f} KB ({wasm['gzipped'] / 1024:.1f} KiB)", wasm["gzipped"] <= 200_000)
target("wasm instantiation in Node (cold) under 20 ms", f"{node['wasm_instantiate_node']:.1f} ms (Chromium {wasm.get('wasm_instantiate_chromium', float('nan')):.1f} ms)", node["wasm_instantiate_node"] < 20)
for label, figures in (("Python", py), ("Node", node)):
    target(f"{label} resident memory at most the official's", f"{figures['rss_ours'] / 1024:.1f} vs {figures['rss_official'] / 1024:.1f} MiB", figures["rss_ours"] <= figures["rss_official"])
    if "rss_slope_ours" in figures:
        # Growth within 1 MiB per 100,000 calls (allocator noise) is no growth.
        target(f"{label}: no memory growth over 100,000 calls", f"{figures['rss_slope_ours']:+.1f} KiB / 10k calls", figures["rss_slope_ours"] * 10 <= 1024)
off, on = py["logging_off"], py["logging_on"]
rows.append(f"| (logging, Python) off / on at INFO | {off:.1f} / {on:.1f} µs per call | – |")

print("| target | measured | state |")
print("|---|---|---|")
print("\n".join(rows))
