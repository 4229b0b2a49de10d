"""gunicorn's own log lines as the platform's JSON lines (``logger_class`` of ``chassis.http.gunicorn_settings``).

gunicorn writes its error log ("Starting gunicorn", "Booting worker with pid", "WORKER TIMEOUT", a worker's
crash) on stderr and its access log on stdout, as text. ``JsonLogger`` keeps gunicorn's handlers and gives
them ``chassis.logging.json_formatter``: the same ``timestamp``, ``level``, ``event`` as the app's lines, with
``service`` (``cards`` for ``services.cards.wsgi:app``), ``logger`` (``gunicorn.error``, ``gunicorn.access``)
and ``pid`` (master or worker). The logger is made in the master before the app is imported, so the lines
of a failed boot are JSON too.

An access line is ``event: http_request`` with ``method``, ``path`` (without the query string: a link's token
may be in it), ``status``, ``duration`` (seconds), ``bytes``, ``remote_addr``, ``user_agent``, and the
``request_id`` the app returned in ``X-Request-ID`` (its lines for that request carry the same id, which is
also its ``correlation_id``). gunicorn's ``access_log_format`` is not used.

A few things reach stderr without a logger: gunicorn ``print``s the error of a worker that failed to boot
after logging it, Python prints an uncaught exception and a warning. Each line of those becomes a JSON line
(``logger: stderr``), and an uncaught exception one line with its ``exception``.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import threading

from gunicorn import glogging

from chassis.logging import json_formatter

_SERVICE_APP = re.compile(r"^services\.(\w+)\.wsgi\b")


def service_name(app_uri: str | None) -> str:
    """``cards`` for ``services.cards.wsgi:app``; any other application is named by its own URI."""
    match = _SERVICE_APP.match(app_uri or "")
    return match.group(1) if match else (app_uri or "gunicorn")


def _add_pid(_logger, _method, event_dict):
    event_dict["pid"] = event_dict["_record"].process
    return event_dict


class JsonStderr:
    """Stands in for ``sys.stderr``: every line written becomes a JSON line on the real stderr (a line that
    is JSON already goes through as it is)."""

    def __init__(self, stream, formatter: logging.Formatter):
        self.stream, self._formatter = stream, formatter
        self._pending = ""
        self._lock = threading.RLock()

    def write(self, text: str) -> int:
        with self._lock:
            *lines, self._pending = (self._pending + text).split("\n")
            for line in lines:
                self._emit(line)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, ""
            self._emit(pending)
            self.stream.flush()

    def _emit(self, line: str) -> None:
        if not line.strip():
            return
        if not _is_json_object(line):
            line = self._formatter.format(logging.LogRecord("stderr", logging.ERROR, "", 0, line, None, None))
        self.stream.write(line + "\n")
        self.stream.flush()

    def __getattr__(self, name):  # fileno, isatty, encoding...: the real stream's
        return getattr(self.stream, name)


def _is_json_object(line: str) -> bool:
    if not line.startswith("{"):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


class JsonLogger(glogging.Logger):
    def setup(self, cfg):
        super().setup(cfg)  # gunicorn's handlers: error log on stderr, access log on stdout (``-``)
        formatter = json_formatter(_add_pid, service=service_name(cfg.proc_name))
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(formatter)
        if not isinstance(sys.stderr, JsonStderr):
            sys.stderr = JsonStderr(sys.stderr, formatter)
        sys.excepthook = self._uncaught

    def _uncaught(self, kind, error, traceback) -> None:
        self.error_log.critical("Uncaught exception: %s", error, exc_info=(kind, error, traceback))

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        try:
            status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
            request_id = next((value for name, value in resp.headers if name.lower() == "x-request-id"), None)
            fields = {"method": environ.get("REQUEST_METHOD"), "path": environ.get("PATH_INFO"),
                      "status": int(status), "duration": round(request_time.total_seconds(), 6),
                      "bytes": getattr(resp, "sent", None), "remote_addr": environ.get("REMOTE_ADDR"),
                      "user_agent": environ.get("HTTP_USER_AGENT"),
                      # chassis.http.request_context binds the request id as the correlation id
                      "request_id": request_id, "correlation_id": request_id}
            self.access_log.info("http_request", extra={k: v for k, v in fields.items() if v is not None})
        except Exception:
            self.exception("access log line failed")
