"""Per-call options: ``max_retries`` and ``timeout`` over the client's, for one call."""

from __future__ import annotations

import asyncio

import pytest

import agentphone_rs
from agentphone_rs.testing import Project


def test_max_retries_per_call_overrides_the_client(agentphone_project: Project) -> None:
    client = agentphone_project.client()  # 2 retries by default
    agentphone_project.add_fault(operation="list_agents", status=503)
    with pytest.raises(agentphone_rs.InternalServerError):
        client.agents.list(max_retries=0)
    agentphone_project.add_fault(operation="list_agents", status=503)
    assert client.agents.list().data == []  # the client's retries took the fault
    stubborn = agentphone_project.client(max_retries=0)
    agentphone_project.add_fault(operation="list_agents", status=503)
    assert stubborn.agents.list(max_retries=1).data == []
    assert agentphone_project.stats()["project"]["requests"]["list_agents"] == 5
    with pytest.raises(agentphone_rs.ValidationError, match="max_retries.*from 0 to 100, got -1"):
        client.agents.list(max_retries=-1)


def test_max_retries_and_timeout_per_call_on_asyncio(agentphone_project: Project) -> None:
    async def main() -> None:
        async with agentphone_project.async_client(max_retries=0) as client:
            agentphone_project.add_fault(operation="list_agents", status=503)
            assert (await client.agents.list(max_retries=1)).data == []
            agentphone_project.add_fault(operation="list_agents", latency_ms=2_000)
            with pytest.raises(agentphone_rs.APITimeoutError):
                await client.agents.list(timeout=0.2)
            agentphone_project.clear_faults()
            agentphone_project.add_fault(operation="list_agents", status=503)
            assert [agent.id async for agent in client.agents.list_all(max_retries=1)] == []

    asyncio.run(main())
