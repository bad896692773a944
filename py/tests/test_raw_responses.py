"""Raw responses: ``with_raw_response`` answers the status, headers and request id with the typed
result, and every answer carries its request id as ``_request_id``."""

from __future__ import annotations

import asyncio
import pickle

import pytest

import agentphone_rs
from agentphone_rs.testing import Project


def test_with_raw_response_answers_status_headers_request_id_and_the_typed_result(client: agentphone_rs.AgentPhone) -> None:
    created = client.with_raw_response.contacts.create(phone_number="+14155550100", name="Ada")
    assert created.status_code == 201 and created.parse().name == "Ada"  # the API's status for a new contact
    raw = client.with_raw_response.agents.create(name="Raw")
    assert raw.status_code == 200
    assert raw.request_id is not None and raw.request_id.startswith("req_")
    assert raw.headers["X-Request-Id"] == raw.request_id == raw.headers.get("x-request-id")
    assert raw.headers["content-type"].startswith("application/json")
    assert "content-type" in raw.headers and "x-no-such-header" not in raw.headers
    assert raw.headers.get("x-no-such-header") is None
    with pytest.raises(KeyError):
        raw.headers["x-no-such-header"]
    agent = raw.parse()
    assert isinstance(agent, agentphone_rs.Agent) and agent.name == "Raw"
    assert agent._request_id == raw.request_id
    # The view is the client's, its resources the same methods.
    assert client.with_raw_response is client.with_raw_response
    listed = client.with_raw_response.agents.list(limit=5)
    assert listed.status_code == 200 and [a.id for a in listed.parse().data] == [agent.id]
    # Item iterators are the client's own under the view.
    assert [a.id for a in client.with_raw_response.agents.list_all()] == [agent.id]


def test_every_answer_carries_its_request_id(client: agentphone_rs.AgentPhone) -> None:
    first = client.agents.create(name="One")
    again = client.agents.get(first.id)
    assert first._request_id and again._request_id and first._request_id != again._request_id
    # Nested objects are not answers of their own; a model that came from nowhere has none.
    page = client.agents.list()
    assert page._request_id and page.data[0]._request_id is None
    assert agentphone_rs.Agent({"id": "a"})._request_id is None
    # It travels with the object, and is no part of its value.
    copy = pickle.loads(pickle.dumps(again))
    assert copy == again and copy._request_id == again._request_id
    assert again == agentphone_rs.Agent(again.raw)


def test_a_failed_raw_call_raises_as_any_call(agentphone_project: Project) -> None:
    client = agentphone_project.client(max_retries=0)
    with pytest.raises(agentphone_rs.NotFoundError) as caught:
        client.with_raw_response.agents.get("agt_missing")
    assert caught.value.request_id


def test_with_raw_response_on_asyncio(agentphone_project: Project) -> None:
    async def main() -> None:
        async with agentphone_project.async_client() as client:
            raw = await client.with_raw_response.agents.create(name="Async")
            assert raw.status_code == 200 and raw.request_id
            agent = raw.parse()
            assert agent.name == "Async" and agent._request_id == raw.request_id
            got = await client.agents.get(agent.id)
            assert got._request_id and got._request_id != raw.request_id

    asyncio.run(main())
