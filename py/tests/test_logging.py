"""Request logging through the ``logging`` module (logger ``agentphone_rs``) and ``AGENTPHONE_LOG``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

import agentphone_rs
from agentphone_rs.testing import Project


def test_each_attempt_is_logged_to_the_agentphone_rs_logger(agentphone_project: Project, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="agentphone_rs"):
        client = agentphone_project.client()
        agentphone_project.add_fault(operation="list_agents", status=503)
        client.agents.list()
    records = [r for r in caplog.records if r.name == "agentphone_rs"]
    assert [r.agentphone["status"] for r in records] == [503, 200]  # type: ignore[attr-defined]
    assert records[1].getMessage().startswith("GET /v1/agents -> 200 (list_agents, attempt 2, ")
    assert records[1].agentphone["request_id"].startswith("req_")  # type: ignore[attr-defined]
    assert all(r.levelno == logging.INFO and r.agentphone["response_body"] is None for r in records)  # type: ignore[attr-defined]


def test_debug_records_carry_bodies_without_secrets(agentphone_project: Project, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="agentphone_rs"):
        client = agentphone_project.client()
        hook = client.webhooks.set(url="https://example.com/hook")
    record = [r for r in caplog.records if r.name == "agentphone_rs"][-1]
    assert record.levelno == logging.DEBUG
    assert hook.secret is not None and hook.secret not in record.getMessage()
    assert agentphone_project.api_key not in record.getMessage() and "[REDACTED]" in record.getMessage()
    assert '"url":"https://example.com/hook"' in record.agentphone["request_body"]  # type: ignore[attr-defined]


def test_off_by_default_and_agentphone_log_turns_it_on(agentphone_project: Project) -> None:
    script = (
        "import sys, agentphone_rs;"
        "client = agentphone_rs.AgentPhone(sys.argv[1], base_url=sys.argv[2]);"
        "client.agents.list()"
    )

    def run(**variables: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "AGENTPHONE_LOG"} | variables
        return subprocess.run([sys.executable, "-c", script, agentphone_project.api_key, agentphone_project._sandbox.base_url], env=env, capture_output=True, text=True, timeout=60)

    quiet = run()
    assert quiet.returncode == 0 and quiet.stderr == ""
    logged = run(AGENTPHONE_LOG="info")
    assert logged.returncode == 0 and "GET /v1/agents -> 200 (list_agents, attempt 1" in logged.stderr, logged.stderr
    assert run(AGENTPHONE_LOG="").stderr == ""
    untouched = subprocess.run(
        [sys.executable, "-c", script + ";assert 'logging' not in sys.modules, 'logging was imported'", agentphone_project.api_key, agentphone_project._sandbox.base_url],
        env={k: v for k, v in os.environ.items() if k != "AGENTPHONE_LOG"}, capture_output=True, text=True, timeout=60,
    )
    assert untouched.returncode == 0, untouched.stderr
    wrong = run(AGENTPHONE_LOG="verbose")
    assert wrong.returncode != 0 and "expected info or debug" in wrong.stderr


def test_a_failing_log_handler_never_fails_the_call(agentphone_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    reported: list[BaseException] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: reported.append(unraisable.exc_value))

    class Broken(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            raise RuntimeError("handler broke")

        def handleError(self, record: logging.LogRecord) -> None:
            raise RuntimeError("and so did its error handling")

    logger = logging.getLogger("agentphone_rs")
    broken = Broken()
    logger.addHandler(broken)
    logger.setLevel(logging.INFO)
    try:
        assert agentphone_project.client().agents.list().data == []
        assert [str(error) for error in reported] == ["handler broke"], "reported as unraisable, not raised into the call"
    finally:
        logger.removeHandler(broken)
        logger.setLevel(logging.NOTSET)
