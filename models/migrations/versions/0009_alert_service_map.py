"""alert_service_map: Alertmanager label values mapped to services, per workspace

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 11:55:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alert_service_map',
    sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label_value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('updated_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['service_id'], ['service.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'label_value', name='uq_alert_service_map_team_value')
    )
    with op.batch_alter_table('alert_service_map', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_service_map_team_id'), ['team_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alert_service_map', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_service_map_team_id'))

    op.drop_table('alert_service_map')
