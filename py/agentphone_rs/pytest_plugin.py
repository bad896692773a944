"""pytest fixtures for code that uses agentphone_rs, registered by the wheel (``pytest11``).

- ``agentphone_sandbox``: one in-process sandbox for the test session.
- ``agentphone_project``: a fresh, isolated project of it for each test.
- ``agentphone_client``: a client of that project, closed after the test. (For asyncio, open
  ``agentphone_project.async_client()`` in the test: an async fixture needs an async plugin.)
"""

from __future__ import annotations

from typing import Iterator

import pytest

from . import AgentPhone
from .testing import Project, Sandbox


@pytest.fixture(scope="session")
def agentphone_sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def agentphone_project(agentphone_sandbox: Sandbox) -> Project:
    return agentphone_sandbox.project()


@pytest.fixture
def agentphone_client(agentphone_project: Project) -> Iterator[AgentPhone]:
    with agentphone_project.client() as client:
        yield client

