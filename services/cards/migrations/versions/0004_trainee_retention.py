"""Law 25 retention (issue 23, item 3): a trainee's date of birth and phone are anonymized (emptied)
``CARDS_TRAINEE_RETENTION_YEARS`` after their session; ``anonymized_at`` says when."""
import sqlalchemy as sa
from alembic import op

revision = "0004_trainee_retention"
down_revision = "0003_account_status"


def upgrade() -> None:
    # Batch mode: SQLite (the embedded stack) changes a column's nullability by copying the table.
    with op.batch_alter_table("participants") as batch:
        batch.alter_column("birth_date", existing_type=sa.Date(), nullable=True)
        batch.alter_column("phone", existing_type=sa.String(20), nullable=True)
        batch.add_column(sa.Column("anonymized_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participants") as batch:
        batch.drop_column("anonymized_at")
        batch.alter_column("phone", existing_type=sa.String(20), nullable=False)
        batch.alter_column("birth_date", existing_type=sa.Date(), nullable=False)
