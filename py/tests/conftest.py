"""A sandbox for the whole test session: the `agentphone` binary, started and stopped here."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _binary() -> str:
    explicit = os.environ.get("AGENTPHONE_SANDBOX_BIN")
    if explicit:
        return explicit
    for profile in ("debug", "release"):
        candidate = ROOT / "target" / profile / "agentphone"
        if candidate.exists():
            return str(candidate)
    raise RuntimeError("build the CLI first: cargo build -p agentphone-cli (or set AGENTPHONE_SANDBOX_BIN)")


@pytest.fixture(scope="session")
def sandbox_url() -> Iterator[str]:
    process = subprocess.Popen([_binary(), "sandbox", "--port", "0", "--fast"], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    first = process.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)", first)
    if not match:
        process.kill()
        raise RuntimeError(f"the sandbox did not start: {first!r}")
    try:
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def api_key() -> str:
    """A fresh key: its own project in the sandbox."""
    return f"sk_test_py_{secrets.token_hex(8)}"


@pytest.fixture
def client(sandbox_url: str, api_key: str) -> Iterator["agentphone_rs.AgentPhone"]:  # noqa: F821
    import agentphone_rs

    with agentphone_rs.AgentPhone(api_key, base_url=sandbox_url) as client:
        yield client
