"""`agentphone mcp` driven by a real MCP client (the `mcp` package): the tool list, its schemas
and hints, and read and write tools end to end against the sandbox."""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from mcp import ClientSession, StdioServerParameters, stdio_client

from conftest import _binary
from support import OPERATION_IDS, WORLD_ACTING

def session(sandbox_url: str, api_key: str, *flags: str) -> StdioServerParameters:
    # The client passes only a few variables on; the server gets its settings from these.
    env = {"PATH": os.environ.get("PATH", ""), "AGENTPHONE_API_KEY": api_key}
    return StdioServerParameters(command=_binary(), args=["mcp", "--base-url", sandbox_url, *flags], env=env)


async def with_session(params: StdioServerParameters, work: Any) -> Any:
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as client:
            await client.initialize()
            return await work(client)


def run(params: StdioServerParameters, work: Any) -> Any:
    return asyncio.run(with_session(params, work))


def test_every_operation_is_a_tool_with_a_valid_schema_and_hints(sandbox_url: str, api_key: str) -> None:
    tools = run(session(sandbox_url, api_key), lambda c: c.list_tools())
    by_name = {tool.name: tool for tool in tools.tools}
    assert len(by_name) == len(OPERATION_IDS) + 1  # and account_overview
    assert set(OPERATION_IDS) | {"account_overview"} == set(by_name)
    for tool in by_name.values():
        Draft202012Validator.check_schema(tool.input_schema)
        assert tool.input_schema["type"] == "object"
        assert set(tool.input_schema["required"]) <= set(tool.input_schema["properties"]), tool.name
        assert tool.description and tool.annotations is not None
    send = by_name["send_message"]
    assert send.annotations.open_world_hint is True and send.annotations.read_only_hint is False
    assert "real world" in send.description
    assert by_name["list_agents"].annotations.read_only_hint is True
    assert by_name["delete_agent"].annotations.destructive_hint is True
    assert by_name["release_number"].annotations.destructive_hint is True
    assert {name for name, tool in by_name.items() if tool.annotations.open_world_hint} == WORLD_ACTING
    limit = by_name["list_agents"].input_schema["properties"]["limit"]
    assert (limit["type"], limit["minimum"], limit["maximum"]) == ("integer", 1, 100)
    assert "webhook" in by_name["create_agent"].input_schema["properties"]["voice_mode"]["enum"]
    assert by_name["create_agent"].input_schema["required"] == ["name"]


def test_subsets_by_resource_read_only_and_world_acting(sandbox_url: str, api_key: str) -> None:
    names = lambda *flags: {t.name for t in run(session(sandbox_url, api_key, *flags), lambda c: c.list_tools()).tools}  # noqa: E731
    assert names("--resources", "messages,account") == {"send_message", "send_reaction", "account_overview"}
    read_only = names("--read-only")
    assert "list_agents" in read_only and "create_agent" not in read_only
    assert not names("--exclude-world-acting") & WORLD_ACTING


def test_read_and_write_tools_end_to_end(sandbox_url: str, api_key: str) -> None:
    async def work(client: ClientSession) -> None:
        agent = await client.call_tool("create_agent", {"name": "MCP agent", "voice_mode": "hosted"})
        assert not agent.is_error
        agent_id = agent.structured_content["id"]
        number = await client.call_tool("buy_number", {"area_code": "415", "agent_id": agent_id})
        assert number.structured_content["phoneNumber"].startswith("+1415")
        sent = await client.call_tool("send_message", {"agent_id": agent_id, "to_number": "(415) 555-0100", "body": "Hello from MCP"})
        assert not sent.is_error, sent.content
        assert json.loads(sent.content[0].text) == sent.structured_content
        agents = await client.call_tool("list_agents", {"limit": 5})
        assert [a["id"] for a in agents.structured_content["data"]] == [agent_id]
        overview = await client.call_tool("account_overview", {})
        assert set(overview.structured_content) == {"agents", "numbers", "webhook", "usage"}
        assert overview.structured_content["usage"]["numbers"]["used"] == 1
        # A model's mistakes come back as tool errors it can read and fix.
        bad = await client.call_tool("create_agent", {"name": 5})
        assert bad.is_error and bad.structured_content["field"] == "name"
        assert "Fix it and call create_agent again" in bad.structured_content["error"]
        missing = await client.call_tool("get_agent", {"agent_id": "agt_missing"})
        assert missing.is_error and missing.structured_content["status"] == 404
        unknown = await client.call_tool("teleport", {})
        assert unknown.is_error and "no tool" in unknown.content[0].text

    run(session(sandbox_url, api_key), work)
