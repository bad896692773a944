"""Raw HTTP to the sandbox's control endpoints (not part of the API)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any, Optional


def control(sandbox_url: str, method: str, path: str, body: Optional[Any] = None, api_key: Optional[str] = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(sandbox_url + path, data=data, method=method)
    request.add_header("content-type", "application/json")
    if api_key:
        request.add_header("authorization", f"Bearer {api_key}")
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
    return json.loads(text) if text else None
