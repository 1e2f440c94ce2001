"""upgrade actions: the gap each is for, and a service manager's acceptance of it as the plan

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gap_rule', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column('plan_accepted_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('plan_accepted_at', models.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_column('plan_accepted_at')
        batch_op.drop_column('plan_accepted_by')
        batch_op.drop_column('gap_rule')
