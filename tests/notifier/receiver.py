"""A webhook receiver on loopback: a small threaded HTTP server that verifies each delivery the way an integrator
would, with the stock Standard Webhooks library, and refuses (400) what it cannot verify."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


class WebhookReceiver:
    def __init__(self, secret: str | bytes, statuses: list[int] | None = None, delay_seconds: float = 0.0):
        self.secret = secret  # bytes: a secret of the form older webhooks have, used as its raw bytes
        self.statuses = list(statuses or [])  # answered in order to verified requests, then 200
        self.delay_seconds = delay_seconds
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                try:
                    Webhook(receiver.secret).verify(body, headers)
                    refused = None
                except WebhookVerificationError as error:
                    refused = str(error)
                receiver.requests.append({"headers": headers, "body": body, "valid": refused is None,
                                          "refused": refused})
                if receiver.delay_seconds:
                    time.sleep(receiver.delay_seconds)
                if refused:
                    status = 400
                else:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/guichet"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def events(self) -> list[dict]:
        return [json.loads(request["body"]) for request in self.requests]
