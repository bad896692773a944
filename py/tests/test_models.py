"""Responses as typed objects: attributes, repr, to_dict, raw, open enums, pagination."""

from __future__ import annotations

import asyncio
import json

import agentphone_rs as ap


def test_models_read_like_objects(client: ap.AgentPhone) -> None:
    agent = client.agents.create(name="Ava", voice_mode="hosted", custom_tools=[{"name": "lookup", "description": "Find", "url": "https://t.example/x"}])
    assert isinstance(agent, ap.Agent)
    assert agent.name == "Ava" and agent.voice_mode == "hosted" and isinstance(agent.voice_mode, str)
    assert isinstance(agent.custom_tools[0], ap.CustomTool) and agent.custom_tools[0].name == "lookup"
    assert repr(agent).startswith("Agent(id='agt_") and "name='Ava'" in repr(agent)
    assert agent.raw["voiceMode"] == "hosted"
    as_dict = agent.to_dict()
    assert as_dict["voice_mode"] == "hosted" and as_dict["custom_tools"][0]["name"] == "lookup"
    assert client.agents.get(agent.id) == agent
    assert {"voice_mode", "custom_tools", "system_prompt", "to_json", "raw"} <= set(dir(agent)), "fields complete in a REPL"
    assert json.loads(agent.to_json()) == as_dict and agent.to_json(indent=2).startswith("{\n  ")


def test_unknown_fields_and_values_survive() -> None:
    message = ap.Message({"id": "m", "fromNumber": "+1", "channel": "rcs-business", "sentiment": "happy"})
    assert message.channel == "rcs-business"
    assert message.raw["sentiment"] == "happy" and message.to_dict()["sentiment"] == "happy"
    assert message.from_number == "+1" and message.body is None


def test_explicit_null_clears_and_not_given_keeps(client: ap.AgentPhone) -> None:
    contact = client.contacts.create(name="Jo", phone_number="+14155550100", email="jo@example.com")
    kept = client.contacts.update(contact.id, notes="vip")
    assert kept.email == "jo@example.com"
    cleared = client.contacts.update(contact.id, email=None)
    assert cleared.email is None and cleared.notes == "vip"


def test_list_all_walks_every_page(client: ap.AgentPhone, sandbox_url: str, api_key: str) -> None:
    for i in range(7):
        client.contacts.create(name=f"C{i}", phone_number=f"+1415555{i:04d}")
    names = [c.name for c in client.contacts.list_all(limit=3)]
    assert names == [f"C{i}" for i in reversed(range(7))]

    async def collect() -> list:
        async with ap.AsyncAgentPhone(api_key, base_url=sandbox_url) as aclient:
            return [c.name async for c in aclient.contacts.list_all(limit=2)]

    assert asyncio.run(collect()) == names


def test_recordings_are_bytes_with_a_save_helper(client: ap.AgentPhone, tmp_path) -> None:  # type: ignore[no-untyped-def]
    agent = client.agents.create(name="Ava", voice_mode="hosted")
    client.numbers.buy(agent_id=agent.id)
    call = client.calls.make(agent_id=agent.id, to_number="+14155550100")
    transcript = list(client.calls.stream_transcript(call.id))
    events = [event.event for event in transcript]
    assert events[0] == "connected" and events[-1] == "ended"
    # The events' data is a model, snake_case like every other.
    assert transcript[0].data is not None and transcript[0].data.call_id == call.id
    turns = [event.data for event in transcript if event.event == "turn" and event.data is not None]
    assert turns and all(turn.role in ("user", "agent") and turn.content for turn in turns)
    ended = transcript[-1].data
    assert ended is not None and isinstance(ended.duration_seconds, int)
    recording = client.calls.get_recording(call.id)
    assert recording.content_type == "audio/wav" and recording.content[:4] == b"RIFF"
    path = recording.save(tmp_path / "call.wav")
    assert path.read_bytes() == recording.content
