"""The clients' surface: every operation of the table, on both clients, with Python idioms."""

from __future__ import annotations

import inspect

import pytest

import agentphone_rs
from agentphone_rs import _native
from support import OPERATION_IDS


@pytest.mark.parametrize("cls", [agentphone_rs.AgentPhone, agentphone_rs.AsyncAgentPhone])
def test_every_operation_is_reachable(cls: type, sandbox_url: str) -> None:
    client = cls("sk_test_surface", base_url=sandbox_url)
    missing = []
    for op in _native.operations():
        op_id, resource, name, paged = op["id"], op["resource"], op["method"], op["isList"]
        methods = [name, f"{name}_all"] if paged else [name]
        for method in methods:
            target = getattr(getattr(client, resource, None), method, None)
            if target is None:
                missing.append(f"{resource}.{method} ({op_id})")
                continue
            parameters = inspect.signature(target).parameters
            assert "timeout" in parameters and "extra_headers" in parameters, f"{resource}.{method}"
            assert target.__doc__, f"{resource}.{method} has a docstring from the table"
    assert missing == []
    assert [op["id"] for op in _native.operations()] == OPERATION_IDS


def test_async_methods_are_awaitable_and_lists_are_async_iterators(sandbox_url: str) -> None:
    client = agentphone_rs.AsyncAgentPhone("sk_test_surface", base_url=sandbox_url)
    assert inspect.iscoroutinefunction(client.agents.create)
    assert not inspect.iscoroutinefunction(client.calls.list_all)
    assert hasattr(client.calls.list_all(), "__anext__")


def test_keyword_arguments_are_snake_case_with_the_tables_defaults() -> None:
    parameters = inspect.signature(agentphone_rs.AgentPhone.__init__).parameters
    assert list(parameters)[1:] == ["api_key", "base_url", "timeout", "max_retries", "default_headers", "proxy", "ca_certificates"]
    signature = inspect.signature(agentphone_rs.resources.agents.AgentsResource.list)
    assert signature.parameters["limit"].default == 20
    assert signature.parameters["offset"].default == 0
    create = inspect.signature(agentphone_rs.resources.agents.AgentsResource.create).parameters
    assert create["name"].default is inspect.Parameter.empty and create["name"].kind is inspect.Parameter.KEYWORD_ONLY
    assert create["voice_mode"].default == "webhook"


def test_a_wrong_keyword_is_a_type_error_naming_it(client: agentphone_rs.AgentPhone) -> None:
    with pytest.raises(TypeError, match="nmae"):
        client.agents.create(nmae="Ava")  # type: ignore[call-arg]


def test_environment_fallbacks(sandbox_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPHONE_API_KEY", "sk_test_from_env")
    monkeypatch.setenv("AGENTPHONE_BASE_URL", sandbox_url + "/v1")
    with agentphone_rs.AgentPhone() as client:
        assert client.base_url == sandbox_url
        assert client.agents.list().total == 0
    monkeypatch.delenv("AGENTPHONE_API_KEY")
    with pytest.raises(agentphone_rs.ConfigurationError, match="AGENTPHONE_API_KEY"):
        agentphone_rs.AgentPhone()


def test_context_managers_and_close(sandbox_url: str) -> None:
    with agentphone_rs.AgentPhone("sk_test_close", base_url=sandbox_url) as client:
        client.usage.get()
    with pytest.raises(agentphone_rs.AgentPhoneError, match="closed"):
        client.usage.get()

    import asyncio

    async def main() -> None:
        async with agentphone_rs.AsyncAgentPhone("sk_test_close", base_url=sandbox_url) as client:
            await client.usage.get()
        with pytest.raises(agentphone_rs.AgentPhoneError, match="closed"):
            await client.usage.get()

    asyncio.run(main())


def test_per_call_timeout_and_headers(client: agentphone_rs.AgentPhone, sandbox_url: str, api_key: str) -> None:
    from support import control

    # Three slow answers: the first attempt and both retries of this read time out.
    control(sandbox_url, "POST", "/sandbox/faults", {"operation": "get_usage", "latency_ms": 400, "count": 3}, api_key)
    with pytest.raises(agentphone_rs.APITimeoutError):
        client.usage.get(timeout=0.1)
    # The per-call header reaches the server: a sub-account of this key scopes the call, an id it
    # does not own is refused.
    team = client.sub_accounts.create(name="Team B")
    assert client.usage.get(extra_headers={"X-Sub-Account-Id": team.id}).plan is not None
    with pytest.raises(agentphone_rs.NotFoundError, match="Sub-account not found"):
        client.usage.get(extra_headers={"X-Sub-Account-Id": "sa_1"})
