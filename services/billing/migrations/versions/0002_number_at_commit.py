"""Invoices are numbered at the end of their transaction: ``invoices.number`` is null until then.

The invoice and its lines are inserted first, and the number (from the locked year counter) is set
by the last statements before the commit, so the counter stays locked as briefly as possible
(``services/billing/operations/numbering.py``). A committed invoice always has its number; the
unique constraint on ``number`` still holds (nulls are distinct).
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_number_at_commit"
down_revision = "0001_initial"


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.alter_column("number", existing_type=sa.String(16), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.alter_column("number", existing_type=sa.String(16), nullable=False)
