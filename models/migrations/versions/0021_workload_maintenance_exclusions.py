"""workload_limit, maintenance_window, exclusion: what an SLA promises besides its targets (issue 17: workload
limits, planned maintenance windows, agreed exclusions)

Revision ID: 0021
Revises: 0016
Create Date: 2026-12-01 00:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def _stamped():
    return [sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
            sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
            sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
            sa.Column('id', sa.Integer(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        'workload_limit', *_stamped(),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('measure', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('priority', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('excuses', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('removed_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('removed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('workload_limit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workload_limit_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_workload_limit_team_id'), ['team_id'], unique=False)
    op.create_table(
        'maintenance_window', *_stamped(),
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ends_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('tz', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=True),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('cancelled_at', models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('cancelled_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('maintenance_window', schema=None) as batch_op:
        batch_op.create_index('ix_maintenance_window_service_starts', ['service_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_maintenance_window_team_id'), ['team_id'], unique=False)
    op.create_table(
        'exclusion', *_stamped(),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('service_id', sa.Integer(), nullable=True),
        sa.Column('starts_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ends_at', models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column('agreed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(['agreement_id'], ['agreement.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('exclusion', schema=None) as batch_op:
        batch_op.create_index('ix_exclusion_agreement_starts', ['agreement_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_exclusion_team_id'), ['team_id'], unique=False)


def downgrade() -> None:
    for table in ('exclusion', 'maintenance_window', 'workload_limit'):
        op.drop_table(table)
