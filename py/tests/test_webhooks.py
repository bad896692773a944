"""A webhook receiver in Python, getting real signed deliveries from the sandbox, and answering
voice turns with the package's helpers."""

from __future__ import annotations

import http.server
import json
import threading
import time
from typing import Any, Iterator, List

import pytest

import agentphone_rs as ap
from agentphone_rs.webhooks import VOICE_NDJSON, MemoryDeliveryStore, parse_voice_reply, sign_webhook, voice_stream
from support import control


class Receiver:
    def __init__(self) -> None:
        self.secret: List[str] = []
        self.events: List[ap.WebhookEvent] = []
        self.rejected: List[str] = []
        # Statuses to answer, first to last, before the default 200.
        self.statuses: List[int] = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                try:
                    event = ap.construct_event(body, self.headers, secret=receiver.secret)
                except ap.WebhookVerificationError as error:
                    receiver.rejected.append(str(error))
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.events.append(event)
                if event.is_voice_turn:
                    said = event.data.transcript or ""
                    lines = list(voice_stream(["One moment.", {"text": f"You said {said}", "hangup": "bye" in said.lower()}]))
                    reply = "".join(lines).encode()
                    self.send_response(200)
                    self.send_header("content-type", VOICE_NDJSON)
                    self.end_headers()
                    self.wfile.write(reply)
                    return
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int) -> List[ap.WebhookEvent]:
        deadline = time.monotonic() + 5
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(self.events) >= count, (self.events, self.rejected)
        return self.events


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()


def test_a_real_signed_delivery_is_verified_and_parsed(client: ap.AgentPhone, sandbox_url: str, receiver: Receiver) -> None:
    agent = client.agents.create(name="Ava")
    number = client.numbers.buy(agent_id=agent.id)
    old = client.webhooks.set(url=receiver.url)
    new = client.webhooks.set(url=receiver.url)
    receiver.secret = [new.secret, old.secret]
    control(sandbox_url, "POST", "/sandbox/inbound/message", {"to": number.phone_number, "from": "+14155550100", "body": "Hi there", "wait": True})
    event = receiver.wait(1)[0]
    assert event.event == "agent.message" and event.kind == "message" and event.channel == "sms" and not event.is_voice_turn
    assert isinstance(event.data, ap.MessageEventData)
    assert event.data.message == "Hi there" and event.data.from_number == "+14155550100"
    assert event.agent_id == agent.id and event.raw["data"]["from"] == "+14155550100"

    receiver.secret = ["whsec_wrong"]
    client.webhooks.test()
    deadline = time.monotonic() + 5
    while not receiver.rejected and time.monotonic() < deadline:
        time.sleep(0.01)
    assert receiver.rejected == ["invalid webhook signature"]


def test_a_redelivery_carries_the_same_id_and_is_processed_once(client: ap.AgentPhone, sandbox_url: str, receiver: Receiver) -> None:
    agent = client.agents.create(name="Ava")
    number = client.numbers.buy(agent_id=agent.id)
    receiver.secret = [client.webhooks.set(url=receiver.url).secret]
    receiver.statuses = [503]  # the receiver acted, then failed to answer: the API redelivers
    control(sandbox_url, "POST", "/sandbox/inbound/message", {"to": number.phone_number, "from": "+14155550100", "body": "once", "wait": True})
    first, again = receiver.wait(2)
    assert first.delivery_id is not None and first.delivery_id.startswith("dlv_")
    assert again.delivery_id == first.delivery_id
    store = MemoryDeliveryStore()
    assert [first.first_delivery(store), again.first_delivery(store)] == [True, False]
    # Without a store, one in this process's memory; without an id, every delivery is first.
    assert [first.first_delivery(), again.first_delivery()] == [True, False]
    body = json.dumps(first.raw).encode()
    unsigned = ap.construct_event(body, {"x-webhook-signature": sign_webhook(body, secret="whsec_a", timestamp=1), "x-webhook-timestamp": "1"}, secret="whsec_a", tolerance=None)
    assert unsigned.delivery_id is None and unsigned.first_delivery(store) and unsigned.first_delivery(store)
    given = ap.construct_event(body, {"x-webhook-signature": sign_webhook(body, secret="whsec_a", timestamp=1), "x-webhook-timestamp": "1"}, secret="whsec_a", tolerance=None, delivery_id="dlv_given")
    assert given.delivery_id == "dlv_given"


def test_the_memory_store_forgets_the_oldest_past_its_capacity() -> None:
    store = MemoryDeliveryStore(capacity=2)
    assert [store.claim("a"), store.claim("b"), store.claim("a")] == [True, True, False]
    assert store.claim("c")  # "a" is forgotten now
    assert [store.claim("a"), store.claim("c")] == [True, False]


def test_the_voice_loop_with_python_replies(client: ap.AgentPhone, receiver: Receiver) -> None:
    agent = client.agents.create(name="Ava")
    client.numbers.buy(agent_id=agent.id)
    receiver.secret = [client.agents.set_webhook(agent.id, url=receiver.url).secret]
    call = client.calls.make(agent_id=agent.id, to_number="+14155550100")
    deadline = time.monotonic() + 5
    while client.calls.get(call.id).status == "in-progress" and time.monotonic() < deadline:
        time.sleep(0.02)
    turns = client.calls.get(call.id).transcripts
    assert turns[0].response == "One moment. You said Hello?"
    assert len(turns) == 3 and turns[2].transcript == "Sounds good. Thanks, bye!"
    ended = [e for e in receiver.wait(4) if e.event == "agent.call_ended"]
    assert isinstance(ended[0].data, ap.CallEndedData) and ended[0].data.disconnection_reason == "agent_hangup"


def test_verification_rules() -> None:
    body = b'{"event":"agent.message","data":{"from":"+1"}}'
    signature = sign_webhook(body, secret="whsec_a", timestamp=1_700_000_000)
    headers = {"x-webhook-signature": signature, "X-Webhook-Timestamp": "1700000000"}
    ap.verify_webhook(body, headers, secret="whsec_a", now=1_700_000_100)
    ap.verify_webhook(body.decode(), headers, secret=["whsec_b", "whsec_a"], now=1_700_000_100)
    for kwargs, message in [
        ({"secret": "whsec_b", "now": 1_700_000_000}, "invalid webhook signature"),
        ({"secret": "whsec_a", "now": 1_700_000_301}, "301 s from now"),
        ({"secret": "whsec_a", "now": 1_699_999_000}, "from now"),
    ]:
        with pytest.raises(ap.WebhookVerificationError, match=message):
            ap.verify_webhook(body, headers, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ap.WebhookVerificationError, match="missing header X-Webhook-Timestamp"):
        ap.verify_webhook(body, {"x-webhook-signature": signature}, secret="whsec_a")
    with pytest.raises(ap.WebhookVerificationError):
        ap.verify_webhook(body + b" ", headers, secret="whsec_a", tolerance=None)


def test_voice_reply_helpers() -> None:
    assert json.loads(ap.voice_reply("Hello")) == {"text": "Hello"}
    assert json.loads(ap.voice_reply(action="transfer")) == {"action": "transfer"}
    lines = ap.voice_ndjson(["Let me check.", {"text": "Done.", "hangup": True}]).splitlines()
    assert [json.loads(line) for line in lines] == [{"text": "Let me check.", "interim": True}, {"text": "Done.", "hangup": True}]
    assert list(voice_stream([])) == []
    replies = parse_voice_reply('{"text":"a","press_digit":"1"}')
    assert replies[0].digits == "1"

    import asyncio

    async def llm() -> Any:
        for token in ["Checking", "Found it"]:
            yield token

    async def collect() -> List[str]:
        return [line async for line in ap.webhooks.avoice_stream(llm())]

    assert [json.loads(line).get("interim") for line in asyncio.run(collect())] == [True, None]
