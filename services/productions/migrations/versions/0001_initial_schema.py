"""Initial schema: users read model, houses, producers, sheets, access, hand-offs, audit; outbox and inbox."""
import sqlalchemy as sa
from alembic import op

from chassis.migrations import create_bus_tables, drop_bus_tables

revision = '0001'
down_revision = None


def upgrade() -> None:
    create_bus_tables(op)
    op.create_table('audit_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('house_id', sa.String(length=36), nullable=True),
    sa.Column('sheet_id', sa.String(length=36), nullable=True),
    sa.Column('subject_user_id', sa.String(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index('ix_audit_entries_house_occurred', ['house_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_sheet_id'), ['sheet_id'], unique=False)

    op.create_table('houses',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name_key')
    )
    op.create_table('known_users',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('first_name', sa.String(length=200), nullable=False),
    sa.Column('last_name', sa.String(length=200), nullable=False),
    sa.Column('search_key', sa.String(length=800), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('nameable', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('source_occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('known_users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_known_users_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_known_users_search_key'), ['search_key'], unique=False)

    op.create_table('producers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('producers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_producers_name_key'), ['name_key'], unique=False)

    op.create_table('signing_keys',
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('public_jwk', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('kid')
    )
    op.create_table('house_admins',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('house_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('delegate', sa.Boolean(), nullable=False),
    sa.Column('added_by', sa.String(length=64), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['house_id'], ['houses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['known_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('house_id', 'user_id', name='uq_house_admins_house_user')
    )
    with op.batch_alter_table('house_admins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_house_admins_user_id'), ['user_id'], unique=False)

    op.create_table('producer_houses',
    sa.Column('producer_id', sa.String(length=36), nullable=False),
    sa.Column('house_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['house_id'], ['houses.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['producer_id'], ['producers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('producer_id', 'house_id')
    )
    with op.batch_alter_table('producer_houses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_producer_houses_house_id'), ['house_id'], unique=False)

    op.create_table('sheets',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('house_id', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('producer_id', sa.String(length=36), nullable=True),
    sa.Column('production_type', sa.String(length=40), nullable=True),
    sa.Column('shooting_start', sa.Date(), nullable=True),
    sa.Column('shooting_end', sa.Date(), nullable=True),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('union_agreements', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['house_id'], ['houses.id'], ),
    sa.ForeignKeyConstraint(['producer_id'], ['producers.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('sheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheets_house_id'), ['house_id'], unique=False)

    op.create_table('handoffs',
    sa.Column('jti', sa.String(length=64), nullable=False),
    sa.Column('sheet_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['sheet_id'], ['sheets.id'], ),
    sa.PrimaryKeyConstraint('jti')
    )
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoffs_sheet_id'), ['sheet_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoffs_user_id'), ['user_id'], unique=False)

    op.create_table('sheet_access',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('sheet_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('granted_by', sa.String(length=64), nullable=False),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sheet_id'], ['sheets.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['known_users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sheet_id', 'user_id', name='uq_sheet_access_sheet_user')
    )
    with op.batch_alter_table('sheet_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sheet_access_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sheet_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheet_access_user_id'))

    op.drop_table('sheet_access')
    with op.batch_alter_table('handoffs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoffs_user_id'))
        batch_op.drop_index(batch_op.f('ix_handoffs_sheet_id'))

    op.drop_table('handoffs')
    with op.batch_alter_table('sheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sheets_house_id'))

    op.drop_table('sheets')
    with op.batch_alter_table('producer_houses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_producer_houses_house_id'))

    op.drop_table('producer_houses')
    with op.batch_alter_table('house_admins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_house_admins_user_id'))

    op.drop_table('house_admins')
    op.drop_table('signing_keys')
    with op.batch_alter_table('producers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_producers_name_key'))

    op.drop_table('producers')
    with op.batch_alter_table('known_users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_known_users_search_key'))
        batch_op.drop_index(batch_op.f('ix_known_users_email'))

    op.drop_table('known_users')
    op.drop_table('houses')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_sheet_id'))
        batch_op.drop_index('ix_audit_entries_house_occurred')

    op.drop_table('audit_entries')
    drop_bus_tables(op)
