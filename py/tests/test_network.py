"""Corporate networks: a proxy (given, or named by the environment, with NO_PROXY's exceptions) and
certificate authorities of one's own, end to end against local servers."""

from __future__ import annotations

import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

import agentphone_rs
from agentphone_rs.testing import Project, Sandbox


class _Forward(http.server.BaseHTTPRequestHandler):
    """A forward proxy for plain http: requests come with absolute URLs; it records and relays them."""

    seen: List[str]

    def _relay(self) -> None:
        type(self).seen.append(f"{self.command} {self.path}")
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "proxy-connection", "connection")}
        request = urllib.request.Request(self.path, data=body, method=self.command, headers=headers)
        try:
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request) as answer:
                status, payload, answer_headers = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:
            status, payload, answer_headers = error.code, error.read(), error.headers
        self.send_response(status)
        for key in ("content-type", "x-request-id"):
            if answer_headers.get(key):
                self.send_header(key, answer_headers[key])
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _relay

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[Tuple[str, List[str]]]:
    handler = type("Forward", (_Forward,), {"seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.seen
    server.shutdown()


def test_a_proxy_given_carries_every_request(agentphone_project: Project, proxy: Tuple[str, List[str]]) -> None:
    url, seen = proxy
    client = agentphone_rs.AgentPhone(agentphone_project.api_key, base_url=agentphone_project._sandbox.base_url, proxy=url)
    agent = client.agents.create(name="Through the proxy")
    assert client.agents.get(agent.id).name == "Through the proxy"
    assert [line.split(" ")[0] for line in seen] == ["POST", "GET"] and seen[1].endswith(f"/v1/agents/{agent.id}")


def test_the_environment_names_the_proxy_and_no_proxy_its_exceptions(agentphone_sandbox: Sandbox, proxy: Tuple[str, List[str]]) -> None:
    url, seen = proxy
    script = (
        "import agentphone_rs, sys;"
        "client = agentphone_rs.AgentPhone(sys.argv[1], base_url=sys.argv[2]);"
        "print(len(client.agents.list().data))"
    )

    def run(**variables: str) -> str:
        env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()} | variables
        done = subprocess.run([sys.executable, "-c", script, agentphone_sandbox.api_key, agentphone_sandbox.base_url], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run(HTTP_PROXY=url) == "0" and len(seen) == 1
    assert run(HTTP_PROXY=url, NO_PROXY="127.0.0.1") == "0" and len(seen) == 1, "NO_PROXY's host goes direct"


def test_bad_network_settings_are_refused_by_name_without_echoing_credentials() -> None:
    with pytest.raises(agentphone_rs.ConfigurationError, match="proxy: expected an http:// or https:// URL") as refused:
        agentphone_rs.AgentPhone("sk_test_x", proxy="socks9://user:hunter2@proxy.example")
    assert "hunter2" not in str(refused.value)
    with pytest.raises(agentphone_rs.ConfigurationError, match="ca_certificates: expected one or more PEM certificates"):
        agentphone_rs.AgentPhone("sk_test_x", ca_certificates="-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    with pytest.raises(agentphone_rs.ConfigurationError, match="ca_certificates: neither PEM text nor a readable file"):
        agentphone_rs.AgentPhone("sk_test_x", ca_certificates="/nonexistent/ca.pem")


def _authority(tmp: Path) -> Tuple[Path, Path, Path]:
    """A certificate authority of one's own, and a certificate it signed for localhost."""
    ca_key, ca, key, request, cert = (tmp / name for name in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    openssl = lambda *args: subprocess.run(["openssl", *args], check=True, capture_output=True)  # noqa: E731
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(ca_key), "-out", str(ca), "-days", "2", "-subj", "/CN=Corporate test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(request), "-subj", "/CN=localhost")
    (tmp / "san.ext").write_text("subjectAltName=DNS:localhost\n")
    openssl("x509", "-req", "-in", str(request), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial", "-out", str(cert), "-days", "2", "-extfile", str(tmp / "san.ext"))
    return ca, cert, key


class _Agents(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        payload = json.dumps({"data": [], "hasMore": False, "total": 0}).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


def test_a_certificate_authority_of_ones_own_is_trusted_when_given(tmp_path: Path) -> None:
    ca, cert, key = _authority(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Agents)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"https://localhost:{server.server_address[1]}"
    try:
        with pytest.raises(agentphone_rs.APIConnectionError):
            agentphone_rs.AgentPhone("sk_test_x", base_url=base_url, max_retries=0).agents.list()
        assert agentphone_rs.AgentPhone("sk_test_x", base_url=base_url, ca_certificates=ca).agents.list().data == []
        pem = ca.read_text()
        assert agentphone_rs.AgentPhone("sk_test_x", base_url=base_url, ca_certificates=pem).agents.list().total == 0
    finally:
        server.shutdown()
