"""Announcing every existing user again: one ``auth.user_updated`` outbox row per user, so a consumer
deployed later (a new service's read model) learns about users created before it. Consumers treat
``user_updated`` as an upsert, so running it twice is harmless."""
from __future__ import annotations

from sqlalchemy import select

from chassis.db import Database
from services.auth import events
from services.auth.db.models import User

BATCH = 500


def backfill_users(db: Database) -> int:
    """One ``auth.user_updated`` per user, one transaction per batch; returns how many."""
    count, last_id = 0, ""
    while True:
        with db.transaction() as session:
            batch = session.scalars(select(User).where(User.id > last_id).order_by(User.id).limit(BATCH)).all()
            for user in batch:
                events.emit(session, events.USER_UPDATED, events.user_payload(user))
        if not batch:
            return count
        count += len(batch)
        last_id = batch[-1].id
