"""The AgentPhone sandbox inside your tests: a stateful emulator of the API, started in-process on a
free loopback port (the same server as ``agentphone sandbox``), with helpers to drive it.

    from agentphone_rs.testing import Sandbox

    with Sandbox() as sandbox:
        client = sandbox.client()
        number = client.numbers.create(area_code="415")
        sandbox.inject_message(to=number.phone_number, from_="+14155550100", body="hi")

Every project is isolated: ``sandbox.project()`` makes a new one with its own API key. The pytest
plugin the wheel registers gives each test its own project (fixtures ``agentphone_sandbox``,
``agentphone_project``, ``agentphone_client``).
"""

from __future__ import annotations

TYPE_CHECKING = False

from . import _native
from ._client import AgentPhone, AsyncAgentPhone

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any, Dict, List, Literal, Optional, Type

__all__ = ["Project", "Sandbox", "SandboxError"]


class SandboxError(RuntimeError):
    """A sandbox control request was refused (e.g. ``to`` is not a number of any project)."""

    def __init__(self, status: int, body: Any, refusal: str) -> None:
        super().__init__(f"the sandbox answered {status}: {refusal}")
        self.status = status
        self.body = body


class Project:
    """One isolated project of a sandbox: its API key, clients and project-scoped controls."""

    def __init__(self, sandbox: Sandbox, api_key: str) -> None:
        self._sandbox = sandbox
        self.api_key = api_key

    def __repr__(self) -> str:
        return f"<Project of {self._sandbox.base_url}>"

    def client(self, **options: Any) -> AgentPhone:
        """A client of this project (``timeout``, ``max_retries``, ``default_headers`` as for ``AgentPhone``)."""
        return AgentPhone(self.api_key, base_url=self._sandbox.base_url, **options)

    def async_client(self, **options: Any) -> AsyncAgentPhone:
        """An asyncio client of this project."""
        return AsyncAgentPhone(self.api_key, base_url=self._sandbox.base_url, **options)

    def add_fault(
        self,
        *,
        operation: Optional[str] = None,
        status: Optional[int] = None,
        count: int = 1,
        retry_after: Optional[int] = None,
        retry_after_format: Literal["seconds", "http_date"] = "seconds",
        latency_ms: Optional[int] = None,
        drop: bool = False,
        acted: bool = True,
    ) -> None:
        """Makes this project's next ``count`` requests (to ``operation``: an operation id such as
        ``send_message`` or a route such as ``POST /v1/messages``; default any) fail with
        ``status``, wait ``latency_ms``, or drop the connection; ``acted`` says whether a dropped
        request took effect first."""
        fault: Dict[str, Any] = {"count": count, "retry_after_format": retry_after_format, "drop": drop, "acted": acted}
        for name, value in (("operation", operation), ("status", status), ("retry_after", retry_after), ("latency_ms", latency_ms)):
            if value is not None:
                fault[name] = value
        self._sandbox._control("POST", "/sandbox/faults", self.api_key, fault)

    def clear_faults(self) -> int:
        """Forgets this project's faults; answers how many of their hits were never taken."""
        return int(self._sandbox._control("DELETE", "/sandbox/faults", self.api_key)["unused"])

    def set_balance(self, cents: int) -> None:
        """Sets this project's balance (buying a number costs 300, a message 1, a call 10)."""
        self._sandbox._control("POST", "/sandbox/balance", self.api_key, {"cents": cents})

    def stats(self) -> Dict[str, Any]:
        """What the sandbox did, with this project's requests by operation and what it holds (``project``)."""
        return dict(self._sandbox._control("GET", "/sandbox/stats", self.api_key))

    def reset(self) -> None:
        """Forgets everything this project holds."""
        self._sandbox._control("POST", "/sandbox/reset", self.api_key)


class Sandbox(Project):
    """A sandbox running in this process until ``close()`` (or the end of a ``with`` block).

    Args:
        fast: Test timing (the default here): calls and webhook redeliveries take milliseconds.
        turn_delay_ms: Real time between the turns of a simulated call.
        balance_cents: Starting balance of each project (default 10,000).
        number_limit: Active numbers a project may hold (default 10); with 0, signing up answers 503
            (no number to give).
        message_capacity: Messages each project keeps (default 10,000; the oldest go first).
        call_capacity: Ended calls each project keeps (default 10,000; the oldest go first).
        rate_limits: Apply the API's published per-minute limits (default True: sign-up 10, its
            verification 20, buying a number 20, phone verification 60 and 120; 429 with Retry-After).

    The sandbox itself is a project too (its first one): ``sandbox.client()`` is a client of it.
    """

    def __init__(
        self,
        *,
        fast: bool = True,
        turn_delay_ms: Optional[int] = None,
        balance_cents: Optional[int] = None,
        number_limit: Optional[int] = None,
        message_capacity: Optional[int] = None,
        call_capacity: Optional[int] = None,
        rate_limits: bool = True,
    ) -> None:
        given = {
            "turn_delay_ms": turn_delay_ms,
            "balance_cents": balance_cents,
            "number_limit": number_limit,
            "message_capacity": message_capacity,
            "call_capacity": call_capacity,
        }
        options: Dict[str, Any] = {"fast": fast, "rate_limits": rate_limits}
        options.update((name, value) for name, value in given.items() if value is not None)
        self._native = _native.NativeSandbox(options)
        self.base_url: str = self._native.url
        super().__init__(self, self._new_key())

    def __repr__(self) -> str:
        return f"<Sandbox {self.base_url}>"

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, kind: Optional[Type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]) -> None:
        self.close()

    def close(self) -> None:
        """Stops the server; clients of it fail to connect from then on. Idempotent."""
        self._native.close()

    def project(self) -> Project:
        """A new, empty project with its own API key."""
        return Project(self, self._new_key())

    def inject_message(
        self,
        *,
        to: str,
        from_: str,
        body: str = "",
        channel: Optional[Literal["sms", "mms", "imessage", "whatsapp"]] = None,
        media_urls: Optional[List[str]] = None,
        shared_contact: Optional[Dict[str, Any]] = None,
        wait: bool = False,
    ) -> Dict[str, Any]:
        """Someone texts ``to`` (a number of any project): the message is recorded and the agent's
        webhook gets a signed ``agent.message`` (``agent.contact_shared`` with ``shared_contact``,
        a card such as ``{"name": ..., "phoneNumbers": [...]}``). ``wait`` answers after the
        delivery (and its redeliveries) finished."""
        message: Dict[str, Any] = {"to": to, "from": from_, "body": body, "wait": wait}
        for name, value in (("channel", channel), ("media_urls", media_urls), ("shared_contact", shared_contact)):
            if value is not None:
                message[name] = value
        return dict(self._control("POST", "/sandbox/inbound/message", None, message))

    def inject_call(self, *, to: str, from_: str, script: Optional[List[str]] = None) -> Dict[str, Any]:
        """Someone calls ``to``; ``script`` is what the caller says, turn by turn."""
        call: Dict[str, Any] = {"to": to, "from": from_}
        if script is not None:
            call["script"] = script
        return dict(self._control("POST", "/sandbox/inbound/call", None, call))

    def now(self) -> str:
        """The sandbox's clock (ISO 8601)."""
        return str(self._control("GET", "/sandbox/clock")["now"])

    def advance_clock(self, seconds: int) -> str:
        """Moves the sandbox's clock forward; answers the new time."""
        return str(self._control("POST", "/sandbox/clock/advance", None, {"seconds": seconds})["now"])

    def sink_url(self, name: str) -> str:
        """A webhook endpoint inside the sandbox that records what it receives (see ``sink``)."""
        return f"{self.base_url}/sandbox/sink/{name}"

    def sink(self, name: str) -> List[Dict[str, Any]]:
        """What the sink ``name`` received: each delivery's headers, body and parsed event."""
        return list(self._control("GET", f"/sandbox/sink/{name}")["data"])

    def reset_all(self) -> None:
        """Forgets every project and resets the clock."""
        self._control("POST", "/sandbox/reset")

    def _control(self, method: str, path: str, api_key: Optional[str] = None, body: Optional[Dict[str, Any]] = None) -> Any:
        status, answer, refusal = self._native.request(method, path, api_key, body)
        if status >= 400:
            raise SandboxError(status, answer, refusal or "")
        return answer

    def _new_key(self) -> str:
        return str(self._control("POST", "/sandbox/keys")["apiKey"])
