"""Checked with `mypy --strict` in CI: the stubs and annotations make real code type-check."""

from __future__ import annotations

import asyncio
from typing import List, Optional

from agentphone_rs import Agent, AgentPhone, AsyncAgentPhone, Call, NotFoundError, RawResponse, WebhookEvent, construct_event


def sync_usage(client: AgentPhone) -> List[str]:
    agent: Agent = client.agents.create(name="Ava", voice_mode="hosted", voice_speed=1.1)
    number = client.numbers.buy(area_code="415", agent_id=agent.id)
    phone: Optional[str] = number.phone_number
    call: Call = client.calls.make(agent_id=agent.id, to_number=phone or "+14155550100")
    try:
        client.agents.get("agt_missing")
    except NotFoundError as error:
        print(error.status_code, error.request_id)
    for event in client.calls.stream_transcript(call.id):
        said: Optional[str] = event.data.content if event.data else None
        print(event.event, said)
    raw: RawResponse[Agent] = client.with_raw_response.agents.get(agent.id, max_retries=0, timeout=5.0)
    request_id: Optional[str] = raw.request_id or raw.headers.get("x-request-id") or agent._request_id
    print(raw.status_code, request_id, raw.parse().name)
    return [c.id for c in client.calls.list_all(status="completed")] + [call.id]


async def async_usage(client: AsyncAgentPhone) -> int:
    usage = await client.usage.get(max_retries=5)
    raw = await client.with_raw_response.usage.get()
    assert raw.parse().plan == usage.plan
    total = 0
    async for contact in client.contacts.list_all(search="jo"):
        total += 1 if contact.name else 0
    return total + (usage.numbers.used or 0 if usage.numbers else 0)


def webhook(body: bytes, headers: dict[str, str], secret: str) -> Optional[str]:
    event: WebhookEvent = construct_event(body, headers, secret=secret)
    if event.kind == "reaction":
        return None
    return event.channel


def wrong_filter(client: AgentPhone) -> None:
    # mypy --strict warns about unused ignores: these lines check that "ringing" is refused.
    client.calls.list(status="ringing")  # type: ignore[arg-type]
    client.with_raw_response.calls.list(status="ringing")  # type: ignore[arg-type]


if __name__ == "__main__":
    asyncio.run(async_usage(AsyncAgentPhone()))
