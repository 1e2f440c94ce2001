"""reminders: a handler that raises is tried again later (retry_at), and given up on after a few attempts;
the backstops' anti-joins find an alert's rows by (kind, subject_id)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 15:10:00.000000
"""
from alembic import op
import sqlalchemy as sa
import models.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('retry_at', models.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_subject', ['kind', 'subject_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_reminder_subject')
    with op.batch_alter_table('reminder', schema=None) as batch_op:
        batch_op.drop_column('retry_at')
        batch_op.drop_column('attempts')
