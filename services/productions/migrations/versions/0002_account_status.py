"""The accounts auth disabled, as this service learns them from auth's events (chassis.account_status).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""
from alembic import op

from chassis.migrations import create_account_status_table

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_account_status_table(op)


def downgrade() -> None:
    op.drop_table("account_status")
