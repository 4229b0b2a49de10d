"""The gateway's upstream groups: connections kept alive to the services (through real nginx in front of a
stub that says which connection it was called on), names resolved while running."""
from __future__ import annotations

import json
import re
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

from stack.gateway import SITE_TEMPLATE, UPSTREAM_NAMES, prepare_gateway, without_resolve
from tests.gateway.conftest import free_port, wait_for_nginx
from tests.gateway.test_gateway import SERVICES


class _KeepAliveStub(BaseHTTPRequestHandler):
    """A service that keeps connections open (HTTP/1.1, Content-Length), as gunicorn's threaded workers do,
    and says from which port the gateway called it: the same port twice is one connection reused."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = json.dumps({"client_port": self.client_address[1]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_gateway_keeps_its_upstream_connections_alive(tmp_path):
    """Several requests in a row reach the service over one connection (without keepalive in the upstream
    group, nginx opens a new one, from a new port, for every request)."""
    stub = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAliveStub)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    address = f"127.0.0.1:{stub.server_port}"
    port = free_port()
    files = prepare_gateway(tmp_path, {name: address for name in UPSTREAM_NAMES}, port)
    process = subprocess.Popen(files.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_nginx(base, process, files)
        ports = [requests.get(f"{base}/api/billing/invoices/{number}", timeout=5).json()["client_port"]
                 for number in range(6)]
        assert len(set(ports)) == 1, ports
    finally:
        process.terminate()
        process.wait(timeout=10)
        stub.shutdown()


def test_the_upstream_groups_keep_connections_and_resolve_names_while_running():
    """What the containers' nginx (1.27) is given: every group in shared memory with `resolve`, a resolver,
    keepalive shorter than gunicorn's own 2 s; an older local nginx gets the same file without `resolve`."""
    template = SITE_TEMPLATE.read_text(encoding="utf-8")
    groups = dict(re.findall(r"^upstream (guichet_\w+) \{\n(.*?)^\}", template, re.S | re.M))
    assert set(groups) == {f"guichet_{name}" for name in (*SERVICES, "notifier", "web")}
    for name, body in groups.items():
        assert re.search(rf"^\s*zone {name} \d+k;$", body, re.M), name
        assert re.search(r"^\s*server \$\{GATEWAY_[A-Z]+_UPSTREAM\} resolve;$", body, re.M), name
        assert re.search(r"^\s*keepalive \d+;$", body, re.M), name
        assert re.search(r"^\s*keepalive_timeout 1s;$", body, re.M), name
    assert re.search(r"^resolver \$\{GATEWAY_RESOLVER\} valid=10s;$", template, re.M)
    assert "proxy_http_version 1.1;" in template and 'proxy_set_header Connection "";' in template
    older = without_resolve(template)
    assert " resolve;" not in older and older.count("server ${GATEWAY_") == len(groups)
