"""A pending password change belongs to the session opened with the temporary password, not to the account.

``refresh_tokens.password_change_required``: set on the family (session) of a temporary-password
login; its refreshed tokens stay restricted until the password is changed from it. A login with the
real password ends the pending change (and those sessions) instead of inheriting it (issue 16).
Sessions open at upgrade time keep the former behaviour: restricted when the account was.
"""
import sqlalchemy as sa
from alembic import op

revision = "auth_0002"
down_revision = "auth_0001"


def upgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.add_column(sa.Column("password_change_required", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.execute(sa.text("UPDATE refresh_tokens SET password_change_required = :yes "
                       "WHERE user_id IN (SELECT id FROM users WHERE must_change_password = :yes)")
               .bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens") as batch:
        batch.drop_column("password_change_required")
