"""The runtime underneath: the GIL is released while a call waits, and a client survives fork."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

import agentphone_rs as ap
from support import control


def test_a_blocking_call_releases_the_gil(client: ap.AgentPhone, sandbox_url: str, api_key: str) -> None:
    control(sandbox_url, "POST", "/sandbox/faults", {"operation": "get_usage", "latency_ms": 400}, api_key)
    ticks = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    client.usage.get()
    stop.set()
    counter.join()
    assert ticks > 100, f"the counting thread ran only {ticks} times while the call waited"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_client_works_in_a_forked_child(client: ap.AgentPhone) -> None:
    client.agents.create(name="Parent")  # the runtime and the connection pool exist before fork
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            agent = client.agents.create(name="Child")
            code = 0 if client.agents.get(agent.id).name == "Child" else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0
    assert client.agents.list().total == 2


def test_importing_the_package_loads_neither_asyncio_nor_the_models() -> None:
    import subprocess

    code = "import sys, agentphone_rs; print(sorted(m for m in ('asyncio', 'agentphone_rs._generated.models', 'agentphone_rs._generated.resources.agents') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
    # ... and still reaches everything on first use.
    assert ap.webhooks.verify_webhook is ap.verify_webhook and ap.Agent.__name__ == "Agent"


def test_concurrent_async_calls_each_get_their_own_answer_on_successive_loops(sandbox_url: str, api_key: str) -> None:
    """Finished calls reach their loop in batches: every future gets its own answer, none is lost
    or crossed, on one loop and then on the next (each loop has its own queue)."""
    import asyncio

    async def main() -> None:
        client = ap.AsyncAgentPhone(api_key, base_url=sandbox_url)
        agents = await asyncio.gather(*(client.agents.create(name=f"Batch {i}") for i in range(40)))
        fetched = await asyncio.gather(*(client.agents.get(agent.id) for agent in agents * 3))
        assert [agent.id for agent in fetched] == [agent.id for agent in agents * 3]
        assert [agent.name for agent in fetched] == [f"Batch {i}" for i in range(40)] * 3

    asyncio.run(main())
    asyncio.run(main())
