"""Law 25 (issue 23, items 3-5): when an account was last used, its dormancy warning and its anonymization;
auth's audit trail of anonymizations; the log of staff reads of personal information.
"""
import sqlalchemy as sa
from alembic import op

from services.auth.db.types import UtcDateTime

revision = "auth_0006"
down_revision = "auth_0005"


def upgrade() -> None:
    op.add_column("users", sa.Column("last_active_at", UtcDateTime(), nullable=True))
    op.add_column("users", sa.Column("dormancy_warned_at", UtcDateTime(), nullable=True))
    op.add_column("users", sa.Column("anonymized_at", UtcDateTime(), nullable=True))
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime(), nullable=False, index=True),
        sa.Column("actor_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("subject_user_id", sa.String(64), nullable=True, index=True),
        sa.Column("details", sa.JSON(), nullable=False),
    )
    op.create_table(
        "personal_data_views",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("viewed_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("service", sa.String(20), nullable=False),
        sa.Column("viewer_id", sa.String(64), nullable=False, index=True),
        sa.Column("what", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("personal_data_views")
    op.drop_table("audit_entries")
    op.drop_column("users", "anonymized_at")
    op.drop_column("users", "dormancy_warned_at")
    op.drop_column("users", "last_active_at")
