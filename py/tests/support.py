"""What several test files share: raw HTTP to the sandbox's control endpoints (not part of the
API), and facts read from the operation table itself, independent of the package."""

from __future__ import annotations

import json
import tomllib
import urllib.request
from pathlib import Path
from typing import Any, Optional

with open(Path(__file__).resolve().parents[2] / "spec" / "operations.toml", "rb") as _table:
    #: Every operation id of the table, in order.
    OPERATION_IDS: list[str] = [op["id"] for op in tomllib.load(_table)["operation"]]

#: The tools that reach people or the carrier, or spend money (the issue's list).
WORLD_ACTING = {"send_message", "send_reaction", "create_call", "end_call", "buy_number", "release_number", "send_verification", "register_a2p"}


def control(sandbox_url: str, method: str, path: str, body: Optional[Any] = None, api_key: Optional[str] = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(sandbox_url + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if api_key:
        request.add_header("authorization", f"Bearer {api_key}")
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    return json.loads(text) if text else None
