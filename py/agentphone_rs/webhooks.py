"""Webhooks: verify deliveries, parse events, and answer voice turns.

Works with the raw body of any framework (FastAPI ``await request.body()``, Flask
``request.get_data()``, Django ``request.body``) and its headers.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, AsyncIterable, AsyncIterator, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Protocol, Sequence, Tuple, Union

from . import _native
from ._generated.errors import WebhookVerificationError
from ._generated.models import CallEndedData, ContactSharedEventData, HistoryItem, MessageEventData, ReactionEventData, VoiceReply

__all__ = [
    "DELIVERY_ID_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "DeliveryStore",
    "MemoryDeliveryStore",
    "VOICE_JSON",
    "VOICE_NDJSON",
    "WebhookEvent",
    "verify_webhook",
    "construct_event",
    "sign_webhook",
    "voice_reply",
    "voice_ndjson",
    "voice_stream",
    "avoice_stream",
    "parse_voice_reply",
]

SIGNATURE_HEADER = "X-Webhook-Signature"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
# The same on every redelivery of one event: what `WebhookEvent.first_delivery` goes by.
DELIVERY_ID_HEADER = "X-Webhook-ID"
VOICE_JSON = "application/json"
VOICE_NDJSON = "application/x-ndjson"

Payload = Union[bytes, bytearray, memoryview, str]
Reply = Union[str, Mapping[str, Any], VoiceReply]


def _bytes(payload: Payload) -> bytes:
    return payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)


def _header(headers: Optional[Mapping[str, str]], name: str) -> Optional[str]:
    if headers is None:
        return None
    value = headers.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, item in headers.items():
        if key.lower() == lowered:
            return item
    return None


def verify_webhook(
    payload: Payload,
    headers: Optional[Mapping[str, str]] = None,
    *,
    secret: Union[str, Sequence[str]],
    signature: Optional[str] = None,
    timestamp: Optional[str] = None,
    tolerance: Optional[float] = _native.DEFAULT_TOLERANCE,
    now: Optional[int] = None,
) -> None:
    """Checks a delivery's signature and freshness; raises ``WebhookVerificationError``.

    Args:
        payload: The raw body, exactly as received (never re-serialized JSON).
        headers: The request headers (any mapping; looked up case-insensitively), or pass
            ``signature`` and ``timestamp`` yourself.
        secret: The webhook secret, or several (the secret changes each time the webhook is set;
            accept the old and the new one during a rotation).
        tolerance: Seconds the timestamp may be off, either way (None skips the check).
        now: Unix time to check against (for tests).
    """
    _native.verify(*_verification_args(payload, headers, secret, signature, timestamp, tolerance, now))


def _verification_args(
    payload: Payload,
    headers: Optional[Mapping[str, str]],
    secret: Union[str, Sequence[str]],
    signature: Optional[str],
    timestamp: Optional[str],
    tolerance: Optional[float],
    now: Optional[int],
) -> Tuple[bytes, Optional[str], Optional[str], List[str], Optional[float], Optional[int]]:
    """The native verifier's arguments: raw body, the two headers, the secrets, tolerance, clock."""
    return (
        _bytes(payload),
        signature if signature is not None else _header(headers, SIGNATURE_HEADER),
        timestamp if timestamp is not None else _header(headers, TIMESTAMP_HEADER),
        [secret] if isinstance(secret, str) else list(secret),
        tolerance,
        now,
    )


EventData = Union[MessageEventData, CallEndedData, ReactionEventData, ContactSharedEventData, Dict[str, Any]]
#: What an event's ``data`` is.
EventKind = Literal["message", "call_ended", "reaction", "contact_shared", "other"]


class DeliveryStore(Protocol):
    """Where a receiver remembers the deliveries it processed (see ``WebhookEvent.first_delivery``).
    Several processes need a shared one, e.g. Redis: ``return bool(redis.set(f"dlv:{id}", 1, nx=True, ex=86400))``."""

    def claim(self, delivery_id: str) -> bool:
        """Records ``delivery_id``; True when it was new, False when seen before."""
        ...


class MemoryDeliveryStore:
    """A ``DeliveryStore`` in this process's memory: the last ``capacity`` ids, oldest forgotten first. Thread-safe."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = max(1, capacity)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def claim(self, delivery_id: str) -> bool:
        with self._lock:
            if delivery_id in self._seen:
                return False
            self._seen[delivery_id] = None
            if len(self._seen) > self._capacity:
                self._seen.popitem(last=False)
            return True


# What `first_delivery()` uses when given no store.
_PROCESS_STORE = MemoryDeliveryStore()


class WebhookEvent:
    """A delivery: ``event`` (``agent.message``, ``agent.call_ended``, ``agent.reaction``,
    ``agent.contact_shared`` or newer), ``kind``, which says what ``data`` is (``"message"``,
    ``"call_ended"``, ``"reaction"``, ``"contact_shared"``, or ``"other"`` for an event this version
    does not know, whose ``data`` stays a dict), ``channel``, and ``raw``, the payload as received."""

    __slots__ = ("event", "kind", "channel", "timestamp", "agent_id", "data", "conversation_state", "recent_history", "test", "raw", "delivery_id", "_voice_turn")

    def __init__(self, parsed: Dict[str, Any], delivery_id: Optional[str] = None) -> None:
        #: The delivery's ``X-Webhook-ID``: the same on each redelivery of this event.
        self.delivery_id = delivery_id
        # The core unpacked the envelope (snake_case names, defaults filled in); only models are added here.
        self.event: str = parsed["event"]
        self.channel: Optional[str] = parsed["channel"]
        self.timestamp: Optional[str] = parsed["timestamp"]
        self.agent_id: Optional[str] = parsed["agent_id"]
        self.conversation_state: Optional[Dict[str, Any]] = parsed["conversation_state"]
        self.recent_history: List[HistoryItem] = [HistoryItem(item) for item in parsed["recent_history"]]
        self.test: bool = parsed["test"]
        self.raw: Dict[str, Any] = parsed["raw"]
        self._voice_turn: bool = parsed["is_voice_turn"]
        kinds: Dict[str, Any] = {"message": MessageEventData, "call_ended": CallEndedData, "reaction": ReactionEventData, "contact_shared": ContactSharedEventData}
        self.kind: EventKind = parsed["kind"] if parsed["kind"] in kinds else "other"
        model = kinds.get(self.kind)
        self.data: EventData = model(parsed["data"]) if model is not None else parsed["data"]

    def first_delivery(self, store: Optional[DeliveryStore] = None) -> bool:
        """True the first time ``store`` (default: one in this process's memory) sees this delivery,
        False for a redelivery already processed: the API redelivers until it gets a 2xx, so a
        receiver that acted but answered late sees the event again. Without an id (no
        ``X-Webhook-ID`` header) every delivery counts as first."""
        if self.delivery_id is None:
            return True
        return (store if store is not None else _PROCESS_STORE).claim(self.delivery_id)

    @property
    def is_voice_turn(self) -> bool:
        """A caller's turn on a live call: answer it with ``voice_reply`` or ``voice_stream``."""
        return self._voice_turn

    def __repr__(self) -> str:
        return f"WebhookEvent(event={self.event!r}, channel={self.channel!r}, data={self.data!r})"


def construct_event(
    payload: Payload,
    headers: Optional[Mapping[str, str]] = None,
    *,
    secret: Union[str, Sequence[str]],
    signature: Optional[str] = None,
    timestamp: Optional[str] = None,
    tolerance: Optional[float] = _native.DEFAULT_TOLERANCE,
    now: Optional[int] = None,
    delivery_id: Optional[str] = None,
) -> WebhookEvent:
    """Verifies a delivery (see ``verify_webhook``), then parses it; ``delivery_id`` defaults to
    the ``X-Webhook-ID`` header."""
    parsed = _native.construct_event(*_verification_args(payload, headers, secret, signature, timestamp, tolerance, now))
    return WebhookEvent(parsed, delivery_id if delivery_id is not None else _header(headers, DELIVERY_ID_HEADER))


def sign_webhook(payload: Payload, *, secret: str, timestamp: int) -> str:
    """The ``X-Webhook-Signature`` value for a payload: for testing your own endpoint."""
    return _native.sign(secret, timestamp, _bytes(payload))


def _reply(reply: Reply) -> Dict[str, Any]:
    if isinstance(reply, str):
        return {"text": reply}
    if isinstance(reply, VoiceReply):
        return dict(reply.raw)
    return dict(reply)


def voice_reply(text: Optional[str] = None, *, hangup: Optional[bool] = None, action: Optional[str] = None, digits: Optional[str] = None) -> str:
    """One voice reply as a JSON body (``Content-Type: application/json``)."""
    fields = {"text": text, "hangup": hangup, "action": action, "digits": digits}
    return _native.voice_json({k: v for k, v in fields.items() if v is not None})


def voice_ndjson(replies: Sequence[Reply]) -> str:
    """Several replies as one NDJSON body: all but the last are ``interim`` (the turn stays open)."""
    return _native.voice_ndjson([_reply(r) for r in replies])


def voice_stream(replies: Iterable[Reply]) -> Iterator[str]:
    """NDJSON lines as the replies come (e.g. from an LLM stream), for a streaming response:
    each line is sent as soon as the next one exists, and the last closes the turn."""
    lines = _native.VoiceLines()
    for reply in replies:
        line = lines.push(_reply(reply))
        if line is not None:
            yield line
    last = lines.finish()
    if last is not None:
        yield last


async def avoice_stream(replies: AsyncIterable[Reply]) -> AsyncIterator[str]:
    """``voice_stream`` for async sources (FastAPI ``StreamingResponse``)."""
    lines = _native.VoiceLines()
    async for reply in replies:
        line = lines.push(_reply(reply))
        if line is not None:
            yield line
    last = lines.finish()
    if last is not None:
        yield last


def parse_voice_reply(body: Payload, content_type: Optional[str] = None) -> List[VoiceReply]:
    """Reads a voice answer (JSON or NDJSON) as the platform does: up to the first chunk without ``interim``."""
    return [VoiceReply(item) for item in _native.parse_voice_reply(_bytes(body), content_type)]


_ = WebhookVerificationError  # raised by the native layer
