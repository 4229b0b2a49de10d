"""Data exports (Law 25): each service's part until the ZIP is assembled, the export asked, the ZIP and the
hash of its single-use link's token."""
import sqlalchemy as sa
from alembic import op

from chassis.bus.tables import BigId

revision = "0004_data_exports"
down_revision = "0003_message_trace"


def upgrade() -> None:
    op.create_table(
        "data_export_parts",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("export_id", sa.String(36), nullable=False, index=True),
        sa.Column("service", sa.String(40), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("export_id", "service", name="uq_data_export_parts_export_service"),
    )
    op.create_table(
        "data_exports",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject_name", sa.String(400), nullable=False),
        sa.Column("recipient_user_id", sa.String(64), nullable=False, index=True),
        sa.Column("portal", sa.String(16), nullable=False),
        sa.Column("expected_parts", sa.JSON(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assembled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("token_hash", sa.String(64), nullable=True, unique=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archive_name", sa.String(200), nullable=True),
        sa.Column("archive", sa.LargeBinary(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("data_exports")
    op.drop_table("data_export_parts")
