"""Slack Connect's external people (issue 16): contact.user_team (a contact is recognised by user id and workspace),
member.home_team and home_team_name (who belongs to another workspace, and its name), signoff.user_team (the
workspace of whoever agreed)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 00:20:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('contact') as batch:
        batch.add_column(sa.Column('user_team', sa.String(length=32), nullable=True))
    with op.batch_alter_table('member') as batch:
        batch.add_column(sa.Column('home_team', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('home_team_name', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('signoff') as batch:
        batch.add_column(sa.Column('user_team', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('signoff') as batch:
        batch.drop_column('user_team')
    with op.batch_alter_table('member') as batch:
        batch.drop_column('home_team_name')
        batch.drop_column('home_team')
    with op.batch_alter_table('contact') as batch:
        batch.drop_column('user_team')
