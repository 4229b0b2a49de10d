"""Keeps card data out of every log line of a billing process (structlog and stdlib logging).

The chassis configures structlog once per process; this adds ``scrub_log_event`` just before its
JSON renderer (after ``format_exc_info``, so tracebacks are scrubbed too) and a filter on the
stdlib root handlers. Idempotent.
"""
from __future__ import annotations

import logging

import structlog

from services.billing.domain.scrub import scrub_log_event, scrub_text


class CardDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub_text(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = scrub_text(logging.Formatter().formatException(record.exc_info))
        return True


def install_card_scrubbing() -> None:
    processors = structlog.get_config()["processors"]
    if scrub_log_event not in processors:
        processors.insert(max(len(processors) - 1, 0), scrub_log_event)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, CardDataFilter) for f in handler.filters):
            handler.addFilter(CardDataFilter())
