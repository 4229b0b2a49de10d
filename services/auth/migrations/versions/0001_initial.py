"""Auth: users, signing keys, refresh tokens, login throttling; the chassis outbox and inbox."""
import sqlalchemy as sa
from alembic import op

from chassis.migrations import create_bus_tables, drop_bus_tables
from services.auth.db.types import UtcDateTime

revision = "auth_0001"
down_revision = None


def upgrade() -> None:
    create_bus_tables(op)  # outbox and inbox, exactly as chassis/bus/tables.py declares them

    op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("email_key", sa.String(254), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("first_name_key", sa.String(100), nullable=False),
        sa.Column("last_name_key", sa.String(100), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("username", sa.String(16), nullable=True),
        sa.Column("card_number", sa.String(16), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("temp_password_hash", sa.String(255), nullable=True),
        sa.Column("temp_password_issued_at", UtcDateTime(), nullable=True),
        sa.Column("temp_password_expires_at", UtcDateTime(), nullable=True),
        sa.Column("temp_password_used_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("email_key"),
        sa.UniqueConstraint("username"),
        sa.UniqueConstraint("card_number"),
    )
    op.create_index("ix_users_first_name_key", "users", ["first_name_key"])
    op.create_index("ix_users_last_name_key", "users", ["last_name_key"])

    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(64), primary_key=True),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("encrypted", sa.Boolean(), nullable=False),
        sa.Column("public_jwk", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("retired_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_signing_keys_created_at", "signing_keys", ["created_at"])

    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("family_id", sa.String(36), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("remember_me", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index("ix_refresh_tokens_user_id", "refresh_tokens", ["user_id"])
    op.create_index("ix_refresh_tokens_family_id", "refresh_tokens", ["family_id"])

    op.create_table(
        "login_throttle",
        sa.Column("scope", sa.String(16), primary_key=True),
        sa.Column("key", sa.String(320), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("lockouts", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", UtcDateTime(), nullable=True),
        sa.Column("last_failure_at", UtcDateTime(), nullable=True),
        sa.Column("locked_until", UtcDateTime(), nullable=True),
    )


def downgrade() -> None:
    for table in ("login_throttle", "refresh_tokens", "signing_keys", "users"):
        op.drop_table(table)
    drop_bus_tables(op)
