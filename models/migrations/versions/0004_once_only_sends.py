"""once-only sends: outbox claims fenced by a token and the database's clock, rows for headlines, version posts
and documents, and when a version's document was attached

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:15:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import models.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default='message'))
        batch_op.add_column(sa.Column('thread_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('message', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('attempt_token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('maybe_sent', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('first_tried_at', models.types.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('outbox', schema=None) as batch_op:  # the defaults were for the rows already there
        batch_op.alter_column('kind', server_default=None)
        batch_op.alter_column('maybe_sent', server_default=None)
    # A row already claimed was sent by the code before this one, which never looked: look now before resending.
    op.execute("UPDATE outbox SET maybe_sent = true, first_tried_at = claimed_at WHERE claimed_at IS NOT NULL")

    with op.batch_alter_table('agreement_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_posted_at', models.types.UTCDateTime(timezone=True), nullable=True))
    # Versions posted before this release had their document uploaded right after the post, unrecorded:
    # count them as attached rather than upload every old document again.
    op.execute("UPDATE agreement_version SET document_posted_at = created_at WHERE message_ts IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('agreement_version', schema=None) as batch_op:
        batch_op.drop_column('document_posted_at')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('first_tried_at')
        batch_op.drop_column('maybe_sent')
        batch_op.drop_column('attempt_token')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('message')
        batch_op.drop_column('thread_ts')
        batch_op.drop_column('kind')
