"""The engines users grow into, started for real: gunicorn (sync workers and uvicorn workers, the
app preloaded before fork) and a Celery prefork worker with a Redis broker. A client made at import
time, in the parent, must work in every forked worker; nothing may hang; every worker must exit
cleanly."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Iterator, List

import pytest

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port} after {seconds} s")


def stop(process: "subprocess.Popen[str]", seconds: float = 15) -> str:
    """SIGTERM, then the process's output; fails if it does not exit cleanly in time."""
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=seconds)
    assert process.returncode == 0, f"exit code {process.returncode}:\n{out[-3000:]}"
    return out


APP = """
import asyncio, json, os, agentphone_rs as ap

# Made at import: gunicorn --preload imports this in the parent, then forks the workers.
client = ap.AgentPhone(os.environ["KEY"], base_url=os.environ["SANDBOX"])
async_client = ap.AsyncAgentPhone(os.environ["KEY"], base_url=os.environ["SANDBOX"])
client.agents.create(name="made before fork")

def wsgi(environ, start_response):
    agents = client.agents.list().total
    start_response("200 OK", [("content-type", "application/json")])
    return [json.dumps({"pid": os.getpid(), "agents": agents}).encode()]

async def asgi(scope, receive, send):
    if scope["type"] != "http":
        return
    agents = (await async_client.agents.list()).total
    body = json.dumps({"pid": os.getpid(), "agents": agents}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})
"""


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    return tmp_path


@pytest.mark.parametrize("worker", ["sync", "uvicorn.workers.UvicornWorker"])
def test_gunicorn_workers_forked_after_import_make_calls(worker: str, app_dir: Path, sandbox_url: str, api_key: str) -> None:
    port = free_port()
    app = "app:wsgi" if worker == "sync" else "app:asgi"
    env = {**os.environ, "KEY": api_key, "SANDBOX": sandbox_url, "PYTHONPATH": str(app_dir)}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--preload", "-w", "2", "-k", worker, "-b", f"127.0.0.1:{port}", "--graceful-timeout", "5", app],
        cwd=app_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_for_port(port)
        pids = set()
        for _ in range(12):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as answer:
                body = answer.read().decode()
            assert '"agents": 1' in body, body
            pids.add(body.split('"pid": ')[1].split(",")[0])
    finally:
        out = stop(server)
    assert "Traceback" not in out, out[-3000:]
    print(f"gunicorn {worker}: 12 calls answered by {len(pids)} forked worker(s), clean exit")


CELERY_APP = """
import os, agentphone_rs as ap
from celery import Celery

app = Celery("tasks", broker=os.environ["BROKER"], backend=os.environ["BROKER"])
# Made at import, in the parent that forks the pool's children.
client = ap.AgentPhone(os.environ["KEY"], base_url=os.environ["SANDBOX"])

@app.task
def count_agents(n):
    client.agents.create(name=f"from a worker {n}")
    return os.getpid(), client.agents.list(limit=100).total
"""


@pytest.fixture
def redis_url() -> Iterator[str]:
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is missing: scripts/install.sh installs it")
    port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def test_a_celery_prefork_worker_makes_calls_from_every_child(tmp_path: Path, redis_url: str, sandbox_url: str, api_key: str) -> None:
    (tmp_path / "tasks.py").write_text(textwrap.dedent(CELERY_APP))
    env = {**os.environ, "KEY": api_key, "SANDBOX": sandbox_url, "BROKER": redis_url, "PYTHONPATH": str(tmp_path)}
    worker = subprocess.Popen(
        [str(BIN / "celery"), "-A", "tasks", "worker", "--pool=prefork", "-c", "2", "--loglevel=warning", "--without-gossip", "--without-mingle"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        code = "import json, tasks; results = [tasks.count_agents.delay(i) for i in range(6)]; print(json.dumps([r.get(timeout=30) for r in results]))"
        sender = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert sender.returncode == 0, sender.stderr[-3000:]
        results: List[List[int]] = json.loads(sender.stdout)  # [pid, agents seen] per task
    finally:
        out = stop(worker, seconds=30)
    totals = [total for _, total in results]
    assert all(1 <= total <= 6 for total in totals) and max(totals) == 6, results
    assert "Traceback" not in out, out[-3000:]
    print(f"celery prefork: 6 tasks in {len({pid for pid, _ in results})} child process(es), clean exit")
