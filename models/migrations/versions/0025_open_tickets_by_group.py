"""ix_ticket_open_group: the open tickets a group holds, partial (resolved_at IS NULL) on both databases, for the leg
warnings that read them every 5 minutes (review finding 8)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 01:40:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.create_index('ix_ticket_open_group', ['team_id', 'assigned_group_id'], unique=False,
                              sqlite_where=sa.text('resolved_at IS NULL'),
                              postgresql_where=sa.text('resolved_at IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_ticket_open_group', sqlite_where=sa.text('resolved_at IS NULL'),
                            postgresql_where=sa.text('resolved_at IS NULL'))
