"""Billing tables: invoices and their lines, the per-year number counter, payments and their
allocations to invoices, idempotency keys for card payments, and the audit trail (X4).

Money is ``Numeric(12, 2)`` and ``Decimal`` in code. No column ever holds card data beyond the
brand, the last four digits and the provider's charge id.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

BigId = BigInteger().with_variant(Integer(), "sqlite")
Money = Numeric(12, 2)


def new_uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class InvoiceCounter(Base):
    """The last number given per year; its row is locked (``UPDATE ... RETURNING``) from the moment an
    invoice is numbered, at the very end of its transaction, until the commit."""
    __tablename__ = "invoice_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


class Invoice(Base):
    __tablename__ = "invoices"
    __table_args__ = (UniqueConstraint("number", name="uq_invoices_number"),
                      UniqueConstraint("session_id", name="uq_invoices_session_id"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    # null only inside the transaction that issues the invoice: numbered at its end (operations/numbering.py)
    number: Mapped[str | None] = mapped_column(String(16), nullable=True)
    session_id: Mapped[str] = mapped_column(String(64))
    owner_user_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(8), index=True)  # open | paid | void
    payment_method: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Money)
    amount_paid: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    balance: Mapped[Decimal] = mapped_column(Money)
    refund_due: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # smallest balance payable by card, as cards announced it with the submission (CARDS_CARD_MINIMUM, C9)
    card_minimum: Mapped[Decimal] = mapped_column(Money, server_default="5.00")
    language: Mapped[str] = mapped_column(String(2))
    bill_to: Mapped[dict] = mapped_column(JSON)
    trainer: Mapped[dict] = mapped_column(JSON)
    organization_name: Mapped[str] = mapped_column(String(300))
    activity_label: Mapped[str] = mapped_column(String(300))
    session_end_date: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    session_cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    lines: Mapped[list[InvoiceLine]] = relationship(back_populates="invoice", order_by="InvoiceLine.position",
                                                      cascade="all, delete-orphan", lazy="selectin")


class InvoiceLine(Base):
    __tablename__ = "invoice_lines"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(500))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)

    invoice: Mapped[Invoice] = relationship(back_populates="lines")


class Payment(Base):
    """Money received once: a card charge, a cheque or a deposit, split over one or more invoices."""
    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("provider_charge_id", name="uq_payments_provider_charge_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    method: Mapped[str] = mapped_column(String(16))  # credit_card | cheque | direct_deposit
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    received_on: Mapped[date] = mapped_column(Date)
    card_brand: Mapped[str | None] = mapped_column(String(20), nullable=True)
    card_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    provider: Mapped[str | None] = mapped_column(String(30), nullable=True)
    provider_charge_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    allocations: Mapped[list[PaymentAllocation]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", lazy="selectin", order_by="PaymentAllocation.id")


class PaymentAllocation(Base):
    __tablename__ = "payment_allocations"
    __table_args__ = (UniqueConstraint("payment_id", "invoice_id", name="uq_allocation_payment_invoice"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    payment_id: Mapped[str] = mapped_column(ForeignKey("payments.id", ondelete="CASCADE"), index=True)
    invoice_id: Mapped[str] = mapped_column(ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money)

    payment: Mapped[Payment] = relationship(back_populates="allocations")
    invoice: Mapped[Invoice] = relationship(lazy="joined")


class IdempotencyKey(Base):
    """The first response to a keyed request, replayed to the same owner for the same key.

    ``request_hash`` covers the invoice, the method, the card brand, last 4, expiry and holder:
    never the full number nor the CVC.
    """
    __tablename__ = "idempotency_keys"

    owner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class CancelledSession(Base):
    """A session cancelled before its invoice exists (events may arrive out of order): never invoice it."""
    __tablename__ = "cancelled_sessions"

    session_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    cancelled_by: Mapped[str] = mapped_column(String(64))
    cancelled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Who did what, when (X4): payments recorded, invoices voided, refunds owed."""
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    invoice_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    payment_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
