"""What a webhook receives: the event envelope, minus what must not leave the platform."""
from __future__ import annotations

import json

# Secrets never leave; bulky documents stay behind the API (GET /api/billing/invoices/{id}/pdf).
WITHHELD_FIELDS = frozenset({"temporary_password", "confirmation_token", "cancellation_token", "pdf_base64"})


def webhook_body(envelope: dict) -> str:
    """The exact JSON text that is signed and POSTed, stable across retries."""
    payload = {key: value for key, value in envelope["payload"].items() if key not in WITHHELD_FIELDS}
    document = {key: envelope[key] for key in ("id", "type", "version", "occurred_at", "producer", "correlation_id")}
    document["payload"] = payload
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
