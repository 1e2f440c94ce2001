"""Slack Connect's external people (issue 16): contact.user_team (a contact is recognised by user id and workspace),
member.home_team and home_team_name (who belongs to another workspace, and its name), signoff.user_team (the
workspace of whoever agreed)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 00:20:00.000000
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

# Every person's stored profile is made stale: it was read before anyone asked which workspace they belong to, so
# home_team NULL on it means "not asked", not "here"; the next request asks Slack (users.info) again
# (handlers/middleware.py, finding 4 of the review). Long ago, in UTC as the column stores it.
LONG_AGO = datetime(2000, 1, 1, tzinfo=timezone.utc)


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contact') as batch:
        batch.add_column(sa.Column('user_team', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('workspace_unknown', sa.Boolean(), nullable=False, server_default=sa.false()))
    # Contacts named before this: a customer's person named in a shared channel then has user_team NULL like one of
    # this workspace's; they are recognised by user id alone until named again (bot/service_map/records.py).
    contact = sa.table('contact', sa.column('workspace_unknown', sa.Boolean()))
    op.execute(contact.update().values(workspace_unknown=True))
    with op.batch_alter_table('member') as batch:
        batch.add_column(sa.Column('home_team', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('home_team_name', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('signoff') as batch:
        batch.add_column(sa.Column('user_team', sa.String(length=32), nullable=True))
    member = sa.table('member', sa.column('fetched_at', sa.DateTime(timezone=True)))
    sqlite = op.get_bind().dialect.name == "sqlite"  # kept there naive, in UTC (models/types.py UTCDateTime)
    op.execute(member.update().values(fetched_at=LONG_AGO.replace(tzinfo=None) if sqlite else LONG_AGO))


def downgrade() -> None:
    with op.batch_alter_table('signoff') as batch:
        batch.drop_column('user_team')
    with op.batch_alter_table('member') as batch:
        batch.drop_column('home_team_name')
        batch.drop_column('home_team')
    with op.batch_alter_table('contact') as batch:
        batch.drop_column('workspace_unknown')
        batch.drop_column('user_team')
