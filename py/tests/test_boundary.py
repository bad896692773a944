"""The native boundary under abuse: no abort at interpreter exit, Ctrl-C and asyncio cancellation
stop the request (the server sees its connection close and nothing more), arguments a converter
could not survive are refused by name, and an iterator made before fork() fails fast in the child."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterator, List, Tuple

import pytest

import agentphone_rs as ap


class CountingServer:
    """A loopback HTTP server that answers every request with `respond(n)` (raw bytes, written in
    pieces with pauses) and records requests and closed connections."""

    def __init__(self, respond: Callable[[int], Iterator[Tuple[bytes, float]]]) -> None:
        self.requests = 0
        self.closed = 0
        self._respond = respond
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            if not connection.recv(65536):
                return
            self.requests += 1
            try:
                for piece, pause in self._respond(self.requests):
                    connection.sendall(piece)
                    if pause and self._hung_up(connection, pause):
                        break
                else:
                    if b"connection: close" in piece:
                        return
                    connection.settimeout(None)
                    while connection.recv(65536):  # until the client hangs up
                        pass
            except OSError:
                pass
            self.closed += 1

    @staticmethod
    def _hung_up(connection: socket.socket, seconds: float) -> bool:
        """Waits `seconds` for the client to hang up; True if it did."""
        connection.settimeout(seconds)
        try:
            return connection.recv(65536) == b""
        except socket.timeout:
            return False

    def close(self) -> None:
        self._socket.close()


def slow_json(seconds: float) -> Callable[[int], Iterator[Tuple[bytes, float]]]:
    def respond(_: int) -> Iterator[Tuple[bytes, float]]:
        yield b"", seconds
        yield b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}", 0

    return respond


def heartbeats(_: int) -> Iterator[Tuple[bytes, float]]:
    yield b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\nevent: connected\ndata: {}\n\n", 0.1
    for _ in range(600):
        yield b": heartbeat\n\n", 0.1


def run_child(code: str, *env: str) -> "subprocess.Popen[str]":
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), *env], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("body", ["client.agents.get('agt_1')", "[e for e in client.calls.stream_transcript('call_1')]"], ids=["call", "stream"])
def test_ctrl_c_stops_a_sync_call_within_half_a_second(body: str) -> None:
    server = CountingServer(heartbeats if "stream" in body else slow_json(6))
    child = run_child(
        f"""
        import sys, time, agentphone_rs as ap
        client = ap.AgentPhone("sk_test_boundary", base_url=sys.argv[1], max_retries=2)
        print("ready", flush=True)
        try:
            {body}
        except KeyboardInterrupt:
            print("interrupted", time.monotonic(), flush=True)
        """,
        server.url,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(1)
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=10)
    words = out.split()
    assert words[:1] == ["interrupted"], (out, err)
    latency = float(words[1]) - sent
    print(f"Ctrl-C during a sync {'stream' if 'stream' in body else 'call'}: KeyboardInterrupt after {latency:.3f} s")
    assert latency < 0.5, f"KeyboardInterrupt after {latency:.2f} s"
    time.sleep(0.3)
    assert (server.requests, server.closed) == (1, 1), "the request stopped and was not tried again"
    server.close()


def test_cancelling_an_async_call_stops_it_and_its_retries() -> None:
    # A 429 asking for 3 s: the retry the core would make after it must never come.
    def rate_limited(_: int) -> Iterator[Tuple[bytes, float]]:
        # `connection: close`: a retry would come on a new connection, where it is counted.
        yield b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 3\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}", 0

    server = CountingServer(rate_limited)
    child = run_child(
        """
        import asyncio, sys, agentphone_rs as ap
        async def main():
            client = ap.AsyncAgentPhone("sk_test_boundary", base_url=sys.argv[1], timeout=30)
            try:
                await asyncio.wait_for(client.messages.send(agent_id="agt_1", to_number="+14155550100", body="once"), 1)
            except asyncio.TimeoutError:
                print("cancelled", flush=True)
            await asyncio.sleep(4)
        asyncio.run(main())
        """,
        server.url,
    )
    out, err = child.communicate(timeout=20)
    assert out.strip() == "cancelled", err
    assert server.requests == 1, "nothing was sent after the cancel"
    server.close()


ASYNC_EXIT = """
import asyncio, sys, agentphone_rs as ap
async def main():
    client = ap.AsyncAgentPhone(sys.argv[2], base_url=sys.argv[1])
    agent = await client.agents.create(name="Ava", voice_mode="hosted")
    await client.numbers.buy(agent_id=agent.id)
    call = await client.calls.make(agent_id=agent.id, to_number="+14155550100")
    async for event in client.calls.stream_transcript(call.id):
        break
    await asyncio.gather(*(client.contacts.create(name=f"C{i}", phone_number=f"+1415555{i:04}") for i in range(5)))
    [c async for c in client.contacts.list_all()]
asyncio.run(main())
"""


def test_asyncio_scripts_exit_cleanly_every_time(sandbox_url: str) -> None:
    """The interpreter finalizing while runtime threads still hold work: 30 runs, no abort."""

    def once(i: int) -> int:
        child = run_child(ASYNC_EXIT, sandbox_url, f"sk_test_exit_{os.getpid()}_{i}")
        child.communicate(timeout=60)
        return child.returncode

    with ThreadPoolExecutor(4) as pool:
        codes: List[int] = list(pool.map(once, range(30)))
    print(f"async-exit runs: {len(codes)}, aborts: {sum(code == -signal.SIGABRT for code in codes)}, failures: {sum(code != 0 for code in codes)}")
    assert codes == [0] * 30


def test_cyclic_and_deep_arguments_are_refused_by_name() -> None:
    client = ap.AgentPhone("sk_test_boundary", base_url="http://127.0.0.1:9")
    cyclic: dict = {}
    cyclic["self"] = cyclic
    deep: dict = {}
    for _ in range(200_000):
        deep = {"deep": deep}
    for metadata in (cyclic, deep):
        with pytest.raises(ap.ValidationError) as raised:
            client.conversations.update("conv_1", metadata=metadata)
        assert raised.value.field == "metadata"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() is POSIX")
def test_an_iterator_made_before_fork_fails_fast_in_the_child(sandbox_url: str, api_key: str) -> None:
    client = ap.AgentPhone(api_key, base_url=sandbox_url, timeout=20)
    walk = iter(client.contacts.list_all())
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report what happened through the pipe, then leave at once
        started = time.monotonic()
        try:
            next(walk)
            outcome = "no error"
        except ap.AgentPhoneError as error:
            outcome = f"{type(error).__name__}: {error}"
        os.write(writer, f"{time.monotonic() - started:.3f} {outcome}".encode())
        os._exit(0)
    os.waitpid(pid, 0)
    seconds, outcome = os.read(reader, 4096).decode().split(" ", 1)
    assert "before fork()" in outcome, outcome
    assert float(seconds) < 1
    assert client.contacts.list().total == 0, "the parent's client still works"


def test_retries_must_be_a_sane_count() -> None:
    for bad in (-1, 10**12):
        with pytest.raises(ap.ValidationError) as raised:
            ap.AgentPhone("sk_test_boundary", base_url="http://127.0.0.1:9", max_retries=bad)
        assert raised.value.field == "max_retries"


def test_an_empty_webhook_secret_fails_closed() -> None:
    body = b'{"event":"agent.message","data":{}}'
    forged = ap.webhooks.sign_webhook(body, secret="", timestamp=int(time.time()))
    headers = {"X-Webhook-Signature": forged, "X-Webhook-Timestamp": str(int(time.time()))}
    for secret in ("", [], ["whsec_real", ""]):
        with pytest.raises(ap.ConfigurationError):
            ap.webhooks.verify_webhook(body, headers, secret=secret)  # type: ignore[arg-type]


def test_secret_fields_are_kept_out_of_repr_and_str(client: ap.AgentPhone) -> None:
    webhook = client.webhooks.set(url="https://example.com/hook")
    assert webhook.secret and webhook.secret.startswith("whsec_"), "the attribute reads the value"
    for shown in (repr(webhook), str(webhook)):
        assert webhook.secret not in shown and "[REDACTED]" in shown, shown


@pytest.mark.parametrize("answer", ["rate_limited", "trickled"])
def test_the_timeout_bounds_the_whole_call(answer: str) -> None:
    def rate_limited(_: int) -> Iterator[Tuple[bytes, float]]:
        yield b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 5\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}", 0

    def trickled(_: int) -> Iterator[Tuple[bytes, float]]:
        yield b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n", 0.2
        for _ in range(100):
            yield b" ", 0.2

    server = CountingServer(rate_limited if answer == "rate_limited" else trickled)
    client = ap.AgentPhone("sk_test_boundary", base_url=server.url, timeout=1)
    started = time.monotonic()
    with pytest.raises(ap.RateLimitError if answer == "rate_limited" else ap.APITimeoutError):
        client.agents.get("agt_1")
    elapsed = time.monotonic() - started
    print(f"timeout=1 s against a {answer} answer: {elapsed:.3f} s")
    assert elapsed <= 1.1, f"took {elapsed:.2f} s against a 1 s timeout"
    assert server.requests == 1
    server.close()


def test_enum_filters_are_checked_before_sending() -> None:
    client = ap.AgentPhone("sk_test_boundary", base_url="http://127.0.0.1:9")
    with pytest.raises(ap.ValidationError) as raised:
        client.calls.list(status="complete")  # type: ignore[arg-type]
    assert raised.value.field == "status" and "completed" in raised.value.problem
