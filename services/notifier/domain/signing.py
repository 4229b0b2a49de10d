"""Webhook signatures, the way large payment processors do it.

Header ``Guichet-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>``.
A receiver recomputes the HMAC over the raw body it received, compares in constant time and refuses a
timestamp older than a few minutes (replays).
"""
from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Guichet-Signature"
EVENT_ID_HEADER = "Guichet-Event-Id"
EVENT_TYPE_HEADER = "Guichet-Event-Type"
DELIVERY_ID_HEADER = "Guichet-Delivery-Id"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify_signature_header(secret: str, header: str, body: bytes, now: int, tolerance_seconds: int = 300) -> bool:
    """What a receiver does; used by the tests and offered to integrators as the reference."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))
