"""The accounts auth disabled, as this service learns them from auth's events (chassis.account_status).

Revision ID: 0003_account_status
Revises: 0002_reference_lists
Create Date: 2026-12-07
"""
from alembic import op

from chassis.migrations import create_account_status_table

revision = "0003_account_status"
down_revision = "0002_reference_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_account_status_table(op)


def downgrade() -> None:
    op.drop_table("account_status")
