"""agentphone_rs.testing and the pytest plugin the wheel registers: the sandbox in-process, its
controls, isolated projects per test, and the `agentphone` command inside the package."""

from __future__ import annotations

import subprocess
import sys

import pytest

import agentphone_rs
from agentphone_rs.testing import Project, Sandbox, SandboxError


def test_each_test_gets_its_own_project(agentphone_sandbox: Sandbox, agentphone_project: Project, agentphone_client: agentphone_rs.AgentPhone) -> None:
    agent = agentphone_client.agents.create(name="Ava")
    assert [a.id for a in agentphone_client.agents.list_all()] == [agent.id]
    # Another project of the same sandbox sees nothing of it.
    with agentphone_sandbox.project().client() as other:
        assert list(other.agents.list_all()) == []
    assert agentphone_project.stats()["project"]["counts"]["agents"] == 1


def test_inbound_messages_reach_the_conversation(agentphone_sandbox: Sandbox, agentphone_client: agentphone_rs.AgentPhone) -> None:
    agent = agentphone_client.agents.create(name="Ava")
    number = agentphone_client.numbers.buy(area_code="415", agent_id=agent.id)
    assert number.phone_number is not None
    injected = agentphone_sandbox.inject_message(to=number.phone_number, from_="+14155550100", body="is my table ready?")
    conversation = agentphone_client.conversations.get(injected["conversationId"])
    assert conversation.participant == "+14155550100"
    assert [m.body for m in agentphone_client.conversations.get_messages_all(conversation.id)] == ["is my table ready?"]


def test_faults_hit_this_project_only(agentphone_sandbox: Sandbox, agentphone_project: Project) -> None:
    agentphone_project.add_fault(operation="list_agents", status=500, count=5)
    with agentphone_project.client(max_retries=0) as client, pytest.raises(agentphone_rs.InternalServerError):
        client.agents.list()
    with agentphone_sandbox.project().client(max_retries=0) as other:
        assert other.agents.list().data == []
    assert agentphone_project.clear_faults() == 4


def test_balance_clock_and_reset(agentphone_sandbox: Sandbox, agentphone_project: Project) -> None:
    agentphone_project.set_balance(100)
    with agentphone_project.client() as client:
        with pytest.raises(agentphone_rs.PaymentRequiredError):
            client.numbers.buy(area_code="415")
        client.agents.create(name="Ava")
        agentphone_project.reset()
        assert client.agents.list().data == []
    before = agentphone_sandbox.now()
    assert agentphone_sandbox.advance_clock(3600) > before


def test_refused_controls_and_options_say_why(agentphone_sandbox: Sandbox) -> None:
    with pytest.raises(SandboxError, match="404: Phone number not found") as refused:
        agentphone_sandbox.inject_call(to="+12125550999", from_="+14155550100")
    assert refused.value.status == 404
    with pytest.raises(SandboxError, match=r"answered \d{3}: operation: \"agents.list\" is no operation"):
        agentphone_sandbox.add_fault(operation="agents.list", status=500)
    with pytest.raises(ValueError, match="`balance_cents`"):
        Sandbox(balance_cents="lots")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown field `colour`"):
        agentphone_rs.testing._native.NativeSandbox({"colour": "red"})


def test_a_closed_sandbox_refuses_connections() -> None:
    with Sandbox() as sandbox:
        client = sandbox.client(max_retries=0)
        assert client.agents.list().data == []
    with pytest.raises(agentphone_rs.APIConnectionError):
        client.agents.list()
    with pytest.raises(RuntimeError, match="closed"):
        sandbox.now()
    sandbox.close()  # idempotent


def test_the_command_runs_from_the_package() -> None:
    version = subprocess.run([sys.executable, "-m", "agentphone_rs", "--version"], capture_output=True, text=True, timeout=60)
    assert (version.returncode, version.stdout.strip()) == (0, f"agentphone {agentphone_rs.__version__}")
    usage = subprocess.run([sys.executable, "-m", "agentphone_rs", "agents", "nonsense"], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "unrecognized subcommand 'nonsense'" in usage.stderr
    with Sandbox() as sandbox:
        listed = subprocess.run(
            [sys.executable, "-m", "agentphone_rs", "agents", "list", "--json", "--base-url", sandbox.base_url, "--api-key", sandbox.api_key],
            capture_output=True, text=True, timeout=60,
        )
    assert listed.returncode == 0, listed.stderr
    assert '"data": []' in listed.stdout


def test_the_sign_up_flow_needs_no_key(agentphone_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    # A key in the environment is not sent: the sign-up client has none.
    monkeypatch.setenv("AGENTPHONE_API_KEY", "sk_test_not_mine")
    signup = agentphone_rs.AgentPhone.for_sign_up(base_url=agentphone_sandbox.base_url)
    started = signup.signup.start(human_email="owner@example.org", agent_name="Ava")
    assert started.expires_at is not None and started.human_email == "owner@example.org"
    with pytest.raises(agentphone_rs.BadRequestError, match="wrong"):
        signup.signup.verify(verification_id=started.verification_id, otp_code="000000")
    account = signup.signup.verify(verification_id=started.verification_id, otp_code="123456")
    assert account.api_key is not None and account.api_key not in repr(account)
    with agentphone_rs.AgentPhone(account.api_key, base_url=agentphone_sandbox.base_url) as client:
        assert client.agents.get(account.agent_id or "").name == "Ava"
        assert [n.phone_number for n in client.numbers.list_all()] == [account.phone_number]
    with pytest.raises(agentphone_rs.ConfigurationError, match="list_agents needs an API key"):
        signup.agents.list()
    with pytest.raises(agentphone_rs.ConflictError):
        signup.signup.start(human_email="owner@example.org")


def test_sign_ups_meet_the_api_s_per_minute_limit() -> None:
    with Sandbox() as sandbox:
        signup = agentphone_rs.AgentPhone.for_sign_up(base_url=sandbox.base_url, max_retries=0)
        for n in range(10):
            signup.signup.start(human_email=f"h{n}@example.org")
        with pytest.raises(agentphone_rs.RateLimitError) as refused:
            signup.signup.start(human_email="late@example.org")
        assert refused.value.retry_after is not None and 0 < refused.value.retry_after <= 60
        sandbox.advance_clock(60)
        signup.signup.start(human_email="late@example.org")
    with Sandbox(rate_limits=False) as unlimited:
        signup = agentphone_rs.AgentPhone.for_sign_up(base_url=unlimited.base_url, max_retries=0)
        assert len([signup.signup.start(human_email=f"u{n}@example.org") for n in range(12)]) == 12


def test_with_no_number_to_give_signing_up_answers_503() -> None:
    with Sandbox(number_limit=0) as sandbox:
        signup = agentphone_rs.AgentPhone.for_sign_up(base_url=sandbox.base_url, max_retries=0)
        started = signup.signup.start(human_email="h@example.org")
        with pytest.raises(agentphone_rs.InternalServerError) as refused:
            signup.signup.verify(verification_id=started.verification_id, otp_code="123456")
        assert refused.value.status_code == 503


def test_a_shared_contact_card_arrives_as_a_typed_event(agentphone_sandbox: Sandbox, agentphone_client: agentphone_rs.AgentPhone) -> None:
    from agentphone_rs.webhooks import construct_event

    agent = agentphone_client.agents.create(name="Ava")
    number = agentphone_client.numbers.buy(agent_id=agent.id)
    hook = agentphone_client.webhooks.set(url=agentphone_sandbox.sink_url(f"cards-{agent.id}"))
    card = {"name": "Jo", "phoneNumbers": ["+14155550101"]}
    agentphone_sandbox.inject_message(to=number.phone_number or "", from_="+14155550100", shared_contact=card, wait=True)
    [received] = agentphone_sandbox.sink(f"cards-{agent.id}")
    headers = {"x-webhook-signature": received["signature"], "x-webhook-timestamp": received["timestamp"], "x-webhook-id": received["deliveryId"]}
    event = construct_event(received["body"], headers, secret=hook.secret or "")
    assert (event.event, received["eventType"]) == ("agent.contact_shared", "agent.contact_shared")
    assert isinstance(event.data, agentphone_rs.ContactSharedEventData)
    assert event.data.shared_contact is not None and event.data.shared_contact.phone_numbers == ["+14155550101"]
    assert event.data.from_number == "+14155550100" and event.delivery_id == received["deliveryId"]
