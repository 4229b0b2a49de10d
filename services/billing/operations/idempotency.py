"""``Idempotency-Key``: the first response to a key is stored and replayed to the same owner.

``claim`` inserts the key row (or finds it) and locks it for the transaction: a concurrent request
with the same key waits on that lock, then finds the stored response and replays it, so a card
is never charged twice. Requests that end in an error other than a stored outcome roll back,
key row included, and may be retried with the same key.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from chassis.errors import Conflict
from chassis.i18n import _
from services.billing.db.models import IdempotencyKey
from services.billing.operations.clock import as_utc, utc_now
from services.billing.operations.dialect import insert_ignoring_conflict


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: dict


def request_fingerprint(parts: dict) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def claim(session: Session, owner_id: str, key: str, fingerprint: str,
          ttl_hours: int) -> tuple[IdempotencyKey, StoredResponse | None]:
    now = utc_now()
    inserted = insert_ignoring_conflict(session, IdempotencyKey.__table__, {
        "owner_id": owner_id, "key": key, "request_hash": fingerprint, "created_at": now})
    row = session.execute(
        select(IdempotencyKey).where(IdempotencyKey.owner_id == owner_id, IdempotencyKey.key == key)
        .with_for_update().execution_options(populate_existing=True)).scalar_one()
    if inserted:
        return row, None
    if as_utc(row.created_at) < now - timedelta(hours=ttl_hours):
        row.request_hash, row.response_status, row.response_body, row.created_at = fingerprint, None, None, now
        return row, None
    if row.request_hash != fingerprint:
        raise Conflict(_("Cette clé d'idempotence a déjà servi pour une autre requête."),
                       code="idempotency_key_reused")
    if row.response_status is None:
        raise Conflict(_("Une requête avec cette clé d'idempotence est en cours."), code="idempotency_key_in_use")
    return row, StoredResponse(row.response_status, row.response_body or {})


def remember(row: IdempotencyKey, status: int, body: dict) -> None:
    row.response_status, row.response_body = status, body
