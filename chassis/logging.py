"""structlog JSON lines with service, request id and correlation id on every line."""
from __future__ import annotations

import logging
import sys

import structlog

from chassis.correlation import _correlation_id

_configured = False


def _add_correlation(_logger, _method, event_dict):
    cid = _correlation_id.get()
    if cid and "correlation_id" not in event_dict:
        event_dict["correlation_id"] = cid
    return event_dict


class _CurrentStdout:
    """Writes to whatever ``sys.stdout`` is at the time of the write (not at configuration time),
    so a redirected or captured stdout still receives the log lines."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def configure_logging(level: str = "INFO") -> None:
    global _configured
    if _configured:
        return
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=getattr(logging, level.upper(), logging.INFO))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            _add_correlation,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStdout()),
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper(), logging.INFO)),
        cache_logger_on_first_use=True,
    )
    _configured = True


def get_logger(service: str, **bound):
    return structlog.get_logger().bind(service=service, **bound)
