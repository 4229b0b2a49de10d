"""The trace context of the event that staged an email, for the delivery loop to continue its trace
(chassis.tracing); null for the emails staged before, or while tracing is off."""
import sqlalchemy as sa
from alembic import op

revision = "0003_message_trace"
down_revision = "0002_account_status"


def upgrade() -> None:
    op.add_column("messages", sa.Column("trace", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("trace")
