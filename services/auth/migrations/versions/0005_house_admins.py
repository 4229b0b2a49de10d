"""The user directory's read model of house administrators (fed by productions' events) and its
per-caller rate-limit windows (issue 17, item 1).
"""
import sqlalchemy as sa
from alembic import op

from services.auth.db.types import UtcDateTime

revision = "auth_0005"
down_revision = "auth_0004"


def upgrade() -> None:
    op.create_table(
        "known_house_admins",
        sa.Column("house_id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("changed_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_known_house_admins_user_id", "known_house_admins", ["user_id"])
    op.create_table(
        "directory_request_windows",
        sa.Column("user_id", sa.String(36), primary_key=True),
        sa.Column("window_started_at", UtcDateTime(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("directory_request_windows")
    op.drop_table("known_house_admins")
