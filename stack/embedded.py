"""The whole platform in one process, on embedded defaults: ``python -m stack.embedded``.

No Docker, no RabbitMQ, no PostgreSQL: one SQLite file per service in ``GUICHET_DATA_DIR``
(default ``var/data``), the in-process bus (``chassis.bus.embedded``: the same outbox -> relay ->
consumer -> inbox path as production, over kombu's memory transport), migrations applied at start,
and every service mounted under the gateway's URL layout (``/api/auth/...``, ``/api/cards/...``).
Demo accounts are created and printed. ``PORT`` (default 8000), ``HOST`` (default 127.0.0.1).
"""
from __future__ import annotations

import os
import signal
import sys
import threading

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

DEFAULT_DEMO_PASSWORD = "Guichet-demo-2026"


def _prepare_environment(port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    os.environ.setdefault("AUTH_JWKS_URL", f"{base}/api/auth/.well-known/jwks.json")
    os.environ.setdefault("PUBLIC_BASE_URL", base)
    os.environ.setdefault("BUS_URL", "memory://")
    os.environ.setdefault("NOTIFIER_WEBHOOKS_ALLOW_PRIVATE", "1")
    os.environ.setdefault("CARDS_TRUSTED_PROXY_HOPS", "0")  # no proxy in front: X-Forwarded-For is not trusted
    os.environ.setdefault("AUTH_TRUSTED_PROXIES", "127.0.0.1,::1")  # the web pages call the APIs over loopback


def build_platform(port: int):
    """Migrates every database, builds every app and the in-process bus; returns (wsgi, bus, dbs)."""
    from chassis.bus.embedded import EmbeddedBus
    from chassis.migrations import upgrade
    from services.web.app import create_app as create_web_app
    from stack.api_docs import create_docs_app
    from stack.services import API_SERVICES, handlers, module

    _prepare_environment(port)
    mounts, dbs = {"/api/docs": create_docs_app()}, {}
    bus = EmbeddedBus(exchange=os.environ.get("BUS_EXCHANGE", "guichet.events"))
    for name in API_SERVICES:
        config = module(name, "config").load_config()
        upgrade(name, config.database_url)
        app = module(name, "app").create_app(config)
        dbs[name] = app.extensions["db"]
        mounts[f"/api/{name}"] = app
        bus.add_service(name, dbs[name], handlers(name))
    return DispatcherMiddleware(create_web_app(), mounts), bus, dbs


def _notifier_delivery(db):
    """The notifier's email and webhook senders (its worker runs them beside its consumer)."""
    from services.notifier.config import NotifierSettings, load_config
    from services.notifier.operations.delivery_loops import DeliveryLoops

    return DeliveryLoops(db, NotifierSettings.from_config(load_config()))


def _print_banner(port: int, accounts: list[dict], password: str, password_is_default: bool) -> None:
    lines = [f"Guichet is running on http://127.0.0.1:{port}/  (Ctrl-C to stop)",
             f"  API docs: http://127.0.0.1:{port}/api/docs", "  Demo accounts:"]
    for account in accounts:
        lines.append(f"    {account['role']:<18} login: {account['login']:<28} ({account['email']})")
    note = " (default; set GUICHET_DEMO_PASSWORD to choose)" if password_is_default else ""
    lines.append(f"  Password for all of them: {password}{note}")
    print("\n".join(lines), flush=True)


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    host = os.environ.get("HOST", "127.0.0.1")
    password = os.environ.get("GUICHET_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
    wsgi, bus, dbs = build_platform(port)
    server = make_server(host, port, wsgi, threaded=True)
    bus.start()
    delivery = _notifier_delivery(dbs["notifier"])
    delivery.start()
    from services.auth.operations.demo_accounts import ensure_demo_accounts

    accounts = ensure_demo_accounts(dbs["auth"], password)
    _print_banner(port, accounts, password, not os.environ.get("GUICHET_DEMO_PASSWORD"))

    stopping = threading.Event()

    def _stop(*_):
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        server.serve_forever()
    finally:
        delivery.stop()
        bus.stop()
        print("Guichet stopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
