"""Confirmed email changes and the security event trail (issue 17, items 2 and 7).

``email_changes``: a change of address asked with the current password; it becomes the login only
once confirmed by the single-use link sent to the new address (24 h); the old address is told, with
a single-use link that cancels it (and undoes it if it was already confirmed). Only SHA-256 hashes
of the link tokens are stored.

``security_events``: who, what, when, from where and with what outcome (logins, throttling, email
and password changes, resets, refresh-token reuse, account disabling); kept one year.
"""
import sqlalchemy as sa
from alembic import op

from services.auth.db.types import UtcDateTime

revision = "auth_0004"
down_revision = "auth_0003"

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "email_changes",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("old_email", sa.String(254), nullable=False),
        sa.Column("new_email", sa.String(254), nullable=False),
        sa.Column("new_email_key", sa.String(254), nullable=False),
        sa.Column("confirm_token_hash", sa.String(64), nullable=False),
        sa.Column("cancel_token_hash", sa.String(64), nullable=False),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("cancel_expires_at", UtcDateTime(), nullable=False),
        sa.Column("confirmed_at", UtcDateTime(), nullable=True),
        sa.Column("cancelled_at", UtcDateTime(), nullable=True),
        sa.Column("superseded_at", UtcDateTime(), nullable=True),
        sa.UniqueConstraint("confirm_token_hash", name="uq_email_changes_confirm_token_hash"),
        sa.UniqueConstraint("cancel_token_hash", name="uq_email_changes_cancel_token_hash"),
    )
    op.create_index("ix_email_changes_user_id", "email_changes", ["user_id"])
    op.create_table(
        "security_events",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(36), nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("occurred_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_security_events_user_occurred", "security_events", ["user_id", "occurred_at"])
    op.create_index("ix_security_events_occurred_at", "security_events", ["occurred_at"])


def downgrade() -> None:
    op.drop_table("security_events")
    op.drop_table("email_changes")
