"""Tables of the productions service: users read model, houses, producers, sheets, access,
SET hand-offs and their signing keys, and the audit trail (X4)."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from chassis.bus.tables import BigId


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class KnownUser(Base):
    """Read model of auth's users (``auth.user_registered`` / ``auth.user_updated``)."""
    __tablename__ = "known_users"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    first_name: Mapped[str] = mapped_column(String(200))
    last_name: Mapped[str] = mapped_column(String(200))
    search_key: Mapped[str] = mapped_column(String(800), index=True)
    roles: Mapped[list] = mapped_column(JSON, default=list)
    nameable: Mapped[bool] = mapped_column(Boolean, default=False)  # an AQPM account (role member)
    language: Mapped[str] = mapped_column(String(2), default="fr")
    source_occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class House(Base):
    __tablename__ = "houses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))

    admins: Mapped[list[HouseAdmin]] = relationship(back_populates="house", cascade="all, delete-orphan",
                                                      order_by="HouseAdmin.added_at")

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class _UserGrant:
    """A registered user given something: the administration of a house, the access to a sheet."""
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("known_users.id"), index=True)

    @declared_attr
    def user(cls) -> Mapped[KnownUser]:
        return relationship(KnownUser, lazy="joined")


class HouseAdmin(_UserGrant, Base):
    """An administrator ("utilisateur principal") of a house; delegates are administrators by default."""
    __tablename__ = "house_admins"
    __table_args__ = (UniqueConstraint("house_id", "user_id", name="uq_house_admins_house_user"),)

    house_id: Mapped[str] = mapped_column(ForeignKey("houses.id", ondelete="CASCADE"))
    delegate: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    house: Mapped[House] = relationship(back_populates="admins")


class Producer(Base):
    """A producer (menu "Producteurs"), linked to one or more houses."""
    __tablename__ = "producers"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))

    houses: Mapped[list[ProducerHouse]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def house_ids(self) -> list[str]:
        return sorted(link.house_id for link in self.houses)


class ProducerHouse(Base):
    __tablename__ = "producer_houses"

    producer_id: Mapped[str] = mapped_column(ForeignKey("producers.id", ondelete="CASCADE"), primary_key=True)
    house_id: Mapped[str] = mapped_column(ForeignKey("houses.id", ondelete="CASCADE"), primary_key=True,
                                          index=True)


class Sheet(Base):
    """A production sheet ("fiche de production") of one house."""
    __tablename__ = "sheets"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    house_id: Mapped[str] = mapped_column(ForeignKey("houses.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    producer_id: Mapped[str | None] = mapped_column(ForeignKey("producers.id"), nullable=True)
    production_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    shooting_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    shooting_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    union_agreements: Mapped[list] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    house: Mapped[House] = relationship(lazy="joined")
    producer: Mapped[Producer | None] = relationship(lazy="joined")


class SheetAccess(_UserGrant, Base):
    """A registered user authorized to go on to SET for one sheet (P6)."""
    __tablename__ = "sheet_access"
    __table_args__ = (UniqueConstraint("sheet_id", "user_id", name="uq_sheet_access_sheet_user"),)

    sheet_id: Mapped[str] = mapped_column(ForeignKey("sheets.id", ondelete="CASCADE"))
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SigningKey(Base):
    """RS256 keys signing the SET hand-off tokens; every row is published in the JWKS."""
    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Handoff(Base):
    """One SET hand-off token issued; ``used_at`` makes it single-use."""
    __tablename__ = "handoffs"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    sheet_id: Mapped[str] = mapped_column(ForeignKey("sheets.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEntry(Base):
    """Who did what, when (X4), written in the same transaction as the change."""
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_house_occurred", "house_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[str] = mapped_column(String(64))
    house_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    sheet_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    subject_user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
