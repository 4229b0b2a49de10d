"""Real nginx (Debian's) with the gateway's configuration, in front of small stub upstreams.

The stubs stand for the services so that the gateway's own behaviour (routing, prefix stripping,
request ids, headers, limits, its JSON errors) is tested without starting the platform; the
end-to-end suite (tests/e2e) runs the same configuration in front of the real services.
"""
from __future__ import annotations

import json
import socket
import subprocess
import threading
import time

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from stack.gateway import nginx_binary, prepare_gateway
from tests.infra import missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stub_app(name: str):
    """A service stand-in: echoes what it received, and a few paths with a known behaviour."""

    @Request.application
    def app(request: Request) -> Response:
        if request.path == "/slow":
            time.sleep(3)
        if request.path == "/missing":
            body = {"error": {"code": "not_found", "message": f"{name} has no such thing"}}
            return Response(json.dumps(body), status=404, mimetype="application/json")
        if request.path == "/big":
            return Response(json.dumps({"items": [{"id": i, "name": "x" * 40} for i in range(200)]}),
                            mimetype="application/json")
        body = {"upstream": name, "path": request.path, "query": request.query_string.decode(),
                "method": request.method, "body_length": len(request.get_data()),
                "request_id": request.headers.get("X-Request-ID"),
                "forwarded_for": request.headers.get("X-Forwarded-For"),
                "forwarded_proto": request.headers.get("X-Forwarded-Proto")}
        return Response(json.dumps(body), mimetype="application/json",
                        headers={"X-Request-ID": "set-by-the-upstream", "Server": "stub/1.0",
                                 "X-Frame-Options": "SAMEORIGIN", "Referrer-Policy": "no-referrer"})

    return app


@pytest.fixture(scope="session")
def gateway(tmp_path_factory):
    if nginx_binary() is None:
        missing("nginx is not installed (deploy/dev/ensure-infra.sh installs it)")
    servers, upstreams = [], {}
    for name in ("auth", "cards", "billing", "productions", "web"):
        server = make_server("127.0.0.1", 0, stub_app(name), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        upstreams[name] = f"127.0.0.1:{server.server_port}"
    upstreams["notifier"] = f"127.0.0.1:{free_port()}"  # nothing listens there: the gateway's 502
    port = free_port()
    files = prepare_gateway(tmp_path_factory.mktemp("gateway"), upstreams, port,
                            GATEWAY_LOGIN_RATE="2r/m", GATEWAY_LOGIN_BURST="2", GATEWAY_FORGOT_RATE="2r/m",
                            GATEWAY_FORGOT_BURST="1", GATEWAY_RETRY_AFTER="30", GATEWAY_MAX_BODY_SIZE="64k",
                            GATEWAY_PROXY_READ_TIMEOUT="1s",
                            GATEWAY_TRUSTED_FORWARDER="192.0.2.10")  # the web front end: not the test client
    process = subprocess.Popen(files.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    wait_for_nginx(base, process, files)
    yield {"base": base, "files": files}
    process.terminate()
    process.wait(timeout=10)
    for server in servers:
        server.shutdown()


def wait_for_nginx(base: str, process: subprocess.Popen, files, timeout: float = 15) -> None:
    """Until the gateway's own /healthz answers; fails with nginx's output if it exits or never does."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(f"{base}/healthz", timeout=1)
            return
        except (requests.ConnectionError, requests.Timeout):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                stderr = process.stderr.read().decode() if process.stderr else ""
                pytest.fail("nginx did not start: " + stderr
                            + (files.error_log.read_text() if files.error_log.exists() else ""))
            time.sleep(0.1)
