"""Staff can disable an account: ``users.disabled_at`` and the chassis ``account_status`` table that
auth's own token checks read, as every other service's do (chassis.account_status).
"""
import sqlalchemy as sa
from alembic import op

from chassis.migrations import create_account_status_table, drop_account_status_table
from services.auth.db.types import UtcDateTime

revision = "auth_0003"
down_revision = "auth_0002"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("disabled_at", UtcDateTime(), nullable=True))
    create_account_status_table(op)


def downgrade() -> None:
    drop_account_status_table(op)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled_at")
