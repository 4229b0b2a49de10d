"""The cards service's tables: reference lists, the trainer read model, sessions and what hangs on them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, query_expression, relationship

BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


# --- Reference data (shipped by a data migration; staff add and retire entries) ---------------

class CodedEntry:
    """An entry of a coded list: its code, French and English labels, retired (``active`` false), display order."""
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str | None] = mapped_column(String(200), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class OrganizationType(CodedEntry, Base):
    __tablename__ = "organization_types"
    requires_institution: Mapped[bool] = mapped_column(Boolean, default=False)


class Institution(Base):
    """An accredited teaching institution ("Maison d'enseignement accréditée")."""
    __tablename__ = "institutions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Activity(CodedEntry, Base):
    __tablename__ = "activities"


class Title(CodedEntry, Base):
    __tablename__ = "titles"


# --- Read model kept from auth's events ----------------------------------------------------

class Trainer(Base):
    """A user with the ``trainer`` role, as auth last described them (``auth.user_*`` events)."""
    __tablename__ = "trainers"
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    card_number: Mapped[str | None] = mapped_column(String(20), index=True, nullable=True)
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    is_trainer: Mapped[bool] = mapped_column(Boolean, default=True)
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


# --- Requests for cards --------------------------------------------------------------------

class CardSession(Base):
    """One training session's request for cards (the guide's "Session")."""
    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), index=True)

    trainer_user_id: Mapped[str] = mapped_column(String(64), index=True)
    trainer_card_number: Mapped[str] = mapped_column(String(20))
    trainer_first_name: Mapped[str] = mapped_column(String(100))
    trainer_last_name: Mapped[str] = mapped_column(String(100))
    trainer_email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2), default="fr")
    second_card_number: Mapped[str | None] = mapped_column(String(20), index=True, nullable=True)
    second_first_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    second_last_name: Mapped[str | None] = mapped_column(String(100), nullable=True)

    organization_type: Mapped[str] = mapped_column(ForeignKey("organization_types.code"))
    organization_name: Mapped[str] = mapped_column(String(200))
    organization_key: Mapped[str] = mapped_column(String(200), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), nullable=True)
    location: Mapped[str] = mapped_column(String(200))
    activity_code: Mapped[str] = mapped_column(ForeignKey("activities.code"))
    end_date: Mapped[date] = mapped_column(Date, index=True)

    delivery_address: Mapped[str] = mapped_column(String(200))
    delivery_city: Mapped[str] = mapped_column(String(100))
    delivery_postal_code: Mapped[str] = mapped_column(String(7))
    delivery_attention: Mapped[str] = mapped_column(String(200))
    delivery_email: Mapped[str] = mapped_column(String(254))

    payment_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    billed_to: Mapped[str | None] = mapped_column(String(20), nullable=True)
    unit_price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    invoice_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    invoice_number: Mapped[str | None] = mapped_column(String(64), nullable=True)
    invoice_voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    invoiced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)

    participants: Mapped[list[Participant]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Participant.created_at")
    # Filled only by queries that ask for it (``api.access.with_participant_count``): a COUNT in the same
    # statement instead of loading every participant; None otherwise.
    loaded_participant_count: Mapped[int | None] = query_expression()
    organization_type_ref: Mapped[OrganizationType] = relationship(lazy="joined")
    activity: Mapped[Activity] = relationship(lazy="joined")
    institution: Mapped[Institution | None] = relationship(lazy="joined")

    # The names ``access.session_rows`` gives the labels, so that a view reads an entity and a row alike.
    @property
    def organization_type_label(self) -> str:
        return self.organization_type_ref.label

    @property
    def activity_label(self) -> str:
        return self.activity.label



def participant_count(s: CardSession) -> int:
    """The COUNT loaded with the row when the query asked for it; else the participants themselves."""
    if s.loaded_participant_count is not None:
        return s.loaded_participant_count
    return len(s.participants)


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("session_id", "person_key", "birth_date", name="uq_participant_person"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(ForeignKey("titles.code"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    person_key: Mapped[str] = mapped_column(String(210))
    last_name_key: Mapped[str] = mapped_column(String(100), index=True)
    # Emptied (with the extension) ``CARDS_TRAINEE_RETENTION_YEARS`` after the session (Law 25 retention).
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    phone_ext: Mapped[str | None] = mapped_column(String(6), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    anonymized_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    session: Mapped[CardSession] = relationship(back_populates="participants")
    attestations: Mapped[list[Attestation]] = relationship(
        back_populates="participant", cascade="all, delete-orphan", order_by="Attestation.issued_at")


class Attestation(Base):
    """One issued card; ``code`` is printed on it and checked on the public verification page."""
    __tablename__ = "attestations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code: Mapped[str] = mapped_column(String(14), unique=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))  # valid | revoked
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    replaced_by: Mapped[str | None] = mapped_column(String(14), nullable=True)

    participant: Mapped[Participant] = relationship(back_populates="attestations")
    session: Mapped[CardSession] = relationship()


class AuditEntry(Base):
    """Who did what to a request, and when (X4). Kept when the session itself is deleted."""
    __tablename__ = "audit_entries"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    session_id: Mapped[str | None] = mapped_column(String(36), index=True, nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class VerificationThrottle(Base):
    """Failed public verifications per client (hashed address), shared by every web worker."""
    __tablename__ = "verification_throttle"
    client_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    failures: Mapped[int] = mapped_column(Integer, default=0)
