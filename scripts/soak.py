"""Soak test of the sandbox: tenants driving mixed traffic for a bounded time, with the figures
that say whether it holds (not a timed test; it prints what it measured).

    .venv/bin/python scripts/soak.py [--seconds 600] [--tenants 8] [--binary target/debug/agentphone]

Each tenant (its own API key) runs an agent with two numbers and a webhook into an in-sandbox sink,
and loops over fifty correspondents: outbound messages, inbound messages (some of 64 KiB), calls,
conversation and usage reads, contacts created and deleted. The sandbox keeps its last 2,000
messages and 200 calls per project here (`--message-capacity`, `--call-capacity`; the defaults,
10,000 each, take longer than ten minutes of this traffic to reach), so its memory can be seen to
level off once every bound is reached. Every twentieth round it checks isolation: it sees exactly its
own agents and numbers, and its sink holds only its own agents' events. The sandbox runs as its
own process (`agentphone sandbox --fast`), so its resident memory is read from /proc; it is sampled
every 30 s and should level off. Exits non-zero on any error or isolation violation.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any, Dict, List, Optional

import agentphone_rs as ap

ROOT = Path(__file__).resolve().parents[1]


def control(url: str, method: str, path: str, body: Optional[Any] = None, key: Optional[str] = None) -> Any:
    request = urllib.request.Request(url + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("content-type", "application/json")
    if key:
        request.add_header("authorization", f"Bearer {key}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Tenant(threading.Thread):
    def __init__(self, index: int, url: str, deadline: float) -> None:
        super().__init__(daemon=True)
        self.index, self.url, self.deadline = index, url, deadline
        self.key = f"sk_test_soak_{index}_{random.getrandbits(32):08x}"
        self.requests = self.errors = self.violations = 0
        self.problems: List[str] = []

    def fail(self, what: str, error: BaseException) -> None:
        self.errors += 1
        if len(self.problems) < 5:
            self.problems.append(f"{what}: {type(error).__name__}: {error}")

    def run(self) -> None:
        control(self.url, "POST", "/sandbox/balance", {"cents": 10**12}, self.key)
        sink = f"soak-{self.index}"
        with ap.AgentPhone(self.key, base_url=self.url, max_retries=0) as client:
            agent = client.agents.create(name=f"Tenant {self.index}", voice_mode="hosted")
            numbers = [client.numbers.buy(area_code="415", agent_id=agent.id) for _ in range(2)]
            client.webhooks.set(url=f"{self.url}/sandbox/sink/{sink}")
            own_agents = {agent.id}
            own_numbers = {n.id for n in numbers}
            self.requests += 4
            round_ = 0
            while time.monotonic() < self.deadline:
                round_ += 1
                phone = numbers[round_ % 2].phone_number or ""
                steps = [
                    ("send", lambda: client.messages.send(agent_id=agent.id, to_number=f"+1415555{random.randint(1000, 1049):04d}", body=f"round {round_}")),
                    ("inbound", lambda: control(self.url, "POST", "/sandbox/inbound/message",
                                                {"to": phone, "from": f"+1212555{random.randint(1000, 1049):04d}",
                                                 "body": "x" * (65536 if round_ % 25 == 0 else 1536)})),
                    ("conversations", lambda: client.conversations.list(limit=5)),
                    ("usage", lambda: client.usage.get()),
                ]
                if round_ % 5 == 0:
                    steps.append(("call", lambda: client.calls.get(client.calls.make(agent_id=agent.id, to_number=f"+1415556{random.randint(1000, 1049):04d}").id)))
                if round_ % 10 == 0:
                    steps.append(("contact", lambda: client.contacts.delete(client.contacts.create(name="C", phone_number=f"+1646555{random.randint(1000, 8999):04d}").id)))
                for what, step in steps:
                    try:
                        step()
                        self.requests += 2 if what in ("call", "contact") else 1
                    except Exception as error:  # noqa: BLE001 - every failure is counted and shown
                        self.fail(what, error)
                if round_ % 20 == 0:
                    self.check(client, own_agents, own_numbers, sink)

    def check(self, client: ap.AgentPhone, own_agents: set, own_numbers: set, sink: str) -> None:
        try:
            agents = {a.id for a in client.agents.list_all()}
            numbers = {n.id for n in client.numbers.list_all()}
            received = control(self.url, "GET", f"/sandbox/sink/{sink}")["data"]
            self.requests += 3
        except Exception as error:  # noqa: BLE001
            self.fail("isolation check", error)
            return
        foreign = [d for d in received if (d.get("event") or {}).get("agentId") not in own_agents | {None}]
        if agents != own_agents or numbers != own_numbers or foreign:
            self.violations += 1
            if len(self.problems) < 5:
                self.problems.append(f"isolation: agents {agents - own_agents}, numbers {numbers - own_numbers}, {len(foreign)} foreign events")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--tenants", type=int, default=8)
    parser.add_argument("--binary", default=str(ROOT / "target" / "debug" / "agentphone"))
    args = parser.parse_args()

    command = [args.binary, "sandbox", "--port", "0", "--fast", "--message-capacity", "2000", "--call-capacity", "200"]
    sandbox = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert sandbox.stdout is not None
    match = re.search(r"(http://127\.0\.0\.1:\d+)", sandbox.stdout.readline())
    if not match:
        sandbox.kill()
        print("the sandbox did not start", file=sys.stderr)
        return 1
    url = match.group(1)
    try:
        start = time.monotonic()
        samples = [(0, rss_mb(sandbox.pid))]
        tenants = [Tenant(i, url, start + args.seconds) for i in range(args.tenants)]
        for tenant in tenants:
            tenant.start()
        while any(t.is_alive() for t in tenants):
            time.sleep(1)
            elapsed = int(time.monotonic() - start)
            if elapsed - samples[-1][0] >= 30:
                samples.append((elapsed, rss_mb(sandbox.pid)))
        samples.append((int(time.monotonic() - start), rss_mb(sandbox.pid)))
        stats: Dict[str, Any] = control(url, "GET", "/sandbox/stats")
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)

    served = stats["requests"]
    errors = sum(t.errors for t in tenants)
    violations = sum(t.violations for t in tenants)
    print(f"soak: {args.tenants} tenants for {samples[-1][0]} s against {args.binary}")
    print("  resident memory of the sandbox (MB): " + ", ".join(f"{s}s {mb:.1f}" for s, mb in samples))
    half = [mb for s, mb in samples if s >= samples[-1][0] / 2]
    print(f"  second half: {min(half):.1f} to {max(half):.1f} MB; start {samples[0][1]:.1f} MB, end {samples[-1][1]:.1f} MB")
    print(f"  API requests served by the sandbox: {served} ({served / max(samples[-1][0], 1):.0f}/s); made by the tenants: {sum(t.requests for t in tenants)}")
    print(f"  messages {stats.get('messages_sent', '?')} sent, calls {stats.get('calls_placed', '?')} placed")
    print(f"  errors: {errors}; isolation violations: {violations}")
    for tenant in tenants:
        for problem in tenant.problems:
            print(f"    tenant {tenant.index}: {problem}")
    return 1 if errors or violations else 0


if __name__ == "__main__":
    sys.exit(main())
