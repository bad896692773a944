"""The conformance scenarios of tests/scenarios, through the Python clients (sync and async).

The format is in tests/scenarios/README.md; this runner and the Rust one (tests/conformance.rs)
read the same files.
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import traceback
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest

import agentphone_rs
from agentphone_rs import _native
from agentphone_rs._model import Model

from support import OPERATION_IDS, control

SCENARIOS = Path(__file__).resolve().parents[2] / "tests" / "scenarios"
KINDS = {
    "ValidationError": "validation",
    "BadRequestError": "bad_request",
    "AuthenticationError": "authentication",
    "PaymentRequiredError": "insufficient_balance",
    "PermissionDeniedError": "permission_denied",
    "NotFoundError": "not_found",
    "ConflictError": "conflict",
    "UnprocessableEntityError": "unprocessable_entity",
    "RateLimitError": "rate_limit",
    "InternalServerError": "server",
    "APITimeoutError": "timeout",
    "APIConnectionError": "connection",
    "APIResponseValidationError": "decode",
}
METHODS = {op["id"]: (op["resource"], op["method"]) for op in _native.operations()}


def scenarios() -> List[Tuple[str, Dict[str, Any]]]:
    found = []
    for path in sorted(SCENARIOS.glob("*.json")):
        for scenario in json.loads(path.read_text())["scenarios"]:
            found.append((f"{path.stem}: {scenario['name']}", scenario))
    return found


def substitute(value: Any, variables: Dict[str, Any]) -> Any:
    if isinstance(value, str):
        whole = re.fullmatch(r"\$\{([^$}]+)\}", value)
        if whole:
            return variables[whole.group(1)]
        return re.sub(r"\$\{([^$}]+)\}", lambda m: str(variables[m.group(1)]), value)
    if isinstance(value, list):
        return [substitute(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, variables) for k, v in value.items()}
    return value


_MISSING = object()


def at(value: Any, path: str) -> Any:
    if path == "$":
        return value
    for key in path.replace("\\.", "\0").split("."):
        key = key.replace("\0", ".")
        if isinstance(value, list):
            try:
                value = value[int(key)]
            except (ValueError, IndexError):
                return _MISSING
        elif isinstance(value, dict) and key in value:
            value = value[key]
        else:
            return _MISSING
    return value


def check(answer: Any, path: str, expected: Any) -> Optional[str]:
    found = at(answer, path)
    if isinstance(expected, dict) and len(expected) == 1 and next(iter(expected)).startswith("$"):
        (name, arg), = expected.items()
        if name == "$len":
            ok = isinstance(found, (list, str)) and len(found) == arg
        elif name == "$present":
            ok = (found is not _MISSING and found is not None) == arg
        elif name == "$contains":
            ok = isinstance(found, str) and arg in found
        elif name == "$gte":
            ok = isinstance(found, (int, float)) and found >= arg
        else:
            return f"unknown matcher {name}"
    elif found is _MISSING:
        ok = expected is None
    else:
        ok = found == expected
    return None if ok else f"`{path}`: expected {expected!r}, found {'nothing' if found is _MISSING else repr(found)}"


def plain(result: Any) -> Any:
    """What the Python API returned, as the wire JSON the scenarios describe."""
    if isinstance(result, Model):
        return result.raw
    if isinstance(result, list):
        return [plain(item) for item in result]
    if isinstance(result, agentphone_rs.Recording):
        return {"contentType": result.content_type, "size": len(result), "magic": result.content[:4].decode("latin-1")}
    return result


class Runner:
    def __init__(self, sandbox_url: str, is_async: bool) -> None:
        self.sandbox_url = sandbox_url
        self.is_async = is_async
        key = f"sk_test_conformance_{secrets.token_hex(8)}"
        self.variables: Dict[str, Any] = {"sandbox": sandbox_url, "key": key}
        self.loop = asyncio.new_event_loop() if is_async else None
        self.clients: Dict[str, Any] = {}

    def client(self, key: str) -> Any:
        if key not in self.clients:
            cls = agentphone_rs.AsyncAgentPhone if self.is_async else agentphone_rs.AgentPhone
            self.clients[key] = cls(key, base_url=self.sandbox_url)
        return self.clients[key]

    def call(self, operation: str, args: Dict[str, Any], key: str) -> Any:
        resource, name = METHODS[operation]
        method = getattr(getattr(self.client(key), resource), name)
        if operation == "stream_call_transcript":
            return {"events": [event.event for event in self._collect(method(**args))]}
        result = method(**args)
        if self.is_async:
            assert self.loop is not None
            result = self.loop.run_until_complete(result)
        return plain(result)

    def _collect(self, iterator: Any) -> List[Any]:
        if not self.is_async:
            return list(iterator)

        async def gather() -> List[Any]:
            return [item async for item in iterator]

        assert self.loop is not None
        return self.loop.run_until_complete(gather())

    def step(self, step: Dict[str, Any]) -> Optional[str]:
        step = substitute(step, self.variables)
        key = step.get("api_key", self.variables["key"])
        deadline = time.monotonic() + 5
        while True:
            error: Optional[agentphone_rs.AgentPhoneError] = None
            answer: Any = None
            if "call" in step:
                try:
                    answer = self.call(step["call"], step.get("args", {}), key)
                except agentphone_rs.AgentPhoneError as e:
                    error = e
                except TypeError as e:
                    # Python's own check of the signature (a missing or unknown argument) fails in
                    # this file's frame; a TypeError from inside the package is a bug, not an answer.
                    if traceback.extract_tb(e.__traceback__)[-1].filename != __file__:
                        raise
                    named = re.search(r"'(\w+)'", str(e))
                    error = agentphone_rs.ValidationError(str(e), field=named.group(1) if named else "", problem=str(e))
            else:
                method, path = step["control"].split(" ", 1)
                answer = control(self.sandbox_url, method, path, step.get("body"), self.variables["key"])
            until = step.get("until", {})
            if error is None and until and any(check(answer, p, e) for p, e in until.items()):
                if time.monotonic() > deadline:
                    return f"`until` not reached: {answer!r}"
                time.sleep(0.02)
                continue
            break
        expected_kind = step.get("error")
        if error is None and expected_kind is None:
            for path, expected in step.get("expect", {}).items():
                problem = check(answer, path, expected)
                if problem:
                    return problem
            for name, path in step.get("save", {}).items():
                value = at(answer, path)
                if value is _MISSING:
                    return f"nothing at `{path}` to save"
                self.variables[name] = value
            return None
        if error is None:
            return f"expected a {expected_kind} error, got {answer!r}"
        if expected_kind is None:
            return f"unexpected {type(error).__name__}: {error}"
        problems = []
        kind = KINDS.get(type(error).__name__, type(error).__name__)
        if kind != expected_kind:
            problems.append(f"{type(error).__name__} (not {expected_kind}): {error}")
        if "error_code" in step and getattr(error, "code", None) != step["error_code"]:
            problems.append(f"code is not {step['error_code']}: {error}")
        if "error_field" in step and getattr(error, "field", None) != step["error_field"]:
            problems.append(f"field is not {step['error_field']}: {error}")
        if "may_have_acted" in step and error.may_have_acted != step["may_have_acted"]:
            problems.append(f"may_have_acted is {error.may_have_acted}: {error}")
        return "; ".join(problems) or None

    def close(self) -> None:
        if self.loop is not None:
            self.loop.close()


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize("name,scenario", scenarios(), ids=[name for name, _ in scenarios()])
def test_scenario(sandbox_url: str, flavour: str, name: str, scenario: Dict[str, Any]) -> None:
    runner = Runner(sandbox_url, flavour == "async")
    try:
        for index, step in enumerate(scenario["steps"], 1):
            problem = runner.step(step)
            assert problem is None, f"{name} / step {index} ({step.get('call') or step.get('control')}): {problem}"
    finally:
        runner.close()


def test_the_scenarios_cover_every_operation() -> None:
    called = {step["call"] for _, scenario in scenarios() for step in scenario["steps"] if "call" in step}
    assert set(METHODS) == set(OPERATION_IDS) and set(METHODS) - called == set()
