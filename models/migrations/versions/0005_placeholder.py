"""PLACEHOLDER for the migration another slice writes as 0005; drop this file at merge.

Revision ID: 0005
Revises: 0004
"""

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
