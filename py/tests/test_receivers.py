"""The README's webhook receivers, run as written under FastAPI, Flask and Django: a signed message
is accepted, a bad signature is refused, and a caller's turn is answered with streamed NDJSON."""

from __future__ import annotations

import json
import re
import sys
import time
import types
from pathlib import Path
from typing import Any, Callable, Dict, Tuple

import pytest

from agentphone_rs.webhooks import sign_webhook

SECRET = "whsec_receivers_test"
README = (Path(__file__).parent.parent / "README.md").read_text()


def block(framework: str) -> types.ModuleType:
    """The README block of `framework`, loaded as a module."""
    code = re.search(rf"```python {framework}\n(.*?)```", README, re.S)
    assert code, f"the README shows a {framework} receiver"
    module = types.ModuleType(f"receiver_{framework}")
    sys.modules[module.__name__] = module  # Flask and Django look their module up by name
    exec(compile(code.group(1), f"README.md ({framework})", "exec"), module.__dict__)
    return module


def delivery(data: Dict[str, Any], channel: str, *, secret: str = SECRET) -> Tuple[bytes, Dict[str, str]]:
    body = json.dumps({"event": "agent.message", "channel": channel, "timestamp": "2026-12-01T00:00:00Z", "agentId": "agt_1", "data": data}).encode()
    stamp = int(time.time())
    return body, {"x-webhook-signature": sign_webhook(body, secret=secret, timestamp=stamp), "x-webhook-timestamp": str(stamp), "content-type": "application/json"}


def expectations(post: Callable[[bytes, Dict[str, str]], Tuple[int, str, bytes]]) -> None:
    body, headers = delivery({"messageId": "msg_1", "from": "+14155550100", "message": "Hi"}, "sms")
    assert post(body, headers)[0] == 204
    forged, forged_headers = delivery({"messageId": "msg_1", "message": "Hi"}, "sms", secret="whsec_someone_else")
    assert post(forged, forged_headers)[0] == 400
    turn, turn_headers = delivery({"callId": "call_1", "transcript": "Where is my order?"}, "voice")
    status, content_type, answer = post(turn, turn_headers)
    assert status == 200 and content_type.startswith("application/x-ndjson"), content_type
    lines = [json.loads(line) for line in answer.decode().splitlines()]
    assert [line["text"] for line in lines] == ["One moment.", "You said: Where is my order?"]
    assert lines[0].get("interim") is True and "interim" not in lines[1]


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENTPHONE_WEBHOOK_SECRET", SECRET)


def test_fastapi() -> None:
    from fastapi.testclient import TestClient

    client = TestClient(block("fastapi").app)

    def post(body: bytes, headers: Dict[str, str]) -> Tuple[int, str, bytes]:
        answer = client.post("/agentphone", content=body, headers=headers)
        return answer.status_code, answer.headers.get("content-type", ""), answer.content

    expectations(post)


def test_flask() -> None:
    client = block("flask").app.test_client()

    def post(body: bytes, headers: Dict[str, str]) -> Tuple[int, str, bytes]:
        answer = client.post("/agentphone", data=body, headers=headers)
        return answer.status_code, answer.headers.get("content-type", ""), answer.get_data()

    expectations(post)


def test_django() -> None:
    from django.conf import settings

    if not settings.configured:
        settings.configure(DEBUG=False, ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=__name__, SECRET_KEY="receivers-test")
    import django

    django.setup()
    from django.test import Client
    from django.urls import clear_url_caches, path

    global urlpatterns
    urlpatterns = [path("agentphone", block("django").agentphone)]
    clear_url_caches()
    client = Client()

    def post(body: bytes, headers: Dict[str, str]) -> Tuple[int, str, bytes]:
        answer = client.post("/agentphone", data=body, content_type="application/json", headers={k: v for k, v in headers.items() if k != "content-type"})
        content = b"".join(answer.streaming_content) if answer.streaming else answer.content  # type: ignore[attr-defined]
        return answer.status_code, answer.get("content-type", ""), content

    expectations(post)


urlpatterns: list = []
