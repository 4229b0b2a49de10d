"""The notifier's own tables: recipient directory, outgoing emails, webhooks and their deliveries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class Recipient(Base):
    """Who a user id is, kept from ``auth.user_registered`` / ``auth.user_updated`` (never read from auth's
    database)."""
    __tablename__ = "recipients"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    first_name: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    roles: Mapped[list] = mapped_column(JSON, default=list)
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    card_number: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Message(Base):
    """One email to one person, caused by one event. The delivery loop sends ``pending`` rows.

    The bodies are rendered at send time from ``context`` (which never holds a secret); a temporary
    password travels only in ``secret_ciphertext`` (Fernet), erased when the email is sent or the
    password expires.
    """
    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("event_id", "template", name="uq_messages_event_template"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36), index=True)
    event_type: Mapped[str] = mapped_column(String(80))
    portal: Mapped[str] = mapped_column(String(16), index=True)
    template: Mapped[str] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(2))
    to_address: Mapped[str] = mapped_column(String(320), index=True)
    to_name: Mapped[str] = mapped_column(String(400))
    subject: Mapped[str] = mapped_column(String(400))
    context: Mapped[dict] = mapped_column(JSON)
    secret_ciphertext: Mapped[str | None] = mapped_column(Text, nullable=True)
    secret_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attachment_filename: Mapped[str | None] = mapped_column(String(200), nullable=True)
    attachment_content_type: Mapped[str | None] = mapped_column(String(100), nullable=True)
    attachment_data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The W3C trace context of the consumer span that staged it ({"traceparent", "tracestate"?}): the send
    # continues that trace (chassis.tracing). Null when tracing was off.
    trace: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class Webhook(Base):
    """A staff subscription of a URL to event types (X9). ``portal`` is the staff team that owns it."""
    __tablename__ = "webhooks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    portal: Mapped[str] = mapped_column(String(16), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list] = mapped_column(JSON)
    description: Mapped[str | None] = mapped_column(String(200), nullable=True)
    secret_ciphertext: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WebhookDelivery(Base):
    """One event to one webhook; ``body`` is the exact JSON sent (and signed) on every attempt."""
    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_webhook_event"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    webhook_id: Mapped[str] = mapped_column(ForeignKey("webhooks.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(36))
    event_type: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # pending | delivered | failed | cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    attempt_log: Mapped[list[WebhookAttempt]] = relationship(order_by="WebhookAttempt.number",
                                                               cascade="all, delete-orphan")


class WebhookAttempt(Base):
    """Each HTTP attempt of a delivery: when, what came back, how long it took."""
    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("webhook_deliveries.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer)


class DataExport(Base):
    """A person's data export (Law 25): asked by an event, filled by every service's part, then one ZIP
    whose link is emailed to ``recipient_user_id``. Only the SHA-256 of the link's token is kept; the ZIP
    is erased once downloaded (single use) or, past ``expires_at``, by the next assembly."""
    __tablename__ = "data_exports"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # account | participant
    subject_name: Mapped[str] = mapped_column(String(400))
    recipient_user_id: Mapped[str] = mapped_column(String(64), index=True)
    portal: Mapped[str] = mapped_column(String(16))
    expected_parts: Mapped[list] = mapped_column(JSON)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assembled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True, index=True)
    downloaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    archive_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    archive: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class DataExportPart(Base):
    """One service's files for an export, kept until the ZIP is assembled (then deleted)."""
    __tablename__ = "data_export_parts"
    __table_args__ = (UniqueConstraint("export_id", "service", name="uq_data_export_parts_export_service"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    export_id: Mapped[str] = mapped_column(String(36), index=True)
    service: Mapped[str] = mapped_column(String(40))
    files: Mapped[list] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
