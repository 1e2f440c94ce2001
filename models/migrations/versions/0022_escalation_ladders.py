"""escalation ladders: a target's own ladder, the organisation's priority-raise callback, and the once-only queue
of its deliveries

Revision ID: 0022
Revises: 0016
Create Date: 2026-12-01 00:20:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'target_ladder',
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('target_id', sa.Integer(), nullable=False),
        sa.Column('steps', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('set_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('set_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['target_id'], ['target.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('target_id'),
    )
    with op.batch_alter_table('target_ladder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_ladder_team_id'), ['team_id'], unique=False)
    op.create_table(
        'ladder_callback',
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column('set_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('set_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', name='uq_ladder_callback_team'),
    )
    with op.batch_alter_table('ladder_callback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ladder_callback_team_id'), ['team_id'], unique=False)
    op.create_table(
        'callback_delivery',
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('breach_id', sa.Integer(), nullable=True),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sent_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'key', name='uq_callback_delivery_key'),
    )
    with op.batch_alter_table('callback_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_callback_delivery_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_callback_delivery_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_callback_delivery_next_at'), ['next_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('callback_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_callback_delivery_next_at'))
        batch_op.drop_index(batch_op.f('ix_callback_delivery_status'))
        batch_op.drop_index(batch_op.f('ix_callback_delivery_team_id'))
    op.drop_table('callback_delivery')
    with op.batch_alter_table('ladder_callback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ladder_callback_team_id'))
    op.drop_table('ladder_callback')
    with op.batch_alter_table('target_ladder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_ladder_team_id'))
    op.drop_table('target_ladder')
