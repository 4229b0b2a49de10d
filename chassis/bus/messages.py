"""How an event travels on the wire: the envelope as JSON body, a few headers beside it.

Headers: ``event_id``, ``event_type``, ``correlation_id``, ``producer``; on the consuming side
``attempts`` (failed handler runs so far), ``last_error``, ``dead_lettered_at``, ``replayed_at``.
AMQP properties: ``message_id`` = event id, ``correlation_id``, ``type`` = event type, persistent.
The W3C trace context is not a header: it rides in the envelope's optional ``trace`` field, because it is
stored with the outbox row (before any message exists) and must survive retries and dead-letter replays,
which send the body again (``chassis.tracing``).
"""
from __future__ import annotations

import json
from datetime import UTC, datetime

ATTEMPTS = "attempts"
LAST_ERROR = "last_error"
DEAD_LETTERED_AT = "dead_lettered_at"
REPLAYED_AT = "replayed_at"
ERROR_TEXT_LIMIT = 2000
CONTENT_TYPE = "application/json"


def encode(envelope: dict) -> bytes:
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode_body(message):
    """A consumed kombu message's JSON body. The plain JSON of our producers is parsed with ``json`` directly:
    kombu's own decoder (its registry, its object hook for kombu-typed values) took three times as long.
    Anything else (another content type, a compressed body) goes through kombu's ``decode``, as it always did."""
    if (message.content_type != CONTENT_TYPE or message.content_encoding != "utf-8"
            or "compression" in (message.headers or {})):
        return message.decode()
    body = message.body
    return json.loads(body if isinstance(body, bytes | str) else str(body))


def event_headers(envelope: dict) -> dict:
    return {"event_id": str(envelope.get("id", "")), "event_type": str(envelope.get("type", "")),
            "correlation_id": str(envelope.get("correlation_id", "")), "producer": str(envelope.get("producer", ""))}


def attempts_of(headers: dict | None) -> int:
    try:
        return max(0, int((headers or {}).get(ATTEMPTS, 0)))
    except (TypeError, ValueError):
        return 0


def error_text(error: BaseException | str) -> str:
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    return text[:ERROR_TEXT_LIMIT]


def now_iso() -> str:
    return datetime.now(UTC).isoformat()
