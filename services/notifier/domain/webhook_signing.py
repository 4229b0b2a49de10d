"""Webhook secrets and signatures per the Standard Webhooks specification (standardwebhooks.com).

Each delivery carries ``webhook-id``, ``webhook-timestamp`` (Unix seconds) and ``webhook-signature``
(``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">``), so a receiver verifies it with a stock library
(``standardwebhooks.Webhook(secret).verify(body, headers)`` in Python, and the same in other languages).
The signing itself is that library's, not ours.
"""
from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

PREFIX = "whsec_"
MIN_KEY_BYTES, MAX_KEY_BYTES, NEW_KEY_BYTES = 24, 64, 32  # the specification's bounds; ours


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(NEW_KEY_BYTES)).decode()


def is_standard_secret(value: str) -> bool:
    """``whsec_`` + standard base64 (padded) of 24 to 64 bytes: the form every Standard Webhooks library reads."""
    if not value.startswith(PREFIX):
        return False
    try:
        key = base64.b64decode(value.removeprefix(PREFIX), validate=True)
    except ValueError:  # not base64, or not ASCII at all
        return False
    return MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES


def _signing_key(secret: str) -> str | bytes:
    """The key the library signs with. Webhooks created before the Standard Webhooks form was required hold a
    secret of another form (generated ``whsec_`` + URL-safe base64, or any 16 to 200 characters staff chose),
    keyed until then by its UTF-8 bytes. It was shown once and only the receiver has it, so it is neither
    re-encoded nor replaced: it keeps keying the HMAC with those raw bytes, which stock libraries accept as
    such (``Webhook(secret.encode())`` in Python, ``{format: "raw"}`` in JavaScript), until staff recreate the
    webhook for a new secret. A stock library's default reading would decode it as base64 and get another key."""
    return secret if is_standard_secret(secret) else secret.encode()


def signed_headers(secret: str, message_id: str, at: datetime, body: bytes) -> dict[str, str]:
    """The three headers of one attempt: ``message_id`` is the receiver's idempotency key, ``at`` the attempt's
    time (whole seconds, as the header carries them)."""
    at = at.replace(microsecond=0)
    return {"webhook-id": message_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": Webhook(_signing_key(secret)).sign(message_id, at, body)}
