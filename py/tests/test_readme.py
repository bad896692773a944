"""The README's quickstart runs as written (against this session's sandbox)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def test_the_quickstart_runs_as_written(sandbox_url: str, api_key: str) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.S)
    assert code is not None
    env = {**os.environ, "AGENTPHONE_BASE_URL": sandbox_url, "AGENTPHONE_API_KEY": api_key}
    result = subprocess.run([sys.executable, "-c", code.group(1)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"msg_\w+ sms \+14155550100", lines[0])
    assert lines[-1] == "404 Agent not found"
