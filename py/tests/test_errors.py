"""Each exception class from a status the sandbox injects; the network errors; the API key kept
out of everything."""

from __future__ import annotations

import pickle

import pytest

import agentphone_rs as ap
from support import control

CLASSES = [
    (400, ap.BadRequestError),
    (401, ap.AuthenticationError),
    (402, ap.PaymentRequiredError),
    (403, ap.PermissionDeniedError),
    (404, ap.NotFoundError),
    (409, ap.ConflictError),
    (422, ap.UnprocessableEntityError),
    (429, ap.RateLimitError),
    (500, ap.InternalServerError),
    (503, ap.InternalServerError),
]


@pytest.mark.parametrize("status,cls", CLASSES)
def test_each_status_family_has_its_class(sandbox_url: str, api_key: str, status: int, cls: type) -> None:
    client = ap.AgentPhone(api_key, base_url=sandbox_url, max_retries=0)
    control(sandbox_url, "POST", "/sandbox/faults", {"operation": "list_agents", "status": status, "retry_after": 7}, api_key)
    with pytest.raises(cls) as caught:
        client.agents.list()
    error = caught.value
    assert isinstance(error, ap.APIError) and isinstance(error, ap.AgentPhoneError)
    assert error.status_code == status
    assert error.code == "SANDBOX_FAULT"
    assert error.request_id and error.request_id.startswith("req_")
    assert error.retry_after == 7.0
    assert error.operation == "list_agents"
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is cls and again.status_code == status and str(again) == str(error)


def test_validation_names_the_argument_and_is_a_value_error(client: ap.AgentPhone) -> None:
    with pytest.raises(ValueError) as caught:
        client.calls.make(agent_id="agt_1", to_number="555")
    error = caught.value
    assert isinstance(error, ap.ValidationError)
    assert error.field == "to_number" and "E.164" in error.problem
    with pytest.raises(ap.ValidationError, match="limit"):
        client.agents.list(limit=1000)


def test_network_errors() -> None:
    client = ap.AgentPhone("sk_test_net", base_url="http://127.0.0.1:9", max_retries=0)
    with pytest.raises(ap.APIConnectionError) as caught:
        client.messages.send(agent_id="a", to_number="+14155550100", body="hi")
    assert caught.value.sent is False and caught.value.may_have_acted is False


def test_a_send_that_may_have_gone_out_says_so(sandbox_url: str, api_key: str, client: ap.AgentPhone) -> None:
    agent = client.agents.create(name="Ava")
    client.numbers.buy(agent_id=agent.id)
    injected = control(sandbox_url, "GET", "/sandbox/stats")["faults_injected"]
    control(sandbox_url, "POST", "/sandbox/faults", {"operation": "send_message", "status": 503}, api_key)
    with pytest.raises(ap.InternalServerError) as caught:
        client.messages.send(agent_id=agent.id, to_number="+14155550100", body="once")
    assert caught.value.may_have_acted
    # One fault, one attempt: a send that may have gone out is not repeated.
    assert control(sandbox_url, "GET", "/sandbox/stats")["faults_injected"] == injected + 1


# Keys echoed back by a hostile server, under every error kind: test_hostile.py.
def test_the_api_key_never_appears_in_the_client_or_a_configuration_error() -> None:
    key = "sk_live_supersecretvalue123"
    client = ap.AgentPhone(key, base_url="http://127.0.0.1:9")
    assert key not in repr(client) and key not in str(client)
    with pytest.raises(ap.ConfigurationError) as config:
        ap.AgentPhone(key, base_url="http://example.com")
    assert key not in str(config.value)


def test_bad_durations_are_configuration_errors_not_crashes(sandbox_url: str) -> None:
    # Negative, NaN or endless seconds are refused by name (they used to panic inside the extension).
    with pytest.raises(ap.ConfigurationError, match="timeout"):
        ap.AgentPhone("sk_test_durations", base_url=sandbox_url, timeout=-1)
    client = ap.AgentPhone("sk_test_durations", base_url=sandbox_url)
    with pytest.raises(ap.ConfigurationError, match="timeout"):
        client.agents.list(timeout=float("nan"))
    with pytest.raises(ap.ValidationError, match="tolerance"):
        ap.verify_webhook(b"{}", {"x-webhook-signature": "sha256=0", "x-webhook-timestamp": "1"}, secret="s", tolerance=-1)
