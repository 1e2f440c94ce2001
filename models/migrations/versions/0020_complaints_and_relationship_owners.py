"""complaints, and each party's relationship owner (issue 17, complaints slice)

Revision ID: 0020
Revises: 0016
Create Date: 2026-12-01 00:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('party', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))

    op.create_table('complaint',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('complainant', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('source_permalink', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('owner_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('due_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('answer', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('answered_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=3000), nullable=False),
    sa.Column('closed_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('escalated_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['party.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'number', name='uq_complaint_team_number')
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_team_status', ['team_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_team_id'), ['team_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_team_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_customer_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_agreement_id'))
        batch_op.drop_index('ix_complaint_team_status')

    op.drop_table('complaint')
    # Not in batch mode: on SQLite that copies `party` and drops the old table, which its referencing rows (contacts,
    # links, requirements) refuse; SQLite 3.35+ drops a column in place, as PostgreSQL does.
    op.drop_column('party', 'owner_user_id')
