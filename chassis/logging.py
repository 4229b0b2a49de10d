"""JSON lines, one format for every line a process writes (docs/observability.md).

structlog's lines (``get_logger``, bound to a ``service``) and the standard library's (gunicorn's, a library's
``logging`` call) share their fields: ``timestamp``, ``level``, ``event``, and ``request_id``/``correlation_id``
within a request; a standard-library line adds ``logger``, its logger's name (``json_formatter``).
"""
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


# The fields of every line, then the rendering (billing inserts its card scrubber just before the renderer).
_FIELDS = (structlog.contextvars.merge_contextvars, _add_correlation, structlog.processors.add_log_level,
           structlog.processors.TimeStamper(fmt="iso", utc=True))
_RENDERING = (structlog.processors.format_exc_info, structlog.processors.JSONRenderer(ensure_ascii=False))


class _CurrentStdout:
    """Writes to whatever ``sys.stdout`` is at the time of the write (not at configuration time),
    so a redirected or captured stdout still receives the log lines."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def _exception_text(_logger, _method, event_dict):
    """A logging filter may have written the traceback's text already (billing's card scrubbing): keep that one."""
    record = event_dict.get("_record")
    if record is not None and record.exc_text:
        event_dict.pop("exc_info", None)
        event_dict["exception"] = record.exc_text
    return event_dict


def _every_line(fields: dict):
    def add(_logger, _method, event_dict):
        event_dict.update(fields)
        return event_dict

    return add


def json_formatter(*processors, **fields) -> logging.Formatter:
    """A ``logging`` formatter writing standard-library records as the platform's JSON lines: ``event`` is the
    message, ``logger`` the logger's name, the record's ``extra`` values are fields, an exception is
    ``exception``. ``fields`` are on every line (a record's own value wins); ``processors`` (structlog's) add more."""
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*_FIELDS, structlog.stdlib.add_logger_name, _every_line(fields),
                           structlog.stdlib.ExtraAdder(), _exception_text, *processors],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *_RENDERING],
    )


def configure_logging(level: str = "INFO") -> None:
    global _configured
    if _configured:
        return
    numeric_level = getattr(logging, level.upper(), logging.INFO)
    # Libraries (kombu, SQLAlchemy...) and plain ``logging`` calls write the same JSON lines, not text.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(json_formatter())
    logging.basicConfig(handlers=[handler], level=numeric_level)
    structlog.configure(
        processors=[*_FIELDS, *_RENDERING],
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStdout()),
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        cache_logger_on_first_use=True,
    )
    _configured = True


def get_logger(service: str, **bound):
    return structlog.get_logger().bind(service=service, **bound)
