"""The chassis's tables, in every service's database (its Alembic migrations create them): the outbox,
the inbox, and the accounts auth has disabled (``chassis.account_status``).

Alembic targets ``[ServiceBase.metadata, ChassisBase.metadata]`` so autogenerate sees them.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class ChassisBase(DeclarativeBase):
    pass


class OutboxMessage(ChassisBase):
    """An event written in the same transaction as the state change that caused it.

    ``id`` orders publication. ``sensitive`` rows (temporary passwords) are deleted once published.
    """
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(80), index=True)
    envelope: Mapped[dict] = mapped_column(JSON)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


class InboxMessage(ChassisBase):
    """One row per (consumer, event id) handled, written with the handler's effects."""
    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("consumer", "event_id", name="uq_inbox_consumer_event"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    consumer: Mapped[str] = mapped_column(String(80))
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(80))
    handled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccountStatus(ChassisBase):
    """An account auth disabled (or enabled again), as this service learned it from auth's events.

    ``changed_at`` is the event's time: an event older than the row changes nothing, so a late
    ``auth.user_enabled`` never undoes a newer ``auth.user_disabled``.
    """
    __tablename__ = "account_status"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    disabled: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
