"""A hostile server: HTML where JSON was promised, broken and huge bodies, wrong types, unknown
enum values, a body that trickles, redirects to another origin, and every error shape. Each ends
in a typed error of the package or a tolerant parse, never a crash, a hang or a leaked key."""

from __future__ import annotations

import asyncio
import http.server
import json
import threading
import time
from typing import Any, Callable, Dict, Iterator, List

import pytest

import agentphone_rs as ap

KEY = "sk_test_hostile_secret_123"
# What a key looks like once its public prefix is gone: any of it in an error is a leak.
SECRET_PART = KEY[len("sk_test_") :]
TIMEOUT = 1.0
# The trickle sends one byte a second; a client that waited for the whole body would take this long.
TRICKLE_SECONDS = 20

HTML_502 = "<html><head><title>502 Bad Gateway</title></head><body>" + "<p>upstream went away</p>" * 400 + "</body></html>"
HUGE = 10 * 1024 * 1024


def send(handler: http.server.BaseHTTPRequestHandler, status: int, body: str, content_type: str = "application/json", **headers: str) -> None:
    data = body.encode()
    handler.send_response(status)
    handler.send_header("content-type", content_type)
    handler.send_header("content-length", str(len(data)))
    # Hostile everywhere: the caller's Authorization goes back in a header the SDK reads.
    handler.send_header("x-request-id", handler.headers.get("authorization", ""))
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(data)


def trickle(handler: http.server.BaseHTTPRequestHandler) -> None:
    """Headers at once, then a byte a second: only a timeout on the whole answer stops this."""
    handler.send_response(200)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(TRICKLE_SECONDS))
    handler.end_headers()
    try:
        for _ in range(TRICKLE_SECONDS):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(1)
    except OSError:
        pass  # the client gave up, as it should


def key_at_the_excerpt_cut(handler: http.server.BaseHTTPRequestHandler) -> None:
    """Echoes the key so that it straddles the 200th character, where decode excerpts are cut."""
    auth = handler.headers.get("authorization", "")
    head = '{"id": 5, "pad": "'
    send(handler, 200, head + "x" * (200 - len(head) - len(auth) + 1) + auth + '"}')


def echoing(template: str, status: int, content_type: str = "application/json") -> Callable[[Any], None]:
    """A fixed answer with the caller's Authorization spliced in where `{auth}` stands."""
    return lambda handler: send(handler, status, template.replace("{auth}", handler.headers.get("authorization", "")), content_type)


def fixed(status: int, body: str, content_type: str = "application/json") -> Callable[[Any], None]:
    return lambda handler: send(handler, status, body, content_type)


ROUTES: Dict[str, Callable[[Any], None]] = {
    "/v1/agents/html-502": echoing(HTML_502.replace("<title>", "<title>{auth} "), 502, "text/html"),
    "/v1/agents/truncated": echoing('{"id": "agt_1", "name": "{auth}', 200),
    "/v1/agents/empty": fixed(200, ""),
    "/v1/agents/null": fixed(200, "null"),
    "/v1/agents/wrong-id": fixed(200, '{"id": 5, "name": []}'),
    "/v1/agents/wrong-name": fixed(200, '{"id": "agt_1", "name": []}'),
    "/v1/agents/junk-10mb": fixed(200, "x" * HUGE),
    "/v1/agents/agent-10mb": fixed(200, json.dumps({"id": "agt_big", "name": "x" * HUGE})),
    "/v1/agents/detail": fixed(404, '{"detail": "Agent not found"}'),
    "/v1/agents/fastapi": fixed(422, '{"detail": [{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}]}'),
    "/v1/agents/envelope": fixed(402, '{"error": {"code": "INSUFFICIENT_BALANCE", "message": "Balance below $3", "type": "billing"}}'),
    "/v1/agents/trickle": trickle,
    "/v1/agents/key-at-cut": key_at_the_excerpt_cut,
    "/v1/calls/teleporting": fixed(200, '{"id": "call_1", "status": "teleporting", "direction": "sideways"}'),
    "/v1/webhooks": fixed(200, "null"),
}


class Hostile(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        path = self.path.split("?")[0]
        if path.startswith("/v1/agents/redirect-"):
            status = int(path.rsplit("-", 1)[1])
            send(self, status, "", location=self.server.elsewhere + "/v1/agents/agt_1")  # type: ignore[attr-defined]
            return
        ROUTES.get(path, fixed(599, "no such route"))(self)

    def log_message(self, *args: object) -> None:
        pass


class Elsewhere(http.server.BaseHTTPRequestHandler):
    """Another origin: it records what reached it, and would happily answer."""

    def do_GET(self) -> None:  # noqa: N802
        self.server.seen.append(dict(self.headers.items()))  # type: ignore[attr-defined]
        send(self, 200, '{"id": "agt_stolen"}')

    def log_message(self, *args: object) -> None:
        pass


def serve(handler: type) -> http.server.ThreadingHTTPServer:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True  # a trickle still writing must not hold up the end of the session
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def servers() -> Iterator[Dict[str, Any]]:
    elsewhere = serve(Elsewhere)
    elsewhere.seen = []  # type: ignore[attr-defined]
    hostile = serve(Hostile)
    hostile.elsewhere = f"http://127.0.0.1:{elsewhere.server_address[1]}"  # type: ignore[attr-defined]
    yield {"url": f"http://127.0.0.1:{hostile.server_address[1]}", "seen_elsewhere": elsewhere.seen}  # type: ignore[attr-defined]
    hostile.shutdown()
    elsewhere.shutdown()


@pytest.fixture(params=["sync", "async"])
def call(request: pytest.FixtureRequest, servers: Dict[str, Any]) -> Callable[[Callable[[Any], Any]], Any]:
    """Runs `action(client)` on the sync or the async client: the resource methods are spelled alike."""

    def run(action: Callable[[Any], Any]) -> Any:
        settings: Dict[str, Any] = {"base_url": servers["url"], "timeout": TIMEOUT, "max_retries": 0}
        if request.param == "sync":
            with ap.AgentPhone(KEY, **settings) as client:
                return action(client)

        async def main() -> Any:
            async with ap.AsyncAgentPhone(KEY, **settings) as client:
                return await action(client)

        return asyncio.run(main())

    return run


def texts_of(error: BaseException) -> List[str]:
    return [str(error), repr(error), repr(vars(error))]


def failure(call: Callable[[Callable[[Any], Any]], Any], action: Callable[[Any], Any], cls: type) -> Any:
    """The error `action` ends in: exactly `cls`, one of ours, and without the key anywhere."""
    with pytest.raises(ap.AgentPhoneError) as caught:
        call(action)
    error = caught.value
    assert type(error) is cls, f"{type(error).__name__}: {error}"
    for text in texts_of(error):
        assert KEY not in text
    return error


def get_agent(agent_id: str) -> Callable[[Any], Any]:
    return lambda client: client.agents.get(agent_id)


# (agent id = route, the class, attributes the error must carry, text its str() must contain)
TYPED_ERRORS = [
    pytest.param("html-502", ap.InternalServerError, {"status_code": 502}, "Bad Gateway", id="html-502"),
    pytest.param("truncated", ap.APIResponseValidationError, {"status_code": 200}, "agt_1", id="truncated-json"),
    # An empty body reads as {} (so all-optional models survive it); an agent needs an id.
    pytest.param("empty", ap.APIResponseValidationError, {"status_code": 200, "excerpt": ""}, "missing field `id`", id="empty-200"),
    pytest.param("null", ap.APIResponseValidationError, {"status_code": 200, "excerpt": "null"}, "null", id="null-200"),
    # A wrong type is an error that names the field, not a model with garbage in it.
    pytest.param("wrong-id", ap.APIResponseValidationError, {"status_code": 200}, "at `id`", id="wrong-type-id"),
    pytest.param("wrong-name", ap.APIResponseValidationError, {"status_code": 200}, "at `name`", id="wrong-type-name"),
    pytest.param("junk-10mb", ap.APIResponseValidationError, {"status_code": 200}, "expected value", id="junk-10mb"),
    pytest.param("detail", ap.NotFoundError, {"status_code": 404, "code": None, "message": "Agent not found"}, "Agent not found", id="shape-detail-string"),
    pytest.param(
        "fastapi",
        ap.UnprocessableEntityError,
        {"status_code": 422, "message": "field required", "details": [{"field": "name", "message": "field required", "type": "value_error.missing"}]},
        "name: field required",
        id="shape-fastapi-list",
    ),
    pytest.param(
        "envelope",
        ap.PaymentRequiredError,
        {"status_code": 402, "code": "INSUFFICIENT_BALANCE", "message": "Balance below $3", "error_type": "billing"},
        "INSUFFICIENT_BALANCE",
        id="shape-error-envelope",
    ),
]


@pytest.mark.parametrize("route,cls,attributes,text", TYPED_ERRORS)
def test_hostile_answers_end_in_a_typed_error(call: Any, route: str, cls: type, attributes: Dict[str, Any], text: str) -> None:
    error = failure(call, get_agent(route), cls)
    assert {name: getattr(error, name) for name in attributes} == attributes
    assert text in str(error)
    assert error.operation == "get_agent" and not error.may_have_acted


def test_an_html_page_is_summarised_not_dumped(call: Any) -> None:
    error = failure(call, get_agent("html-502"), ap.InternalServerError)
    # The message is for a log line: the reason and the page's start, not 10 KB of markup.
    assert len(str(error)) < 400 and "</html>" not in str(error)
    # The whole page stays on `body` for whoever wants it, with the echoed key scrubbed.
    assert error.body.endswith("</html>") and "[REDACTED]" in error.body
    assert error.request_id == "Bearer [REDACTED]"


def test_a_decode_error_shows_a_short_scrubbed_excerpt(call: Any) -> None:
    error = failure(call, get_agent("truncated"), ap.APIResponseValidationError)
    assert error.excerpt == '{"id": "agt_1", "name": "Bearer [REDACTED]'
    huge = failure(call, get_agent("junk-10mb"), ap.APIResponseValidationError)
    assert len(huge.excerpt) <= 201 and len(str(huge)) < 1000


def test_a_key_straddling_the_excerpt_cut_does_not_leak(call: Any) -> None:
    error = failure(call, get_agent("key-at-cut"), ap.APIResponseValidationError)
    for text in texts_of(error):
        assert SECRET_PART[:-1] not in text


TOLERATED = [
    # Ten megabytes of valid JSON is just a large answer: it parses, in well under the timeout.
    pytest.param(get_agent("agent-10mb"), lambda agent: agent.id == "agt_big" and len(agent.name) == HUGE, id="agent-10mb"),
    # Enums are open: a status this SDK has never heard of comes through as sent.
    pytest.param(lambda client: client.calls.get("teleporting"), lambda c: (c.status, c.direction) == ("teleporting", "sideways"), id="unknown-enum"),
    # "No webhook" is answered with null: None, not an error.
    pytest.param(lambda client: client.webhooks.get(), lambda answer: answer is None, id="null-webhook"),
]


@pytest.mark.parametrize("action,holds", TOLERATED)
def test_odd_but_valid_answers_parse(call: Any, action: Callable[[Any], Any], holds: Callable[[Any], bool]) -> None:
    assert holds(call(action))


def test_a_trickling_body_times_out_in_bounded_time(call: Any) -> None:
    started = time.monotonic()
    error = failure(call, get_agent("trickle"), ap.APITimeoutError)
    elapsed = time.monotonic() - started
    # The timeout covers the body, not only the headers: it fires near TIMEOUT, long before the trickle ends.
    assert TIMEOUT * 0.8 <= elapsed < TIMEOUT + 2, elapsed
    assert error.sent is True and error.operation == "get_agent"


@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_to_another_origin_is_not_followed(call: Any, servers: Dict[str, Any], status: int) -> None:
    seen: List[Dict[str, str]] = servers["seen_elsewhere"]
    seen.clear()
    error = failure(call, get_agent(f"redirect-{status}"), ap.APIError)
    assert error.status_code == status and "Redirect not followed" in error.message
    # The invariant: the key never reaches a host nobody configured. Today nothing reaches it at all.
    assert not any(name.lower() == "authorization" for headers in seen for name in headers)
    assert seen == []
