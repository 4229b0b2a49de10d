"""Billing tables, with the chassis outbox and inbox."""
import sqlalchemy as sa
from alembic import op

from chassis.migrations import create_bus_tables, drop_bus_tables

revision = "0001_initial"
down_revision = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Money = sa.Numeric(12, 2)


def upgrade() -> None:
    create_bus_tables(op)
    op.create_table(
        "invoice_counters",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
    )
    op.create_table(
        "invoices",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("session_id", sa.String(64), nullable=False),
        sa.Column("owner_user_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("payment_method", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", Money, nullable=False),
        sa.Column("amount_paid", Money, nullable=False),
        sa.Column("balance", Money, nullable=False),
        sa.Column("refund_due", Money, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("bill_to", sa.JSON(), nullable=False),
        sa.Column("trainer", sa.JSON(), nullable=False),
        sa.Column("organization_name", sa.String(300), nullable=False),
        sa.Column("activity_label", sa.String(300), nullable=False),
        sa.Column("session_end_date", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("session_cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("number", name="uq_invoices_number"),
        sa.UniqueConstraint("session_id", name="uq_invoices_session_id"),
    )
    op.create_index("ix_invoices_owner_user_id", "invoices", ["owner_user_id"])
    op.create_index("ix_invoices_status", "invoices", ["status"])
    op.create_table(
        "invoice_lines",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("invoice_id", sa.String(36), sa.ForeignKey("invoices.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", Money, nullable=False),
        sa.Column("amount", Money, nullable=False),
    )
    op.create_index("ix_invoice_lines_invoice_id", "invoice_lines", ["invoice_id"])
    op.create_table(
        "payments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("reference", sa.String(100), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("card_brand", sa.String(20), nullable=True),
        sa.Column("card_last4", sa.String(4), nullable=True),
        sa.Column("provider", sa.String(30), nullable=True),
        sa.Column("provider_charge_id", sa.String(100), nullable=True),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("provider_charge_id", name="uq_payments_provider_charge_id"),
    )
    op.create_table(
        "payment_allocations",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("payment_id", sa.String(36), sa.ForeignKey("payments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("invoice_id", sa.String(36), sa.ForeignKey("invoices.id"), nullable=False),
        sa.Column("amount", Money, nullable=False),
        sa.UniqueConstraint("payment_id", "invoice_id", name="uq_allocation_payment_invoice"),
    )
    op.create_index("ix_payment_allocations_payment_id", "payment_allocations", ["payment_id"])
    op.create_index("ix_payment_allocations_invoice_id", "payment_allocations", ["invoice_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("owner_id", sa.String(64), primary_key=True),
        sa.Column("key", sa.String(255), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])
    op.create_table(
        "cancelled_sessions",
        sa.Column("session_id", sa.String(64), primary_key=True),
        sa.Column("cancelled_by", sa.String(64), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "audit_entries",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("invoice_id", sa.String(36), nullable=True),
        sa.Column("payment_id", sa.String(36), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    for column in ("occurred_at", "actor_id", "action", "invoice_id", "payment_id"):
        op.create_index(f"ix_audit_entries_{column}", "audit_entries", [column])


def downgrade() -> None:
    for table in ("audit_entries", "cancelled_sessions", "idempotency_keys", "payment_allocations", "payments",
                  "invoice_lines", "invoices", "invoice_counters"):
        op.drop_table(table)
    drop_bus_tables(op)
