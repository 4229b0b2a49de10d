"""A database that stops answering costs a request seconds, not a worker (issue 17, item 4).

Before ``chassis.db_timeouts``, a request (and ``/readyz``) waited as long as the database did: forever
for a server that accepts connections and says nothing, until gunicorn killed the worker at 30 s.
Two real hangs are staged on loopback: a server that accepts TCP and never speaks, and a real PostgreSQL
behind a proxy that stops passing bytes mid-life (a frozen server: its own statement timeout cannot help).
Each call must end with the contract's 503 and ``Retry-After``; the thread running it must be done well
before the 30 s at which gunicorn would have killed it (a generous bound, not a latency target).
"""
from __future__ import annotations

import socket
import threading

import pytest
from flask_smorest import Blueprint
from sqlalchemy import text

from chassis.config import ServiceConfig
from chassis.http.app_factory import create_service_app
from tests.infra import fresh_database

pytestmark = pytest.mark.integration
GIVE_UP_SECONDS = 20  # far past the ~5 s the limits allow, far before 30 s


class SilentServer:
    """Accepts connections, reads what it is sent, never answers."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.held:
            connection.close()


class FreezingProxy:
    """Passes bytes to and from a real server until ``freeze()``, then holds everything."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.frozen = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self):
        self.frozen.set()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink):
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                return
            if self.frozen.is_set():
                continue  # swallowed: the "server" is frozen
            try:
                sink.sendall(data)
            except OSError:
                return

    def close(self):
        self.listener.close()


def app_on(database_url: str):
    config = ServiceConfig.from_env("hang", database_url=database_url, bus_url="memory://")
    service = create_service_app(config, title="Hang")
    blp = Blueprint("rows", __name__)

    @blp.route("/rows")
    def rows():
        with service.db.reading() as session:
            return {"one": session.execute(text("SELECT 1")).scalar()}

    service.api.register_blueprint(blp)
    return service


def call(app, path: str) -> dict:
    """GET ``path`` in a thread; {} when it had not finished after GIVE_UP_SECONDS."""
    outcome: dict = {}

    def run():
        response = app.test_client().get(path)
        outcome.update(status=response.status_code, body=response.get_json(),
                       retry_after=response.headers.get("Retry-After"))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(GIVE_UP_SECONDS)
    return outcome


def test_a_server_that_never_speaks_gives_503_and_unready():
    server = SilentServer()
    service = app_on(f"postgresql://postgres@127.0.0.1:{server.port}/nowhere")
    try:
        answer = call(service.app, "/rows")
        assert answer.get("status") == 503, answer or "still waiting after 20 s"
        assert answer["body"]["error"]["code"] == "unavailable"
        assert answer["retry_after"]
        ready = call(service.app, "/readyz")
        assert ready.get("status") == 503, ready or "still waiting after 20 s"
        assert ready["body"]["checks"]["database"] == "unavailable"
    finally:
        service.db.dispose()
        server.close()


def test_a_server_that_freezes_mid_life_gives_503_then_recovers_when_it_answers_again():
    url = fresh_database("hang_frozen")
    proxy = FreezingProxy(5432)
    service = app_on(url.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}"))
    try:
        assert call(service.app, "/rows") == {"status": 200, "body": {"one": 1}, "retry_after": None}
        proxy.freeze()
        answer = call(service.app, "/rows")
        assert answer.get("status") == 503, answer or "still waiting after 20 s"
        assert answer["retry_after"]
        proxy.frozen.clear()  # the server answers again: a new connection serves the next request
        assert call(service.app, "/rows").get("status") == 200
    finally:
        service.db.dispose()
        proxy.close()
