"""cover_recheck: a count of the changes beneath each SLA and the count its last check saw, so the 15-minute
recheck checks only the SLAs whose tree changed (and a small rotation of the rest)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 17:20:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'cover_recheck',
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sla_id', sa.Integer(), nullable=False),
        sa.Column('marks', sa.Integer(), nullable=False),
        sa.Column('checked_marks', sa.Integer(), nullable=False),
        sa.Column('checked_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['sla_id'], ['agreement.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('sla_id'),
    )
    with op.batch_alter_table('cover_recheck', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cover_recheck_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cover_recheck_checked_at'), ['checked_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('cover_recheck', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cover_recheck_checked_at'))
        batch_op.drop_index(batch_op.f('ix_cover_recheck_team_id'))
    op.drop_table('cover_recheck')
