"""Each invoice keeps the credit-card minimum that cards announced with the submission (C9).

Invoices issued before cards sent it were issued under the $5.00 minimum of the time.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_invoice_card_minimum"
down_revision = "0003_account_status"


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("card_minimum", sa.Numeric(12, 2), nullable=False, server_default="5.00"))


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("card_minimum")
