"""Tool schemas for LLM function calling and the dispatcher: valid JSON Schemas in both formats,
subsets, and valid and invalid model arguments for every tool (sync and async)."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import agentphone_rs as ap
from agentphone_rs.tools import AgentTools
from support import OPERATION_IDS, WORLD_ACTING, control

def test_both_formats_carry_every_tool_with_a_valid_schema(client: ap.AgentPhone) -> None:
    tools = AgentTools(client)
    openai, anthropic = tools.openai(), tools.anthropic()
    assert len(openai) == len(anthropic) == len(OPERATION_IDS) + 1
    for o, a in zip(openai, anthropic):
        assert o["type"] == "function" and o["function"]["name"] == a["name"]
        assert o["function"]["parameters"] == a["input_schema"]
        Draft202012Validator.check_schema(a["input_schema"])
        assert a["description"]


def test_subsets(client: ap.AgentPhone) -> None:
    assert set(AgentTools(client, resources=["messages", "account"]).names) == {"send_message", "send_reaction", "account_overview"}
    assert "create_agent" not in AgentTools(client, read_only=True).names
    assert not set(AgentTools(client, exclude_world_acting=True).names) & WORLD_ACTING
    with pytest.raises(ap.ValidationError, match="expected one of") as raised:
        AgentTools(client, resources=["mesages"])
    assert raised.value.field == "resources"


def test_every_tool_answers_invalid_arguments_for_the_model(client: ap.AgentPhone) -> None:
    tools = AgentTools(client)
    for name in tools.names:
        # Not an object, not JSON, and a field no tool has: each a message, never an exception.
        for arguments in ("[1, 2]", "{not json", {"no_such_field": 1}):
            if name == "account_overview" and arguments == {"no_such_field": 1}:
                continue  # takes no arguments and ignores none: checked below
            answer = json.loads(tools.dispatch(name, arguments))
            assert "error" in answer, (name, arguments, answer)
            assert name in answer["error"] or "no_such_field" in answer["error"], answer
    answer = json.loads(tools.dispatch("teleport", {}))
    assert "no tool" in answer["error"] and "send_message" in answer["error"]


def test_valid_arguments_run_end_to_end(client: ap.AgentPhone) -> None:
    tools = AgentTools(client)
    agent = json.loads(tools.dispatch("create_agent", '{"name": "Tool agent"}'))
    number = json.loads(tools.dispatch("buy_number", {"agent_id": agent["id"]}))
    sent = json.loads(tools.dispatch("send_message", {"agent_id": agent["id"], "to_number": "+14155550100", "body": "Hi"}))
    assert sent["status"] and number["phoneNumber"].startswith("+1")
    assert json.loads(tools.dispatch("list_agents", None))["data"][0]["id"] == agent["id"]
    overview = json.loads(tools.dispatch("account_overview"))
    assert overview["usage"]["numbers"]["used"] == 1
    wrong = json.loads(tools.dispatch("create_agent", {"name": 5}))
    assert wrong["field"] == "name" and "Fix it" in wrong["error"]
    missing = json.loads(tools.dispatch("get_agent", {"agent_id": "agt_missing"}))
    assert missing["status"] == 404 and missing["may_have_acted"] is False
    refused = json.loads(AgentTools(client, exclude_world_acting=True).dispatch("send_message", {"agent_id": agent["id"]}))
    assert "no tool" in refused["error"]


def test_the_async_dispatcher(sandbox_url: str, api_key: str) -> None:
    async def run() -> Any:
        async with ap.AsyncAgentPhone(api_key, base_url=sandbox_url) as client:
            tools = AgentTools(client, read_only=True)
            return json.loads(await tools.dispatch_async("list_agents", {"limit": 500}))

    answer = asyncio.run(run())
    assert answer["field"] == "limit" and "list_agents" in answer["error"]


def sample(schema: dict[str, Any]) -> Any:
    """A value the schema accepts, as a model following it would write."""
    kind = schema.get("type")
    if kind == "object":
        required = list(schema.get("required", []))
        for alternatives in ("oneOf", "anyOf"):  # of required fields: take the first
            required += schema[alternatives][0]["required"] if alternatives in schema else []
        return {name: sample(schema["properties"][name]) for name in required}
    if "anyOf" in schema:  # a nullable value
        return sample(schema["anyOf"][0])
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "integer" or kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return [sample(schema.get("items", {"type": "string"}))] * schema.get("minItems", 1)
    if schema.get("format") == "uri":
        return "https://example.com/hook"
    if "phone number" in schema.get("description", "").lower():
        return "+14155550100"
    if "email address" in schema.get("description", "").lower():
        return f"tools+{secrets.token_hex(4)}@example.com"
    return "x" * max(1, schema.get("minLength", 1))


def test_every_tool_accepts_arguments_that_follow_its_schema(client: ap.AgentPhone) -> None:
    tools = AgentTools(client)
    # What a tool needs in place first (`delete_webhook` ran before it).
    sink = f"{client.base_url}/sandbox/sink/tools"  # answers 200, as a working webhook does
    preconditions = {"test_webhook": lambda: client.webhooks.set(url=sink)}
    for tool in tools.anthropic():
        preconditions.get(tool["name"], lambda: None)()
        arguments = sample(tool["input_schema"])
        answer = json.loads(tools.dispatch(tool["name"], arguments))
        # The arguments pass every check, the SDK's and the API's: the answer is a result, or a
        # 404 for the made-up ids.
        assert "error" not in answer or answer.get("status") == 404, (tool["name"], arguments, answer)
