"""PLACEHOLDER for the migration another slice writes as 0004; drop this file at merge.

Revision ID: 0004
Revises: 0003
"""

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
