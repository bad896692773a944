"""The README's quickstart runs as written (against this session's sandbox)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path


def test_the_quickstart_runs_as_written() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.S)
    assert code is not None
    # No server and no settings: the quickstart brings its own sandbox.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGENTPHONE_")}
    result = subprocess.run([sys.executable, "-c", code.group(1)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert re.fullmatch(r"msg_\w+ sms \+14155550100", lines[0])
    assert lines[-1] == "404 Agent not found"


def test_every_client_snippet_of_the_package_readme_runs(client: "agentphone_rs.AgentPhone") -> None:  # noqa: F821
    """The blocks of py/README.md marked ``python client`` run with a sandbox ``client`` in scope."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    blocks = re.findall(r"```python client\n(.*?)```", readme, re.S)
    assert len(blocks) >= 3, "the README shows per-call options, raw responses and logging"
    for number, code in enumerate(blocks, 1):
        exec(compile(code, f"py/README.md (client block {number})", "exec"), {"client": client})
